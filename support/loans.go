package support

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"hrss/access"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// LoanStatus is where an entrepreneurship guaranteed loan stands.
type LoanStatus string

// The statuses of a loan.
const (
	LoanApplied  LoanStatus = "applied"  // applied for, awaiting a reviewer
	LoanActive   LoanStatus = "active"   // approved: the bank lends, the subsidy is claimed monthly
	LoanRejected LoanStatus = "rejected" // refused by the reviewer
	LoanRepaid   LoanStatus = "repaid"   // the last month has passed
)

// StartupLoan is an entrepreneurship guaranteed loan (创业担保贷款): who borrows,
// from which bank under which guarantee, its terms from the rules and the
// months the borrower was in default.
type StartupLoan struct {
	ID           int64              `json:"id"`
	Programme    string             `json:"programme"`
	Borrower     rules.Borrower     `json:"borrower"`
	PersonID     int64              `json:"person_id,omitempty"`   // an individual borrower
	EmployerID   int64              `json:"employer_id,omitempty"` // a small enterprise
	Division     string             `json:"division"`
	Bank         string             `json:"bank"`      // the lending bank
	Guarantor    string             `json:"guarantor"` // the guarantee institution (担保机构)
	Principal    money.Fen          `json:"principal"`
	TermMonths   int                `json:"term_months"`
	ContractRate money.Dec          `json:"contract_rate"`
	Signed       period.Date        `json:"signed"`
	Status       LoanStatus         `json:"status"`
	Terms        rules.LoanTerms    `json:"terms"`
	Defaults     []period.YearMonth `json:"defaults,omitempty"` // months the borrower was overdue
	PreparerID   int64              `json:"preparer_id"`
	Preparer     string             `json:"preparer"`
	Reviewer     string             `json:"reviewer,omitempty"`
	Note         string             `json:"note,omitempty"`
	CreatedAt    time.Time          `json:"created_at"`
	DecidedAt    time.Time          `json:"decided_at,omitzero"`
}

// LoanFilter selects loans.
type LoanFilter struct {
	Divisions  []string
	PersonID   int64
	EmployerID int64
	Status     LoanStatus
}

// LoanInput is an application for a loan, every field text so that a bad
// value is reported by name.
type LoanInput struct {
	Programme    string `json:"programme"` // default startup_loan
	Borrower     string `json:"borrower"`  // individual | enterprise
	PersonID     int64  `json:"person_id,omitempty"`
	EmployerID   int64  `json:"employer_id,omitempty"`
	Bank         string `json:"bank"`
	Guarantor    string `json:"guarantor"`
	Principal    string `json:"principal"`     // yuan
	TermMonths   int    `json:"term_months"`   // months
	ContractRate string `json:"contract_rate"` // yearly, e.g. 0.0345
	Signed       string `json:"signed"`        // YYYY-MM-DD
}

// ApplyLoan records an application: a citizen for themselves, an
// employer agent for their enterprise, a caseworker for either in their
// divisions. The terms come from the rules (an enterprise's staff and
// hires of the last twelve months from the registry); a loan outside the
// limits is refused with Invalid naming the rule (loan.not_eligible).
func (s *Service) ApplyLoan(ctx context.Context, in LoanInput) (StartupLoan, error) {
	c, err := authorize(ctx, access.ApplyLoans, "")
	if err != nil {
		return StartupLoan{}, err
	}
	l, err := parseLoan(in)
	if err != nil {
		return StartupLoan{}, err
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := s.borrower(ctx, tx, c, &l); err != nil {
			return err
		}
		if err := s.loanTerms(ctx, tx, &l); err != nil {
			return err
		}
		l.Status, l.PreparerID, l.Preparer, l.CreatedAt = LoanApplied, c.UserID, c.Actor(), s.now()
		if err := tx.InsertLoan(ctx, &l); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "support.loan.apply", fmt.Sprintf("loan/%d: %s yuan, %d months", l.ID, l.Principal, l.TermMonths), l.PersonID)
	})
	return l, err
}

