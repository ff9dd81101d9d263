package insurance_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hrss/access"
	"hrss/employment"
	"hrss/insurance"
	"hrss/rules/fault"
)

// TestRecoveryAndOverpaymentCheck: military service recorded on the
// registration from 2024-07-01 makes July's benefit, already paid, an
// overpayment; a caseworker records repayments, once per receipt
// reference and never beyond what is outstanding; hrss check holds, and
// names a repayment or a netting slipped in behind hrss's back.
func TestRecoveryAndOverpaymentCheck(t *testing.T) {
	for name, dsn := range engines(t) {
		t.Run(name, func(t *testing.T) {
			db := openDSN(t, dsn)
			c := newCity(t, db, 20)
			history(t, c, 5)
			u, reg := approvedUnemployment(t, c, db, 0)
			for _, p := range []string{"2024-06", "2024-07"} {
				if _, err := c.svc.Pay(system(), insurance.ClaimUnemployment, ym(p), ""); err != nil {
					t.Fatal(err)
				}
			}
			jobs := &employment.Service{Store: db.Jobs(), Now: func() time.Time { return testNow },
				BenefitEvent: func(ctx context.Context, tx employment.Tx, person int64) error {
					return c.svc.BenefitEvent(ctx, tx, person)
				}}
			if _, err := jobs.Deregister(as("amy", access.Caseworker), reg, employment.Deregistration{Ground: "military", Date: "2024-07-01"}); err != nil {
				t.Fatal(err)
			}
			overs, err := c.svc.Overpayments(as("amy", access.Caseworker), 0)
			if err != nil || len(overs) != 1 || overs[0].Amount != u.Monthly || overs[0].Division != u.Division || overs[0].Outstanding() != u.Monthly {
				t.Fatalf("overpayments in reach: %+v %v", overs, err)
			}
			o := overs[0]
			elsewhere := "330411"
			if u.Division == elsewhere {
				elsewhere = "330402"
			}
			zoe := access.WithCaller(context.Background(), access.Caller{UserID: 8, Name: "zoe", Role: access.Caseworker, Divisions: []string{elsewhere}})
			if other, err := c.svc.Overpayments(zoe, 0); err != nil || len(other) != 0 {
				t.Fatalf("another division's caseworker sees %+v %v", other, err)
			}
			amy := as("amy", access.Caseworker)
			if _, err := c.svc.RecordRecovery(zoe, o.ID, insurance.RecoveryInput{Amount: "1.00", Reference: "R0"}); fault.KindOf(err) != fault.NotFound {
				t.Fatalf("out of reach: %v", err)
			}
			if _, err := c.svc.RecordRecovery(amy, o.ID+1000, insurance.RecoveryInput{Amount: "1.00", Reference: "R0"}); fault.KindOf(err) != fault.NotFound {
				t.Fatalf("no such overpayment: %v", err)
			}
			got, err := c.svc.RecordRecovery(amy, o.ID, insurance.RecoveryInput{Amount: "100.00", Reference: "R1"})
			if err != nil || got.Recovered != 10000 || got.Outstanding() != u.Monthly-10000 {
				t.Fatalf("a repayment of 100.00: %+v %v", got, err)
			}
			if _, err := c.svc.RecordRecovery(amy, o.ID, insurance.RecoveryInput{Amount: "1.00", Reference: "R1"}); fault.KindOf(err) != fault.Conflict {
				t.Fatalf("the same receipt twice: %v", err)
			}
			if _, err := c.svc.RecordRecovery(amy, o.ID, insurance.RecoveryInput{Amount: (got.Outstanding() + 1).String(), Reference: "R2"}); fault.KindOf(err) != fault.Invalid {
				t.Fatalf("beyond the outstanding: %v", err)
			}
			if got, err = c.svc.RecordRecovery(amy, o.ID, insurance.RecoveryInput{Amount: got.Outstanding().String(), Reference: "R2"}); err != nil || got.Outstanding() != 0 {
				t.Fatalf("the rest: %+v %v", got, err)
			}
			mustCheck(t, c.svc)
			rawExec(t, dsn, "INSERT INTO ins_overpayment_recoveries (overpayment_id, amount, reference, actor, created_at) VALUES ("+fmt.Sprint(o.ID)+", 1, 'R3', 'x', '2024-08-01T00:00:00Z')")
			rawExec(t, dsn, "UPDATE ins_benefit_payments SET netted = 1, overpayment_id = 999999 WHERE claim_id = "+fmt.Sprint(u.ID)+" AND period = 202406")
			rep, err := c.svc.Check(system())
			if err != nil {
				t.Fatal(err)
			}
			var res insurance.CheckResult
			for _, r := range rep.Results {
				if r.Invariant == insurance.InvOverpayments {
					res = r
				}
			}
			all := strings.Join(res.Breaches, "\n")
			if rep.OK || res.OK || !strings.Contains(all, "netted and recovered exceed the overpayment") || !strings.Contains(all, "netting of no recorded overpayment") {
				t.Fatalf("tampering not caught: %+v", res)
			}
		})
	}
}
