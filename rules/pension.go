package rules

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// PensionInput is what a Zhejiang pension calculation sheet (核定表) starts
// from. Decimal fields are JSON strings such as "0.6977".
type PensionInput struct {
	Division          string           `json:"division"`
	Birth             period.YearMonth `json:"birth"`
	Retire            period.YearMonth `json:"retire"`              // the month the pension starts
	CalcBase          *money.Fen       `json:"calc_base,omitempty"` // C; absent: pension.calc_base for the retirement month
	AverageIndex      money.Dec        `json:"avg_index"`           // Z, average contribution index
	ContributionYears money.Dec        `json:"years"`               // N, contribution years incl. deemed years
	TransitionalIndex money.Dec        `json:"transitional_index"`  // Z1997, average index up to the end of 1997
	TransitionalYears money.Dec        `json:"transitional_years"`  // N1997, years before 1998-01 incl. deemed years
	AccountBalance    money.Fen        `json:"account_balance"`     // personal account balance at retirement
}

// PensionResult is the monthly basic pension and its components.
type PensionResult struct {
	Divisor        money.Dec `json:"divisor"`
	Basic          money.Fen `json:"basic"`
	AccountPension money.Fen `json:"account"`
	Transitional   money.Fen `json:"transitional"`
	Adjustment     money.Fen `json:"adjustment"`
	Subsidy        money.Fen `json:"subsidy"`
	Total          money.Fen `json:"total"`
	// Provisional is true when the calculation base was taken from the
	// parameters and the retirement year's base is not yet published, so
	// an earlier year's base was used; the pension is recomputed later.
	Provisional bool      `json:"provisional"`
	Trace       []Step    `json:"trace,omitempty"`
	CalcBase    money.Fen `json:"-"` // C as used
	Age         Age       `json:"-"` // age at retirement
}

// Pension computes the monthly basic pension of an enterprise employee in
// Zhejiang (国发〔2005〕38号 and Zhejiang's components, RULES.md §2):
//
//	basic        = C × (1 + Z) / 2 × N × pension.basic_rate
//	account      = account balance ÷ months divisor for the age at retirement
//	transitional = C × Z1997 × N1997 × pension.transitional_rate
//	adjustment   = pension.adjustment_fixed + Z × N × pension.adjustment_per_index_year (浙人社发〔2018〕102号)
//	subsidy      = pension.subsidy (浙人社发〔2011〕146号)
//
// each rounded half-up to the fen, and the total rounded up to the next
// 0.1 yuan (见分进角). It fails with an Invalid error for inconsistent input,
// contribution years below the minimum for the retirement year, or an age
// outside the divisor table.
func (p *Params) Pension(in PensionInput, explain bool) (PensionResult, error) {
	if err := checkPension(in); err != nil {
		return PensionResult{}, err
	}
	tr := newTrace(explain)
	tracePensionInput(tr, in)
	r := p.reader(in.Division, tr)
	res, err := r.pension(in)
	res.Trace = tr.list()
	return res, err
}

func checkPension(in PensionInput) error {
	switch {
	case in.Birth == 0 || in.Retire == 0:
		return invalid("retire", "pension.months", "error.pension.months_required")
	case in.Retire <= in.Birth:
		return invalid("retire", "pension.months", "error.pension.months_order", msg.Month("retire", in.Retire), msg.Month("birth", in.Birth))
	case !in.AverageIndex.IsPositive():
		return invalid("avg_index", "pension.avg_index", "error.pension.avg_index")
	case !in.ContributionYears.IsPositive():
		return invalid("years", "pension.years", "error.pension.years")
	case in.TransitionalIndex.IsNegative() || in.TransitionalYears.IsNegative():
		return invalid("transitional_years", "pension.transitional", "error.pension.transitional_negative")
	case in.TransitionalYears.GreaterThan(in.ContributionYears):
		return invalid("transitional_years", "pension.transitional", "error.pension.transitional_years", msg.Dec("transitional", in.TransitionalYears), msg.Dec("years", in.ContributionYears))
	case in.AccountBalance < 0:
		return invalid("account_balance", "pension.account_balance", "error.pension.account_balance")
	case in.CalcBase != nil && *in.CalcBase <= 0:
		return invalid("calc_base", "pension.calc_base", "error.pension.calc_base")
	}
	return nil
}

func tracePensionInput(tr *trace, in PensionInput) {
	tr.input("division", in.Division)
	tr.input("birth", in.Birth.String())
	tr.input("retire", in.Retire.String())
	if in.CalcBase != nil {
		tr.input("calc_base", in.CalcBase.String())
	}
	tr.input("avg_index", in.AverageIndex.String())
	tr.input("years", in.ContributionYears.String())
	tr.input("transitional_index", in.TransitionalIndex.String())
	tr.input("transitional_years", in.TransitionalYears.String())
	tr.input("account_balance", in.AccountBalance.String())
}

