package insurance_test

import (
	"context"
	"testing"
	"time"

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
				r.DueDate = b.DueDate
				if b.Unpaid() > 0 { // every period is past its due date on the service's day
					r.Owing++
					r.InArrears++
					total.InArrears++
				}
				r.Arrears = r.Outstanding
				want[k] = r
				total.Billed, total.Paid, total.Outstanding, total.Overpaid = total.Billed+b.Due, total.Paid+b.Paid, total.Outstanding+b.Unpaid(), total.Overpaid+b.Overpaid
				total.Arrears += b.Unpaid()
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
		// by payer kind: the rows split the same sums; flexible workers paid nothing
		kinds, err := c.svc.Income(analyst, insurance.IncomeFilter{From: f.From, To: f.To, ByPayerKind: true})
		if err != nil || kinds.Total != total || len(kinds.Items) <= len(want) {
			t.Fatalf("by payer kind %+v %v", kinds, err)
		}
		split := map[[2]string]insurance.IncomeRow{}
		for _, r := range kinds.Items {
			k := [2]string{r.Period.String(), r.Division}
			s := split[k]
			s.Payers, s.Billed, s.Paid, s.Arrears, s.InArrears = s.Payers+r.Payers, s.Billed+r.Billed, s.Paid+r.Paid, s.Arrears+r.Arrears, s.InArrears+r.InArrears
			split[k] = s
			if r.PayerKind == insurance.PayerFlexible && (r.Paid != 0 || r.InArrears != r.Payers) || r.PayerKind != insurance.PayerFlexible && r.PayerKind != insurance.PayerEmployer {
				t.Fatalf("row %+v", r)
			}
		}
		for k, w := range want {
			if s := split[k]; s.Payers != w.Payers || s.Billed != w.Billed || s.Paid != w.Paid || s.Arrears != w.Arrears || s.InArrears != w.InArrears {
				t.Fatalf("%v by payer kind %+v, want %+v", k, s, w)
			}
		}
		// before 2024-03's due date its bills are owed but not in arrears
		clock := c.svc.Now
		c.svc.Now = func() time.Time { return time.Date(2024, 4, 10, 12, 0, 0, 0, time.UTC) }
		early, err := c.svc.Income(analyst, f)
		c.svc.Now = clock
		if err != nil || early.Total.Outstanding != total.Outstanding || early.Total.Arrears >= total.Arrears || early.Total.Arrears == 0 {
			t.Fatalf("on 2024-04-10: %+v %v", early.Total, err)
		}
		for _, r := range early.Items {
			if r.Period == ym("2024-03") && (r.Arrears != 0 || r.InArrears != 0 || r.Owing == 0) {
				t.Fatalf("on 2024-04-10 a bill due 2024-04-15 is in arrears: %+v", r)
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
