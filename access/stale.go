package access

import (
	"time"

	"hrss/rules/fault"
)

// UnchangedSince refuses an update whose caller read the record when its
// updated_at was seen, if the record has changed since: optimistic
// concurrency, the one way every updatable record (persons, employers,
// relations, users, vacancies, …) does it. The caller sends back the
// updated_at it read (field "updated_at", RFC 3339); "" skips the check.
// It fails with Invalid for a malformed value and with Conflict (rule
// record.changed, HTTP 409) when the record changed.
func UnchangedSince(seen string, current time.Time) error {
	if seen == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, seen)
	if err != nil {
		return fault.Invalidf("updated_at", "updated_at.format", "%q is not the updated_at timestamp the record gave (RFC 3339)", seen)
	}
	if !t.Equal(current) {
		return fault.Conflictf("updated_at", "record.changed", "the record was changed at %s, after you read it (%s): read it again", current.Format(time.RFC3339Nano), seen)
	}
	return nil
}

// Stamp returns t as a record's updated_at keeps it: UTC, to the
// microsecond (what PostgreSQL stores), so that the value a caller reads
// back is the one UnchangedSince compares.
func Stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