func parseLoan(in LoanInput) (StartupLoan, error) {
	l := StartupLoan{Programme: strings.TrimSpace(in.Programme), Borrower: rules.Borrower(in.Borrower), PersonID: in.PersonID, EmployerID: in.EmployerID,
		Bank: strings.TrimSpace(in.Bank), Guarantor: strings.TrimSpace(in.Guarantor), TermMonths: in.TermMonths}
	if l.Programme == "" {
		l.Programme = "startup_loan"
	}
	var err error
	if l.Principal, err = money.Parse(in.Principal); err != nil || l.Principal <= 0 {
		return l, fault.Invalidf("principal", "loan.principal", "%q is not a positive amount in yuan", in.Principal)
	}
	if l.ContractRate, err = money.ParseDec(in.ContractRate); err != nil {
		return l, fault.Invalidf("contract_rate", "loan.rate", "%q is not a yearly rate such as 0.0345", in.ContractRate)
	}
	if l.Signed, err = period.ParseDate(in.Signed); err != nil {
		return l, fault.Invalidf("signed", "loan.signed", "%q is not a date YYYY-MM-DD", in.Signed)
	}
	switch {
	case l.Bank == "":
		return l, fault.Invalidf("bank", "loan.bank", "give the lending bank")
	case l.Guarantor == "":
		return l, fault.Invalidf("guarantor", "loan.guarantor", "give the guarantee institution")
	case l.Borrower == rules.BorrowerIndividual && (l.PersonID <= 0 || l.EmployerID != 0):
		return l, fault.Invalidf("person_id", "loan.person", "an individual's loan names the person (person_id) and no employer")
	case l.Borrower == rules.BorrowerEnterprise && (l.EmployerID <= 0 || l.PersonID != 0):
		return l, fault.Invalidf("employer_id", "loan.employer", "an enterprise's loan names the employer (employer_id) and no person")
	}
	return l, nil
}

// borrower checks the caller may apply for l's borrower and sets its division.
func (s *Service) borrower(ctx context.Context, tx Tx, c access.Caller, l *StartupLoan) error {
	var err error
	if l.Borrower == rules.BorrowerIndividual {
		l.Division, err = tx.PersonDivision(ctx, l.PersonID)
	} else {
		l.Division, err = tx.EmployerDivision(ctx, l.EmployerID)
	}
	if err != nil {
		return err
	}
	switch {
	case c.IsSystem():
	case c.DivisionScoped():
		if !c.InDivision(l.Division) {
			return access.ForbiddenField("division", "the borrower is registered in %s, outside your divisions", l.Division)
		}
	case c.Role == access.Citizen && l.Borrower == rules.BorrowerIndividual && c.PersonID == l.PersonID:
	case c.Role == access.EmployerAgent && l.Borrower == rules.BorrowerEnterprise && c.EmployerID == l.EmployerID:
	default:
		return fault.Forbiddenf("you may apply only for yourself or your own enterprise")
	}
	return nil
}

// loanTerms decides l's terms by the rules.
func (s *Service) loanTerms(ctx context.Context, tx Tx, l *StartupLoan) error {
	in := rules.LoanInput{Programme: l.Programme, Borrower: l.Borrower, Division: l.Division, Signed: l.Signed,
		Principal: l.Principal, TermMonths: l.TermMonths, ContractRate: l.ContractRate}
	if l.Borrower == rules.BorrowerEnterprise {
		var err error
		if in.Staff, in.NewHires, err = tx.EnterpriseStaff(ctx, l.EmployerID, l.Signed); err != nil {
			return err
		}
	}
	t, err := s.Params.LoanTerms(in, true)
	if err != nil {
		return err
	}
	if !t.Eligible {
		return fault.Invalidf("principal", "loan.not_eligible", "the loan is outside the programme's terms (%s %v)", t.Reason.Key, t.Reason.Args)
	}
	l.Terms = t
	return nil
}

