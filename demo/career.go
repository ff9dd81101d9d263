package demo

import (
	"fmt"
	"math"
	"sync"

	"hrss/registry"
	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

// historyStart is the earliest start of an employment relation in the
// registry: records go back to the mid-1990s, when enterprise pension
// insurance was unified (国发〔1995〕6号, 国发〔1997〕26号).
var historyStart = dayOf(period.Date{Y: 1995, M: 1, D: 1})

// status is a person's situation on AsOf, decided before their history
// is drawn so that the shares come out as intended.
type status uint8

const (
	stStudent    status = iota
	stEmployed          // an open employment relation
	stFlexible          // an open flexible-worker enrolment
	stUnemployed        // last relation ended involuntarily, looking for work
	stInactive          // no work: never formally employed, or left voluntarily
	stRetired           // past the statutory retirement age
)

// retirementDate is the statutory retirement date of a person born on
// birth (male, original-55 female or original-50 female): the month
// rules.RetirementAge gives for the birth month, on the birth day (the
// last day of a shorter month). The months come from a table built once
// from the embedded parameters, so the generator applies the rule itself,
// not a copy of it, at a table lookup per person.
func retirementDate(birth period.Date, male, female55 bool) period.Date {
	cat := 2
	switch {
	case male:
		cat = 0
	case female55:
		cat = 1
	}
	t := retirementTable()
	m := t.months[cat][birth.Month().Sub(t.first)]
	return period.Date{Y: m.Year(), M: m.Month(), D: min(birth.D, period.DaysIn(m.Year(), m.Month()))}
}

// retireTable holds the statutory retirement month of every birth month
// from first on, for the categories male, female-55 and female-50.
type retireTable struct {
	first  period.YearMonth
	months [3][]period.YearMonth
}

// retirementTable builds the table from rules.Embedded once. The embedded
// parameters are part of the binary and tested: a failure here is a
// broken build, so it panics.
var retirementTable = sync.OnceValue(func() *retireTable {
	p, err := rules.Embedded()
	if err != nil {
		panic(fmt.Sprintf("demo: embedded parameters: %v", err))
	}
	t := &retireTable{first: period.New(1900, 1)}
	last := period.New(2100, 12)
	for ci, c := range []rules.Category{rules.Male, rules.Female55, rules.Female50} {
		for b := t.first; b <= last; b++ {
			r, err := p.RetirementAge(rules.RetirementInput{Category: c, Birth: b}, false)
			if err != nil {
				panic(fmt.Sprintf("demo: retirement age of %s born %s: %v", c, b, err))
			}
			t.months[ci] = append(t.months[ci], r.RetireMonth)
		}
	}
	return t
})

// Shares of situations among persons of working age who have left school
// (before adjustments by age, sex, origin and graduation).
const (
	pFlexible   = 0.068
	pUnemployed = 0.022
	pInactive   = 0.13
)

// career decides the person's situation on AsOf and draws their
// employment relations and flexible-worker enrolments into b.
func (g *gen) career(c *citizen, b *batch) {
	s := g.cs
	s.reset(g.cfg.Seed, aspectCareer, uint64(c.index))
	if c.student {
		c.status = stStudent
		return
	}
	// When the person could first be in the registry: after school, for
	// migrants after coming to Jiaxing, and not before the records begin
	// (coverage spread over the late 1990s).
	start := c.leave + day(s.IntN(150))
	if c.p.Graduation != nil && s.chance(0.55) {
		start = c.leave + day(s.IntN(30)) // a job signed before graduating
	}
	if c.migrant {
		arrivalAge := 16 + s.Float64()*float64(min(c.age, 42)-16)
		c.arrival = c.birth + day(arrivalAge*365.25)
		start = max(start, c.arrival+day(s.IntN(60)))
	}
	if start < historyStart {
		start = historyStart + months(s.Float64()*48)
	}

	if c.retire <= g.today {
		c.status = stRetired
		g.retiree(s, c, start, b)
		return
	}

	recent := c.p.Graduation != nil && c.leave > g.twoYearsAgo
	pf, pu, pi := pFlexible, pUnemployed, pInactive
	switch {
	case recent:
		pf, pu, pi = 0.04, 0.03, 0.13 // some graduates have not found work yet
	case c.migrant:
		pf, pi = 0.05, 0.06 // they came to work
	case !c.male && c.age >= 45:
		pi += 0.12
	case c.age < 20:
		pi += 0.15
	}
	x := s.Float64()
	switch {
	case x < pf:
		c.status = stFlexible
	case x < pf+pu:
		c.status = stUnemployed
	case x < pf+pu+pi:
		c.status = stInactive
	default:
		c.status = stEmployed
	}

	switch c.status {
	case stEmployed:
		if start > g.today {
			c.status = stInactive // still looking for a first job
			return
		}
		g.history(s, c, start, g.today, b, false)
	case stUnemployed:
		end := g.today - months(1+17*s.Float64()*s.Float64())
		if !g.history(s, c, start, end, b, false) {
			c.status = stInactive
		}
	case stFlexible:
		fs := max(g.today-months(1+95*s.Float64()), start, c.leave+1)
		if c.migrant {
			fs = max(fs, c.arrival)
		}
		g.history(s, c, start, fs-1-day(s.IntN(120)), b, false)
		g.flexible(s, c, min(fs, g.today), 0, b)
	case stInactive:
		if recent || s.chance(0.35) {
			return // never formally employed
		}
		g.history(s, c, start, g.today-months(3+117*s.Float64()), b, true)
	}
}

// retiree draws the history of a person past the retirement age: most
// worked until retirement; some were laid off in the restructuring of
// the late 1990s and contributed as flexible workers until retirement;
// some (farmers, homemakers, many migrants) were never in the registry.
func (g *gen) retiree(s *stream, c *citizen, start day, b *batch) {
	pFormal := 0.82
	if c.migrant {
		pFormal = 0.45
	}
	if c.edu <= 1 {
		pFormal -= 0.25
	}
	if !s.chance(pFormal) {
		return
	}
	if start < dayOf(period.Date{Y: 2003, M: 1, D: 1}) && c.retire-start > 3*365 && s.chance(0.1) {
		laidOff := start + 365 + day(s.IntN(int(min(c.retire, dayOf(period.Date{Y: 2005, M: 12, D: 31}))-start)))
		if laidOff < c.retire-365 && g.history(s, c, start, laidOff, b, false) {
			if s.chance(0.6) {
				g.flexible(s, c, laidOff+months(1+5*s.Float64()), c.retire, b)
			}
			return
		}
	}
	g.history(s, c, start, c.retire, b, false)
}

// history draws employment relations from start to end: spells of work
// with job changes and gaps. The last spell reaches end; with end on
// AsOf for the employed it stays open, otherwise it ends on end, by
// retirement at the retirement date, involuntarily for the unemployed,
// voluntarily (or at random, for those who became flexible workers)
// otherwise; voluntary forces a resignation. It reports whether it
// drew any relation: none if end is less than two months after start,
// unless the person is employed now.
func (g *gen) history(s *stream, c *citizen, start, end day, b *batch, voluntary bool) bool {
	if end-start < 60 && (c.status != stEmployed || end < start) {
		return false // an ended job lasts two months at least; a current one may have just begun
	}
	t := start
	prevInd, prevEmp := -1, -1
	first := true
	for {
		ii := g.jobIndustry(s, c, prevInd, first)
		emp := g.pool.pick(s, ii, g.hireDivision(s, c))
		if emp == prevEmp {
			emp = g.pool.pick(s, ii, g.hireDivision(s, c)) // rehired by the same employer now and then
		}
		ind := &industries[g.pool.info[emp].ind]
		length := g.spellLength(s, c, t, ind, g.pool.info[emp].kind)
		stop, next := t+length, day(0)
		last := stop >= end
		if !last {
			next = stop + g.gapLength(s)
			last = next >= end-60 // no room for another job: this one lasts
		}
		if last {
			rel := g.relation(s, c, emp, t, end, b)
			switch {
			case c.status == stEmployed:
				rel.End = period.Date{}
			case c.status == stRetired && end == c.retire:
				rel.Separation = registry.SepRetired
			case c.status == stUnemployed || c.status == stRetired:
				rel.Separation = pickOf(s, involuntaryReasons)
			case voluntary:
				rel.Separation = registry.SepResignation
			default:
				rel.Separation = g.reason(s, end)
			}
			g.finish(rel)
			c.lastSep = rel.Separation
			return true
		}
		rel := g.relation(s, c, emp, t, stop, b)
		rel.Separation = g.reason(s, stop)
		g.finish(rel)
		if next-stop > 365 && s.chance(0.2) { // a long gap spent as a flexible worker
			fs, fe := stop+day(15+s.IntN(45)), next-day(5+s.IntN(25))
			if fe-fs > 90 {
				g.flexible(s, c, fs, fe, b)
			}
		}
		prevInd, prevEmp, first, t = int(g.pool.info[emp].ind), emp, false, next
	}
}

// jobIndustry draws the industry of the next job: often the same as the
// last, for a first job often one the person's major leads to, else by
// the industries' shares of jobs for the person's education.
func (g *gen) jobIndustry(s *stream, c *citizen, prev int, first bool) int {
	if prev >= 0 && s.chance(0.6) {
		return prev
	}
	if first && c.major != nil && s.chance(0.5) {
		want := c.major.industries[s.IntN(len(c.major.industries))]
		for i := range industries {
			if industries[i].division == want {
				return i
			}
		}
	}
	return g.jobT[c.edu].pick(s)
}

// hireDivision draws the division of the employer: mostly where the
// person lives.
func (g *gen) hireDivision(s *stream, c *citizen) int {
	if s.chance(0.78) {
		return c.residence
	}
	return g.residenceT.pick(s)
}

// spellLength draws how long a job lasts: lognormal, longer with age and
// in the public sector.
func (g *gen) spellLength(s *stream, c *citizen, t day, ind *industry, kind orgKind) day {
	age := float64(t-c.birth) / 365.25
	median := 14.0 // months
	switch {
	case age >= 45:
		median = 60
	case age >= 35:
		median = 46
	case age >= 25:
		median = 28
	}
	median *= ind.tenure
	if kind == organ || kind == institution {
		median *= 2
	}
	return max(31, months(s.lognormal(median, 0.9)))
}

// gapLength draws the time between two jobs: mostly days or weeks, some
// months, a few years.
func (g *gen) gapLength(s *stream) day {
	switch x := s.Float64(); {
	case x < 0.55:
		return day(1 + s.IntN(45))
	case x < 0.85:
		return months(1 + 8*s.Float64())
	default:
		return months(9 + 39*s.Float64())
	}
}

var involuntaryReasons = []weighted[registry.Separation]{
	{registry.SepContractEnd, 35}, {registry.SepDismissed, 15}, {registry.SepMutual, 20},
	{registry.SepEmployerGone, 25}, {registry.SepEmployerFault, 5},
}

// reason draws why a job that ended on end ended: mostly resignations;
// closures were frequent in the restructuring of 1997-2003.
func (g *gen) reason(s *stream, end day) registry.Separation {
	closed := 10.0
	if y := yearFrac(end); y >= 1997 && y < 2004 {
		closed = 25
	}
	x := s.Float64() * (90 + closed)
	switch {
	case x < 58:
		return registry.SepResignation
	case x < 72:
		return registry.SepContractEnd
	case x < 78:
		return registry.SepDismissed
	case x < 85:
		return registry.SepMutual
	case x < 90:
		return registry.SepEmployerFault
	}
	return registry.SepEmployerGone
}

var (
	allFour        = registry.AllInsurances[:4:4]
	noUnemployment = []registry.Insurance{registry.Pension, registry.Medical, registry.WorkInjury}[:3:3]
)

// relation appends a relation with employer emp from start to end (its
// separation left to the caller) and returns it.
func (g *gen) relation(s *stream, c *citizen, emp int, start, end day, b *batch) *registry.Employment {
	g.nextEmp++
	ins := allFour
	pNoUnemp := 0.08
	if yearFrac(start) < 2005 {
		pNoUnemp = 0.25
	}
	if s.chance(pNoUnemp) {
		ins = noUnemployment
	}
	b.employments = append(b.employments, registry.Employment{
		ID:           g.nextEmp,
		PersonID:     c.p.ID,
		EmployerID:   int64(emp + 1),
		Start:        start.date(),
		End:          end.date(),
		DeclaredWage: g.wage(s, c, &industries[g.pool.info[emp].ind], min(end, g.today)),
		Insurances:   ins,
	})
	return &b.employments[len(b.employments)-1]
}

// finish sets the timestamps of a relation: recorded when it started,
// last updated when it ended.
func (g *gen) finish(e *registry.Employment) {
	e.CreatedAt = midnight(e.Start)
	e.UpdatedAt = e.CreatedAt
	if !e.End.IsZero() {
		e.UpdatedAt = midnight(e.End)
	}
}

// flexibleBases are the base levels flexible workers choose, percent of
// the average wage: most the minimum.
var flexibleBases = []weighted[int]{{60, 65}, {80, 8}, {100, 17}, {150, 5}, {200, 3}, {300, 2}}

// flexible appends a flexible-worker enrolment from start to end (zero:
// open) in the person's division.
func (g *gen) flexible(s *stream, c *citizen, start, end day, b *batch) {
	g.nextFlex++
	f := registry.FlexibleWorker{
		ID:        g.nextFlex,
		PersonID:  c.p.ID,
		Division:  residenceWeights[c.residence].v,
		Start:     start.date(),
		BasePct:   pickOf(s, flexibleBases),
		CreatedAt: midnight(start.date()),
	}
	f.UpdatedAt = f.CreatedAt
	if end != 0 {
		f.End = end.date()
		f.UpdatedAt = midnight(f.End)
	}
	b.flexible = append(b.flexible, f)
}

// wage draws the monthly wage declared in a job of industry ind, as last
// declared on at: lognormal around the industry's median, scaled to the
// year (about 6% a year since 2015, 8% before), by education and
// experience, with the person's lasting ability and some luck in the job;
// never below the era's minimum wage, rounded to whole yuan.
func (g *gen) wage(s *stream, c *citizen, ind *industry, at day) money.Fen {
	y := yearFrac(at)
	era := eraFactor(y)
	age := float64(at-c.birth) / 365.25
	w := ind.wage * era * eduWage[c.edu] / eduRef[ind.skill] * experience(age) * math.Exp(ind.sigma*(0.85*c.ability+0.5*s.NormFloat64()))
	w = math.Min(math.Max(w, 2490*era), 60*ind.wage*era) // Zhejiang's 2024 tier-1 minimum wage, scaled
	return money.Yuan(int64(math.Round(w)))
}

// eraFactor is the wage level of year y relative to 2024.
func eraFactor(y float64) float64 {
	switch {
	case y >= 2015:
		return math.Pow(1.06, y-2024)
	default:
		return math.Pow(1.06, -9) * math.Pow(1.08, y-2015)
	}
}

// experience is the wage factor of age: starters earn less, wages peak
// in the forties.
func experience(age float64) float64 {
	pts := [][2]float64{{16, 0.70}, {22, 0.82}, {30, 1.0}, {42, 1.1}, {52, 1.06}, {60, 0.98}, {70, 0.95}}
	if age <= pts[0][0] {
		return pts[0][1]
	}
	for i := 1; i < len(pts); i++ {
		if age < pts[i][0] {
			f := (age - pts[i-1][0]) / (pts[i][0] - pts[i-1][0])
			return pts[i-1][1] + f*(pts[i][1]-pts[i-1][1])
		}
	}
	return pts[len(pts)-1][1]
}

// count adds person c, whose rows are the last ones in b, to the summary.
func (g *gen) count(c *citizen, b *batch) {
	sm := &g.sum
	sm.Persons++
	for i, a := range ageGroups {
		if c.age < a.below {
			g.ageCount[i]++
			break
		}
	}
	if c.male {
		sm.Male++
	} else {
		sm.Female++
	}
	if c.migrant {
		sm.Migrants++
	}
	dc := &g.divCount[c.residence]
	dc.Persons++
	// The person's rows are at the end of the batch.
	employed, flexActive := false, false
	var last *registry.Employment
	for i := len(b.employments) - 1; i >= 0 && b.employments[i].PersonID == c.p.ID; i-- {
		e := &b.employments[i]
		if e.End.IsZero() {
			employed = true
		}
		if last == nil || last.Start.Before(e.Start) {
			last = e
		}
	}
	for i := len(b.flexible) - 1; i >= 0 && b.flexible[i].PersonID == c.p.ID; i-- {
		sm.Flexible++
		if b.flexible[i].End.IsZero() {
			flexActive = true
		}
	}
	for i := len(b.employments) - 1; i >= 0 && b.employments[i].PersonID == c.p.ID; i-- {
		sm.Employments++
	}
	working := !c.student && c.retire > g.today
	if c.retire > g.today {
		sm.WorkingAge++
	}
	switch {
	case employed:
		sm.Employed++
		dc.Employed++
	case flexActive:
		sm.FlexibleActive++
	}
	if c.student {
		sm.Students++
	}
	if working && !employed && !flexActive && last != nil && last.Separation.Involuntary() {
		sm.Unemployed++
	}
	if c.retire <= g.today && last != nil && last.Separation == registry.SepRetired {
		sm.Retirees++
	}
	if c.p.Graduation != nil && c.leave > g.twoYearsAgo {
		sm.Graduates++
		if !employed && !flexActive {
			sm.UnemployedGraduates++
		}
	}
}

// summary returns the finished summary.
func (g *gen) summary() Summary {
	sm := g.sum
	sm.Ages = make([]Count, len(ageGroups))
	for i, a := range ageGroups {
		sm.Ages[i] = Count{a.label, g.ageCount[i]}
	}
	sm.Divisions = append([]DivisionCount(nil), g.divCount...)
	return sm
}
