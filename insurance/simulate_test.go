package insurance_test

import (
	"context"
	"testing"

	"hrss/access"
	"hrss/insurance"
	"hrss/rules/fault"
	"hrss/store"
	"hrss/store/storetest"
)

// TestSimulate: the what-if over the registry's insured agrees with the
// assessment of the same month (baseline = what the run billed), changes
// only the line the reform changes, and is open to analysts and city-wide
// staff only.
func TestSimulate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 40)
		sum, err := c.svc.Assess(system(), ym("2024-07"), insurance.AssessOptions{})
		if err != nil {
			t.Fatal(err)
		}
		reform, err := c.svc.Params.Overlay("reform.yaml", []byte(`parameters:
  - name: pension.employer_rate
    description: what-if
    unit: rate
    jurisdiction: "330000"
    values:
      - from: 2024-01-01
        value: "0.17"
        reference: test
        confidence: unverified
`))
		if err != nil {
			t.Fatal(err)
		}
		analyst := access.WithCaller(context.Background(), access.Caller{UserID: 5, Name: "ana", Role: access.Analyst})
		rep, err := c.svc.Simulate(analyst, reform, ym("2024-07"))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Total.Baseline != sum.Total {
			t.Errorf("baseline %s, the run billed %s", rep.Total.Baseline, sum.Total)
		}
		for _, l := range rep.Total.Lines {
			if (l.Insurance == "pension" && l.Party == "employer") != (l.Difference > 0) {
				t.Errorf("line %s/%s differs by %s", l.Insurance, l.Party, l.Difference)
			}
		}
		for _, who := range []access.Caller{
			{UserID: 6, Name: "cw", Role: access.Caseworker, Divisions: []string{"330402"}},
			{UserID: 7, Name: "agent", Role: access.EmployerAgent, EmployerID: 1},
		} {
			if _, err := c.svc.Simulate(access.WithCaller(context.Background(), who), reform, ym("2024-07")); fault.KindOf(err) != fault.Forbidden {
				t.Errorf("%s runs a what-if: %v", who.Role, err)
			}
		}
	})
}
