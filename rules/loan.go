package rules

import (
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"

	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// Borrower is who takes an entrepreneurship guaranteed loan.
type Borrower string

// The borrowers.
const (
	BorrowerIndividual Borrower = "individual" // a person starting a business
	BorrowerEnterprise Borrower = "enterprise" // a small or micro enterprise
)

// LoanInput is an entrepreneurship guaranteed loan (创业担保贷款) as the
// bank offers it.
type LoanInput struct {
	Programme    string      `json:"programme"`
	Borrower     Borrower    `json:"borrower"`
	Division     string      `json:"division"`      // where the borrower is registered
	Signed       period.Date `json:"signed"`        // the contract date: the LPR of that day applies
	Principal    money.Fen   `json:"principal"`     // the amount lent
	TermMonths   int         `json:"term_months"`   // months to maturity
	ContractRate money.Dec   `json:"contract_rate"` // the bank's yearly rate, e.g. 0.0345
	Staff        int         `json:"staff"`         // enterprises: employees at the application
	NewHires     int         `json:"new_hires"`     // enterprises: hires in the 12 months before it
}

// LoanTerms are what the rules allow for a loan: whether it qualifies,
// its limits and the yearly rates the borrower and the subsidy carry.
type LoanTerms struct {
	Eligible     bool      `json:"eligible"`
	Reason       Reason    `json:"reason"`
	MaxPrincipal money.Fen `json:"max_principal"`
	MaxTerm      int       `json:"max_term_months"`
	LPR          money.Dec `json:"lpr"`
	BorrowerRate money.Dec `json:"borrower_rate"` // min(contract rate, LPR − borrower_below_lpr)
	SubsidyRate  money.Dec `json:"subsidy_rate"`  // contract rate − borrower rate
	Trace        []Step    `json:"trace,omitempty"`
}

// LoanTerms decides a loan: the principal within individual_max or
// enterprise_max, the term within individual_term or enterprise_term, an
// enterprise's new hires of the last 12 months at least hire_share of its
// staff (hire_share_large above large_staff staff), and the borrower's
// yearly rate at most the LPR on the signing date minus
// borrower_below_lpr, the subsidy carrying the rest of the contract rate
// (RULES.md §6). A loan outside the limits is not eligible, with the
// reason; it fails with an Invalid error for bad input or a parameter not
// in force.
func (p *Params) LoanTerms(in LoanInput, explain bool) (LoanTerms, error) {
	g, err := p.Programme(in.Programme)
	if err != nil {
		return LoanTerms{}, err
	}
	if err := checkLoanInput(g, in); err != nil {
		return LoanTerms{}, err
	}
	tr := newTrace(explain)
	traceProgramme(tr, g)
	if tr != nil {
		tr.input("borrower", string(in.Borrower))
		tr.input("signed", in.Signed.String())
		tr.input("principal", in.Principal.String())
		tr.input("term_months", strconv.Itoa(in.TermMonths))
		tr.input("contract_rate", in.ContractRate.String())
	}
	r := p.reader(in.Division, tr)
	t, err := r.loanTerms(g, in)
	t.Trace = tr.list()
	return t, err
}

func checkLoanInput(g *Programme, in LoanInput) error {
	switch {
	case g.Formula != FormulaStartupLoan:
		return invalid("programme", "loan.programme", "error.loan.programme", msg.Text("programme", g.Code))
	case in.Borrower != BorrowerIndividual && in.Borrower != BorrowerEnterprise:
		return invalid("borrower", "loan.borrower", "error.loan.borrower", msg.Text("borrower", string(in.Borrower)))
	case in.Signed.IsZero():
		return invalid("signed", "loan.signed", "error.loan.signed")
	case in.Principal <= 0:
		return invalid("principal", "loan.principal", "error.loan.principal")
	case in.TermMonths <= 0 || in.TermMonths > 120:
		return invalid("term_months", "loan.term", "error.loan.term", msg.Int("term", in.TermMonths))
	case in.ContractRate.IsNegative() || in.ContractRate.GreaterThan(decimal.New(5, -1)):
		return invalid("contract_rate", "loan.rate", "error.loan.rate", msg.Dec("rate", in.ContractRate))
	case in.Staff < 0 || in.NewHires < 0:
		return invalid("staff", "loan.staff", "error.loan.staff")
	case !g.Covers(in.Signed):
		return invalid("signed", "loan.dates", "error.loan.dates", msg.Date("signed", in.Signed), msg.Text("programme", g.Code), msg.Date("from", g.From))
	}
	return nil
}

func (r reader) loanTerms(g *Programme, in LoanInput) (LoanTerms, error) {
	var t LoanTerms
	who := "individual"
	if in.Borrower == BorrowerEnterprise {
		who = "enterprise"
	}
	var err error
	if t.MaxPrincipal, err = r.fen(g.ParamName(who+"_max"), in.Signed); err != nil {
		return t, err
	}
	if t.MaxTerm, err = r.int(g.ParamName(who+"_term"), in.Signed); err != nil {
		return t, err
	}
	if err := r.loanRates(g, in, &t); err != nil {
		return t, err
	}
	switch {
	case in.Principal > t.MaxPrincipal:
		t.Reason = reason("support.refused.loan_principal", "principal", in.Principal.String(), "max", t.MaxPrincipal.String())
	case in.TermMonths > t.MaxTerm:
		t.Reason = reason("support.refused.loan_term", "term", fmt.Sprint(in.TermMonths), "max", fmt.Sprint(t.MaxTerm))
	case in.Borrower == BorrowerEnterprise:
		err := r.hiringCondition(g, in, &t) // before t is returned (order of "return t, f(&t)" unspecified)
		return t, err
	default:
		t.Eligible, t.Reason = true, reason("support.eligible.loan", "max", t.MaxPrincipal.String(), "term", fmt.Sprint(t.MaxTerm))
	}
	return t, nil
}

// loanRates sets the LPR and the borrower's and the subsidy's rates.
func (r reader) loanRates(g *Programme, in LoanInput, t *LoanTerms) error {
	var err error
	if t.LPR, err = r.dec(g.ParamName("lpr"), in.Signed); err != nil {
		return err
	}
	below, err := r.dec(g.ParamName("borrower_below_lpr"), in.Signed)
	if err != nil {
		return err
	}
	capRate := decimal.Max(t.LPR.Sub(below), decimal.Zero)
	t.BorrowerRate = decimal.Min(in.ContractRate, capRate)
	t.SubsidyRate = in.ContractRate.Sub(t.BorrowerRate)
	r.tr.value("borrower_rate", t.BorrowerRate.String(), "trace.loan.borrower_rate", msg.Dec("contract", in.ContractRate), msg.Dec("lpr", t.LPR), msg.Dec("below", below))
	r.tr.value("subsidy_rate", t.SubsidyRate.String(), "trace.loan.subsidy_rate")
	return nil
}

// hiringCondition checks an enterprise's new hires against its staff.
func (r reader) hiringCondition(g *Programme, in LoanInput, t *LoanTerms) error {
	large, err := r.dec(g.ParamName("large_staff"), in.Signed)
	if err != nil {
		return err
	}
	sfx := "hire_share"
	if decimal.NewFromInt(int64(in.Staff)).GreaterThan(large) {
		sfx = "hire_share_large"
	}
	share, err := r.dec(g.ParamName(sfx), in.Signed)
	if err != nil {
		return err
	}
	need := share.Mul(decimal.NewFromInt(int64(in.Staff)))
	r.tr.value("hires_needed", need.String(), "trace.loan.hires_needed", msg.Dec("share", share), msg.Int("staff", in.Staff))
	if in.Staff == 0 || decimal.NewFromInt(int64(in.NewHires)).LessThan(need) {
		t.Reason = reason("support.refused.loan_hires", "hires", fmt.Sprint(in.NewHires), "staff", fmt.Sprint(in.Staff), "share", share.String())
		return nil
	}
	t.Eligible, t.Reason = true, reason("support.eligible.loan_enterprise", "hires", fmt.Sprint(in.NewHires), "staff", fmt.Sprint(in.Staff), "max", t.MaxPrincipal.String())
	return nil
}

// LoanMonth is one month of a loan's schedule: interest only, the
// principal repaid at maturity (按月付息、到期还本).
type LoanMonth struct {
	N           int              `json:"n"` // 1 for the first month
	Period      period.YearMonth `json:"period"`
	LoanYear    int              `json:"loan_year"` // 1 for months 1-12
	Outstanding money.Fen        `json:"outstanding"`
	Repaid      money.Fen        `json:"repaid"` // principal repaid this month
	Interest    money.Fen        `json:"interest"`
	Borrower    money.Fen        `json:"borrower"` // the borrower's share of the interest
	Subsidy     money.Fen        `json:"subsidy"`  // the subsidised share
}

// LoanSchedule returns the months of a loan from the month after signing:
// each month's interest is the outstanding principal × the contract rate
// ÷ 12 and the borrower's share the outstanding × the borrower's rate ÷ 12,
// each rounded half-up to the fen (rule: monthly interest on the yearly
// rate, half-up); the subsidy is the difference, so that borrower +
// subsidy = interest to the fen. The principal is repaid in the last month.
func LoanSchedule(in LoanInput, t LoanTerms) []LoanMonth {
	out := make([]LoanMonth, in.TermMonths)
	twelve := decimal.NewFromInt(12)
	first := in.Signed.Month().Add(1)
	for i := range out {
		m := LoanMonth{N: i + 1, Period: first.Add(i), LoanYear: i/12 + 1, Outstanding: in.Principal}
		m.Interest = money.RoundHalfUp(in.Principal.Dec().Mul(in.ContractRate).Div(twelve))
		m.Borrower = money.RoundHalfUp(in.Principal.Dec().Mul(t.BorrowerRate).Div(twelve))
		m.Subsidy = m.Interest - m.Borrower
		if i == len(out)-1 {
			m.Repaid = in.Principal
		}
		out[i] = m
	}
	return out
}

// LoanSubsidy returns the subsidy the bank may claim for one month of a
// loan: the month's subsidised interest × the subsidy_share of its loan
// year, × default_subsidy as well when the borrower is in default that
// month, half-up to the fen; the rest of the interest is the borrower's.
func (p *Params) LoanSubsidy(code, division string, signed period.Date, m LoanMonth, inDefault bool, explain bool) (money.Fen, []Step, error) {
	g, err := p.Programme(code)
	if err != nil {
		return 0, nil, err
	}
	tr := newTrace(explain)
	r := p.reader(division, tr)
	share, err := r.row(g.ParamName("subsidy_share"), signed, m.LoanYear)
	if err != nil {
		return 0, nil, err
	}
	if inDefault {
		d, err := r.dec(g.ParamName("default_subsidy"), signed)
		if err != nil {
			return 0, nil, err
		}
		share = share.Mul(d)
	}
	amt := money.RoundHalfUp(m.Subsidy.Dec().Mul(share))
	tr.value("subsidy", amt.String(), "trace.loan.subsidy", msg.Fen("interest", m.Subsidy), msg.Dec("share", share), msg.Int("year", m.LoanYear), msg.Bool("default", inDefault))
	return amt, tr.list(), nil
}
