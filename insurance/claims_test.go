package insurance_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hrss/access"
	"hrss/insurance"
	"hrss/registry"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/store"
	"hrss/store/storetest"
)

func as(name string, role access.Role) context.Context {
	return access.WithCaller(context.Background(), access.Caller{UserID: 7, Name: name, Role: role, Divisions: []string{access.CityWide}})
}

// history assesses, pays and closes the months from..to (2024-MM).
func history(t *testing.T, c *city, months int) {
	t.Helper()
	for m := 1; m <= months; m++ {
		p := fmt.Sprintf("2024-%02d", m)
		if _, err := c.svc.Assess(system(), ym(p), insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
		payAll(t, c, p)
		if _, err := c.svc.Close(system(), ym(p), insurance.CloseOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPensionClaimFourEyes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 90)
		// persons 4 and 84 (men born 1964-05 and 1964-01: statutory retirement 2024-05 and 2024-01): legacy years back to 1992
		var legacy []insurance.LegacyYear
		for y := 1992; y <= 2023; y++ {
			for _, p := range []int64{4, 84} {
				legacy = append(legacy, insurance.LegacyYear{PersonID: p, Year: y, Months: 12, AverageBase: 400_000, AverageWage: 500_000, Credits: 384_000, Interest: 10_000})
			}
		}
		if err := c.svc.ImportLegacy(system(), "legacy", legacy); err != nil {
			t.Fatal(err)
		}
		history(t, c, 2)
		in := insurance.PensionClaimInput{PersonID: 4, Category: "male", Retire: "2019-06", DeemedYears: "2"}
		if _, err := c.svc.OpenPensionClaim(as("amy", access.Caseworker), in); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("retirement outside the window: %v", err)
		}
		in.Retire = "2024-05"
		cl, err := c.svc.OpenPensionClaim(as("amy", access.Caseworker), in)
		if err != nil {
			t.Fatal(err)
		}
		if cl.Status != insurance.ClaimPending || cl.Monthly <= 0 || cl.Preparer != "amy" {
			t.Fatalf("claim %+v", cl)
		}
		if _, err := c.svc.Approve(as("amy", access.Reviewer), cl.ID, true); fault.KindOf(err) != fault.Forbidden {
			t.Fatalf("the preparer approving: %v", err)
		}
		if _, err := c.svc.Approve(system(), cl.ID, true); fault.KindOf(err) != fault.Forbidden {
			t.Fatalf("the system approving: %v", err)
		}
		if _, err := c.svc.Approve(as("bob", access.Caseworker), cl.ID, true); fault.KindOf(err) != fault.Forbidden {
			t.Fatalf("a caseworker approving: %v", err)
		}
		// a reviewer of another division: the claim answers as one that does not exist
		other := "330402"
		if cl.Division == other {
			other = "330411"
		}
		far := access.WithCaller(context.Background(), access.Caller{UserID: 8, Name: "carl", Role: access.Reviewer, Divisions: []string{other}})
		if _, err := c.svc.Approve(far, cl.ID, true); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("a reviewer of %s approving a claim of %s: %v", other, cl.Division, err)
		}
		nearby := access.WithCaller(context.Background(), access.Caller{UserID: 9, Name: "dan", Role: access.Caseworker, Divisions: []string{other}})
		if _, err := c.svc.OpenPensionClaim(nearby, insurance.PensionClaimInput{PersonID: 4, Category: "male", Retire: "2024-05"}); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("a caseworker of %s opening a claim out of reach: %v", other, err)
		}
		ok, err := c.svc.Approve(as("bob", access.Reviewer), cl.ID, true)
		if err != nil || ok.Status != insurance.ClaimApproved || ok.Reviewer != "bob" {
			t.Fatalf("approval %+v %v", ok, err)
		}
		run, err := c.svc.Pay(system(), insurance.ClaimPension, ym("2024-05"), "")
		if err != nil || run.Payments != 1 || run.Total != cl.Monthly {
			t.Fatalf("run %+v %v", run, err)
		}
		again, err := c.svc.Pay(system(), insurance.ClaimPension, ym("2024-05"), "queue_jobs/76")
		if err != nil || !again.Already || again.ID != run.ID || again.Added != 0 || again.Payments != 1 || again.Repeated {
			t.Fatalf("second run %+v %v", again, err)
		}
		// a claim approved after the month's run is paid by running the month again, in a batch of its own
		if _, err := c.svc.OpenPensionClaim(as("amy", access.Caseworker), in); fault.KindOf(err) != fault.Conflict {
			t.Fatalf("a second pension claim of one person: %v", err)
		}
		in2 := insurance.PensionClaimInput{PersonID: 84, Category: "male", Retire: "2024-01"}
		cl2, err := c.svc.OpenPensionClaim(as("amy", access.Caseworker), in2)
		if err == nil {
			_, err = c.svc.Approve(as("bob", access.Reviewer), cl2.ID, true)
		}
		if err != nil {
			t.Fatal(err)
		}
		// a job's attempt repeated with the key of one that paid no one
		// reports that, and pays no claim approved since
		if rep, err := c.svc.Pay(system(), insurance.ClaimPension, ym("2024-05"), "queue_jobs/76"); err != nil || !rep.Repeated || rep.Added != 0 || rep.Batch != 0 || rep.Payments != 1 {
			t.Fatalf("the second run repeated %+v %v", rep, err)
		}
		third, err := c.svc.Pay(system(), insurance.ClaimPension, ym("2024-05"), "queue_jobs/77")
		if err != nil || third.Added != 1 || third.Batch != 2 || third.Payments != 2 || third.Total != cl.Monthly+cl2.Monthly || third.Repeated {
			t.Fatalf("third run %+v %v", third, err)
		}
		// repeated with its key, the third reports its batch as it made it
		rep, err := c.svc.Pay(system(), insurance.ClaimPension, ym("2024-05"), "queue_jobs/77")
		if err != nil || !rep.Repeated || rep.Added != 1 || rep.Batch != 2 || rep.AddedSum != cl2.Monthly || rep.Payments != 2 || rep.ID != third.ID {
			t.Fatalf("the third run repeated %+v %v", rep, err)
		}
		if _, err := c.svc.Pay(system(), insurance.ClaimUnemployment, ym("2024-05"), "queue_jobs/77"); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("a key of a pension run asked for unemployment: %v", err)
		}
		file, err := c.svc.Disbursement(system(), insurance.ClaimPension, ym("2024-05"), 0)
		if err != nil || strings.Count(string(file), "\n") != 2 || !strings.Contains(string(file), fmt.Sprintf("pension,2024-05,2,%d,84,", cl2.ID)) {
			t.Fatalf("disbursement of batch 2: %q %v", file, err)
		}
		n, err := c.svc.AdjustPensions(system(), 2025)
		if err != nil || n != 2 {
			t.Fatalf("adjusted %d %v", n, err)
		}
		if n, _ := c.svc.AdjustPensions(system(), 2025); n != 0 {
			t.Fatalf("adjusted twice: %d", n)
		}
		mustCheck(t, c.svc)
	})
}