// DecideLoan approves or rejects an application: a reviewer of the
// borrower's division who did not record it (four eyes). A rejection
// needs a reason. It fails with Conflict for a loan already decided.
func (s *Service) DecideLoan(ctx context.Context, id int64, approve bool, reason string) (StartupLoan, error) {
	reason = strings.TrimSpace(reason)
	if !approve && reason == "" {
		return StartupLoan{}, fault.Invalidf("reason", "loan.reason", "a rejection needs a reason")
	}
	var l StartupLoan
	err := s.Store.Update(ctx, func(tx Tx) error {
		var err error
		if l, err = tx.Loan(ctx, id); err != nil {
			return err
		}
		c, err := access.RequireApprover(ctx, l.PreparerID)
		if err != nil {
			return err
		}
		if !c.InDivision(l.Division) {
			return access.OutOfScope("loan", id)
		}
		if l.Status != LoanApplied {
			return fault.Conflictf("status", "loan.applied", "loan %d is %s, not applied", id, l.Status)
		}
		l.Status, l.Reviewer, l.DecidedAt, l.Note = LoanRejected, c.Actor(), s.now(), reason
		if approve {
			l.Status = LoanActive
		}
		if err := tx.UpdateLoan(ctx, l); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "support.loan."+map[bool]string{true: "approve", false: "reject"}[approve], fmt.Sprintf("loan/%d", id), l.PersonID)
	})
	return l, err
}

// MarkDefault records that the borrower of an active loan was overdue in
// month p (as the bank reports): that month's subsidy is then paid at the
// default_subsidy share. It needs PrepareGrants in the loan's division.
func (s *Service) MarkDefault(ctx context.Context, id int64, p period.YearMonth) (StartupLoan, error) {
	var l StartupLoan
	err := s.Store.Update(ctx, func(tx Tx) error {
		var err error
		if l, err = tx.Loan(ctx, id); err != nil {
			return err
		}
		c, err := authorize(ctx, access.PrepareGrants, l.Division)
		if err != nil {
			return err
		}
		sched := rules.LoanSchedule(l.input(), l.Terms)
		if l.Status != LoanActive || p < sched[0].Period || p > sched[len(sched)-1].Period {
			return fault.Invalidf("period", "loan.default_period", "loan %d (%s) has no month %s", id, l.Status, p)
		}
		if !slices.Contains(l.Defaults, p) {
			l.Defaults = append(l.Defaults, p)
			slices.Sort(l.Defaults)
		}
		if err := tx.UpdateLoan(ctx, l); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "support.loan.default", fmt.Sprintf("loan/%d: %s", id, p), l.PersonID)
	})
	return l, err
}

// input is the rules' view of l.
func (l StartupLoan) input() rules.LoanInput {
	return rules.LoanInput{Programme: l.Programme, Borrower: l.Borrower, Division: l.Division, Signed: l.Signed,
		Principal: l.Principal, TermMonths: l.TermMonths, ContractRate: l.ContractRate}
}

// Schedule returns l's months with the subsidy due for each.
func (s *Service) Schedule(l StartupLoan) ([]ScheduleMonth, error) {
	var out []ScheduleMonth
	for _, m := range rules.LoanSchedule(l.input(), l.Terms) {
		def := slices.Contains(l.Defaults, m.Period)
		amt, _, err := s.Params.LoanSubsidy(l.Programme, l.Division, l.Signed, m, def, false)
		if err != nil {
			return nil, err
		}
		out = append(out, ScheduleMonth{LoanMonth: m, InDefault: def, Claimable: amt})
	}
	return out, nil
}

// ScheduleMonth is a month of a loan with what the bank may claim.
type ScheduleMonth struct {
	rules.LoanMonth
	InDefault bool      `json:"in_default"`
	Claimable money.Fen `json:"claimable"`
}

// ClaimSubsidy records the lending bank's claim of the interest subsidy
// of an active loan for its months up to through (not after the current
// month): a pending grant per month not claimed before (key loan:ID/
// YYYY-MM, so no month is paid twice), with the rule's trace, for the
// same batch, approval and payment run as every grant; months whose
// subsidy is zero are skipped. It needs PrepareGrants in the loan's
// division and returns the grants created.
func (s *Service) ClaimSubsidy(ctx context.Context, id int64, through period.YearMonth) ([]Grant, error) {
	if through > s.today().Month() {
		return nil, fault.Invalidf("through", "loan.claim_future", "%s has not ended: claim months up to %s", through, s.today().Month())
	}
	var created []Grant
	err := s.Store.Update(ctx, func(tx Tx) error {
		created = nil
		l, err := tx.Loan(ctx, id)
		if err != nil {
			return err
		}
		c, err := authorize(ctx, access.PrepareGrants, l.Division)
		if err != nil {
			return err
		}
		if l.Status != LoanActive {
			return fault.Conflictf("status", "loan.active", "loan %d is %s: only an active loan's subsidy is claimed", id, l.Status)
		}
		for _, m := range rules.LoanSchedule(l.input(), l.Terms) {
			if m.Period > through {
				break
			}
			g, ok, err := s.claimMonth(ctx, tx, l, m)
			if err != nil {
				return err
			}
			if ok {
				created = append(created, g)
			}
		}
		return s.record(ctx, tx, c, "support.loan.claim", fmt.Sprintf("loan/%d: %d months claimed through %s", id, len(created), through), l.PersonID)
	})
	return created, err
}

