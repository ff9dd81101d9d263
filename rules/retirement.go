package rules

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"hrss/rules/msg"
	"hrss/rules/period"
)

// Category is a statutory retirement-age category of the 2024 reform.
type Category string

// The categories of Article 1 of the State Council Measures (2024).
const (
	Male     Category = "male"      // 男职工, original age 60
	Female55 Category = "female-55" // 原法定退休年龄55周岁的女职工
	Female50 Category = "female-50" // 原法定退休年龄50周岁的女职工
)

// category describes a Category: its original statutory age, which
// defines the category (国发〔1978〕104号), and its parameter prefix.
type category struct {
	cat         Category
	originalAge int // years
	prefix      string
}

var categories = []category{
	{Male, 60, "retirement.male."},
	{Female55, 55, "retirement.female_55."},
	{Female50, 50, "retirement.female_50."},
}

func findCategory(c Category) (category, error) {
	for _, x := range categories {
		if x.cat == c {
			return x, nil
		}
	}
	return category{}, invalid("category", "retirement.category", "error.retirement.category", msg.Text("category", string(c)))
}

// RetirementInput is the input of RetirementAge.
type RetirementInput struct {
	Category Category         `json:"category"`
	Birth    period.YearMonth `json:"birth"`              // the birth month (the day does not move it)
	Division string           `json:"division,omitempty"` // whose parameters; default national
}