func TestUnemploymentStopsOnRehire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 20)
		history(t, c, 5)
		// person 1 was dismissed at the end of May 2024
		job := c.jobs[0]
		job.End, job.Separation = date("2024-05-31"), registry.SepDismissed
		if err := setEmployment(db, job); err != nil {
			t.Fatal(err)
		}
		cl, err := c.svc.OpenUnemploymentClaim(as("amy", access.Caseworker), unemploymentInput(t, c, 1, job.ID, "2024-06-03"))
		if err != nil {
			t.Fatal(err)
		}
		if cl.MaxMonths != 12 || cl.Start != ym("2024-06") {
			t.Fatalf("claim %+v", cl)
		}
		if _, err := c.svc.Approve(as("bob", access.Reviewer), cl.ID, true); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"2024-06", "2024-07"} {
			if run, err := c.svc.Pay(system(), insurance.ClaimUnemployment, ym(p), ""); err != nil || run.Payments != 1 {
				t.Fatalf("%s: %+v %v", p, run, err)
			}
		}
		// hired again on 2024-08-12
		rehire := registry.Employment{ID: 999, PersonID: 1, EmployerID: 2, Start: date("2024-08-12"), DeclaredWage: 500_000,
			Insurances: registry.AllInsurances, CreatedAt: testNow, UpdatedAt: testNow}
		if err := db.Bulk().Employments(context.Background(), []registry.Employment{rehire}); err != nil {
			t.Fatal(err)
		}
		run, err := c.svc.Pay(system(), insurance.ClaimUnemployment, ym("2024-08"), "")
		// the run stops the claim from the 12th and pays August's 11 days before it, half-up to the fen
		if err != nil || run.Payments != 1 || len(run.Stopped) != 1 || run.AddedSum != money.Fen((2*int64(cl.Monthly)*11+31)/62) {
			t.Fatalf("after re-hire: %+v %v", run, err)
		}
		got, _ := c.svc.Claim(system(), cl.ID)
		if got.Status != insurance.ClaimStopped || got.CarriedMonths != 9 || got.MonthsPaid != 3 || got.FinalDue != 0 {
			t.Fatalf("stopped claim %+v", got)
		}
		mustCheck(t, c.svc)
	})
}

// setEmployment rewrites a relation through the registry's store.
func setEmployment(db *store.DB, e registry.Employment) error {
	return db.Registry().Update(context.Background(), func(tx registry.Tx) error { return tx.UpdateEmployment(context.Background(), &e) })
}
