package insurance_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"hrss/insurance"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// TestLateFeesChunked bills two months of bills one bill per transaction,
// interrupts the billing after three chunks, and checks that the billing
// that takes it over ends with, per bill, the fee computed by hand (the
// formula of rules.Params.LateFee over each stretch of an unchanged
// principal), as one transaction would bill it: lines on every bill past
// its due date, none twice, the run's totals its lines', and a billing
// to a later day after an interrupted one first finishes that one.
func TestLateFeesChunked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 40)
		for _, p := range []string{"2025-01", "2025-02"} {
			if _, err := c.svc.Assess(system(), ym(p), insurance.AssessOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		jan := billMap(t, c.svc, ym("2025-01"))
		half := jan[[2]int64{1, 1}].Due / 2
		if _, err := c.svc.ImportCollections(system(), "a.csv", csvOf(
			fmt.Sprintf("%s,2025-01,%s,CH-1,2025-03-01", c.employers[0].CreditCode, half),
			fmt.Sprintf("%s,2025-01,%s,CH-2,2025-02-10", c.employers[1].CreditCode, jan[[2]int64{1, 2}].Due),
		)); err != nil {
			t.Fatal(err)
		}
		paid := map[insurance.BillKey]money.Fen{{Period: ym("2025-01"), PayerKind: 1, PayerID: 1}: half}
		paidOn := date("2025-03-01")

		var now time.Time = testNow
		c.svc.Now = func() time.Time { return now }
		c.svc.FeeChunk = 1
		ctx, cancel := context.WithCancel(system())
		chunks := 0
		c.svc.AfterFeeChunk = func(insurance.BillKey) {
			if chunks++; chunks == 3 {
				cancel()
			}
		}
		if _, err := c.svc.BillLateFees(ctx, date("2025-04-01")); err == nil {
			t.Fatal("the interrupted billing reported no error")
		}
		c.svc.AfterFeeChunk = nil
		runs := feeRuns(t, c.svc)
		if len(runs) != 1 || runs[0].Status != insurance.FeeRunRunning {
			t.Fatalf("after the interruption: %+v", runs)
		}
		if _, err := c.svc.BillLateFees(system(), date("2025-04-01")); ruleOf(err) != "late_fees.in_progress" {
			t.Fatalf("a billing beside a fresh one: %v", err)
		}
		now = now.Add(3 * time.Minute) // the interrupted billing's heartbeat is past LockTTL
		run, err := c.svc.BillLateFees(system(), date("2025-04-01"))
		if err != nil || run.ID != runs[0].ID || run.Status != insurance.FeeRunDone {
			t.Fatalf("resumed billing %+v %v", run, err)
		}
		checkFeesByHand(t, c, date("2025-04-01"), paid, paidOn)
		if runs := feeRuns(t, c.svc); len(runs) != 1 || runs[0].Status != insurance.FeeRunDone {
			t.Fatalf("runs after resuming: %+v", runs)
		}
		if again, err := c.svc.BillLateFees(system(), date("2025-04-01")); err != nil || again.Lines != 0 {
			t.Fatalf("second billing on the same day: %+v %v", again, err)
		}

		// Interrupted again to 2025-05-01, then taken over by a billing to
		// 2025-05-10: that one first finishes the billing to 2025-05-01.
		ctx, cancel = context.WithCancel(system())
		chunks = 0
		c.svc.AfterFeeChunk = func(insurance.BillKey) {
			if chunks++; chunks == 2 {
				cancel()
			}
		}
		c.svc.BillLateFees(ctx, date("2025-05-01"))
		c.svc.AfterFeeChunk = nil
		now = now.Add(3 * time.Minute)
		if _, err := c.svc.BillLateFees(system(), date("2025-04-20")); ruleOf(err) != "late_fees.before_last" {
			t.Fatalf("a billing to a day before the interrupted one's: %v", err)
		}
		last, err := c.svc.BillLateFees(system(), date("2025-05-10"))
		if err != nil || last.AsOf != date("2025-05-10") {
			t.Fatalf("billing after the interrupted one %+v %v", last, err)
		}
		runs = feeRuns(t, c.svc)
		if len(runs) != 4 || runs[1].AsOf != date("2025-05-01") || runs[1].Status != insurance.FeeRunDone || runs[1].Lines == 0 {
			t.Fatalf("runs %+v", runs)
		}
		checkFeesByHand(t, c, date("2025-05-10"), paid, paidOn, date("2025-04-01"), date("2025-05-01"))
		mustCheck(t, c.svc)
	})
}

// feeByHand is the late fee on principal due from the day after due to
// asOf, lowered by paid from the day after paidOn, one stretch (rounded
// on its own) between each of due, paidOn, the days of billedTo (the
// earlier billings' days, where a line ends) and asOf.
func feeByHand(principal, paid money.Fen, due, paidOn, asOf period.Date, billedTo []period.Date) money.Fen {
	cuts := append([]period.Date{paidOn}, billedTo...)
	var fee money.Fen
	from := due
	for from.Before(asOf) {
		to := asOf
		for _, d := range cuts {
			if from.Before(d) && d.Before(to) {
				to = d
			}
		}
		unpaid := principal
		if !from.Before(paidOn) {
			unpaid -= paid
		}
		fee += feeOf(unpaid, int64(from.DaysUntil(to)))
		from = to
	}
	return fee
}

// feeRuns lists the late fee billings, newest first.
func feeRuns(t *testing.T, svc *insurance.Service) []insurance.FeeRun {
	t.Helper()
	runs, err := svc.FeeRuns(system(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

// checkFeesByHand checks that the lines billed on every bill of 2025-01
// and 2025-02 add up to the fee due to asOf by hand: the principal
// unpaid from the day after the due date (less paid[k] from the day
// after paidOn), 0.05% a day, each stretch half-up; a bill paid on time
// has none; each billing of billedTo ended a line on its day. The run totals of every billing are its lines'.
func checkFeesByHand(t *testing.T, c *city, asOf period.Date, paid map[insurance.BillKey]money.Fen, paidOn period.Date, billedTo ...period.Date) {
	t.Helper()
	lines, err := c.svc.LateFees(system(), insurance.LateFeeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	billed := map[insurance.BillKey]money.Fen{}
	perRun := map[int64]money.Fen{}
	for _, l := range lines {
		billed[insurance.BillKey{Period: l.Period, PayerKind: l.PayerKind, PayerID: l.PayerID}] += l.Amount
		perRun[l.Run] += l.Amount
	}
	n := 0
	for _, p := range []period.YearMonth{ym("2025-01"), ym("2025-02")} {
		for key, b := range billMap(t, c.svc, p) {
			k := insurance.BillKey{Period: p, PayerKind: insurance.PayerKind(key[0]), PayerID: key[1]}
			due, err := c.svc.Params.DueDate(b.Division, p)
			if err != nil {
				t.Fatal(err)
			}
			want := money.Fen(0)
			if b.Paid != b.Due || paid[k] != 0 {
				want = feeByHand(b.Due, paid[k], due, paidOn, asOf, billedTo)
			}
			if billed[k] != want {
				t.Errorf("bill %+v: billed %s, by hand %s", k, billed[k], want)
			}
			if want != 0 {
				n++
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d bills owe a late fee: the test bills too few", n)
	}
	for _, r := range feeRuns(t, c.svc) {
		if r.Amount != perRun[r.ID] {
			t.Errorf("billing %d: amount %s, its lines %s", r.ID, r.Amount, perRun[r.ID])
		}
	}
}
