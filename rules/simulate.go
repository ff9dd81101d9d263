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
// per distinct (division, period) and laid out once per group of rows;
// rows of a group whose rates the reform leaves alone are not assessed
// twice. The loop neither allocates nor branches on the kind, class or
// insurances, and a large population is split over the processors with
// results identical to one. It fails like Assess, with "baseline:" or
// "reform:" before a parameter error.
func Simulate(base, reform *Params, pop *Population, at period.YearMonth) (*SimReport, error) {
	if err := checkPeriods(pop, at); err != nil {
		return nil, err
	}
	var f rowFault
	rb := (*rateCache)(nil).cacheFor(base).groupRates(pop, at, nil, "baseline: ", rankParams, &f)
	rr := (*rateCache)(nil).cacheFor(reform).groupRates(pop, at, nil, "reform: ", rankReformParams, &f)
	if f.err != nil {
		return nil, f.err
	}
	same := make([]bool, len(rb))
	for g := range rb {
		same[g] = rb[g] == rr[g]
	}
	n, nd := pop.Len(), len(pop.divisions)
	w := workers(n)
	parts := make([]simAcc, w*nd)
	parallel(n, w, func(k, lo, hi int) {
		simulateRows(rb, rr, same, pop.rows[lo:hi], parts[k*nd:(k+1)*nd])
	})
	acc := make([]simAcc, nd)
	for k := 0; k < w; k++ {
		for d := range acc {
			s, p := &acc[d], &parts[k*nd+d]
			s.persons += p.persons
			s.affected += p.affected
			for l := range s.base {
				s.base[l] += p.base[l]
				s.reform[l] += p.reform[l]
			}
		}
	}
	return buildReport(pop, at, acc), nil
}

// simulateRows is the columnar loop of Simulate over one part of the rows.
func simulateRows(rb, rr []lineRates, same []bool, rows []row, acc []simAcc) {
	var a, b [NumLines]money.Fen
	for _, x := range rows {
		r := &rb[x.group]
		r.lines(x.wage, &a)
		b = a
		if !same[x.group] {
			rr[x.group].lines(x.wage, &b)
		}
		s := &acc[r.div]
		s.persons++
		if a != b {
			s.affected++
		}
		for l := range a {
			s.base[l] += a[l]
			s.reform[l] += b[l]
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
