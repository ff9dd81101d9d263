package access

import (
	"testing"
	"time"

	"hrss/rules/fault"
)

// TestTouchedMovesEveryWrite: a write on a clock that has not moved past
// the record's updated_at (fixed, stepped back, the same microsecond)
// still changes it, so that a reader of the old one is refused.
func TestTouchedMovesEveryWrite(t *testing.T) {
	old := time.Date(2026, 3, 1, 9, 0, 0, 123456000, time.UTC)
	for _, now := range []time.Time{old, old.Add(-time.Hour), old.Add(999 * time.Nanosecond)} {
		next := Touched(old, now)
		if !next.Equal(old.Add(time.Microsecond)) {
			t.Errorf("Touched(%v, %v) = %v, want one microsecond later", old, now, next)
		}
		if err := UnchangedSince(Seen(old), next, "vacancy", 1); fault.KindOf(err) != fault.Conflict {
			t.Errorf("a reader of %v after a write at %v: %v", old, now, err)
		}
	}
	later := old.Add(time.Second + 789)
	if got := Touched(old, later); !got.Equal(Stamp(later)) {
		t.Errorf("a clock past the record: %v, want %v", got, Stamp(later))
	}
	if err := UnchangedSince(Seen(time.Time{}), time.Time{}, "payee", "employer #1"); err != nil {
		t.Errorf("a record not yet written, read as none: %v", err)
	}
}
