package insurance

import (
	"context"

	"hrss/access"
	"hrss/rules/fault"
)

// action is what a caller asks of social insurance.
type action int

const (
	actBatch   action = iota + 1 // runs, closes, imports, year closes, payment runs, check
	actBills                     // read bills and arrears
	actRecord                    // read a person's record and claims
	actClaim                     // open a claim
	actApprove                   // approve or reject a claim (four-eyes)
	actCorrect                   // correct a closed period
	actIncome                    // read contribution income by division and period (aggregates)
)

// authorize is the one check at the top of every method: who may do
// what. The decisions:
//   - batch jobs (assessment, close, collections, year close, payment
//     runs, check): System (the operator's CLI and the bureau's jobs) or
//     a city-wide caseworker;
//   - bills and arrears: staff of the division (caseworkers, reviewers,
//     city-wide for all), an employer agent for their own employer's
//     bills, analysts for totals (no person-level rows);
//   - a person's record, statement and claims: staff of the division of
//     the record, the citizen themselves;
//   - opening a claim or a correction: a caseworker of the division;
//   - approving a claim: a reviewer of the division who did not prepare
//     it (checked by the claim methods);
//   - contribution income by division and period: analysts (every
//     division) and the divisions' staff (their divisions, narrowed by
//     Income).
//
// division is the division the record belongs to ("" when the method
// checks scope itself). A role that may not act gets Forbidden; a record
// out of the caller's divisions NotFound, as a missing one; no caller
// Unauthorized.
func authorize(ctx context.Context, act action, division string) (access.Caller, error) {
	c, err := access.Current(ctx)
	if err != nil {
		return c, err
	}
	if c.ReadOnly && act != actBills && act != actRecord && act != actIncome {
		return c, &fault.Error{Kind: fault.Forbidden, Rule: "auth.read_only", Message: "this API token may only read"}
	}
	if c.IsSystem() {
		if act == actApprove {
			return c, fault.Forbiddenf("a claim is approved by a named reviewer, never by the system")
		}
		return c, nil
	}
	if !allowed(c, act, "") {
		return c, fault.Forbiddenf("your role (%s) may not do this in social insurance", c.Role)
	}
	if !allowed(c, act, division) {
		// out of the caller's divisions: answered as if it did not exist
		return c, fault.NotFoundf("no such record in your divisions")
	}
	return c, nil
}

func allowed(c access.Caller, act action, division string) bool {
	inDiv := division == "" || c.InDivision(division)
	switch act {
	case actBatch:
		return c.Role == access.Caseworker && c.CityWide()
	case actBills:
		return (c.DivisionScoped() && inDiv) || c.Role == access.EmployerAgent || c.Role == access.Analyst
	case actRecord:
		return (c.DivisionScoped() && inDiv) || c.Role == access.Citizen
	case actClaim, actCorrect:
		return c.Role == access.Caseworker && inDiv
	case actApprove:
		return c.Role == access.Reviewer && inDiv
	case actIncome:
		return c.DivisionScoped() || c.Role == access.Analyst
	}
	return false
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
