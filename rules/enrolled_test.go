package rules

import (
	"testing"

	"hrss/rules/money"
	"hrss/rules/period"
)

// TestEnrolledMask: a row enrolled in fewer insurances owes only their
// lines, in Assess and in Simulate, and the lines it owes equal the
// per-person formula's.
func TestEnrolledMask(t *testing.T) {
	p, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	at := period.New(2025, 3)
	pop := NewPopulation(2)
	for _, e := range []Enrolled{EnrolledAll, EnrolledPension | EnrolledMedical} {
		if err := pop.Append(Person{Division: "330402", Kind: KindEmployee, Wage: money.Yuan(6500), RiskClass: 1, Enrolled: e}); err != nil {
			t.Fatal(err)
		}
	}
	var out Assessment
	if err := p.Assess(pop, at, &out); err != nil {
		t.Fatal(err)
	}
	full, err := p.Contribution(pop.Input(0, at), false)
	if err != nil {
		t.Fatal(err)
	}
	for l := Line(0); l < NumLines; l++ {
		want := full.Lines[l].Amount
		if out.Amount[l][0] != want {
			t.Errorf("all enrolled, line %d: %s, want %s", l, out.Amount[l][0], want)
		}
		if ins := l.Insurance(); ins == Unemployment || ins == WorkInjury {
			want = 0
		}
		if out.Amount[l][1] != want {
			t.Errorf("pension+medical, line %s/%s: %s, want %s", l.Insurance(), l.Party(), out.Amount[l][1], want)
		}
	}
	reform, err := p.Overlay("reform.yaml", []byte(`parameters:
  - name: unemployment.employer_rate
    description: what-if
    unit: rate
    jurisdiction: "330000"
    values:
      - from: 2025-01-01
        value: "0.01"
        reference: test
        confidence: unverified
`))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Simulate(p, reform, pop, at)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Affected != 1 || rep.Total.Difference != money.Yuan(6500).MulRatePPM(5000) {
		t.Fatalf("affected %d, difference %s: only the row enrolled in unemployment may change", rep.Affected, rep.Total.Difference)
	}
}
