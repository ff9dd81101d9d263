package insurance_test

import (
	"context"
	"strings"
	"testing"
	"time"

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

// approvedUnemployment opens and approves the unemployment claim of
// person (dismissed at the end of May 2024, registered on 2024-06-03) and
// pays June and July; it returns the claim and its registration.
func approvedUnemployment(t *testing.T, c *city, db *store.DB, i int) (insurance.Claim, int64) {
	t.Helper()
	j := c.jobs[i]
	j.End, j.Separation = date("2024-05-31"), registry.SepDismissed
	if err := setEmployment(db, j); err != nil {
		t.Fatal(err)
	}
	reg := registerUnemployed(t, db, j.PersonID, "2024-06-03")
	cl, err := c.svc.OpenUnemploymentClaim(as("amy", access.Caseworker), insurance.UnemploymentClaimInput{PersonID: j.PersonID, EmploymentID: j.ID, PriorMonths: 20})
	if err == nil {
		_, err = c.svc.Approve(as("bob", access.Reviewer), cl.ID, true)
	}
	if err != nil {
		t.Fatal(err)
	}
	return cl, reg
}

// TestBenefitStopsOnRegistration: military service recorded on the
// registration stops the benefit from its day through the employment
// services' hook; the second refusal of suitable work stops another's
// (unemployment.refusals_to_stop), the first does not; every month paid
// carries the medical contributions the fund pays (Art. 48).
func TestBenefitStopsOnRegistration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 20)
		history(t, c, 5)
		a, regA := approvedUnemployment(t, c, db, 0)
		b, regB := approvedUnemployment(t, c, db, 1)
		for _, p := range []string{"2024-06", "2024-07"} {
			run, err := c.svc.Pay(system(), insurance.ClaimUnemployment, ym(p), "")
			if err != nil || run.Added != 2 || run.AddedMedical <= 0 || run.AddedMedical%2 != 0 {
				t.Fatalf("%s: %+v %v", p, run, err)
			}
		}
		jobs := &employment.Service{Store: db.Jobs(), Now: func() time.Time { return testNow },
			BenefitEvent: func(ctx context.Context, tx employment.Tx, person int64) error {
				return c.svc.BenefitEvent(ctx, tx, person)
			}}
		amy := as("amy", access.Caseworker)
		if _, err := jobs.Deregister(amy, regA, employment.Deregistration{Ground: "military", Date: "2024-09-01"}); err != nil {
			t.Fatal(err)
		}
		got, _ := c.svc.Claim(system(), a.ID)
		if got.Status != insurance.ClaimStopped || got.StopGround != insurance.StopMilitary || got.FinalDue != 0 || got.CarriedMonths != 10 ||
			!strings.Contains(got.StopReason.In(msg.EN), "第五十一条第二项") {
			t.Fatalf("after military service: %+v", got)
		}
		in := employment.OfferRefusalInput{Offer: "work", Date: "2024-08-05", Note: "warehouse clerk near home, refused without a reason"}
		if _, err := jobs.RecordRefusal(amy, regB, employment.OfferRefusalInput{Offer: "job", Note: "x"}); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("a bad offer: %v", err)
		}
		if _, err := jobs.RecordRefusal(amy, regB, in); err != nil {
			t.Fatal(err)
		}
		if got, _ := c.svc.Claim(system(), b.ID); got.Status != insurance.ClaimApproved {
			t.Fatalf("one refusal stopped the benefit: %+v", got)
		}
		in.Date = "2024-08-21"
		if _, err := jobs.RecordRefusal(amy, regB, in); err != nil {
			t.Fatal(err)
		}
		got, _ = c.svc.Claim(system(), b.ID)
		if got.Status != insurance.ClaimStopped || got.StopGround != insurance.StopRefusedWork || got.StopDate != date("2024-08-21") ||
			got.FinalDue != money.Fen((2*int64(b.Monthly)*20+31)/62) {
			t.Fatalf("after the second refusal: %+v", got)
		}
		run, err := c.svc.Pay(system(), insurance.ClaimUnemployment, ym("2024-08"), "")
		if err != nil || run.Added != 1 || run.AddedSum != got.FinalDue {
			t.Fatalf("the August run: %+v %v", run, err)
		}
		mustCheck(t, c.svc)
	})
}

// TestPensionStopsBenefitAndNets: a pension from August stops an
// unemployment benefit paid for August from the 1st; the month paid is
// an overpayment netted against the first pension payment, and what is
// left is recovered to the fen, once per reference.
func TestPensionStopsBenefitAndNets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 20)
		history(t, c, 5)
		u, _ := approvedUnemployment(t, c, db, 0)
		for _, p := range []string{"2024-06", "2024-07", "2024-08"} {
			if _, err := c.svc.Pay(system(), insurance.ClaimUnemployment, ym(p), ""); err != nil {
				t.Fatal(err)
			}
		}
		pension := insurance.Claim{Kind: insurance.ClaimPension, PersonID: u.PersonID, Division: u.Division, Status: insurance.ClaimApproved,
			Start: ym("2024-08"), Monthly: 300_000, Detail: []byte(`{}`), Preparer: "amy", Reviewer: "bob", PreparedAt: testNow, ReviewedAt: testNow}
		err := db.Insurance().Update(context.Background(), func(tx insurance.Tx) error {
			if err := tx.InsertClaim(context.Background(), &pension); err != nil {
				return err
			}
			return tx.PutClaimAmount(context.Background(), pension.ID, pension.Start, pension.Monthly, "test")
		})
		if err != nil {
			t.Fatal(err)
		}
		run, err := c.svc.Pay(system(), insurance.ClaimUnemployment, ym("2024-09"), "")
		if err != nil || len(run.Stopped) != 1 || run.Added != 0 {
			t.Fatalf("the September run: %+v %v", run, err)
		}
		got, _ := c.svc.Claim(system(), u.ID)
		if got.StopGround != insurance.StopPension || got.StopDate != date("2024-08-01") || got.CarriedMonths != 10 {
			t.Fatalf("stopped by the pension: %+v", got)
		}
		pr, err := c.svc.Pay(system(), insurance.ClaimPension, ym("2024-08"), "")
		if err != nil || pr.AddedNetted != u.Monthly {
			t.Fatalf("the pension run nets the whole August benefit %s: %+v %v", u.Monthly, pr, err)
		}
		overs, err := c.svc.Overpayments(system(), u.PersonID)
		if err != nil || len(overs) != 1 || overs[0].Amount != u.Monthly || overs[0].Outstanding() != 0 {
			t.Fatalf("overpayments: %+v %v", overs, err)
		}
		file, err := c.svc.Disbursement(system(), insurance.ClaimPension, ym("2024-08"), 0)
		if err != nil || !strings.Contains(string(file), (pension.Monthly-u.Monthly).String()) {
			t.Fatalf("the bank file pays the net: %s %v", file, err)
		}
		if _, err := c.svc.RecordRecovery(as("amy", access.Caseworker), overs[0].ID, insurance.RecoveryInput{Amount: "0.01", Reference: "R1"}); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("a recovery beyond the outstanding: %v", err)
		}
		mustCheck(t, c.svc)
	})
}
