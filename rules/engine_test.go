package rules_test

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

func randomPopulation(t testing.TB, n int, seed uint64) *rules.Population {
	r := rand.New(rand.NewPCG(seed, 11))
	pop := rules.NewPopulation(n)
	for i := 0; i < n; i++ {
		p := randomPerson(r)
		if i%3 == 0 {
			p.Period = 0 // takes the run's period
		}
		if err := pop.Append(p); err != nil {
			t.Fatal(err)
		}
	}
	return pop
}

// TestColumnarAgreesWithPerPerson: Assess (integer, columnar) and
// Contribution (decimal, per person) give the same base and lines to the
// fen on random populations, and the totals are the sums of the rows.
func TestColumnarAgreesWithPerPerson(t *testing.T) {
	p, _ := rules.Embedded()
	at := period.New(2025, 6)
	for seed := uint64(1); seed <= 5; seed++ {
		pop := randomPopulation(t, 4000, seed)
		var out rules.Assessment
		if err := p.Assess(pop, at, &out); err != nil {
			t.Fatal(err)
		}
		sums := make(map[string]*[rules.NumLines]money.Fen)
		for i := 0; i < pop.Len(); i++ {
			in := pop.Input(i, at)
			res, err := p.Contribution(in, false)
			if err != nil {
				t.Fatalf("row %d %+v: %v", i, in, err)
			}
			if res.Base != out.Base[i] {
				t.Fatalf("row %d %+v: base %s per person, %s columnar", i, in, res.Base, out.Base[i])
			}
			want := linesOf(res)
			s := sums[in.Division]
			if s == nil {
				s = new([rules.NumLines]money.Fen)
				sums[in.Division] = s
			}
			for l := rules.Line(0); l < rules.NumLines; l++ {
				if want[l] != out.Amount[l][i] {
					t.Fatalf("row %d %+v: %s/%s %s per person, %s columnar", i, in, l.Insurance(), l.Party(), want[l], out.Amount[l][i])
				}
				s[l] += want[l]
			}
		}
		for d, code := range out.Totals.Divisions {
			if out.Totals.Amount[d] != *sums[code] {
				t.Fatalf("division %s: totals %v, rows sum to %v", code, out.Totals.Amount[d], *sums[code])
			}
		}
	}
}

// linesOf indexes a per-person result by Line.
func linesOf(res rules.ContributionResult) [rules.NumLines]money.Fen {
	var a [rules.NumLines]money.Fen
	for _, l := range res.Lines {
		for x := rules.Line(0); x < rules.NumLines; x++ {
			if x.Insurance() == l.Insurance && x.Party() == l.Party {
				a[x] = l.Amount
			}
		}
	}
	return a
}

const plusOnePoint = `parameters:
  - name: pension.employer_rate
    jurisdiction: "330000"
    unit: rate
    values:
      - from: 2024-01-01
        value: "0.17"
        reference: what-if, one point more
        confidence: unverified
`

// TestSimulateOnePointByHand: a one-point rise of the employer pension
// rate changes only that line, by exactly what the assessed bases give by
// hand, for every employee and no flexible worker.
func TestSimulateOnePointByHand(t *testing.T) {
	base, _ := rules.Embedded()
	reform, err := base.Overlay("plus-one-point.yaml", []byte(plusOnePoint))
	if err != nil {
		t.Fatal(err)
	}
	at := period.New(2025, 3)
	pop := randomPopulation(t, 20000, 42)
	rep, err := rules.Simulate(base, reform, pop, at)
	if err != nil {
		t.Fatal(err)
	}
	var out rules.Assessment
	if err := base.Assess(pop, at, &out); err != nil {
		t.Fatal(err)
	}
	want := map[string]money.Fen{}
	employees := 0
	for i := 0; i < pop.Len(); i++ {
		p := pop.Person(i)
		if p.Kind != rules.KindEmployee {
			continue
		}
		employees++
		b := int64(out.Base[i])
		// by hand: round(b × 17%) - round(b × 16%), half-up to the fen
		want[p.Division] += money.Fen((b*17+50)/100 - (b*16+50)/100)
	}
	var total money.Fen
	for _, g := range rep.Divisions {
		for _, l := range g.Lines {
			w := money.Fen(0)
			if l.Insurance == rules.Pension && l.Party == rules.Employer {
				w = want[g.Division]
			}
			if l.Difference != w || l.Reform-l.Baseline != l.Difference {
				t.Errorf("%s %s/%s: difference %s, want %s", g.Division, l.Insurance, l.Party, l.Difference, w)
			}
		}
		total += g.Difference
	}
	if rep.Affected != employees || rep.Total.Difference != total || rep.Persons != pop.Len() {
		t.Errorf("affected %d (want %d employees), total difference %s (divisions sum to %s), persons %d", rep.Affected, employees, rep.Total.Difference, total, rep.Persons)
	}
	b, err := json.Marshal(rep)
	if err != nil || !strings.Contains(string(b), `"difference":"`) {
		t.Errorf("JSON: %v %s", err, b[:200])
	}
	if !strings.Contains(rep.Text(), "Division 330402") {
		t.Error(rep.Text())
	}
}

