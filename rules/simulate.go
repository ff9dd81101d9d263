package rules

import (
	"fmt"
	"sort"
	"strings"

	"hrss/rules/money"
	"hrss/rules/period"
)

// SimReport compares contribution income under a baseline and a reform
// over one population. It marshals to JSON with money as strings.
type SimReport struct {
	Period    period.YearMonth `json:"period"`
	Persons   int              `json:"persons"`
	Affected  int              `json:"affected"` // rows whose contributions change
	Total     SimGroup         `json:"total"`
	Divisions []SimGroup       `json:"divisions"` // by division code
}

// SimGroup is the comparison for one division (or, as Total, for all).
type SimGroup struct {
	Division   string    `json:"division"` // "all" for the total
	Persons    int       `json:"persons"`
	Affected   int       `json:"affected"`
	Lines      []SimLine `json:"lines"` // one per insurance and party
	Baseline   money.Fen `json:"baseline"`
	Reform     money.Fen `json:"reform"`
	Difference money.Fen `json:"difference"` // reform - baseline
}

// SimLine is the comparison for one insurance and party.
type SimLine struct {
	Insurance  Insurance `json:"insurance"`
	Party      Party     `json:"party"`
	Baseline   money.Fen `json:"baseline"`
	Reform     money.Fen `json:"reform"`
	Difference money.Fen `json:"difference"`
}

// simAcc accumulates one division.
type simAcc struct {
	persons, affected int
	base, reform      [NumLines]money.Fen
}

// Simulate assesses every row of pop under base and under reform (for
// period at where a row has none) and reports contribution income per
// insurance and party, by division, with the number of rows affected.
// Build reform with base.OverlayFile(path). Each parameter set is read once
// per distinct (division, period), and where the reform changes only some
// rates only those lines are recomputed; the loop neither allocates nor
// dispatches. It fails like Assess.
func Simulate(base, reform *Params, pop *Population, at period.YearMonth) (*SimReport, error) {
	tb, err := newRateTable(base, pop, at)
	if err != nil {
		return nil, err
	}
	tr, _ := newRateTable(reform, pop, at)
	st := &simTables{tb, tr, make([]change, len(tb.slots))}
	acc := make([]simAcc, len(pop.divisions))
	if err := st.rows(pop, at, acc); err != nil {
		return nil, err
	}
	return buildReport(pop, at, acc), nil
}

// change says how the reform's rates of a slot differ from the baseline's.
type change struct {
	none   bool           // identical: the reform's lines are the baseline's
	limits bool           // floor or ceiling differ: assess again in full
	floats bool           // allowed floats differ: check the float again
	flex   bool           // the flexible workers' rate differs
	lines  [NumLines]bool // employee lines whose rate differs (work injury: any class)
}

func diffRates(a, b *rates) change {
	c := change{
		limits: a.floor != b.floor || a.ceiling != b.ceiling,
		floats: a.fmin != b.fmin || a.fmax != b.fmax,
		flex:   a.flexPPM != b.flexPPM,
	}
	for l := Line(0); l < WorkInjuryEmployer; l++ {
		c.lines[l] = a.ppm[l] != b.ppm[l]
	}
	c.lines[WorkInjuryEmployer] = a.wiPPM != b.wiPPM
	c.none = *a == *b
	return c
}

// simTables are the baseline's and the reform's rates and their changes.
type simTables struct {
	tb, tr  *rateTable
	changes []change
}

// fill resolves slot k in both tables.
func (st *simTables) fill(k int) error {
	rb, err := st.tb.fill(k)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	rr, err := st.tr.fill(k)
	if err != nil {
		return fmt.Errorf("reform: %w", err)
	}
	st.changes[k] = diffRates(rb, rr)
	return nil
}

