package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// SignInFailures returns the failed sign-ins counted for ip in its
// window; 0 when it has none or its window started at or before since
// (then it is over).
func (db *DB) SignInFailures(ctx context.Context, ip string, since time.Time) (int, error) {
	var n int
	err := db.view(ctx, func(tx *Tx) error {
		err := tx.queryRow(ctx, "SELECT failures FROM signin_failures WHERE ip = ? AND window_start > ?", ip, queueTS(since)).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			n, err = 0, nil
		}
		return err
	})
	return n, err
}

// AddSignInFailure counts a failed sign-in of ip at now: in its window
// if that started after since, else in a new window starting now. It
// also forgets the windows that are over, so the table holds only the
// addresses failing now. Every server shares the counts.
func (db *DB) AddSignInFailure(ctx context.Context, ip string, now, since time.Time) error {
	return db.update(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "DELETE FROM signin_failures WHERE window_start <= ?", queueTS(since)); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO signin_failures (ip, window_start, failures) VALUES (?, ?, 1)
			ON CONFLICT (ip) DO UPDATE SET failures = signin_failures.failures + 1`, ip, queueTS(now))
		return err
	})
}
