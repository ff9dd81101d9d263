package rules

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// rates are the contribution parameters of one division and period in
// integer form, resolved once (by the same readers as the per-person
// formula) and then laid out per group for the columnar loop (lineRates).
type rates struct {
	floor, ceiling money.Fen
	ppm            [WorkInjuryEmployer]int64 // employee lines, parts per million
	flexPPM        int64
	wiPPM          [9]int64  // work-injury base rate by class, ppm
	fmin, fmax     [9]uint16 // allowed float by class, hundredths
}

// resolveRates reads the rates of division div for period at.
func (p *Params) resolveRates(div string, at period.YearMonth) (rates, error) {
	var rt rates
	r := p.reader(div, nil)
	l, err := r.limits(at)
	if err != nil {
		return rt, err
	}
	rt.floor, rt.ceiling = l.floor, l.ceiling
	day := at.First()
	for ln := Line(0); ln < WorkInjuryEmployer; ln++ {
		if rt.ppm[ln], err = r.ppm(lineInfo[ln].param, day); err != nil {
			return rt, err
		}
	}
	if rt.flexPPM, err = r.ppm(parPensionFlexible, day); err != nil {
		return rt, err
	}
	for c := 1; c <= 8; c++ {
		if err = rt.workInjuryClass(r, day, c); err != nil {
			return rt, err
		}
	}
	return rt, nil
}

func (rt *rates) workInjuryClass(r reader, day period.Date, c int) error {
	rate, fmin, fmax, err := r.workInjury(day, c)
	if err != nil {
		return err
	}
	if rt.wiPPM[c], err = toScaled(rate, 6, parWorkInjuryRate); err != nil {
		return err
	}
	lo, err := toScaled(fmin, 2, parWorkInjuryMin)
	if err != nil {
		return err
	}
	hi, err := toScaled(fmax, 2, parWorkInjuryMax)
	rt.fmin[c], rt.fmax[c] = uint16(min(lo, 65535)), uint16(min(hi, 65535))
	return err
}

func (r reader) ppm(name string, day period.Date) (int64, error) {
	d, err := r.dec(name, day)
	if err != nil {
		return 0, err
	}
	return toScaled(d, 6, name)
}

// toScaled returns d × 10^places, which must be a whole number.
func toScaled(d money.Dec, places int32, name string) (int64, error) {
	s := d.Shift(places)
	if !s.IsInteger() {
		return 0, invalid("", "params.precision", "error.params.precision", msg.Text("param", name), msg.Dec("value", d), msg.Int("places", int(places)))
	}
	return s.IntPart(), nil
}

// lineRates are the rates of one group of rows laid out for the columnar
// loop: all that a row needs besides its wage, in one record, so that the
// loop has no branch on the kind, the class or the enrolled insurances.
// A line the group does not owe (not enrolled; a flexible worker's lines
// other than pension) has rate 0, which rounds to 0 fen.
type lineRates struct {
	floor, ceiling uint64                     // base limits, fen (never negative)
	ppm            [WorkInjuryEmployer]uint32 // the first six lines, parts per million
	wi             uint32                     // work injury: class rate (ppm) × float (hundredths), parts per 10^8
	div            uint32                     // the group's division
}

// The denominators of lineRates and the half that rounds half-up to the
// fen (RULES.md §3): amount = (base × rate + half) / denominator.
const (
	ppmDenom = 1_000_000
	ppmHalf  = ppmDenom / 2
	wiDenom  = 100_000_000
	wiHalf   = wiDenom / 2
)

// lines computes the base and the lines of a row with wage w: the same
// rules as Contribution, in integer arithmetic, each line half-up to the
// fen, without a branch (the clamp compiles to conditional moves). Wages
// are never negative (Append refuses them), so unsigned arithmetic is
// exact; forGroup checks that no product can overflow.
func (r *lineRates) lines(w money.Fen, a *[NumLines]money.Fen) money.Fen {
	b := min(max(uint64(w), r.floor), r.ceiling)
	a[PensionIndividual] = money.Fen((b*uint64(r.ppm[PensionIndividual]) + ppmHalf) / ppmDenom)
	a[PensionEmployer] = money.Fen((b*uint64(r.ppm[PensionEmployer]) + ppmHalf) / ppmDenom)
	a[MedicalIndividual] = money.Fen((b*uint64(r.ppm[MedicalIndividual]) + ppmHalf) / ppmDenom)
	a[MedicalEmployer] = money.Fen((b*uint64(r.ppm[MedicalEmployer]) + ppmHalf) / ppmDenom)
	a[UnemploymentIndividual] = money.Fen((b*uint64(r.ppm[UnemploymentIndividual]) + ppmHalf) / ppmDenom)
	a[UnemploymentEmployer] = money.Fen((b*uint64(r.ppm[UnemploymentEmployer]) + ppmHalf) / ppmDenom)
	a[WorkInjuryEmployer] = money.Fen((b*uint64(r.wi) + wiHalf) / wiDenom)
	return money.Fen(b)
}