// rows is the columnar loop of Simulate.
func (st *simTables) rows(pop *Population, at period.YearMonth, acc []simAcc) error {
	var a, b [NumLines]money.Fen
	for i := range pop.div {
		k := st.tb.slot(pop, i, at)
		if !st.tb.ok[k] {
			if err := st.fill(k); err != nil {
				return err
			}
		}
		rb, rr, c := &st.tb.slots[k], &st.tr.slots[k], &st.changes[k]
		kind, class, fl, w := pop.kind[i], pop.risk[i], pop.float[i], pop.wage[i]
		if badFloat(rb, kind, class, fl) || (c.floats && badFloat(rr, kind, class, fl)) {
			return floatError(pop, i)
		}
		base := assessRow(rb, kind, w, class, fl, &a)
		reassess(rr, c, kind, base, w, class, fl, &a, &b)
		mask(&a, pop.enrolled[i])
		mask(&b, pop.enrolled[i])
		s := &acc[pop.div[i]]
		s.persons++
		if a != b {
			s.affected++
		}
		for l := range a {
			s.base[l] += a[l]
			s.reform[l] += b[l]
		}
	}
	return nil
}

// reassess sets b to the reform's lines of a row whose baseline lines are
// a on base, recomputing only what the reform changes.
func reassess(rr *rates, c *change, kind Kind, base, w money.Fen, class uint8, fl uint16, a, b *[NumLines]money.Fen) {
	switch {
	case c.none:
		*b = *a
	case c.limits:
		assessRow(rr, kind, w, class, fl, b)
	case kind == KindFlexible:
		*b = *a
		if c.flex {
			b[PensionIndividual] = base.MulRatePPM(rr.flexPPM)
		}
	default:
		*b = *a
		for l := Line(0); l < WorkInjuryEmployer; l++ {
			if c.lines[l] {
				b[l] = base.MulRatePPM(rr.ppm[l])
			}
		}
		if c.lines[WorkInjuryEmployer] {
			b[WorkInjuryEmployer] = workInjuryAmount(rr, base, class, fl)
		}
	}
}

// buildReport turns the accumulators into a report sorted by division.
func buildReport(pop *Population, at period.YearMonth, acc []simAcc) *SimReport {
	rep := &SimReport{Period: at}
	var all simAcc
	order := make([]int, len(acc))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return pop.divisions[order[i]] < pop.divisions[order[j]] })
	for _, d := range order {
		s := acc[d]
		rep.Divisions = append(rep.Divisions, s.group(pop.divisions[d]))
		all.persons += s.persons
		all.affected += s.affected
		for l := range s.base {
			all.base[l] += s.base[l]
			all.reform[l] += s.reform[l]
		}
	}
	rep.Total = all.group("all")
	rep.Persons, rep.Affected = all.persons, all.affected
	return rep
}

func (s simAcc) group(div string) SimGroup {
	g := SimGroup{Division: div, Persons: s.persons, Affected: s.affected}
	for l := Line(0); l < NumLines; l++ {
		g.Lines = append(g.Lines, SimLine{l.Insurance(), l.Party(), s.base[l], s.reform[l], s.reform[l] - s.base[l]})
		g.Baseline += s.base[l]
		g.Reform += s.reform[l]
	}
	g.Difference = g.Reform - g.Baseline
	return g
}

// Text renders the report as a table for an operator.
func (r *SimReport) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Reform simulation for %s: %d persons, %d affected\n", r.Period, r.Persons, r.Affected)
	for _, g := range append(r.Divisions, r.Total) {
		fmt.Fprintf(&b, "\nDivision %s: %d persons, %d affected\n", g.Division, g.Persons, g.Affected)
		fmt.Fprintf(&b, "  %-13s %-10s %16s %16s %14s\n", "insurance", "party", "baseline", "reform", "difference")
		for _, l := range g.Lines {
			fmt.Fprintf(&b, "  %-13s %-10s %16s %16s %14s\n", l.Insurance, l.Party, l.Baseline, l.Reform, l.Difference)
		}
		fmt.Fprintf(&b, "  %-24s %16s %16s %14s\n", "total", g.Baseline, g.Reform, g.Difference)
	}
	return b.String()
}
