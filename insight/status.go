package insight

import (
	"fmt"

	"github.com/shopspring/decimal"

	"hrss/registry"
	"hrss/rules/money"
	"hrss/rules/period"
)

// Status is where an indicator stands against its target.
type Status string

// The statuses.
const (
	Ahead    Status = "ahead"
	OnTrack  Status = "on_track"
	Behind   Status = "behind"
	NoTarget Status = "no_target"
)

// parTolerance is the status rule's band (rules/params/insight.yaml).
const parTolerance = "insight.status_tolerance"

// judge sets r's target, expected value, status and rule. The rule: a
// flow's target asks for the share of the year elapsed (days to today, or
// the whole of a past year), a stock's target itself; with t the
// tolerance (insight.status_tolerance), a higher-is-better indicator is
// ahead at or above expected × (1 + t), behind below expected × (1 − t),
// on track between; a lower-is-better one (a ceiling) is ahead at or below
// expected × (1 − t), behind above expected, on track between.
func (s *Service) judge(ind Indicator, r *Row, months []Month, t *Target) error {
	if t == nil {
		r.Status, r.Rule = NoTarget, "no target set for "+fmt.Sprint(months[0].Period.Year())
		return nil
	}
	text := t.Text
	r.Target = &text
	tolV, err := s.Params.Lookup(parTolerance, months[0].Period.First(), registry.CityCode)
	if err != nil {
		return err
	}
	tol := tolV.Dec()
	share := s.elapsed(months[0].Period.Year())
	r.share, r.tol = share, tol
	expected := decimal.NewFromInt(t.Value)
	what := "stock: the target itself"
	if ind.Kind == Flow {
		expected = expected.Mul(share)
		what = fmt.Sprintf("flow: target × %s%% of the year elapsed", share.Shift(2).Round(2).StringFixed(2))
	}
	r.Expected = scaled(ind.Unit, expected)
	v := decimal.NewFromInt(r.value.scalar(ind.Unit))
	one := decimal.NewFromInt(1)
	hi, lo := expected.Mul(one.Add(tol)), expected.Mul(one.Sub(tol))
	switch {
	case ind.Direction == Higher && !v.LessThan(hi), ind.Direction == Lower && !v.GreaterThan(lo):
		r.Status = Ahead
	case ind.Direction == Higher && v.LessThan(lo), ind.Direction == Lower && v.GreaterThan(expected):
		r.Status = Behind
	default:
		r.Status = OnTrack
	}
	dir := "higher is better"
	if ind.Direction == Lower {
		dir = "lower is better (a ceiling)"
	}
	r.Rule = fmt.Sprintf("%s against %s expected (%s), %s, tolerance %s%% (%s): %s", r.Value, r.Expected, what, dir,
		tol.Shift(2).String(), parTolerance, r.Status)
	return nil
}

// elapsed is the share of year elapsed by today: 1 for a past year.
func (s *Service) elapsed(year int) decimal.Decimal {
	today := s.today()
	if year < today.Y {
		return decimal.NewFromInt(1)
	}
	jan1 := period.Date{Y: year, M: 1, D: 1}
	days := jan1.DaysUntil(period.Date{Y: year + 1, M: 1, D: 1})
	return decimal.NewFromInt(int64(jan1.DaysUntil(today) + 1)).Div(decimal.NewFromInt(int64(days)))
}

// scaled renders a value kept as a count, fen or hundredths of a percent.
func scaled(u Unit, d decimal.Decimal) string {
	switch u {
	case Money:
		return money.RoundHalfUp(d.Shift(-2)).String()
	case Percent:
		return d.Shift(-2).Round(2).StringFixed(2)
	}
	return d.Round(0).String()
}
