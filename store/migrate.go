package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrations embed.FS

// migration is one numbered, append-only schema change. Numbers are
// unique and applied in increasing order; each domain takes its own range
// (registry 0001-0099, access 0100-0199, insurance 0200-0299, employment
// 0300-0399, support 0400-0499, insight 0500-0599) so that work on two
// domains never collides on a number. Both engines use the same numbers.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the embedded migrations of engine, in order.
func loadMigrations(engine Engine) ([]migration, error) {
	dir := "migrations/" + string(engine)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s/%s: name must be NNNN_name.sql", dir, e.Name())
		}
		b, err := migrations.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{v, e.Name(), string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share a number", out[i-1].name, out[i].name)
		}
	}
	return out, nil
}

// Migrate applies the embedded migrations that db has not yet seen, each
// in its own transaction, and returns how many it applied. Concurrent
// migrators on PostgreSQL (several instances starting at once) queue on a
// session advisory lock taken before their transactions begin, so each
// sees what the one before it applied. Afterwards it builds what a bulk
// load that stopped half-way set aside (bulk_load.go) and folds the
// matcher version counts of exited PostgreSQL backends (cache.go).
func (db *DB) Migrate(ctx context.Context) (int, error) {
	ms, err := loadMigrations(db.engine)
	if err != nil {
		return 0, err
	}
	applied := 0
	err = db.withLock(ctx, migrateLockKey, func(b beginner) error {
		for _, m := range ms {
			done := false
			err := db.retry(ctx, func() error {
				return db.runTx(ctx, b, db.writeOpts(), func(tx *Tx) (err error) {
					done, err = applyMigration(ctx, tx, m)
					return err
				})
			})
			if err != nil {
				return err
			}
			if !done {
				applied++
			}
		}
		return nil
	})
	if err == nil {
		err = db.restoreAfterMigrate(ctx) // bulk_load.go: a load that stopped half-way
	}
	if err == nil {
		err = db.FoldCacheVersions(ctx) // cache.go: the counts of exited backends
	}
	return applied, err
}

// applyMigration applies m unless schema_migrations records it; done says
// it was there already.
func applyMigration(ctx context.Context, tx *Tx, m migration) (done bool, err error) {
	if _, err := tx.exec(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"); err != nil {
		return false, err
	}
	var n int
	if err := tx.queryRow(ctx, "SELECT count(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return true, nil
	}
	if _, err := tx.exec(ctx, m.sql); err != nil {
		return false, fmt.Errorf("migration %s: %w", m.name, err)
	}
	_, err = tx.exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.version, m.name, time.Now().UTC().Format(time.RFC3339))
	return false, err
}
