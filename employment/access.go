package employment

import (
	"context"
	"fmt"

	"hrss/access"
	"hrss/rules/fault"
)

// authorize checks the caller of ctx against a: the role must have the
// action (else Forbidden), and a record's division, person or employer
// must lie in the caller's reach (else NotFound, as if it did not exist).
// Called first in every method with the action alone, then again with the
// scope of each record loaded. When s.Authorize is set, it decides instead.
func (s *Service) authorize(ctx context.Context, a Access) error {
	if s.Authorize != nil {
		return s.Authorize(ctx, a)
	}
	c, err := access.Require(ctx, a.Action)
	if err != nil || c.IsSystem() {
		return err
	}
	if !inReach(c, a) {
		return fault.NotFoundf("%s not found", a.what())
	}
	return nil
}

func (a Access) what() string {
	switch {
	case a.PersonID != 0:
		return fmt.Sprintf("record of person %d", a.PersonID)
	case a.EmployerID != 0:
		return fmt.Sprintf("record of employer %d", a.EmployerID)
	}
	return "record"
}

// inReach reports whether the scope of a lies within c's reach.
func inReach(c access.Caller, a Access) bool {
	switch c.Role {
	case access.Caseworker, access.Reviewer:
		return a.Division == "" || a.Action == ReadVacancies || c.InDivision(a.Division)
	case access.Citizen:
		return a.PersonID == c.PersonID || a.PersonID == 0 && a.Division == "" || a.Action == ReadVacancies && a.PersonID == 0
	case access.EmployerAgent:
		return a.PersonID == 0 && (a.EmployerID == 0 || a.EmployerID == c.EmployerID)
	}
	return a.PersonID == 0
}

// scopeDivisions returns the divisions a person-level list or ranking must
// keep to for the caller of ctx: nil for no narrowing.
func scopeDivisions(ctx context.Context) []string {
	c, ok := access.CallerFrom(ctx)
	if !ok || !c.DivisionScoped() {
		return nil
	}
	return c.ScopeDivisions()
}

// callerPerson returns the person ID a citizen caller is, or 0.
func callerPerson(ctx context.Context) int64 {
	if c, ok := access.CallerFrom(ctx); ok && c.Role == access.Citizen {
		return c.PersonID
	}
	return 0
}

// audit appends an entry to the audit trail in tx for the caller of ctx.
func (s *Service) audit(ctx context.Context, tx Tx, action string, object string, subjects ...int64) error {
	c, err := access.Current(ctx)
	if err != nil {
		if s.Authorize != nil {
			return nil // a custom authoriser without an access caller (tests of the pure domain)
		}
		return err
	}
	return access.Record(ctx, tx, c, s.now(), access.Event{Action: action, Object: object, Subjects: subjects})
}

func object(kind string, id int64) string { return fmt.Sprintf("%s/%d", kind, id) }
