package rules_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

// TestParallelIdenticalToOneProcessor: Assess and Simulate split over the
// processors give exactly what one processor gives, row by row and in
// the totals, whatever the processors.
func TestParallelIdenticalToOneProcessor(t *testing.T) {
	p, _ := rules.Embedded()
	reform, err := p.Overlay("r.yaml", []byte(plusOnePoint))
	if err != nil {
		t.Fatal(err)
	}
	pop := randomPopulation(t, 300_000, 21) // many chunks
	at := period.New(2025, 6)
	run := func(procs int) (rules.Assessment, *rules.SimReport) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		var out rules.Assessment
		if err := p.Assess(pop, at, &out); err != nil {
			t.Fatal(err)
		}
		rep, err := rules.Simulate(p, reform, pop, at)
		if err != nil {
			t.Fatal(err)
		}
		return out, rep
	}
	one, repOne := run(1)
	for _, procs := range []int{2, 3, 8} {
		many, repMany := run(procs)
		if !reflect.DeepEqual(one.Base, many.Base) || !reflect.DeepEqual(one.Amount, many.Amount) || !reflect.DeepEqual(one.Totals, many.Totals) {
			t.Fatalf("GOMAXPROCS %d: the assessment differs from one processor's", procs)
		}
		if !reflect.DeepEqual(repOne, repMany) {
			t.Fatalf("GOMAXPROCS %d: the simulation differs from one processor's", procs)
		}
	}
	var persons int
	for _, n := range one.Totals.Persons {
		persons += n
	}
	if persons != pop.Len() || repOne.Persons != pop.Len() {
		t.Errorf("persons %d and %d, want %d", persons, repOne.Persons, pop.Len())
	}
}

// TestPopulationRoundTrip: every row reads back as appended, with the
// defaults applied, across many groups and more divisions than a city
// has (the group index and the division map grow).
func TestPopulationRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pop := rules.NewPopulation(0)
	var want []rules.Person
	for i := 0; i < 50_000; i++ {
		p := rules.Person{
			Division:  fmt.Sprintf("33%02d%02d", 1+r.IntN(40), r.IntN(30)),
			Kind:      rules.KindEmployee,
			Wage:      money.Fen(r.Int64N(5_000_000)),
			RiskClass: 1 + r.IntN(8),
			FloatPct:  r.IntN(1001),
			Period:    period.YearMonth(r.IntN(1 << 20)),
			Enrolled:  rules.Enrolled(r.IntN(64)), // bits beyond the four insurances are dropped
		}
		if r.IntN(10) == 0 {
			p.Kind = rules.KindFlexible
		}
		if err := pop.Append(p); err != nil {
			t.Fatal(err)
		}
		if p.FloatPct == 0 {
			p.FloatPct = 100
		}
		if p.Enrolled &= rules.EnrolledAll; p.Enrolled == 0 {
			p.Enrolled = rules.EnrolledAll
		}
		if p.Kind == rules.KindFlexible {
			p.RiskClass, p.FloatPct, p.Enrolled = 0, 100, rules.EnrolledAll
		}
		want = append(want, p)
	}
	if pop.Len() != len(want) {
		t.Fatalf("%d rows, want %d", pop.Len(), len(want))
	}
	for i, w := range want {
		if got := pop.Person(i); got != w {
			t.Fatalf("row %d: %+v, want %+v", i, got, w)
		}
	}
	seen := map[string]bool{}
	for _, w := range want {
		if !seen[w.Division] {
			seen[w.Division] = true
		}
	}
	if len(pop.Divisions()) != len(seen) {
		t.Errorf("%d divisions, want %d", len(pop.Divisions()), len(seen))
	}
}

// TestAssessFirstFailingRow: when several rows cannot be assessed, the
// error names the first of them, whether its fault is a float or a
// parameter not in force, as a row-by-row run would.
func TestAssessFirstFailingRow(t *testing.T) {
	p, _ := rules.Embedded()
	ok := rules.Person{Division: "330402", Kind: rules.KindEmployee, Wage: 650000, RiskClass: 2, FloatPct: 100, Period: period.New(2025, 3)}
	badFloat := ok
	badFloat.RiskClass, badFloat.FloatPct = 1, 80 // class I cannot float down
	noParams := ok
	noParams.Period = period.New(2020, 1)
	cases := []struct {
		rows []rules.Person
		want string
	}{
		{[]rules.Person{ok, ok, badFloat, noParams}, "row 3: float 80% is not allowed"},
		{[]rules.Person{ok, noParams, badFloat}, "division 330402, period 2020-01"},
		{[]rules.Person{ok, noParams, ok, badFloat}, "division 330402, period 2020-01"},
	}
	for _, c := range cases {
		pop := rules.NewPopulation(len(c.rows))
		for _, row := range c.rows {
			if err := pop.Append(row); err != nil {
				t.Fatal(err)
			}
		}
		var out rules.Assessment
		if err := p.Assess(pop, 0, &out); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Assess: got %v, want %q", err, c.want)
		}
		if _, err := rules.Simulate(p, p, pop, 0); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Simulate: got %v, want %q", err, c.want)
		}
	}
	// a row without a period and no run period is named before anything
	pop := rules.NewPopulation(2)
	_ = pop.Append(badFloat)
	_ = pop.Append(rules.Person{Division: "330402", Kind: rules.KindEmployee, Wage: 1, RiskClass: 1})
	var out rules.Assessment
	if err := p.Assess(pop, 0, &out); err == nil || !strings.Contains(err.Error(), "row 2 has no period") {
		t.Errorf("got %v", err)
	}
}

// TestAssessReusesAcrossParams: an Assessment reused with another
// parameter set assesses with that set, not with the rates it kept.
func TestAssessReusesAcrossParams(t *testing.T) {
	base, _ := rules.Embedded()
	reform, err := base.Overlay("r.yaml", []byte(plusOnePoint))
	if err != nil {
		t.Fatal(err)
	}
	pop := randomPopulation(t, 2000, 8)
	at := period.New(2025, 6)
	var reused, fresh rules.Assessment
	for _, p := range []*rules.Params{base, reform, base, reform} {
		if err := p.Assess(pop, at, &reused); err != nil {
			t.Fatal(err)
		}
		fresh = rules.Assessment{}
		if err := p.Assess(pop, at, &fresh); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(reused.Amount, fresh.Amount) || !reflect.DeepEqual(reused.Totals, fresh.Totals) {
			t.Fatal("a reused assessment differs from a fresh one")
		}
	}
}
