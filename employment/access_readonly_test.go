package employment

import (
	"context"
	"testing"

	"hrss/access"
	"hrss/rules/fault"
)

// TestReadOnlyTokenCannotWrite: a read-only API token reads but never
// takes an action that changes something.
func TestReadOnlyTokenCannotWrite(t *testing.T) {
	s := &Service{}
	c := access.Caller{UserID: 1, Role: access.Caseworker, Divisions: []string{"330402"}, ReadOnly: true}
	ctx := access.WithCaller(context.Background(), c)
	for _, a := range []Action{WriteSeekers, WriteVacancies, RunBatch, RecordServices, ManageFairs} {
		if err := s.authorize(ctx, Access{Action: a}); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("read-only token: %s gave %v, want Forbidden", a, err)
		}
	}
	if err := s.authorize(ctx, Access{Action: ReadSeekers}); err != nil {
		t.Errorf("read-only token may read: %v", err)
	}
}
