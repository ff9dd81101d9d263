package insurance

import (
	"context"

	"hrss/access"
	"hrss/rules/fault"
)

// action is what a caller asks of social insurance: one of access's
// permissions (the one table of who may do what is access's).
type action = access.Perm

const (
	actBatch   = access.RunInsurance    // runs, closes, imports, year closes, payment runs, check
	actBills   = access.ReadBills       // read bills and arrears
	actRecord  = access.ReadRecords     // read a person's record and claims
	actClaim   = access.OpenClaims      // open a claim
	actApprove = access.ApprovePayments // approve or reject a claim (four-eyes)
	actCorrect = access.CorrectPeriods  // correct a closed period
	actIncome  = access.ReadAggregates  // read contribution income by division and period (aggregates)
)

// authorize is the one check at the top of every method: the caller's
// role must have the permission (access.Require: Forbidden otherwise, and
// for a read-only token asking to write); batch jobs need a city-wide
// caseworker (or System); and a record of division must lie in a
// division-scoped caller's divisions, else it answers NotFound, as a
// missing one. Employer agents and citizens are narrowed to their own
// bills and records by the methods (seesBill, ownPerson). division is ""
// when the method checks scope itself. No caller gets Unauthorized.
func authorize(ctx context.Context, act action, division string) (access.Caller, error) {
	c, err := access.Require(ctx, act)
	if err != nil || c.IsSystem() {
		return c, err
	}
	if act == actBatch && !c.CityWide() {
		return c, fault.Forbiddenf("social insurance's batch jobs are run by a city-wide caseworker")
	}
	if c.DivisionScoped() && division != "" && !c.InDivision(division) {
		return c, fault.NotFoundf("no such record in your divisions")
	}
	return c, nil
}

// record appends an audit entry for c's action in tx, at the service clock.
func (s *Service) record(ctx context.Context, tx access.AuditTx, c access.Caller, action, object string, subjects ...int64) error {
	return access.Record(ctx, tx, c, s.now(), access.Event{Action: action, Object: object, Subjects: subjects})
}

// ownPerson reports whether c may see person personID's record living
// in division: staff of the division, or the citizen themselves.
func ownPerson(c access.Caller, personID int64, division string) bool {
	if c.IsSystem() {
		return true
	}
	if c.Role == access.Citizen {
		return c.PersonID == personID
	}
	return c.DivisionScoped() && c.InDivision(division)
}

// inReach keeps the rows whose person (and division) of returns c may
// see (ownPerson), in their order.
func inReach[T any](c access.Caller, rows []T, of func(T) (int64, string)) []T {
	out := rows[:0]
	for _, r := range rows {
		if person, division := of(r); ownPerson(c, person, division) {
			out = append(out, r)
		}
	}
	return out
}

// seesBill reports whether c may see a bill of payer in division.
func seesBill(c access.Caller, b Bill) bool {
	switch {
	case c.IsSystem():
		return true
	case c.Role == access.EmployerAgent:
		return b.PayerKind == PayerEmployer && b.PayerID == c.EmployerID
	case c.Role == access.Citizen:
		return b.PayerKind == PayerFlexible && b.PayerID == c.PersonID
	case c.DivisionScoped():
		return c.InDivision(b.Division)
	}
	return false
}
