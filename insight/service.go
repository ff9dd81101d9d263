package insight

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"hrss/access"
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// Service computes the indicators and keeps the targets.
type Service struct {
	Store  Store
	Params *rules.Params
	Now    func() time.Time // the service clock; time.Now when nil
}

func (s *Service) today() period.Date {
	if s.Now != nil {
		return period.FromTime(s.Now().UTC())
	}
	return period.FromTime(time.Now().UTC())
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return access.Stamp(s.Now()) // optimistic concurrency compares what is stored
	}
	return access.Stamp(time.Now())
}

// Row is one indicator for one division over a year: the year to date
// (the sum of the months of a flow, the latest month of a stock), the
// target, the status and the months.
type Row struct {
	Name     string            `json:"name"`
	Division string            `json:"division"`
	Unit     Unit              `json:"unit"`
	Value    string            `json:"value"`  // counts as integers, amounts "1234.56", rates in percent "3.21"
	Target   *string           `json:"target"` // null when none is set
	Status   Status            `json:"status"`
	Rule     string            `json:"rule"`     // how the status was decided
	Expected string            `json:"expected"` // what the share of the year elapsed asks of the target ("" without one)
	ByMonth  map[string]string `json:"by_month"` // "YYYY-MM": the month's value
	value    Figure
	months   []Figure
	kind     Kind
	share    decimal.Decimal // the share of the year elapsed the status rule took (a flow's)
	tol      decimal.Decimal // the status rule's tolerance
}

// Elapsed is the share of the year elapsed that the status rule took for
// a flow, in percent with two decimals ("38.36"); "" for a stock or
// without a target.
func (r Row) Elapsed() string {
	if r.Target == nil || r.kind != Flow {
		return ""
	}
	return r.share.Shift(2).Round(2).StringFixed(2)
}

// Tolerance is the status rule's band in percent ("5"); "" without a
// target.
func (r Row) Tolerance() string {
	if r.Target == nil {
		return ""
	}
	return r.tol.Shift(2).String()
}

// ToDate lists the year to date as of each month of the year so far, in
// order (January first), in the row's unit: a flow's running sum, a
// stock's month itself. The screens chart it against the target.
func (r Row) ToDate() []string {
	out := make([]string, len(r.months))
	for i := range r.months {
		out[i] = yearToDate(Indicator{Kind: r.kind}, r.months[:i+1]).Text(r.Unit)
	}
	return out
}

// Figure is a value: Num for counts and money (fen), Num / Den for rates.
type Figure struct{ Num, Den int64 }

// Text renders f in unit u: counts as integers, money in yuan with two
// decimals, rates as a percent with two decimals rounded half-up ("" for
// a rate with no denominator).
func (f Figure) Text(u Unit) string {
	switch u {
	case Money:
		return money.Fen(f.Num).String()
	case Percent:
		if f.Den == 0 {
			return ""
		}
		return hundredths(percentHundredths(f)).String()
	}
	return fmt.Sprint(f.Num)
}

// percentHundredths is Num / Den × 100 in hundredths of a percent, half-up.
func percentHundredths(f Figure) int64 { return (f.Num*20000 + f.Den) / (2 * f.Den) }

// hundredths renders hundredths as a decimal with two places (the money
// type's rendering, which is exactly that).
type hundredths int64

func (h hundredths) String() string { return money.Fen(h).String() }

// scalar is f as one number in the unit targets are kept in: a count,
// fen, or hundredths of a percent.
func (f Figure) scalar(u Unit) int64 {
	if u == Percent {
		if f.Den == 0 {
			return 0
		}
		return percentHundredths(f)
	}
	return f.Num
}

// Query selects the indicators of a year.
type Query struct {
	Year     int
	Division string   // one division (330400 the city); "" the city and every division in reach
	Names    []string // some indicators; nil for all
}

// Indicators computes the year's indicators for the divisions asked, each
// with its target and status. Analysts and System see every division;
// caseworkers and reviewers their divisions (and the city only when
// city-wide). Every figure of the answer comes from one snapshot. It
// fails with Invalid for a bad year, division or indicator name.
func (s *Service) Indicators(ctx context.Context, q Query) ([]Row, error) {
	c, err := access.Require(ctx, access.ReadAggregates)
	if err != nil {
		return nil, err
	}
	inds, divs, err := s.selection(c, q)
	if err != nil {
		return nil, err
	}
	months := s.months(q.Year)
	if len(months) == 0 {
		return nil, fault.Invalidf("year", "indicators.year", "year %d has not begun", q.Year)
	}
	var out []Row
	err = s.Store.View(ctx, func(tx Tx) error {
		targets, err := tx.Targets(ctx, q.Year)
		if err != nil {
			return err
		}
		for _, ind := range inds {
			cells, err := tx.Series(ctx, ind.Name, months)
			if err != nil {
				return fmt.Errorf("indicator %s: %w", ind.Name, err)
			}
			rows, err := s.rows(ind, cells, months, divs, targets)
			if err != nil {
				return err
			}
			out = append(out, rows...)
		}
		return nil
	})
	return out, err
}