// forGroup lays out the rates of group g. It fails when the parameters
// do not fit the integer loop: a rate above 4294 (parts per million, or
// per 10^8 for work injury) or a ceiling of billions of yuan, which no
// parameter file allows.
func (rt *rates) forGroup(g *group) (lineRates, error) {
	var ppm [WorkInjuryEmployer]int64
	var wi int64
	if g.kind == KindFlexible {
		ppm[PensionIndividual] = rt.flexPPM
	} else {
		for l := Line(0); l < WorkInjuryEmployer; l++ {
			if g.enrolled&lineEnrolled[l] != 0 {
				ppm[l] = rt.ppm[l]
			}
		}
		if g.enrolled&lineEnrolled[WorkInjuryEmployer] != 0 {
			wi = rt.wiPPM[g.class] * int64(g.float)
		}
	}
	r := lineRates{floor: uint64(max(rt.floor, 0)), ceiling: uint64(max(rt.ceiling, 0)), wi: uint32(wi), div: uint32(g.div)}
	ok := wi >= 0 && wi <= math.MaxUint32 && rt.floor >= 0 && rt.ceiling >= 0
	for l, x := range ppm {
		ok = ok && x >= 0 && x <= math.MaxUint32
		r.ppm[l] = uint32(x)
	}
	// b × rate + half fits in 64 bits for every base b up to the ceiling
	if c := r.ceiling; !ok || c > (math.MaxUint64-wiHalf)/math.MaxUint32 {
		return r, invalid("", "params.range", "error.params.range", msg.Fen("floor", rt.floor), msg.Fen("ceiling", rt.ceiling))
	}
	return r, nil
}

// lineEnrolled is the insurance of each line as an Enrolled bit.
var lineEnrolled = func() (e [NumLines]Enrolled) {
	for l := range e {
		e[l] = enrolledBit[lineInfo[l].ins]
	}
	return e
}()

// badFloat reports whether an employee group's float is outside the range
// allowed for its class.
func (rt *rates) badFloat(g *group) bool {
	return g.kind == KindEmployee && (g.float < rt.fmin[g.class] || g.float > rt.fmax[g.class])
}

// rowFault is the first row that cannot be assessed and why. The earliest
// row wins and, at one row, the baseline's parameters before the
// reform's before the row's float: the error a row-by-row run would meet
// first.
type rowFault struct {
	row, rank int
	err       error
}

// The ranks of a rowFault.
const (
	rankParams       = 0 // a parameter of the (baseline) set is not in force
	rankReformParams = 1 // a parameter of a reform is not in force
	rankFloat        = 2 // the float is not allowed for the class
)

func (f *rowFault) add(row, rank int, err error) {
	if f.err == nil || row < f.row || (row == f.row && rank < f.rank) {
		*f = rowFault{row, rank, err}
	}
}

// checkPeriods fails, naming the first such row, when a row has no period
// and no run period is given.
func checkPeriods(pop *Population, at period.YearMonth) error {
	if at != 0 {
		return nil
	}
	first := -1
	for i := range pop.groups {
		if g := &pop.groups[i]; g.period == 0 && (first < 0 || g.first < first) {
			first = g.first
		}
	}
	if first >= 0 {
		return invalid("period", "population.period", "error.population.period", msg.Int("row", first+1))
	}
	return nil
}

// rateCache holds the rates of one parameter set by division and period,
// resolved on first use (errors too: the parameters never change). An
// Assessment keeps one from run to run, so that a job assessing chunk
// after chunk with the same parameters reads them once.
type rateCache struct {
	p     *Params
	slots map[slotKey]*rateSlot
}

// slotKey is a division (its code's bytes, see divisionKey) and a period.
type slotKey struct {
	div uint64
	per period.YearMonth
}

type rateSlot struct {
	rt  rates
	err error // wrapped with the division and period
}

