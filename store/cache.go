package store

import (
	"context"
	"database/sql"
)

// MatcherVersion returns the employment matcher's cache version, which
// the triggers of migrations 0600 and 0761 move on every write of the
// catalogue, the vacancies and the seeker registrations (employment.Tx).
// It is the sum of the 'matcher' row and, on PostgreSQL, the row of each
// backend that wrote ('matcher/<pid>'), so concurrent writers never
// update one row. Read it in a read-only snapshot (DB.view): inside a
// SERIALIZABLE transaction the sum would conflict with every writer.
func (t *Tx) MatcherVersion(ctx context.Context) (int64, error) {
	var v int64
	err := t.queryRow(ctx, "SELECT COALESCE(SUM(version), 0) FROM cache_versions WHERE name = 'matcher' OR name LIKE 'matcher/%'").Scan(&v)
	return v, err
}

// FoldCacheVersions adds the matcher version rows of the PostgreSQL
// backends that have exited into the 'matcher' row and deletes them, in
// one READ COMMITTED statement, so that the table holds about a row per
// live backend and the sum never changes (a writer whose backend reused a
// pid meanwhile waits for the row and is retried). Migrate runs it, and
// hrss serve every ten minutes. SQLite counts in the one row.
func (db *DB) FoldCacheVersions(ctx context.Context) error {
	if db.engine != Postgres {
		return nil
	}
	return db.retry(ctx, func() error {
		return db.runTx(ctx, db.write, &sql.TxOptions{Isolation: sql.LevelReadCommitted}, func(tx *Tx) error {
			_, err := tx.exec(ctx, `WITH gone AS (
				DELETE FROM cache_versions WHERE name LIKE 'matcher/%'
					AND substr(name, 9)::int NOT IN (SELECT pid FROM pg_stat_activity)
				RETURNING version)
			UPDATE cache_versions SET version = version + (SELECT COALESCE(SUM(version), 0) FROM gone) WHERE name = 'matcher'`)
			return err
		})
	})
}