// UnmarshalJSON reads the input, accepting a birth month or a birth date.
func (in *RetirementInput) UnmarshalJSON(b []byte) error {
	var raw struct {
		Category Category `json:"category"`
		Birth    string   `json:"birth"`
		Division string   `json:"division"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	birth, err := ParseMonth("birth", raw.Birth)
	if err != nil {
		return err
	}
	*in = RetirementInput{raw.Category, birth, raw.Division}
	return nil
}

// RetirementResult is the statutory retirement age and month of a person,
// the flexible window around it, and the minimum contribution period for
// the statutory retirement year.
type RetirementResult struct {
	Category              Category         `json:"category"`
	Birth                 period.YearMonth `json:"birth"`
	DelayMonths           int              `json:"delay_months"`
	StatutoryAge          Age              `json:"statutory_age"`
	StatutoryAgeMonths    int              `json:"statutory_age_months"`
	RetireMonth           period.YearMonth `json:"retire_month"`
	EarliestMonth         period.YearMonth `json:"earliest_month"` // flexible early retirement (Art. 3), if contributions allow
	LatestMonth           period.YearMonth `json:"latest_month"`   // flexible late retirement (Art. 3), by agreement
	MinContributionMonths int              `json:"min_contribution_months"`
	Trace                 []Step           `json:"trace,omitempty"`
}

// RetirementAge computes the statutory retirement age and month of a
// person of category c born in month birth, by the NPC Standing Committee
// decision of 2024-09-13 and the State Council Measures (Art. 1 and
// attachments 1-3): with i the months from the category's first delayed
// birth month to the birth month, delay = 0 if i < 0, else
// min(floor(i / step) + 1, cap). The reform's parameters are read on the
// first day of the month the person reaches the original age; before the
// reform is in force the delay is 0. The flexible window is Art. 3: at
// most flexible_early_max months earlier but never below the original
// age, at most flexible_late_max months later. MinContributionMonths is
// Art. 2 (attachment 4) for the statutory retirement year (0 when none is
// encoded, before 1997-07-16). It fails with
// an Invalid error for an unknown category, a missing birth month or
// missing parameters.
func (p *Params) RetirementAge(in RetirementInput, explain bool) (RetirementResult, error) {
	c, err := findCategory(in.Category)
	if err != nil {
		return RetirementResult{}, err
	}
	if in.Birth == 0 {
		return RetirementResult{}, invalid("birth", "retirement.birth", "error.retirement.birth")
	}
	tr := newTrace(explain)
	tr.input("category", string(in.Category))
	tr.input("birth", in.Birth.String())
	r := p.reader(in.Division, tr)
	res, err := r.retirement(c, in.Birth)
	res.Trace = tr.list()
	return res, err
}

func (r reader) retirement(c category, birth period.YearMonth) (RetirementResult, error) {
	res := RetirementResult{Category: c.cat, Birth: birth}
	orig := c.originalAge * 12
	if r.on() {
		r.tr.value("original_age", Age(orig).String(), "trace.retirement.original_age", msg.Label("category", "category."+string(c.cat)))
	}
	at := birth.Add(orig).First()
	delay, reform, err := r.delay(c, birth, at)
	if err != nil {
		return res, err
	}
	res.DelayMonths = delay
	res.StatutoryAgeMonths = orig + delay
	res.StatutoryAge = Age(res.StatutoryAgeMonths)
	res.RetireMonth = birth.Add(res.StatutoryAgeMonths)
	if r.on() {
		r.tr.value("statutory_age", res.StatutoryAge.String(), "trace.retirement.statutory_age", msg.Age("original", orig), msg.Int("delay", delay))
		r.tr.value("retire_month", res.RetireMonth.String(), "trace.retirement.retire_month")
	}
	if res.EarliestMonth, res.LatestMonth, err = r.flexibleWindow(birth, orig, res.StatutoryAgeMonths, at, reform); err != nil {
		return res, err
	}
	res.MinContributionMonths, err = r.minContribution(res.RetireMonth)
	return res, err
}

// delay applies the reform table of category c; reform reports whether
// the reform was in force on at.
func (r reader) delay(c category, birth period.YearMonth, at period.Date) (int, bool, error) {
	first, ok, err := r.opt(c.prefix+parFirstDelayedBirth, at)
	if err != nil || !ok {
		r.tr.note("trace.retirement.no_reform", msg.Date("at", at))
		return 0, false, err
	}
	step, err := r.int(c.prefix+parBirthMonthsStep, at)
	if err != nil {
		return 0, true, err
	}
	maxDelay, err := r.int(c.prefix+parMaxDelay, at)
	if err != nil {
		return 0, true, err
	}
	if step < 1 {
		return 0, true, invalid("", "params.value", "error.params.at_least_one", msg.Text("param", c.prefix+parBirthMonthsStep))
	}
	i := birth.Sub(first.YearMonth())
	d := 0
	if i >= 0 {
		d = min(i/step+1, maxDelay)
	}
	if r.on() {
		r.tr.value("delay_months", strconv.Itoa(d), "trace.retirement.delay", msg.Int("i", i), msg.Month("first", first.YearMonth()), msg.Int("step", step), msg.Int("max", maxDelay))
	}
	return d, true, nil
}

// flexibleWindow returns the earliest and latest retirement months of
// Article 3; without the reform both are the statutory month.
func (r reader) flexibleWindow(birth period.YearMonth, orig, stat int, at period.Date, reform bool) (period.YearMonth, period.YearMonth, error) {
	if !reform {
		return birth.Add(stat), birth.Add(stat), nil
	}
	early, err := r.int(parFlexEarly, at)
	if err != nil {
		return 0, 0, err
	}
	late, err := r.int(parFlexLate, at)
	if err != nil {
		return 0, 0, err
	}
	e, l := birth.Add(max(stat-early, orig)), birth.Add(stat+late)
	if r.on() {
		r.tr.value("earliest_month", e.String(), "trace.retirement.earliest", msg.Int("early", early))
		r.tr.value("latest_month", l.String(), "trace.retirement.latest", msg.Int("late", late))
	}
	return e, l, nil
}

// minContribution reads the minimum contribution months for retiring in
// month m (Art. 2, attachment 4); 0 when no minimum is encoded for m.
func (r reader) minContribution(m period.YearMonth) (int, error) {
	_, ok, err := r.opt0(parMinContribution, m.First())
	if err != nil || !ok {
		r.tr.note("trace.retirement.no_minimum", msg.Month("month", m))
		return 0, err
	}
	d, err := r.step(parMinContribution, m.First(), m.Year())
	if err != nil {
		return 0, err
	}
	n := int(d.IntPart())
	if r.on() {
		r.tr.value("min_contribution_months", strconv.Itoa(n), "trace.retirement.min_contribution", msg.Int("year", m.Year()))
	}
	return n, nil
}

// MinContributionMonths returns the minimum contribution period in months
// for a basic pension when retiring in month m (Art. 2, attachment 4 of
// the State Council Measures of 2024), or 0 when no minimum is encoded for
// m (before 1997-07-16). It fails only for a bad division code.
func (p *Params) MinContributionMonths(m period.YearMonth, division string) (int, error) {
	return p.reader(division, nil).minContribution(m)
}

// String renders the result for an operator.
func (res RetirementResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Category:                  %s\n", res.Category)
	fmt.Fprintf(&b, "Birth month:               %s\n", res.Birth)
	fmt.Fprintf(&b, "Statutory retirement age:  %s (delay %d months)\n", res.StatutoryAge, res.DelayMonths)
	fmt.Fprintf(&b, "Statutory retirement:      %s\n", res.RetireMonth)
	fmt.Fprintf(&b, "Flexible window:           %s to %s\n", res.EarliestMonth, res.LatestMonth)
	fmt.Fprintf(&b, "Minimum contribution:      %d months (retiring in %d)\n", res.MinContributionMonths, res.RetireMonth.Year())
	return b.String()
}
