package insurance_test

import (
	"fmt"
	"testing"

	"hrss/insurance"
	"hrss/rules/money"
	"hrss/store"
	"hrss/store/storetest"
)

// TestBillOfOnePayerAsInPeriod: the bill of one payer (as an import
// looks it up, narrowed to the payer) has the same adjustments, payments
// and overpayments as in the list of its period, in closed periods with
// corrections and in an open one paid, overpaid and re-run lower.
func TestBillOfOnePayerAsInPeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 40)
		history(t, c, 2) // 2024-01..02 assessed, paid and closed
		if _, err := correct(c, insurance.CorrectionInput{EmploymentID: c.jobs[2].ID, From: "2024-02", To: "2024-02", Wage: "9000.00", Reason: "wage declared too low"}); err != nil {
			t.Fatal(err)
		}
		p := ym("2024-03")
		if _, err := c.svc.Assess(system(), p, insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
		payAll(t, c, "2024-03")
		extra := csvOf(fmt.Sprintf("%s,2024-03,10.00,EXTRA-1,2024-04-10", c.employers[0].CreditCode))
		if rep, err := c.svc.ImportCollections(system(), "extra.csv", extra); err != nil || len(rep.Overpaid) != 1 {
			t.Fatalf("overpaying row: %+v %v", rep, err)
		}
		// the best paid job's wage is lowered: the re-run bills its
		// employer less than was paid, which is booked as overpaid
		top := c.jobs[0]
		for _, j := range c.jobs {
			if j.DeclaredWage > top.DeclaredWage {
				top = j
			}
		}
		top.DeclaredWage = 400_000
		if err := setEmployment(db, top); err != nil {
			t.Fatal(err)
		}
		if _, err := c.svc.Assess(system(), p, insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}

		var adjusted, overpaid, rebooked bool
		for _, period := range []string{"2024-01", "2024-02", "2024-03"} {
			all, err := c.svc.Bills(system(), insurance.BillFilter{Period: ym(period)})
			if err != nil || len(all) == 0 {
				t.Fatalf("%s: %d bills, %v", period, len(all), err)
			}
			for _, b := range all {
				adjusted = adjusted || b.Adjusted != 0
				overpaid = overpaid || b.Overpaid == money.Yuan(10)
				rebooked = rebooked || b.Overpaid > 0 && b.Overpaid != money.Yuan(10)
				for _, f := range []insurance.BillFilter{
					{Period: b.Period, PayerKind: b.PayerKind, PayerID: b.PayerID},
					{PayerKind: b.PayerKind, PayerID: b.PayerID},
					{Period: b.Period, PayerID: b.PayerID},
				} {
					got, err := c.svc.Bills(system(), f)
					if err != nil {
						t.Fatal(err)
					}
					found := false
					for _, g := range got {
						if g.PayerID != b.PayerID || f.PayerKind != 0 && g.PayerKind != b.PayerKind || f.Period != 0 && g.Period != b.Period {
							t.Fatalf("%+v: bill of another payer or period %+v", f, g)
						}
						if g.Period == b.Period && g.PayerKind == b.PayerKind {
							found = true
							if g != b {
								t.Fatalf("%+v:\n got %+v\nwant %+v", f, g, b)
							}
						}
					}
					if !found {
						t.Fatalf("%+v: no bill of %s", f, b.Period)
					}
				}
			}
		}
		if !adjusted || !overpaid || !rebooked {
			t.Fatalf("the bills lack an adjustment (%v), an overpaid row (%v) or an overpayment booked by a re-run (%v)", adjusted, overpaid, rebooked)
		}
		mustCheck(t, c.svc)
	})
}