// simReforms exercise each path of Simulate: nothing changed, a limit,
// some employee lines, the flexible rate, the allowed floats.
var simReforms = map[string]string{
	"identical": `parameters:
  - {name: pension.subsidy, jurisdiction: "330000", unit: yuan_per_month, values: [{from: 2025-01-01, value: 160, reference: r, confidence: unverified}]}
`,
	"floor and lines": `parameters:
  - {name: contribution.base_floor, jurisdiction: "330000", unit: yuan_per_month, values: [{from: 2025-01-01, value: 5000, reference: r, confidence: unverified}]}
  - {name: medical.employer_rate, jurisdiction: "330402", unit: rate, values: [{from: 2025-01-01, value: "0.08", reference: r, confidence: unverified}]}
  - {name: work_injury.base_rate, jurisdiction: "330000", unit: table, key: risk_class, of: rate, values: [{from: 2025-01-01, value: {1: "0.0025", 2: "0.004", 3: "0.007", 4: "0.009", 5: "0.011", 6: "0.013", 7: "0.016", 8: "0.019"}, reference: r, confidence: unverified}]}
`,
	"lines only": `parameters:
  - {name: unemployment.individual_rate, jurisdiction: "330400", unit: rate, values: [{from: 2025-01-01, value: "0.003", reference: r, confidence: unverified}]}
  - {name: work_injury.base_rate, jurisdiction: "330481", unit: table, key: risk_class, of: rate, values: [{from: 2025-01-01, value: {1: "0.0025", 2: "0.0045", 3: "0.007", 4: "0.009", 5: "0.011", 6: "0.013", 7: "0.016", 8: "0.019"}, reference: r, confidence: unverified}]}
`,
	"flexible rate": `parameters:
  - {name: pension.flexible_rate, jurisdiction: "330000", unit: rate, values: [{from: 2025-01-01, value: "0.18", reference: r, confidence: unverified}]}
`,
	"wider floats": `parameters:
  - {name: work_injury.float_min, jurisdiction: "330000", unit: table, key: risk_class, of: factor, values: [{from: 2025-01-01, value: {1: "0.5", 2: "0.5", 3: "0.5", 4: "0.5", 5: "0.5", 6: "0.5", 7: "0.5", 8: "0.5"}, reference: r, confidence: unverified}]}
`,
}

// TestSimulateMatchesTwoAssessments: Simulate's baseline and reform are
// the totals of Assess under each parameter set, whatever the reform.
func TestSimulateMatchesTwoAssessments(t *testing.T) {
	base, _ := rules.Embedded()
	pop := randomPopulation(t, 10000, 9)
	at := period.New(2025, 2)
	for name, text := range simReforms {
		t.Run(name, func(t *testing.T) {
			reform, err := base.Overlay(name+".yaml", []byte(text))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := rules.Simulate(base, reform, pop, at)
			if err != nil {
				t.Fatal(err)
			}
			compareWithAssess(t, base, reform, pop, at, rep)
			unchanged := name == "identical" || name == "wider floats" // floats only widen what is allowed
			if unchanged != (rep.Affected == 0) || rep.Affected == rep.Persons {
				t.Errorf("affected %d of %d", rep.Affected, rep.Persons)
			}
		})
	}
}

