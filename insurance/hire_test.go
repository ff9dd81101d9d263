package insurance_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hrss/access"
	"hrss/employment"
	"hrss/insurance"
	"hrss/registry"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/store"
	"hrss/store/storetest"
)

// TestHireStopsUnemploymentClaim: a hire recorded through the registry
// stops the person's running unemployment claim in the same transaction,
// from the day the relation starts, with the unused months carried over
// and the stop audited; the payment run of that month pays the days
// before it.
func TestHireStopsUnemploymentClaim(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 20)
		history(t, c, 5)
		job := c.jobs[0] // person 1, dismissed at the end of May 2024
		job.End, job.Separation = date("2024-05-31"), registry.SepDismissed
		if err := setEmployment(db, job); err != nil {
			t.Fatal(err)
		}
		cl, err := c.svc.OpenUnemploymentClaim(as("amy", access.Caseworker), unemploymentInput(t, c, 1, job.ID, "2024-06-03"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.svc.Approve(as("bob", access.Reviewer), cl.ID, true); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"2024-06", "2024-07"} {
			if run, err := c.svc.Pay(system(), insurance.ClaimUnemployment, ym(p), ""); err != nil || run.Payments != 1 {
				t.Fatalf("%s: %+v %v", p, run, err)
			}
		}
		jobs := &employment.Service{Store: db.Jobs()}
		reg := &registry.Service{Store: db.Registry(), Hired: func(ctx context.Context, tx registry.Tx, e registry.Employment) error {
			if err := jobs.Hired(ctx, tx, e); err != nil { // as cmd/hrss composes them
				return err
			}
			return c.svc.Hired(ctx, tx, e)
		}}
		// a hook that fails rolls the hire and the stop back together
		failing := &registry.Service{Store: db.Registry(), Hired: func(ctx context.Context, tx registry.Tx, e registry.Employment) error {
			if err := c.svc.Hired(ctx, tx, e); err != nil {
				return err
			}
			return context.Canceled
		}}
		in := registry.EmploymentInput{PersonID: 1, EmployerID: 2, Start: "2024-08-12", DeclaredWage: "5000.00"}
		if _, err := failing.CreateEmployment(as("amy", access.Caseworker), in); err == nil {
			t.Fatal("the failing hook did not fail the hire")
		}
		if got, _ := c.svc.Claim(system(), cl.ID); got.Status != insurance.ClaimApproved {
			t.Fatalf("a rolled-back hire stopped the claim: %+v", got)
		}
		e, err := reg.CreateEmployment(as("amy", access.Caseworker), in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.svc.Claim(system(), cl.ID)
		if err != nil {
			t.Fatal(err)
		}
		// 11 of August's 31 days before the hire on the 12th: monthly × 11 / 31, half-up to the fen
		final := money.Fen((2*int64(cl.Monthly)*11 + 31) / 62)
		if got.Status != insurance.ClaimStopped || got.CarriedMonths != 9 || got.MonthsPaid != 2 || got.StopPeriod != ym("2024-08") ||
			got.StopDate != date("2024-08-12") || got.StopGround != insurance.StopReemployed || got.FinalDue != final {
			t.Fatalf("claim after the hire: %+v, want final %s", got, final)
		}
		run, err := c.svc.Pay(system(), insurance.ClaimUnemployment, ym("2024-08"), "")
		if err != nil || run.Payments != 1 || run.AddedSum != final || len(run.Stopped) != 0 {
			t.Fatalf("the run after the hire: %+v %v", run, err)
		}
		if run, err := c.svc.Pay(system(), insurance.ClaimUnemployment, ym("2024-09"), ""); err != nil || run.Added != 0 {
			t.Fatalf("the final days were paid twice: %+v %v", run, err)
		}
		trail, err := (&access.Service{Store: db.Access()}).ListAudit(system(), access.AuditFilter{PersonID: 1, Action: "insurance.claim.stop.reemployed"})
		if err != nil || len(trail) != 1 || trail[0].Actor != "amy" {
			t.Fatalf("audit of the stop: %+v %v", trail, err)
		}
		if !strings.Contains(got.StopReason.In(msg.EN), fmt.Sprintf("re-employed from 2024-08-12 (employment/%d, 社会保险法 第五十一条第一项)", e.ID)) {
			t.Fatalf("stop reason %q", got.StopReason.In(msg.EN))
		}
		if regs, err := jobs.ListUnemployment(system(), employment.SeekerFilter{PersonID: 1}); err != nil || len(regs) != 1 || regs[0].Status != employment.Closed || regs[0].EmploymentID != e.ID {
			t.Fatalf("the registration after the hire: %+v %v", regs, err)
		}
		// the next spell carries the unused months over
		if n := carried(t, db, 1); n != 9 {
			t.Fatalf("carried months %d", n)
		}
		mustCheck(t, c.svc)
	})
}