// cacheFor returns c if it holds the rates of p, else a new cache for p.
func (c *rateCache) cacheFor(p *Params) *rateCache {
	if c != nil && c.p == p {
		return c
	}
	return &rateCache{p: p, slots: map[slotKey]*rateSlot{}}
}

// get returns the rates of division div for period per.
func (c *rateCache) get(div string, per period.YearMonth) *rateSlot {
	k := slotKey{divisionKey(div), per}
	s := c.slots[k]
	if s == nil {
		s = new(rateSlot)
		var err error
		if s.rt, err = c.p.resolveRates(div, per); err != nil {
			s.err = fmt.Errorf("division %s, period %s: %w", div, per, err)
		}
		c.slots[k] = s
	}
	return s
}

// groupRates lays out the rates of every group of pop, for period at where
// a group has none, into recs (reused when large enough), reading the
// parameters through c: once per distinct (division, period), whatever
// the number of groups or rows. A group that cannot be assessed is
// reported to f at its first row, with label before a parameter error and
// rank.
func (c *rateCache) groupRates(pop *Population, at period.YearMonth, recs []lineRates, label string, rank int, f *rowFault) []lineRates {
	if cap(recs) < len(pop.groups) {
		recs = make([]lineRates, len(pop.groups))
	}
	recs = recs[:len(pop.groups)]
	// the slots of this population by division index and period, in
	// front of the cache's (keyed by division code)
	local := map[uint64]*rateSlot{}
	lastDiv, lastPer, s := int32(-1), period.YearMonth(0), (*rateSlot)(nil)
	for gi := range pop.groups {
		g := &pop.groups[gi]
		per := g.period
		if per == 0 {
			per = at
		}
		if g.div != lastDiv || per != lastPer {
			k := uint64(uint32(g.div))<<32 | uint64(uint32(per))
			if s = local[k]; s == nil {
				s = c.get(pop.divisions[g.div], per)
				local[k] = s
			}
			lastDiv, lastPer = g.div, per
		}
		if s.err != nil {
			f.add(g.first, rank, labelled(label, s.err))
			continue
		}
		if s.rt.badFloat(g) {
			f.add(g.first, rankFloat, invalid("float", "population.float", "error.population.float_class", msg.Int("row", g.first+1), msg.Int("pct", int(g.float)), msg.Int("class", int(g.class))))
			continue
		}
		r, err := s.rt.forGroup(g)
		if err != nil {
			f.add(g.first, rank, labelled(label, fmt.Errorf("division %s, period %s: %w", pop.divisions[g.div], per, err)))
		}
		recs[gi] = r
	}
	return recs
}

// labelled puts label ("baseline: ", "reform: " or none) before err.
func labelled(label string, err error) error {
	if label == "" {
		return err
	}
	return fmt.Errorf("%s%w", label, err)
}

// Assessment holds the columnar results of Assess: the base and each line
// per row, and sums by division.
type Assessment struct {
	Base   []money.Fen
	Amount [NumLines][]money.Fen // Amount[line][row]
	Totals Totals

	recs  []lineRates // the groups' rates of the last run, reused
	rates *rateCache  // the parameters of the last run, by division and period
}

// Totals are sums of contribution lines by division.
type Totals struct {
	Divisions []string              // division codes, as Population.Divisions
	Persons   []int                 // rows per division
	Amount    [][NumLines]money.Fen // sums per division and line
}

// Assess assesses every row of pop (核定) with the same rules as
// Contribution, for period at where a row has none, writing into out
// (whose slices are reused when large enough; pass a zero Assessment the
// first time). Parameters are read once per distinct (division, period)
// and laid out once per group of rows; the loop itself neither allocates
// nor branches per row, and a large population is split over the
// processors (GOMAXPROCS) with results identical to one: each part has
// its own sums, added in order at the end. It fails with an Invalid error
// naming the first row that cannot be assessed: a float not allowed, or
// the division and period of a parameter not in force.
func (p *Params) Assess(pop *Population, at period.YearMonth, out *Assessment) error {
	if err := checkPeriods(pop, at); err != nil {
		return err
	}
	var f rowFault
	out.rates = out.rates.cacheFor(p)
	out.recs = out.rates.groupRates(pop, at, out.recs, "", rankParams, &f)
	if f.err != nil {
		return f.err
	}
	n := pop.Len()
	out.Base = grow(out.Base, n)
	for l := range out.Amount {
		out.Amount[l] = grow(out.Amount[l], n)
	}
	out.Totals = newTotals(pop)
	nd := len(pop.divisions)
	w := workers(n)
	sums := make([]lineSums, w*nd)
	parallel(n, w, func(k, lo, hi int) {
		assessRows(out.recs, pop, out, lo, hi, sums[k*nd:(k+1)*nd])
	})
	for k := 0; k < w; k++ {
		for d := range out.Totals.Amount {
			out.Totals.Persons[d] += int(sums[k*nd+d][rowsSum])
			for l, v := range sums[k*nd+d][:NumLines] {
				out.Totals.Amount[d][l] += v
			}
		}
	}
	return nil
}