// selection returns the indicators and divisions of q in c's reach.
func (s *Service) selection(c access.Caller, q Query) ([]Indicator, []string, error) {
	if q.Year < 2000 || q.Year > s.today().Y {
		return nil, nil, fault.Invalidf("year", "indicators.year", "year %d must lie between 2000 and %d", q.Year, s.today().Y)
	}
	inds := Catalogue
	if len(q.Names) > 0 {
		inds = nil
		for _, n := range q.Names {
			ind, ok := ByName(n)
			if !ok {
				return nil, nil, fault.Invalidf("indicator", "indicator.known", "%q is not an indicator", n)
			}
			inds = append(inds, ind)
		}
	}
	all := append([]string{registry.CityCode}, registry.CountyCodes()...)
	var divs []string
	for _, d := range all {
		if (q.Division == "" || q.Division == d) && reaches(c, d) {
			divs = append(divs, d)
		}
	}
	if q.Division != "" && !slices.Contains(all, q.Division) {
		return nil, nil, fault.Invalidf("division", "division.known", "%q is not a division of the city", q.Division)
	}
	if len(divs) == 0 {
		return nil, nil, access.ForbiddenField("division", "division %s is outside your divisions", q.Division)
	}
	return inds, divs, nil
}

// reaches reports whether c may read the aggregates of division d.
func reaches(c access.Caller, d string) bool {
	if c.IsSystem() || c.Role == access.Analyst || c.CityWide() {
		return true
	}
	return d != registry.CityCode && c.InDivision(d)
}

// Months returns the months of year up to the current one, as the
// indicators read them (the month under way as of today).
func (s *Service) Months(year int) []Month { return s.months(year) }

// months returns the months of year up to the current one.
func (s *Service) months(year int) []Month {
	today := s.today()
	var out []Month
	for m := 1; m <= 12; m++ {
		p := period.New(year, m)
		if p > today.Month() {
			break
		}
		last := p.Last()
		if today.Before(last) {
			last = today // the month under way: its state as of today
		}
		out = append(out, Month{Period: p, Last: last, DueTo: s.dueTo(p, last)})
	}
	return out
}

// dueTo is the last period whose bills fall due by day, the last day of
// p or today in the month under way (contribution.due_month_lag and
// due_day, for the city).
func (s *Service) dueTo(p period.YearMonth, day period.Date) period.YearMonth {
	q := p
	for i := 0; i < 3; i++ {
		d, err := s.Params.DueDate(registry.CityCode, q)
		if err == nil && !day.Before(d) {
			return q
		}
		q = q.Add(-1)
	}
	return q
}

// rows builds the rows of one indicator for divs from its cells.
func (s *Service) rows(ind Indicator, cells []Cell, months []Month, divs []string, targets []Target) ([]Row, error) {
	idx := map[period.YearMonth]int{}
	for i, m := range months {
		idx[m.Period] = i
	}
	by := map[string][]Figure{}
	for _, d := range append([]string{registry.CityCode}, registry.CountyCodes()...) {
		by[d] = make([]Figure, len(months))
	}
	latest := -1 // the latest month with figures: a stock's year to date
	for _, c := range cells {
		i, ok := idx[c.Period]
		if !ok || by[c.Division] == nil {
			continue
		}
		latest = max(latest, i)
		for _, d := range []string{c.Division, registry.CityCode} {
			by[d][i].Num += c.Num
			by[d][i].Den += c.Den
		}
	}
	var out []Row
	for _, d := range divs {
		r := Row{Name: ind.Name, Division: d, Unit: ind.Unit, ByMonth: map[string]string{}, months: by[d], kind: ind.Kind}
		r.value = yearToDate(ind, by[d][:latest+1])
		r.Value = r.value.Text(ind.Unit)
		for i, m := range months {
			r.ByMonth[m.Period.String()] = by[d][i].Text(ind.Unit)
		}
		if err := s.judge(ind, &r, months, targetOf(targets, ind.Name, d)); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// yearToDate is the sum of a flow's months or a stock's latest month.
func yearToDate(ind Indicator, ms []Figure) Figure {
	if ind.Kind == Stock {
		if len(ms) == 0 {
			return Figure{}
		}
		return ms[len(ms)-1]
	}
	var f Figure
	for _, m := range ms {
		f.Num += m.Num
		f.Den += m.Den
	}
	return f
}

func targetOf(ts []Target, name, division string) *Target {
	for i := range ts {
		if ts[i].Indicator == name && ts[i].Division == division {
			return &ts[i]
		}
	}
	return nil
}

// names lists the indicators' names, sorted.
func names() string {
	var ns []string
	for _, ind := range Catalogue {
		ns = append(ns, ind.Name)
	}
	sort.Strings(ns)
	return strings.Join(ns, ", ")
}