func compareWithAssess(t *testing.T, base, reform *rules.Params, pop *rules.Population, at period.YearMonth, rep *rules.SimReport) {
	t.Helper()
	var a, b rules.Assessment
	if err := base.Assess(pop, at, &a); err != nil {
		t.Fatal(err)
	}
	if err := reform.Assess(pop, at, &b); err != nil {
		t.Fatal(err)
	}
	affected := 0
	for i := range a.Base {
		for l := range a.Amount {
			if a.Amount[l][i] != b.Amount[l][i] {
				affected++
				break
			}
		}
	}
	if affected != rep.Affected {
		t.Errorf("affected: simulate %d, assessments %d", rep.Affected, affected)
	}
	for d, code := range a.Totals.Divisions {
		var g rules.SimGroup
		for _, x := range rep.Divisions {
			if x.Division == code {
				g = x
			}
		}
		for l := rules.Line(0); l < rules.NumLines; l++ {
			if g.Lines[l].Baseline != a.Totals.Amount[d][l] || g.Lines[l].Reform != b.Totals.Amount[d][l] {
				t.Errorf("%s line %d: simulate %s/%s, assess %s/%s", code, l, g.Lines[l].Baseline, g.Lines[l].Reform, a.Totals.Amount[d][l], b.Totals.Amount[d][l])
			}
		}
	}
}

// TestAssessErrors: a float the parameters do not allow, or a period
// without parameters, names the row or the division and period.
func TestAssessErrors(t *testing.T) {
	p, _ := rules.Embedded()
	pop := rules.NewPopulation(2)
	_ = pop.Append(rules.Person{Division: "330402", Kind: rules.KindEmployee, Wage: 650000, RiskClass: 2, FloatPct: 100})
	_ = pop.Append(rules.Person{Division: "330402", Kind: rules.KindEmployee, Wage: 650000, RiskClass: 1, FloatPct: 80})
	var out rules.Assessment
	if err := p.Assess(pop, period.New(2025, 1), &out); err == nil || !strings.Contains(err.Error(), "row 2: float 80% is not allowed for risk class 1") {
		t.Errorf("got %v", err)
	}
	pop = rules.NewPopulation(1)
	_ = pop.Append(rules.Person{Division: "330402", Kind: rules.KindEmployee, Wage: 650000, RiskClass: 2, Period: period.New(2020, 1)})
	if err := p.Assess(pop, 0, &out); err == nil || !strings.Contains(err.Error(), "division 330402, period 2020-01") {
		t.Errorf("got %v", err)
	}
	for _, bad := range []rules.Person{
		{Division: "3304", Kind: rules.KindEmployee, RiskClass: 1},
		{Division: "330402", Kind: 0, RiskClass: 1},
		{Division: "330402", Kind: rules.KindEmployee, RiskClass: 0},
		{Division: "330402", Kind: rules.KindEmployee, RiskClass: 1, Wage: -1},
	} {
		if err := pop.Append(bad); err == nil || !strings.Contains(err.Error(), "row 2") {
			t.Errorf("%+v: got %v", bad, err)
		}
	}
}

// TestAssessNoAllocations: the columnar loop allocates nothing per row.
func TestAssessNoAllocations(t *testing.T) {
	p, _ := rules.Embedded()
	at := period.New(2025, 6)
	small, big := randomPopulation(t, 1000, 3), randomPopulation(t, 50000, 3)
	var out rules.Assessment
	_ = p.Assess(big, at, &out)
	a1 := testing.AllocsPerRun(3, func() { _ = p.Assess(small, at, &out) })
	a2 := testing.AllocsPerRun(3, func() { _ = p.Assess(big, at, &out) })
	if a2 > a1*3+50 {
		t.Errorf("allocations grow with rows: %v for 1000, %v for 50000", a1, a2)
	}
}

// TestExampleReformLoads: the example reform shipped in rules/reforms is
// a valid overlay that moves the employer pension rate to 17%.
func TestExampleReformLoads(t *testing.T) {
	base, _ := rules.Embedded()
	reform, err := base.OverlayFile("reforms/pension-employer-plus-1pt.yaml")
	if err != nil {
		t.Fatal(err)
	}
	v, err := reform.Lookup("pension.employer_rate", period.Date{Y: 2025, M: 6, D: 1}, "330402")
	if err != nil || v.Text != "0.17" {
		t.Errorf("got %+v, %v", v, err)
	}
}
