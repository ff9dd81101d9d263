package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"hrss/rules/fault"
)

// MigrationStatus compares the migrations a database has applied with the
// ones embedded in this binary.
type MigrationStatus struct {
	Applied int      // how many of the embedded migrations the database has
	Pending []string // embedded migrations it lacks, by file name, in order
	Unknown []int    // versions it has that this binary does not know (a newer hrss)
}

// Current reports whether every embedded migration is applied and none
// unknown is.
func (m MigrationStatus) Current() bool { return len(m.Pending) == 0 && len(m.Unknown) == 0 }

// String says what is missing or unknown, or "current".
func (m MigrationStatus) String() string {
	var parts []string
	if len(m.Pending) > 0 {
		parts = append(parts, "migrations pending: "+strings.Join(m.Pending, ", "))
	}
	if len(m.Unknown) > 0 {
		parts = append(parts, fmt.Sprintf("migrations this binary does not know (made by a newer hrss?): %v", m.Unknown))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("current (%d migrations)", m.Applied)
	}
	return strings.Join(parts, "; ")
}

// Migrations reports db's migrations against the embedded ones, without
// changing anything. A database without the migrations table (a new one,
// or not hrss's) has every migration pending.
func (db *DB) Migrations(ctx context.Context) (MigrationStatus, error) {
	ms, err := loadMigrations(db.engine)
	if err != nil {
		return MigrationStatus{}, err
	}
	var have []int
	err = db.view(ctx, func(tx *Tx) error {
		ok, err := tx.hasTable(ctx, "schema_migrations")
		if err != nil || !ok {
			return err
		}
		have, err = tx.migrationVersions(ctx)
		return err
	})
	if err != nil {
		return MigrationStatus{}, err
	}
	return compareMigrations(ms, have), nil
}

// compareMigrations compares the embedded migrations ms with the versions
// a database recorded.
func compareMigrations(ms []migration, have []int) MigrationStatus {
	var st MigrationStatus
	known := map[int]bool{}
	for _, m := range ms {
		known[m.version] = true
		if slices.Contains(have, m.version) {
			st.Applied++
		} else {
			st.Pending = append(st.Pending, m.name)
		}
	}
	for _, v := range have {
		if !known[v] {
			st.Unknown = append(st.Unknown, v)
		}
	}
	return st
}

// hasTable reports whether the current schema has a table of that name.
func (t *Tx) hasTable(ctx context.Context, name string) (bool, error) {
	q := "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
	if t.engine == Postgres {
		q = "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = ?"
	}
	var n int
	err := t.queryRow(ctx, q, name).Scan(&n)
	return n > 0, err
}

func (t *Tx) migrationVersions(ctx context.Context) ([]int, error) {
	rows, err := t.query(ctx, "SELECT version FROM schema_migrations ORDER BY version")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Ready reports whether db can serve: it answers a query, its migrations
// are exactly this binary's (none pending, none unknown: after a newer
// hrss migrated it, an older server is no longer ready), and no rotation
// of the resident-ID key is half done (then some IDs are sealed under a
// key the server does not hold). The error is a *fault.Error whose
// message says which and names nothing of the system (rules
// ops.database, ops.migrations, ops.rekey), the driver's error as its
// cause; a ctx deadline bounds the wait.
func (db *DB) Ready(ctx context.Context) error {
	st, err := db.Migrations(ctx)
	if err != nil {
		return &fault.Error{Kind: fault.Internal, Rule: "ops.database", Message: "the database does not answer", Err: err}
	}
	if !st.Current() {
		return &fault.Error{Kind: fault.Internal, Rule: "ops.migrations", Message: "the database is not current: " + st.String()}
	}
	rk, ok, err := db.RekeyState(ctx)
	if err != nil {
		return &fault.Error{Kind: fault.Internal, Rule: "ops.database", Message: "the database does not answer", Err: err}
	}
	if ok && !rk.Finished() {
		return &fault.Error{Kind: fault.Internal, Rule: "ops.rekey", Message: fmt.Sprintf("a rotation of the resident-ID key is under way (%d persons resealed): finish it with hrss rekey", rk.Resealed)}
	}
	return nil
}

// PoolStats returns the statistics of db's connection pools by name:
// "write" and "read" on SQLite (the one writer connection and the readers),
// "pool" on PostgreSQL.
func (db *DB) PoolStats() map[string]sql.DBStats {
	if db.read == db.write {
		return map[string]sql.DBStats{"pool": db.write.Stats()}
	}
	return map[string]sql.DBStats{"write": db.write.Stats(), "read": db.read.Stats()}
}

// SchemaExists reports whether the PostgreSQL schema name exists in db's
// database (always true on SQLite, which has none).
func (db *DB) SchemaExists(ctx context.Context, name string) (bool, error) {
	if db.engine != Postgres {
		return true, nil
	}
	var n int
	err := db.view(ctx, func(tx *Tx) error {
		return tx.queryRow(ctx, "SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = ?", name).Scan(&n)
	})
	return n > 0, err
}
