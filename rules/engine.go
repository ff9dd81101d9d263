package rules

import (
	"fmt"

	"hrss/rules/money"
	"hrss/rules/period"
)

// rates are the contribution parameters of one division and period in
// integer form, resolved once (by the same readers as the per-person
// formula) and then used by the columnar loop.
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
		return 0, invalid("", "params.precision", "parameter %s = %s has more than %d decimals, which the columnar engine cannot hold exactly", name, d, places)
	}
	return s.IntPart(), nil
}

// assessRow computes one row's base and lines from resolved rates: the
// same rules as Contribution, in integer arithmetic (half-up to the fen).
func assessRow(rt *rates, kind Kind, wage money.Fen, class uint8, fl uint16, a *[NumLines]money.Fen) money.Fen {
	b := min(max(wage, rt.floor), rt.ceiling)
	if kind == KindFlexible {
		*a = [NumLines]money.Fen{PensionIndividual: b.MulRatePPM(rt.flexPPM)}
		return b
	}
	for l := Line(0); l < WorkInjuryEmployer; l++ {
		a[l] = b.MulRatePPM(rt.ppm[l])
	}
	a[WorkInjuryEmployer] = workInjuryAmount(rt, b, class, fl)
	return b
}

// workInjuryAmount is base × class rate (ppm) × float (hundredths), half-up
// to the fen, exact in integers.
func workInjuryAmount(rt *rates, b money.Fen, class uint8, fl uint16) money.Fen {
	return money.Fen((int64(b)*rt.wiPPM[class]*int64(fl) + 50_000_000) / 100_000_000)
}

// rateTable holds resolved rates per (period, division), densely indexed
// and filled on first use, so a run reads parameters once per distinct
// pair whatever the number of rows.
type rateTable struct {
	p     *Params
	divs  []string
	first period.YearMonth
	slots []rates
	ok    []bool
}

// maxSpan bounds the months a run may span (a dense table per month).
const maxSpan = 1200

// newRateTable sizes a table for pop's periods (at for rows without one).
func newRateTable(p *Params, pop *Population, at period.YearMonth) (*rateTable, error) {
	lo, hi := at, at
	if at == 0 {
		lo, hi = period.YearMonth(1<<30), 0
	}
	for i, per := range pop.period {
		if per == 0 {
			if at == 0 {
				return nil, invalid("period", "population.period", "row %d has no period and no run period is given", i+1)
			}
			continue
		}
		lo, hi = min(lo, per), max(hi, per)
	}
	if hi < lo {
		lo, hi = at, at
	}
	span := int(hi-lo) + 1
	if span > maxSpan {
		return nil, invalid("period", "population.period", "periods %s to %s span more than %d months", lo, hi, maxSpan)
	}
	n := span * max(len(pop.divisions), 1)
	return &rateTable{p: p, divs: pop.divisions, first: lo, slots: make([]rates, n), ok: make([]bool, n)}, nil
}

// fill resolves slot k.
func (t *rateTable) fill(k int) (*rates, error) {
	per := t.first.Add(k / len(t.divs))
	div := t.divs[k%len(t.divs)]
	rt, err := t.p.resolveRates(div, per)
	if err != nil {
		return nil, fmt.Errorf("division %s, period %s: %w", div, per, err)
	}
	t.slots[k], t.ok[k] = rt, true
	return &t.slots[k], nil
}

// slot returns the index of row i's rates.
func (t *rateTable) slot(pop *Population, i int, at period.YearMonth) int {
	per := pop.period[i]
	if per == 0 {
		per = at
	}
	return int(per-t.first)*len(t.divs) + int(pop.div[i])
}

// badFloat reports whether an employee row's float is outside the range
// allowed for its class.
func badFloat(rt *rates, kind Kind, class uint8, fl uint16) bool {
	return kind == KindEmployee && (fl < rt.fmin[class] || fl > rt.fmax[class])
}

func floatError(pop *Population, i int) error {
	return invalid("float", "population.float", "row %d: float %d%% is not allowed for risk class %d (work_injury.float_min/max)", i+1, pop.float[i], pop.risk[i])
}

// Assessment holds the columnar results of Assess: the base and each line
// per row, and sums by division.
type Assessment struct {
	Base   []money.Fen
	Amount [NumLines][]money.Fen // Amount[line][row]
	Totals Totals
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
// first time). Parameters are read once per distinct (division, period);
// the loop itself neither allocates nor dispatches. It fails with an
// Invalid error naming the row or the division and period when a float
// is not allowed or a parameter is not in force.
func (p *Params) Assess(pop *Population, at period.YearMonth, out *Assessment) error {
	t, err := newRateTable(p, pop, at)
	if err != nil {
		return err
	}
	n := pop.Len()
	out.Base = grow(out.Base, n)
	for l := range out.Amount {
		out.Amount[l] = grow(out.Amount[l], n)
	}
	out.Totals = newTotals(pop)
	var a [NumLines]money.Fen
	for i := 0; i < n; i++ {
		k := t.slot(pop, i, at)
		rt := &t.slots[k]
		if !t.ok[k] {
			if rt, err = t.fill(k); err != nil {
				return err
			}
		}
		kind, class, fl := pop.kind[i], pop.risk[i], pop.float[i]
		if badFloat(rt, kind, class, fl) {
			return floatError(pop, i)
		}
		out.Base[i] = assessRow(rt, kind, pop.wage[i], class, fl, &a)
		mask(&a, pop.enrolled[i])
		d := pop.div[i]
		out.Totals.Persons[d]++
		sum := &out.Totals.Amount[d]
		for l := range a {
			out.Amount[l][i] = a[l]
			sum[l] += a[l]
		}
	}
	return nil
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
