package access

import (
	"fmt"
	"time"

	"hrss/rules/fault"
	"hrss/rules/msg"
)

// UnchangedSince refuses an update whose caller read the record when its
// updated_at was seen, if the record has changed since: optimistic
// concurrency, the one way every updatable record (persons, employers,
// relations, users, vacancies, seekers, payees, targets, declarations, …)
// does it. The caller sends back the updated_at it read (field
// "updated_at", RFC 3339; a screen's edit form carries it hidden); ""
// skips the check. record names the record's kind (the catalogue's
// record.KIND, e.g. "vacancy") and id how its reader knows it, for the
// message. It fails with Invalid for a malformed value and with Conflict
// (rule record.changed, HTTP 409, message error.record.changed asking to
// reload) when the record changed.
func UnchangedSince(seen string, current time.Time, record string, id any) error {
	if seen == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, seen)
	if err != nil {
		return fault.Invalidf("updated_at", "updated_at.format", "%q is not the updated_at timestamp the record gave (RFC 3339)", seen)
	}
	if !t.Equal(current) {
		return fault.ConflictMsg("updated_at", "record.changed", "error.record.changed", msg.Label("record", "record."+record),
			msg.Text("id", fmt.Sprint(id)), msg.Text("at", current.In(beijing).Format("2006-01-02 15:04:05")))
	}
	return nil
}

// beijing is the city's clock (UTC+8), in which a refusal names the change.
var beijing = time.FixedZone("UTC+8", 8*3600)

// Stamp returns t as a record's updated_at keeps it: UTC, to the
// microsecond (what PostgreSQL stores), so that the value a caller reads
// back is the one UnchangedSince compares.
func Stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Seen is the updated_at a reader is given to send back (RFC 3339, to
// the nanosecond it holds): what an edit form carries hidden. The zero
// time of a record not yet written (a payee account, a target, a year's
// declaration) is sent back as "0001-01-01T00:00:00Z", and refused once
// someone else has written it meanwhile.
func Seen(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Touched is the updated_at a write stamps on a record last written at
// old: now, or one microsecond after old when the clock has not moved past
// it (a fixed test clock, a clock stepped back, two writes within one
// microsecond), so that every write changes what UnchangedSince compares.
func Touched(old, now time.Time) time.Time {
	now = Stamp(now)
	if !now.After(old) {
		return Stamp(old).Add(time.Microsecond)
	}
	return now
}
