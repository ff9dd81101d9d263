package store

import "context"

// DSNForTest returns the DSN db was opened with, for tests that change
// what no hrss code changes (a migration row) on a second connection.
func DSNForTest(db *DB) string { return db.dsn }

// UpdateForTest runs fn in db's read-write transaction without the audit
// lock (DB.update), as the bulk writers do, so that a test can make
// writers overlap that the domains' stores would queue.
func UpdateForTest(ctx context.Context, db *DB, fn func(*Tx) error) error { return db.update(ctx, fn) }