func (r reader) pension(in PensionInput) (PensionResult, error) {
	var res PensionResult
	day := in.Retire.First()
	if err := r.checkMinimum(in); err != nil {
		return res, err
	}
	var err error
	if res.CalcBase, res.Provisional, err = r.calcBase(in); err != nil {
		return res, err
	}
	res.Age = AgeAt(in.Birth, in.Retire)
	r.tr.value("age", res.Age.String(), "trace.pension.age")
	if res.Divisor, err = r.divisor(res.Age, in.Retire); err != nil {
		return res, err
	}
	c := res.CalcBase.Dec()
	if res.Basic, err = r.basic(c, in, day); err != nil {
		return res, err
	}
	res.AccountPension = money.Fen(in.AccountBalance.Dec().Shift(2).DivRound(res.Divisor, 0).IntPart())
	r.tr.value("account", res.AccountPension.String(), "trace.pension.account", msg.Fen("balance", in.AccountBalance), msg.Dec("divisor", res.Divisor))
	if res.Transitional, err = r.transitional(c, in, day); err != nil {
		return res, err
	}
	if res.Adjustment, res.Subsidy, err = r.zhejiangAdditions(in, day); err != nil {
		return res, err
	}
	sum := res.Basic + res.AccountPension + res.Transitional + res.Adjustment + res.Subsidy
	res.Total = money.RoundUpToJiao(sum.Dec())
	r.tr.value("total", res.Total.String(), "trace.pension.total", msg.Fen("sum", sum))
	return res, nil
}

// checkMinimum refuses contribution years below the minimum period for
// the retirement year (State Council Measures 2024, Art. 2).
func (r reader) checkMinimum(in PensionInput) error {
	minMonths, err := r.minContribution(in.Retire)
	if err != nil {
		return err
	}
	if in.ContributionYears.Mul(decimal.NewFromInt(12)).LessThan(decimal.NewFromInt(int64(minMonths))) {
		return invalid("years", "pension.min_contribution", "error.pension.min_contribution", msg.Dec("years", in.ContributionYears), msg.Int("months", minMonths), msg.Int("year", in.Retire.Year()))
	}
	return nil
}

// calcBase returns C: the input's, or the parameter's for the retirement
// month, provisional when that is an earlier year's base.
func (r reader) calcBase(in PensionInput) (money.Fen, bool, error) {
	if in.CalcBase != nil {
		r.tr.note("trace.pension.base_input", msg.Fen("base", *in.CalcBase))
		return *in.CalcBase, false, nil
	}
	v, err := r.get(parCalcBase, in.Retire.First())
	if err != nil {
		return 0, false, err
	}
	prov := v.From.Y < in.Retire.Year()
	if prov {
		r.tr.note("trace.pension.provisional", msg.Int("year", in.Retire.Year()), msg.Int("from", v.From.Y), msg.Fen("base", v.Fen()))
	}
	return v.Fen(), prov, nil
}

func (r reader) basic(c money.Dec, in PensionInput, day period.Date) (money.Fen, error) {
	rate, err := r.dec(parBasicRate, day)
	if err != nil {
		return 0, err
	}
	half := decimal.New(5, -1)
	x := c.Mul(decimal.NewFromInt(1).Add(in.AverageIndex)).Mul(half).Mul(in.ContributionYears).Mul(rate)
	f := money.RoundHalfUp(x)
	r.tr.value("basic", f.String(), "trace.pension.basic", msg.Dec("base", c), msg.Dec("index", in.AverageIndex), msg.Dec("years", in.ContributionYears), msg.Dec("rate", rate), msg.Dec("x", x))
	return f, nil
}

func (r reader) transitional(c money.Dec, in PensionInput, day period.Date) (money.Fen, error) {
	if in.TransitionalYears.IsZero() || in.TransitionalIndex.IsZero() {
		r.tr.value("transitional", "0.00", "trace.pension.no_transitional")
		return 0, nil
	}
	rate, err := r.dec(parTransitionalRate, day)
	if err != nil {
		return 0, err
	}
	x := c.Mul(in.TransitionalIndex).Mul(in.TransitionalYears).Mul(rate)
	f := money.RoundHalfUp(x)
	r.tr.value("transitional", f.String(), "trace.pension.transitional", msg.Dec("base", c), msg.Dec("index", in.TransitionalIndex), msg.Dec("years", in.TransitionalYears), msg.Dec("rate", rate), msg.Dec("x", x))
	return f, nil
}

// zhejiangAdditions returns the transitional adjustment and the subsidy.
func (r reader) zhejiangAdditions(in PensionInput, day period.Date) (money.Fen, money.Fen, error) {
	fixed, err := r.fen(parAdjustmentFixed, day)
	if err != nil {
		return 0, 0, err
	}
	per, err := r.dec(parAdjustmentPerUnit, day)
	if err != nil {
		return 0, 0, err
	}
	x := fixed.Dec().Add(in.AverageIndex.Mul(in.ContributionYears).Mul(per))
	adj := money.RoundHalfUp(x)
	r.tr.value("adjustment", adj.String(), "trace.pension.adjustment", msg.Fen("fixed", fixed), msg.Dec("index", in.AverageIndex), msg.Dec("years", in.ContributionYears), msg.Dec("per", per), msg.Dec("x", x))
	sub, err := r.fen(parSubsidy, day)
	if err != nil {
		return 0, 0, err
	}
	r.tr.value("subsidy", sub.String(), "trace.pension.subsidy")
	return adj, sub, nil
}

// String renders the result for an operator.
func (res PensionResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Calculation base:   %s", res.CalcBase)
	if res.Provisional {
		b.WriteString(" (provisional: an earlier year's base)")
	}
	fmt.Fprintf(&b, "\nAge at retirement:  %s, months divisor %s\n", res.Age, res.Divisor)
	fmt.Fprintf(&b, "Basic pension:      %10s\nAccount pension:    %10s\nTransitional:       %10s\n", res.Basic, res.AccountPension, res.Transitional)
	fmt.Fprintf(&b, "Adjustment:         %10s\nSubsidy:            %10s\nMonthly total:      %10s\n", res.Adjustment, res.Subsidy, res.Total)
	return b.String()
}
