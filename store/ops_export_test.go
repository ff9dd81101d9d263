package store

// DSNForTest returns the DSN db was opened with, for tests that change
// what no hrss code changes (a migration row) on a second connection.
func DSNForTest(db *DB) string { return db.dsn }
