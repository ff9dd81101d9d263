package demo

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"

	"hrss/rules"
	"hrss/store"
)

// loadCity generates a small city with its employment services and legacy
// accounts into a migrated SQLite file, through store.BulkLoad when fresh
// is set and through the plain store.Bulk otherwise, and returns the path.
func loadCity(t *testing.T, fresh bool) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hrss.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	bulk := db.Bulk()
	if fresh {
		if bulk, err = db.BulkLoad(ctx); err != nil {
			t.Fatal(err)
		}
	}
	params, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Persons: 3000, Seed: 5, AsOf: asOf}
	sink, _ := WithJobs(bulk, cfg)
	sink, _ = WithAccounts(sink, bulk, params)
	if _, err := Generate(ctx, cfg, testVault(t), sink, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

// rawRows opens path read-only and returns the rows of q as text.
func rawRows(t *testing.T, path, q string) []string {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a, b, c string
		if err := rows.Scan(&a, &b, &c); err != nil {
			t.Fatal(err)
		}
		out = append(out, a+" | "+b+" | "+c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// schemaQuery lists every index and trigger with its SQL (autoindexes,
// which have none, by name).
const schemaQuery = `SELECT type, name, COALESCE(sql, '') FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY type, name`

// changesQuery is what the indicators' summary reads of its change log:
// per source, the earliest month logged.
const changesQuery = `SELECT source, CAST(min(since) AS TEXT), CAST(count(*) > 0 AS TEXT) FROM insight_changes GROUP BY source ORDER BY source`

// TestBulkLoadSchema: a fresh bulk load, which writes without the
// secondary indexes and insight triggers of its tables and builds them at
// the end, leaves exactly the indexes and triggers the migrations made
// (the same SQL), the same rows, nothing waiting in bulk_deferred, and an
// insight change log from which the summary reads the same as from the
// row-by-row triggers of a plain load.
func TestBulkLoadSchema(t *testing.T) {
	plain, fresh := loadCity(t, false), loadCity(t, true)
	migrated := filepath.Join(t.TempDir(), "migrated.db")
	db, err := store.Open(context.Background(), migrated)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	want := rawRows(t, migrated, schemaQuery)
	if got := rawRows(t, fresh, schemaQuery); !slices.Equal(got, want) {
		t.Errorf("schema after a fresh bulk load differs from the migrations':\n got %q\nwant %q", got, want)
	}
	if got := rawRows(t, plain, schemaQuery); !slices.Equal(got, want) {
		t.Errorf("schema after a plain load differs from the migrations':\n got %q\nwant %q", got, want)
	}
	if n := len(want); n < 20 {
		t.Fatalf("only %d indexes and triggers listed", n)
	}
	if got := rawRows(t, fresh, `SELECT name, def, replay FROM bulk_deferred`); len(got) > 0 {
		t.Errorf("bulk_deferred still holds %q", got)
	}
	wantChanges := rawRows(t, plain, changesQuery)
	if got := rawRows(t, fresh, changesQuery); !slices.Equal(got, wantChanges) || len(got) < 3 {
		t.Errorf("insight changes after a fresh load %q, after a plain load %q", got, wantChanges)
	}
	counts := `SELECT 'rows', CAST((SELECT count(*) FROM persons) + (SELECT count(*) FROM employments) + (SELECT count(*) FROM flexible_workers) AS TEXT),
		CAST((SELECT count(*) FROM ins_account_legacy) + (SELECT count(*) FROM seeker_registrations) AS TEXT)`
	if got, want := rawRows(t, fresh, counts), rawRows(t, plain, counts); !slices.Equal(got, want) {
		t.Errorf("rows after a fresh load %q, after a plain load %q", got, want)
	}
	// The built indexes answer: the integrity check compares every index
	// with its table.
	if got := rawRows(t, fresh, `SELECT 'check', integrity_check, '' FROM pragma_integrity_check`); !slices.Equal(got, []string{"check | ok | "}) {
		t.Errorf("integrity check after a fresh load: %q", got)
	}
}

// TestBulkLoadStopped: a fresh load that stops half-way (no Finish) leaves
// its indexes and triggers recorded; the next Migrate builds them, so the
// schema is the migrations' again. A database that already holds rows is
// not loaded fresh.
func TestBulkLoadStopped(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hrss.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	want := rawRows(t, path, schemaQuery)
	bulk, err := db.BulkLoad(ctx)
	if err != nil {
		t.Fatal(err)
	}
	g := newGen(Config{Persons: 50, Seed: 1, AsOf: asOf}, testVault(t))
	if err := bulk.Employers(ctx, g.employers()); err != nil {
		t.Fatal(err)
	}
	if got := rawRows(t, path, schemaQuery); len(got) >= len(want) {
		t.Fatalf("the fresh load set nothing aside: %d objects, the migrations make %d", len(got), len(want))
	}
	db.Close() // stopped: no Finish

	db, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rawRows(t, path, schemaQuery); !slices.Equal(got, want) {
		t.Errorf("schema after Migrate following a stopped load:\n got %q\nwant %q", got, want)
	}
	if _, err := db.BulkLoad(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rawRows(t, path, schemaQuery); !slices.Equal(got, want) {
		t.Errorf("a database with employers was loaded as fresh: %d objects left", len(got))
	}
}
