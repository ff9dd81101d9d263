package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// Kind is how a person contributes.
type Kind uint8

// The kinds of contributor.
const (
	KindEmployee Kind = 1 // an employee: employer and individual parts
	KindFlexible Kind = 2 // a flexible worker (灵活就业人员) contributing alone
)

// String returns "employee" or "flexible".
func (k Kind) String() string {
	switch k {
	case KindEmployee:
		return "employee"
	case KindFlexible:
		return "flexible"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// MarshalText writes the kind's name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads "employee" or "flexible".
func (k *Kind) UnmarshalText(b []byte) error {
	switch string(b) {
	case "employee":
		*k = KindEmployee
	case "flexible":
		*k = KindFlexible
	default:
		return invalid("kind", "contribution.kind", "error.contribution.kind_unknown", msg.Text("kind", string(b)))
	}
	return nil
}

// Insurance is a branch of social insurance; maternity is merged into
// medical (国办发〔2019〕10号).
type Insurance string

// The insurances.
const (
	Pension      Insurance = "pension"
	Medical      Insurance = "medical"
	Unemployment Insurance = "unemployment"
	WorkInjury   Insurance = "work_injury"
)

// Party is who pays a contribution line.
type Party string

// The parties.
const (
	Employer   Party = "employer"
	Individual Party = "individual"
)

// Line is one contribution line, an insurance and a party. Lines index the
// columnar results of Assess and Simulate.
type Line uint8

// The contribution lines, in the order results list them.
const (
	PensionIndividual Line = iota
	PensionEmployer
	MedicalIndividual
	MedicalEmployer
	UnemploymentIndividual
	UnemploymentEmployer
	WorkInjuryEmployer
	NumLines // the number of lines
)

var lineInfo = [NumLines]struct {
	ins   Insurance
	party Party
	param string
}{
	{Pension, Individual, parPensionIndiv},
	{Pension, Employer, parPensionEmployer},
	{Medical, Individual, parMedicalIndiv},
	{Medical, Employer, parMedicalEmployer},
	{Unemployment, Individual, parUnempIndiv},
	{Unemployment, Employer, parUnempEmployer},
	{WorkInjury, Employer, parWorkInjuryRate},
}

// lineNames are the lines' names in a trace, "insurance.party".
var lineNames = func() (n [NumLines]string) {
	for l := range n {
		n[l] = string(lineInfo[l].ins) + "." + string(lineInfo[l].party)
	}
	return n
}()

// Insurance returns the line's insurance.
func (l Line) Insurance() Insurance { return lineInfo[l].ins }

// Party returns the line's party.
func (l Line) Party() Party { return lineInfo[l].party }

// ContributionInput is one person-month to assess.
type ContributionInput struct {
	Division  string           `json:"division"`   // where the person is insured, e.g. "330402"
	Period    period.YearMonth `json:"period"`     // the month contributions are owed for
	Wage      money.Fen        `json:"wage"`       // employees: last year's average monthly wage; flexible: the chosen base
	Kind      Kind             `json:"kind"`       // employee or flexible
	RiskClass int              `json:"risk_class"` // employees: the employer's work-injury risk class, 1-8
	Float     money.Dec        `json:"float"`      // employees: the employer's work-injury float, e.g. "1.2"; 0 means 1.0
}

// ContributionLine is the amount one party owes for one insurance.
type ContributionLine struct {
	Insurance Insurance `json:"insurance"`
	Party     Party     `json:"party"`
	Rate      money.Dec `json:"rate"`
	Amount    money.Fen `json:"amount"`
}

// ContributionResult is the assessment of one person-month.
type ContributionResult struct {
	Base            money.Fen          `json:"base"`
	Lines           []ContributionLine `json:"lines"`
	EmployerTotal   money.Fen          `json:"employer_total"`
	IndividualTotal money.Fen          `json:"individual_total"`
	Total           money.Fen          `json:"total"`
	AccountCredit   money.Fen          `json:"account_credit"` // credited to the personal pension account
	Trace           []Step             `json:"trace,omitempty"`
}

// limits are the contribution base floor and ceiling for a period.
type limits struct{ floor, ceiling money.Fen }

// BaseLimits returns the contribution base floor and ceiling in division
// for period at (国办发〔2019〕13号): 60% and 300% of the provincial
// average wage in force contribution.average_wage_lag months before the
// period, unless an explicit floor (contribution.base_floor, Zhejiang's
// transitional floor) is in force. It fails when a parameter is missing.
func (p *Params) BaseLimits(division string, at period.YearMonth) (floor, ceiling money.Fen, err error) {
	l, err := p.reader(division, nil).limits(at)
	return l.floor, l.ceiling, err
}

func (r reader) limits(at period.YearMonth) (limits, error) {
	day := at.First()
	lag, err := r.int(parAverageWageLag, day)
	if err != nil {
		return limits{}, err
	}
	wageAt := at.Add(-lag).First()
	avg, err := r.fen(parAverageWage, wageAt)
	if err != nil {
		return limits{}, err
	}
	if r.on() {
		r.tr.note("trace.contribution.wage_lag", msg.Month("period", at), msg.Date("wage_at", wageAt), msg.Int("lag", lag))
	}
	ceilRatio, err := r.dec(parBaseCeilingRatio, day)
	if err != nil {
		return limits{}, err
	}
	ceil := avg.MulHalfUp(ceilRatio)
	if r.on() {
		r.tr.value("base_ceiling", ceil.String(), "trace.contribution.times_avg", msg.Fen("avg", avg), msg.Dec("ratio", ceilRatio))
	}
	floor, err := r.floor(avg, day)
	return limits{floor, ceil}, err
}

// floor is the explicit floor if one is in force, else ratio × average.
func (r reader) floor(avg money.Fen, day period.Date) (money.Fen, error) {
	if v, ok, err := r.opt(parBaseFloor, day); err != nil || ok {
		if r.on() {
			r.tr.value("base_floor", v.Fen().String(), "trace.contribution.explicit_floor")
		}
		return v.Fen(), err
	}
	ratio, err := r.dec(parBaseFloorRatio, day)
	if err != nil {
		return 0, err
	}
	f := avg.MulHalfUp(ratio)
	if r.on() {
		r.tr.value("base_floor", f.String(), "trace.contribution.times_avg", msg.Fen("avg", avg), msg.Dec("ratio", ratio))
	}
	return f, nil
}

// clampBase applies the floor and ceiling to a wage.
func clampBase(wage money.Fen, l limits) money.Fen {
	return min(max(wage, l.floor), l.ceiling)
}

// workInjury reads the base rate and float range of a risk class.
func (r reader) workInjury(day period.Date, class int) (rate, fmin, fmax money.Dec, err error) {
	if rate, err = r.row(parWorkInjuryRate, day, class); err != nil {
		return
	}
	if fmin, err = r.row(parWorkInjuryMin, day, class); err != nil {
		return
	}
	fmax, err = r.row(parWorkInjuryMax, day, class)
	return
}

// Contribution assesses one person-month (核定): the base is the wage
// clamped to the floor and ceiling for the period and division; each line
// is base × rate rounded half-up to the fen (RULES.md §3, rounding [U]);
// the totals are sums of lines. Employees owe pension, medical (maternity
// included, 国办发〔2019〕10号), unemployment and, employer only, work
// injury at the class base rate × the employer's float (人社部发〔2015〕71号).
// A flexible worker owes pension only, at pension.flexible_rate on the
// chosen base, all of it as the individual part: medical insurance as a
// flexible worker is a separate enrolment whose rates are not encoded,
// and unemployment and work injury do not cover flexible workers. The
// account credit is base × pension.account_rate. It fails with an Invalid
// error for bad input or a parameter not in force.
func (p *Params) Contribution(in ContributionInput, explain bool) (ContributionResult, error) {
	tr := newTraceOf(explain, contributionSteps)
	traceContributionInput(tr, in)
	if err := checkContribution(in); err != nil {
		return ContributionResult{}, err
	}
	r := p.reader(in.Division, tr)
	l, err := r.limits(in.Period)
	if err != nil {
		return ContributionResult{}, err
	}
	res := ContributionResult{Base: clampBase(in.Wage, l)}
	if r.on() {
		tr.value("base", tr.fenText(res.Base), "trace.contribution.clamp", msg.Fen("wage", in.Wage), msg.Fen("floor", l.floor), msg.Fen("ceiling", l.ceiling))
	}
	if in.Kind == KindFlexible {
		err = r.flexibleLines(in, &res)
	} else {
		err = r.employeeLines(in, &res)
	}
	if err != nil {
		return ContributionResult{}, err
	}
	if err = r.accountCredit(in.Period, &res); err != nil {
		return ContributionResult{}, err
	}
	res.Trace = tr.list()
	return res, nil
}

func traceContributionInput(tr *trace, in ContributionInput) {
	if tr == nil {
		return
	}
	tr.input("division", in.Division)
	tr.input("period", in.Period.String())
	tr.input("wage", in.Wage.String())
	tr.input("kind", in.Kind.String())
	if in.Kind == KindEmployee {
		tr.input("risk_class", strconv.Itoa(in.RiskClass))
		tr.input("float", msg.DecText(floatOrOne(in.Float)))
	}
}

// checkContribution checks what the parameters do not decide.
func checkContribution(in ContributionInput) error {
	switch {
	case in.Period == 0:
		return invalid("period", "contribution.period", "error.contribution.period")
	case in.Wage < 0:
		return invalid("wage", "contribution.wage", "error.contribution.wage", msg.Fen("wage", in.Wage))
	case in.Kind != KindEmployee && in.Kind != KindFlexible:
		return invalid("kind", "contribution.kind", "error.contribution.kind")
	case in.Kind == KindEmployee && (in.RiskClass < 1 || in.RiskClass > 8):
		return invalid("risk_class", "contribution.risk_class", "error.contribution.risk_class", msg.Int("class", in.RiskClass))
	case in.Kind == KindEmployee && !in.Float.Shift(2).IsInteger():
		return invalid("float", "contribution.float", "error.contribution.float_decimals", msg.Dec("float", in.Float))
	}
	return nil
}

func floatOrOne(f money.Dec) money.Dec {
	if f.IsZero() {
		return decimal.NewFromInt(1)
	}
	return f
}

// addLine appends a line of base × rate, half-up to the fen; its step is
// worded by key, with the base, the rate and up to three more arguments.
func (r reader) addLine(res *ContributionResult, l Line, rate money.Dec, key string, more ...msg.Arg) {
	amt := res.Base.MulHalfUp(rate)
	res.Lines = append(res.Lines, ContributionLine{l.Insurance(), l.Party(), rate, amt})
	if l.Party() == Employer {
		res.EmployerTotal += amt
	} else {
		res.IndividualTotal += amt
	}
	res.Total += amt
	if r.on() {
		var args [5]msg.Arg
		args[0], args[1] = msg.Fen("base", res.Base), msg.Dec("rate", rate)
		n := 2 + copy(args[2:], more)
		r.tr.value(lineNames[l], amt.String(), key, args[:n]...)
	}
}

// employeeLines computes the seven lines of an employee.
func (r reader) employeeLines(in ContributionInput, res *ContributionResult) error {
	day := in.Period.First()
	for l := Line(0); l < WorkInjuryEmployer; l++ {
		rate, err := r.dec(lineInfo[l].param, day)
		if err != nil {
			return err
		}
		r.addLine(res, l, rate, "trace.contribution.line")
	}
	base, fmin, fmax, err := r.workInjury(day, in.RiskClass)
	if err != nil {
		return err
	}
	f := floatOrOne(in.Float)
	if f.LessThan(fmin) || f.GreaterThan(fmax) {
		return invalid("float", "contribution.float", "error.contribution.float_range", msg.Dec("float", f), msg.Dec("min", fmin), msg.Dec("max", fmax), msg.Int("class", in.RiskClass))
	}
	r.addLine(res, WorkInjuryEmployer, base.Mul(f), "trace.contribution.line_work_injury", msg.Int("class", in.RiskClass), msg.Dec("class_rate", base), msg.Dec("float", f))
	if r.on() {
		r.tr.value("employer_total", res.EmployerTotal.String(), "trace.contribution.employer_total")
		r.tr.value("individual_total", res.IndividualTotal.String(), "trace.contribution.individual_total")
	}
	return nil
}

// flexibleLines computes a flexible worker's pension line.
func (r reader) flexibleLines(in ContributionInput, res *ContributionResult) error {
	rate, err := r.dec(parPensionFlexible, in.Period.First())
	if err != nil {
		return err
	}
	r.tr.note("trace.contribution.flexible")
	r.addLine(res, PensionIndividual, rate, "trace.contribution.line_flexible")
	return nil
}

// accountCredit sets the personal-account credit of the month.
func (r reader) accountCredit(at period.YearMonth, res *ContributionResult) error {
	rate, err := r.dec(parAccountRate, at.First())
	if err != nil {
		return err
	}
	res.AccountCredit = res.Base.MulHalfUp(rate)
	if r.on() {
		r.tr.value("account_credit", res.AccountCredit.String(), "trace.contribution.account_credit", msg.Fen("base", res.Base), msg.Dec("rate", rate))
	}
	return nil
}

// String renders the result for an operator.
func (res ContributionResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Base: %s\n", res.Base)
	fmt.Fprintf(&b, "  %-13s %-10s %10s %12s\n", "insurance", "party", "rate", "amount")
	for _, l := range res.Lines {
		fmt.Fprintf(&b, "  %-13s %-10s %10s %12s\n", l.Insurance, l.Party, l.Rate, l.Amount)
	}
	fmt.Fprintf(&b, "Employer total:   %s\nIndividual total: %s\nTotal:            %s\n", res.EmployerTotal, res.IndividualTotal, res.Total)
	fmt.Fprintf(&b, "Account credit:   %s\n", res.AccountCredit)
	return b.String()
}