// assessRows is the columnar loop of Assess over rows [lo, hi): the
// lines of lineRates.lines written out by hand, so that the eight output
// columns are locals of known length (no bounds check per line) and the
// loop has no inner loop.
func assessRows(recs []lineRates, pop *Population, out *Assessment, lo, hi int, sums []lineSums) {
	rows := pop.rows[lo:hi]
	n := len(rows)
	base := out.Base[lo:hi][:n]
	a0, a1, a2, a3 := out.Amount[0][lo:hi][:n], out.Amount[1][lo:hi][:n], out.Amount[2][lo:hi][:n], out.Amount[3][lo:hi][:n]
	a4, a5, a6 := out.Amount[4][lo:hi][:n], out.Amount[5][lo:hi][:n], out.Amount[6][lo:hi][:n]
	for i, row := range rows {
		r := &recs[row.group]
		s := &sums[r.div]
		b := min(max(uint64(row.wage), r.floor), r.ceiling)
		base[i] = money.Fen(b)
		l := money.Fen((b*uint64(r.ppm[0]) + ppmHalf) / ppmDenom)
		a0[i] = l
		s[0] += l
		l = money.Fen((b*uint64(r.ppm[1]) + ppmHalf) / ppmDenom)
		a1[i] = l
		s[1] += l
		l = money.Fen((b*uint64(r.ppm[2]) + ppmHalf) / ppmDenom)
		a2[i] = l
		s[2] += l
		l = money.Fen((b*uint64(r.ppm[3]) + ppmHalf) / ppmDenom)
		a3[i] = l
		s[3] += l
		l = money.Fen((b*uint64(r.ppm[4]) + ppmHalf) / ppmDenom)
		a4[i] = l
		s[4] += l
		l = money.Fen((b*uint64(r.ppm[5]) + ppmHalf) / ppmDenom)
		a5[i] = l
		s[5] += l
		l = money.Fen((b*uint64(r.wi) + wiHalf) / wiDenom)
		a6[i] = l
		s[6] += l
		s[rowsSum]++
	}
}

// lineSums are one division's sums per line in a loop and its number of
// rows (at rowsSum): 64 bytes, a power of two, so that finding a
// division's sums is a shift, not a multiplication (the loop's
// multiplier is busy with the lines).
type lineSums [NumLines + 1]money.Fen

// rowsSum is the index of the rows counted in a lineSums.
const rowsSum = NumLines

// chunk is the rows of one unit of work of a parallel loop: enough to
// make the hand-off negligible, few enough that a processor busy with
// other work holds up the run by little (the others take its share).
const chunk = 1 << 14

// workers returns how many goroutines share a loop over n rows.
func workers(n int) int { return max(1, min(runtime.GOMAXPROCS(0), n/(2*chunk))) }

// parallel runs f over [0, n) in chunks of rows taken in turn by w
// goroutines (the caller and w-1 others), f(k, lo, hi) on goroutine k,
// and waits for all. Each goroutine keeps its own sums, so whatever
// chunks each takes, the totals (integer sums) are those of one pass.
func parallel(n, w int, f func(k, lo, hi int)) {
	if w <= 1 {
		f(0, 0, n)
		return
	}
	var next atomic.Int64
	work := func(k int) {
		for {
			lo := int(next.Add(chunk)) - chunk
			if lo >= n {
				return
			}
			f(k, lo, min(lo+chunk, n))
		}
	}
	var wg sync.WaitGroup
	for k := 1; k < w; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(k)
		}()
	}
	work(0)
	wg.Wait()
}

func grow(s []money.Fen, n int) []money.Fen {
	if cap(s) < n {
		return make([]money.Fen, n)
	}
	return s[:n]
}

func newTotals(pop *Population) Totals {
	d := len(pop.divisions)
	return Totals{Divisions: pop.divisions, Persons: make([]int, d), Amount: make([][NumLines]money.Fen, d)}
}
