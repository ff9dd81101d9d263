package insurance_test

import (
	"context"
	"testing"

	"hrss/access"
	"hrss/insurance"
	"hrss/rules/fault"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// TestIncome: contribution income by division and period equals the sums
// of the bills, for each caller only the divisions of their reach, and
// none of it for employer agents or citizens.
func TestIncome(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 40)
		history(t, c, 2) // employers paid, flexible workers not
		if _, err := c.svc.Assess(system(), ym("2024-03"), insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
		want := map[[2]string]insurance.IncomeRow{}
		var total insurance.IncomeTotal
		for _, p := range []string{"2024-01", "2024-02", "2024-03"} {
			for _, b := range billMap(t, c.svc, ym(p)) {
				k := [2]string{p, b.Division}
				r := want[k]
				r.Payers++
				r.Persons += b.Persons
				r.Billed += b.Due
				r.Paid += b.Paid
				r.Outstanding += b.Unpaid()
				r.Overpaid += b.Overpaid
				want[k] = r
				total.Billed, total.Paid, total.Outstanding, total.Overpaid = total.Billed+b.Due, total.Paid+b.Paid, total.Outstanding+b.Unpaid(), total.Overpaid+b.Overpaid
			}
		}
		analyst := access.WithCaller(context.Background(), access.Caller{UserID: 9, Name: "ana", Role: access.Analyst})
		f := insurance.IncomeFilter{From: ym("2024-01"), To: ym("2024-03")}
		inc, err := c.svc.Income(analyst, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(inc.Items) != len(want) || inc.Total != total || total.Paid == 0 || total.Outstanding == 0 {
			t.Fatalf("income %+v, want %d rows, total %+v", inc, len(want), total)
		}
		for _, r := range inc.Items {
			w := want[[2]string{r.Period.String(), r.Division}]
			w.Period, w.Division = r.Period, r.Division
			if r != w {
				t.Fatalf("row %+v, want %+v", r, w)
			}
		}
		// a caseworker of one division sees its rows only
		cw := access.WithCaller(context.Background(), access.Caller{UserID: 8, Name: "cw", Role: access.Caseworker, Divisions: []string{"330402"}})
		own, err := c.svc.Income(cw, f)
		if err != nil || len(own.Items) != 3 {
			t.Fatalf("a caseworker's income %+v %v", own, err)
		}
		for _, r := range own.Items {
			if r.Division != "330402" {
				t.Fatalf("a caseworker of 330402 sees %+v", r)
			}
		}
		if other, err := c.svc.Income(cw, insurance.IncomeFilter{From: f.From, To: f.To, Division: "330411"}); err != nil || len(other.Items) != 0 {
			t.Fatalf("another division: %+v %v", other, err)
		}
		one, err := c.svc.Income(analyst, insurance.IncomeFilter{From: f.From, To: f.To, Division: "330411"})
		if err != nil || len(one.Items) != 3 {
			t.Fatalf("one division: %+v %v", one, err)
		}
		for _, role := range []access.Role{access.EmployerAgent, access.Citizen, access.Administrator, access.Auditor} {
			ctx := access.WithCaller(context.Background(), access.Caller{UserID: 5, Name: "x", Role: role, EmployerID: 1, PersonID: 1})
			if _, err := c.svc.Income(ctx, f); fault.KindOf(err) != fault.Forbidden {
				t.Fatalf("%s: %v", role, err)
			}
		}
		for _, bad := range []insurance.IncomeFilter{{To: f.To}, {From: f.From}, {From: f.To, To: f.From}, {From: f.From, To: f.From.Add(insurance.MaxIncomeMonths)}} {
			if _, err := c.svc.Income(analyst, bad); fault.KindOf(err) != fault.Invalid {
				t.Fatalf("range %v: %v", bad, err)
			}
		}
		if empty, err := c.svc.Income(analyst, insurance.IncomeFilter{From: period.New(2030, 1), To: period.New(2030, 2)}); err != nil || empty.Items == nil || len(empty.Items) != 0 {
			t.Fatalf("no bills: %+v %v", empty, err)
		}
	})
}