// claimMonth creates the grant of one month's subsidy unless claimed.
func (s *Service) claimMonth(ctx context.Context, tx Tx, l StartupLoan, m rules.LoanMonth) (Grant, bool, error) {
	def := slices.Contains(l.Defaults, m.Period)
	amt, trace, err := s.Params.LoanSubsidy(l.Programme, l.Division, l.Signed, m, def, true)
	if err != nil || amt <= 0 {
		return Grant{}, false, err
	}
	g, err := s.Params.Programme(l.Programme)
	if err != nil {
		return Grant{}, false, err
	}
	gr := Grant{Programme: g.Code, Family: g.Family, Key: fmt.Sprintf("loan:%d/%s", l.ID, m.Period), PersonID: l.PersonID, EmployerID: l.EmployerID,
		Beneficiary: rules.PaysBank, PayeeID: l.ID, Division: l.Division, Source: Source{LoanID: l.ID, LoanPeriod: m.Period},
		Event: m.Period.First(), Amount: amt, Months: 1, Trace: append(l.Terms.Trace, trace...), Status: Pending, CreatedAt: s.now(), UpdatedAt: s.now(),
		Reason: rules.Reason{Key: "support.eligible.loan_month", Args: map[string]string{"loan": fmt.Sprint(l.ID), "period": m.Period.String(),
			"interest": m.Interest.String(), "borrower": m.Borrower.String(), "subsidy": amt.String()}}}
	ok, err := tx.InsertGrant(ctx, &gr, s.today())
	return gr, ok, err
}

// Loans lists the loans the caller may see: staff of the divisions, a
// citizen their own, an agent their enterprise's.
func (s *Service) Loans(ctx context.Context, f LoanFilter) ([]StartupLoan, error) {
	c, err := authorize(ctx, access.ReadGrants, "")
	if err != nil {
		return nil, err
	}
	switch {
	case c.IsSystem():
	case c.DivisionScoped():
		f.Divisions = c.ScopeDivisions()
	case c.Role == access.Citizen:
		f.PersonID, f.EmployerID = c.PersonID, 0
	case c.Role == access.EmployerAgent:
		f.EmployerID, f.PersonID = c.EmployerID, 0
	default:
		return nil, nil
	}
	var out []StartupLoan
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.ListLoans(ctx, f)
		return err
	})
	return out, err
}

// Loan returns one loan with its schedule, NotFound out of reach.
func (s *Service) Loan(ctx context.Context, id int64) (StartupLoan, []ScheduleMonth, error) {
	c, err := authorize(ctx, access.ReadGrants, "")
	if err != nil {
		return StartupLoan{}, nil, err
	}
	var l StartupLoan
	err = access.ViewAudited(ctx, s.Store, c, s.now(), func(tx Tx) (ev access.Event, err error) {
		if l, err = tx.Loan(ctx, id); err != nil {
			return ev, err
		}
		ok := c.IsSystem() || (c.DivisionScoped() && c.InDivision(l.Division)) ||
			(c.Role == access.Citizen && l.PersonID != 0 && l.PersonID == c.PersonID) ||
			(c.Role == access.EmployerAgent && l.EmployerID != 0 && l.EmployerID == c.EmployerID)
		if !ok {
			return ev, access.OutOfScope("loan", id)
		}
		return access.Event{Action: "support.loan.view", Object: fmt.Sprintf("loan/%d", id), Subjects: []int64{l.PersonID}}, nil
	})
	if err != nil {
		return StartupLoan{}, nil, err
	}
	sched, err := s.Schedule(l)
	return l, sched, err
}