// carried returns the months the person's next unemployment claim carries over.
func carried(t *testing.T, db *store.DB, person int64) int {
	t.Helper()
	var n int
	err := db.Insurance().View(context.Background(), func(tx insurance.Tx) (err error) {
		n, err = tx.CarriedMonths(context.Background(), person)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// unemploymentInput registers person unemployed on day in the
// employment services and returns the claim a caseworker opens for them
// after relation ended.
func unemploymentInput(t *testing.T, c *city, person, relation int64, day string) insurance.UnemploymentClaimInput {
	t.Helper()
	registerUnemployed(t, c.db, person, day)
	return insurance.UnemploymentClaimInput{PersonID: person, EmploymentID: relation, PriorMonths: 20}
}

// registerUnemployed records an active unemployment registration of
// person on day, as the employment services would.
func registerUnemployed(t *testing.T, db *store.DB, person int64, day string) int64 {
	t.Helper()
	u := employment.UnemploymentRegistration{PersonID: person, Division: "330402", Registered: date(day), LastContact: date(day),
		Status: employment.Active, CreatedAt: testNow, UpdatedAt: testNow}
	err := db.Jobs().Update(context.Background(), func(tx employment.Tx) error { return tx.InsertUnemployment(context.Background(), &u) })
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestUnemploymentClaimReadsRegistration: the claim takes its
// registration from the employment services and takes no date by hand.
func TestUnemploymentClaimReadsRegistration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 20)
		history(t, c, 5)
		amy := as("amy", access.Caseworker)
		for _, j := range c.jobs[:2] { // persons 1 and 2, dismissed at the end of May 2024
			j.End, j.Separation = date("2024-05-31"), registry.SepDismissed
			if err := setEmployment(db, j); err != nil {
				t.Fatal(err)
			}
		}
		// person 1: not registered
		_, err := c.svc.OpenUnemploymentClaim(amy, insurance.UnemploymentClaimInput{PersonID: 1, EmploymentID: c.jobs[0].ID, PriorMonths: 20})
		if fe, ok := err.(*fault.Error); !ok || fe.Kind != fault.Invalid || fe.Field != "person_id" || fe.Rule != "claim.unemployment_registration" {
			t.Fatalf("a claim without a registration: %v", err)
		}
		// person 2: registered on 2024-07-05: benefit from July
		id := registerUnemployed(t, db, 2, "2024-07-05")
		cl, err := c.svc.OpenUnemploymentClaim(amy, insurance.UnemploymentClaimInput{PersonID: 2, EmploymentID: c.jobs[1].ID, PriorMonths: 20})
		if err != nil || cl.Start != ym("2024-07") || !strings.Contains(string(cl.Detail), fmt.Sprintf(`"registration":{"id":%d,`, id)) {
			t.Fatalf("a registered person: %+v %s %v", cl, cl.Detail, err)
		}
	})
}

// TestLateHireNamesOverpaidMonths: a hire recorded after the month it
// started was paid stops the claim from the day of the hire and records
// the days paid after it as an overpayment to the fen; so does the
// payment run for a relation that reached the registry otherwise.
func TestLateHireNamesOverpaidMonths(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 20)
		history(t, c, 5)
		var claims []insurance.Claim
		for i, j := range c.jobs[:2] { // persons 1 and 2, dismissed at the end of May 2024
			j.End, j.Separation = date("2024-05-31"), registry.SepDismissed
			if err := setEmployment(db, j); err != nil {
				t.Fatal(err)
			}
			cl, err := c.svc.OpenUnemploymentClaim(as("amy", access.Caseworker), unemploymentInput(t, c, j.PersonID, j.ID, "2024-06-03"))
			if err == nil {
				_, err = c.svc.Approve(as("bob", access.Reviewer), cl.ID, true)
			}
			if err != nil {
				t.Fatal(i, err)
			}
			claims = append(claims, cl)
		}
		for _, p := range []string{"2024-06", "2024-07", "2024-08"} {
			if run, err := c.svc.Pay(system(), insurance.ClaimUnemployment, ym(p), ""); err != nil || run.Payments != 2 {
				t.Fatalf("%s: %+v %v", p, run, err)
			}
		}
		// person 1: hired from 2024-08-12, recorded in September through the registry
		reg := &registry.Service{Store: db.Registry(), Hired: c.svc.Hired}
		if _, err := reg.CreateEmployment(as("amy", access.Caseworker), registry.EmploymentInput{PersonID: 1, EmployerID: 2, Start: "2024-08-12", DeclaredWage: "5000.00"}); err != nil {
			t.Fatal(err)
		}
		// person 2: hired from 2024-08-20, loaded in bulk: the September run stops the claim
		late := registry.Employment{ID: 998, PersonID: 2, EmployerID: 3, Start: date("2024-08-20"), DeclaredWage: 500_000,
			Insurances: registry.AllInsurances, CreatedAt: testNow, UpdatedAt: testNow}
		if err := db.Bulk().Employments(context.Background(), []registry.Employment{late}); err != nil {
			t.Fatal(err)
		}
		run, err := c.svc.Pay(system(), insurance.ClaimUnemployment, ym("2024-09"), "")
		if err != nil || run.Payments != 0 || len(run.Stopped) != 1 {
			t.Fatalf("the September run: %+v %v", run, err)
		}
		overs, err := c.svc.Overpayments(system(), 0)
		if err != nil || len(overs) != 2 {
			t.Fatalf("overpayments: %+v %v", overs, err)
		}
		for i, cl := range claims {
			got, _ := c.svc.Claim(system(), cl.ID)
			days := []int64{20, 12}[i] // August 12-31 and 20-31 were paid after the hire
			over := money.Fen((2*int64(cl.Monthly)*days + 31) / 62)
			want := fmt.Sprintf("%s paid for days from %s on", over, []string{"2024-08-12", "2024-08-20"}[i])
			if got.Status != insurance.ClaimStopped || got.CarriedMonths != 9 || got.FinalDue != 0 || !strings.Contains(got.StopReason.In(msg.EN), want) {
				t.Fatalf("claim %d: %+v, want %q", i, got, want)
			}
			if overs[i].ClaimID != cl.ID || overs[i].Amount != cl.Monthly-(cl.Monthly-over) || overs[i].Outstanding() != over {
				t.Fatalf("overpayment %d: %+v, want %s", i, overs[i], over)
			}
		}
		mustCheck(t, c.svc)
	})
}
