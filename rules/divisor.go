package rules

import (
	"github.com/shopspring/decimal"

	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// DivisorResult is the months divisor for an age at retirement.
type DivisorResult struct {
	Age     Age       `json:"age"`
	Divisor money.Dec `json:"divisor"` // months, at most one decimal, e.g. "192.9"
	Trace   []Step    `json:"trace,omitempty"`
}

// Divisor returns the months divisor (计发月数) for a person retiring at
// age in month at: the whole-age table of the annex to 国发〔2005〕38号
// (parameter pension.divisor) and, for an age with months, linear
// interpolation between the whole ages rounded half-up to 0.1 month. It
// fails with an Invalid error for an age outside the table.
func (p *Params) Divisor(age Age, at period.YearMonth, division string, explain bool) (DivisorResult, error) {
	tr := newTrace(explain)
	tr.input("age", age.String())
	tr.input("at", at.String())
	d, err := p.reader(division, tr).divisor(age, at)
	return DivisorResult{Age: age, Divisor: d, Trace: tr.list()}, err
}

func (r reader) divisor(age Age, at period.YearMonth) (money.Dec, error) {
	y, m := age.Years(), age.Months()
	lo, err := r.row(parDivisor, at.First(), y)
	if err != nil {
		return money.Dec{}, noDivisor(age, err)
	}
	if m == 0 {
		r.tr.value("divisor", lo.String(), "trace.divisor.table", msg.Int("age", y))
		return lo, nil
	}
	hi, err := r.row(parDivisor, at.First(), y+1)
	if err != nil {
		return money.Dec{}, noDivisor(age, err)
	}
	// lo + (hi - lo) × m / 12, half-up to 0.1: exact, since DivRound
	// compares the remainder.
	num := lo.Mul(decimal.NewFromInt(12)).Add(hi.Sub(lo).Mul(decimal.NewFromInt(int64(m))))
	d := num.DivRound(decimal.NewFromInt(12), 1)
	r.tr.value("divisor", d.String(), "trace.divisor.interpolated", msg.Dec("lo", lo), msg.Dec("hi", hi), msg.Int("months", m))
	return d, nil
}

// noDivisor is the error of an age outside the table; a table not in
// force on the month is reported as such.
func noDivisor(age Age, err error) error {
	if fault.RuleOf(err) != "params.table_key" {
		return err
	}
	return invalid("age", "pension.divisor_age", "error.pension.divisor_age", msg.Age("age", int(age)))
}
