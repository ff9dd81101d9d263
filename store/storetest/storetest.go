// Package storetest opens real databases for tests: a SQLite file in a
// temporary directory always, and PostgreSQL when HRSS_TEST_POSTGRES holds
// a URL, each in a fresh schema of its own so that concurrent runs never
// collide. A PostgreSQL that is named but cannot be reached fails the test;
// it is never skipped.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"hrss/store"
)

// EnvPostgres names the environment variable holding the PostgreSQL URL.
const EnvPostgres = "HRSS_TEST_POSTGRES"

// Each runs fn once per engine, as subtests named "sqlite" and "postgres",
// each with a freshly migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	if pg := Postgres(t); pg != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t, pg)) })
	}
}

// Postgres returns the PostgreSQL URL of the test environment, or "".
func Postgres(t *testing.T) string { return os.Getenv(EnvPostgres) }

// SQLite opens and migrates a new SQLite database in t.TempDir().
func SQLite(t *testing.T) *store.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "hrss.db"))
}

// SQLitePath returns the path of a new, migrated SQLite database file.
func SQLitePath(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "hrss.db")
	open(t, p).Close()
	return p
}

// OpenPostgres creates a schema of its own in the database at base,
// migrates it and returns it; the schema is dropped when the test ends.
func OpenPostgres(t *testing.T, base string) *store.DB {
	t.Helper()
	return open(t, PostgresSchema(t, base))
}

// PostgresSchema creates a fresh schema in the database at base and
// returns a URL whose connections use it; the schema is dropped at the
// end of the test. It fails the test if PostgreSQL cannot be reached.
func PostgresSchema(t *testing.T, base string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "hrss_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("%s=%s: %v", EnvPostgres, base, err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("PostgreSQL at %s=%s cannot be used (the tests are not skipped when it is named): %v", EnvPostgres, base, err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t *testing.T, dsn string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// OtherProcess opens a connection to the PostgreSQL database of dsn named
// as another hrss process's connections to schema are
// (application_name "hrss:PROCESS:SCHEMA"), for the tests of what refuses
// while another hrss process is connected. It is closed with the test.
func OtherProcess(t *testing.T, dsn, schema string) *sql.DB {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", "hrss:0123456789ab:"+schema)
	u.RawQuery = q.Encode()
	db, err := sql.Open("pgx", u.String())
	if err == nil {
		err = db.Ping()
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// HangUp closes other, a connection of OtherProcess, and waits (at most
// 10 s) until its backend has left pg_stat_activity: PostgreSQL ends a
// backend a moment after its client hung up, and a check made at once
// still counted it.
func HangUp(t *testing.T, other *sql.DB, dsn string) {
	t.Helper()
	other.SetMaxOpenConns(1)
	var pid int
	if err := other.QueryRow("SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	other.Close()
	x, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var n int
		if err := x.QueryRow("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the backend %d of the other process is still there 10 s after it hung up", pid)
		}
	}
}
