package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hrss/access"
	"hrss/rules/fault"
	"hrss/store"
	"hrss/store/storetest"
)

// TestReadyAndMigrations: a migrated database is current and ready; one
// whose migrations table lacks a row, or holds one this binary does not
// know, is neither (naming the migration); a key rotation under way makes
// it not ready until it finishes.
func TestReadyAndMigrations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st, err := db.Migrations(ctx)
		if err != nil || !st.Current() || st.Applied < 9 {
			t.Fatalf("fresh database: %+v %v", st, err)
		}
		if err := db.Ready(ctx); err != nil {
			t.Fatalf("fresh database not ready: %v", err)
		}
		if pools := db.PoolStats(); len(pools) == 0 || pools[map[store.Engine]string{store.SQLite: "write", store.Postgres: "pool"}[db.Engine()]].MaxOpenConnections == 0 {
			t.Errorf("pools %+v", pools)
		}

		if _, err := db.StartRekey(ctx, []byte("a"), []byte("b"), time.Now()); err != nil {
			t.Fatal(err)
		}
		var fe *fault.Error
		if err := db.Ready(ctx); !errors.As(err, &fe) || fe.Rule != "ops.rekey" {
			t.Errorf("during a rotation: %v", err)
		}
		if _, err := db.StartRekey(ctx, []byte("c"), []byte("d"), time.Now()); fault.KindOf(err) != fault.Conflict {
			t.Errorf("a second rotation while one is under way: %v", err)
		}
		if n, err := db.RekeyChunk(ctx, 10, nil); n != 0 || err != nil { // no persons
			t.Fatalf("chunk: %d %v", n, err)
		}
		if _, err := db.FinishRekey(ctx, time.Now(), nil, func(access.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if err := db.Ready(ctx); err != nil {
			t.Errorf("after the rotation: %v", err)
		}

		raw := rawDB(t, db)
		if _, err := raw.Exec(rebindTest(db, "DELETE FROM schema_migrations WHERE version = ?"), 2); err != nil {
			t.Fatal(err)
		}
		st, _ = db.Migrations(ctx)
		if st.Current() || len(st.Pending) != 1 || st.Pending[0] != "0002_rekey.sql" {
			t.Errorf("a migration missing: %+v", st)
		}
		if err := db.Ready(ctx); !errors.As(err, &fe) || fe.Rule != "ops.migrations" || !strings.Contains(fe.Message, "0002_rekey.sql") {
			t.Errorf("ready with a migration missing: %v", err)
		}
		if _, err := raw.Exec(rebindTest(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'x', 'now'), (9999, 'future', 'now')"), 2); err != nil {
			t.Fatal(err)
		}
		st, _ = db.Migrations(ctx)
		if st.Current() || len(st.Unknown) != 1 || st.Unknown[0] != 9999 {
			t.Errorf("an unknown migration: %+v", st)
		}
		if err := db.Ready(ctx); err == nil {
			t.Errorf("ready with a migration of a newer hrss")
		}
	})
}

// TestBackupSQLiteOnly: Backup refuses PostgreSQL (pg_dump's job) and an
// existing file; on SQLite its copy inspects as a current hrss database.
func TestBackupSQLiteOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		path := filepath.Join(t.TempDir(), "copy.db")
		err := db.Backup(ctx, path)
		if db.Engine() == store.Postgres {
			if fault.KindOf(err) != fault.Invalid {
				t.Errorf("backup of PostgreSQL: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		df, err := store.InspectFile(ctx, path)
		if err != nil || !df.Migrations.Current() || df.Persons != 0 || df.SealedSample != nil {
			t.Errorf("inspect the copy: %+v %v", df, err)
		}
		if err := db.Backup(ctx, path); fault.KindOf(err) != fault.Invalid {
			t.Errorf("backup over a file: %v", err)
		}
		entries, _ := os.ReadDir(filepath.Dir(path))
		if len(entries) != 1 {
			t.Errorf("the backup left %d files", len(entries))
		}
	})
}

// rawDB opens db's database once more, for changes no hrss code makes.
func rawDB(t *testing.T, db *store.DB) *sql.DB {
	t.Helper()
	var x *sql.DB
	var err error
	if db.Engine() == store.Postgres {
		x, err = sql.Open("pgx", store.DSNForTest(db))
	} else {
		x, err = sql.Open("sqlite", "file:"+store.DSNForTest(db)+"?_pragma=busy_timeout(10000)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func rebindTest(db *store.DB, q string) string {
	if db.Engine() != store.Postgres {
		return q
	}
	return strings.Replace(q, "?", "$1", 1)
}
