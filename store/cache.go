package store

import "context"

// MatcherVersion returns the employment matcher's cache version, which
// the triggers of migration 0600 move on every write of the catalogue,
// the vacancies and the seeker registrations (employment.Tx).
func (t *Tx) MatcherVersion(ctx context.Context) (int64, error) {
	var v int64
	err := t.queryRow(ctx, "SELECT version FROM cache_versions WHERE name = 'matcher'").Scan(&v)
	return v, err
}
