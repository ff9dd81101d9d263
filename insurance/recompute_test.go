package insurance_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"hrss/access"
	"hrss/insurance"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/store"
	"hrss/store/storetest"
)

// withBase2024 is the embedded parameters with the calculation base's
// history replaced: published up to 2023, and in 2024 at base2024 yuan
// when it is not "" (a test's figure: the 2024 base published).
func withBase2024(t *testing.T, base2024 string) *rules.Params {
	t.Helper()
	p, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	yaml := `parameters:
  - name: pension.calc_base
    unit: yuan_per_month
    jurisdiction: "330000"
    replace: true
    values:
      - {from: 2023-01-01, value: 8020, reference: test - the base of 2023, confidence: supported}
`
	if base2024 != "" {
		yaml += "      - {from: 2024-01-01, value: " + base2024 + ", reference: test - the base of 2024 published, confidence: supported}\n"
	}
	p, err = p.Overlay("test overlay", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// provisionalPension opens and approves the pension of person 4 from
// 2024-05 while the 2024 base is not published (legacy years 1992-2023,
// also of person 84; 2024-01 and 02 assessed, paid and closed), and pays it from 2024-05 to
// last.
func provisionalPension(t *testing.T, c *city, last string) insurance.Claim {
	t.Helper()
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
	c.svc.Params = withBase2024(t, "")
	cl, err := c.svc.OpenPensionClaim(staff(access.Caseworker, 11), insurance.PensionClaimInput{PersonID: 4, Category: "male", Retire: "2024-05"})
	if err != nil {
		t.Fatal(err)
	}
	if cl.ProvisionalYear != 2024 {
		t.Fatalf("a pension of 2024 decided before its base: provisional year %d", cl.ProvisionalYear)
	}
	if cl, err = c.svc.Approve(staff(access.Reviewer, 12), cl.ID, true); err != nil {
		t.Fatal(err)
	}
	for p := ym("2024-05"); p <= ym(last); p++ {
		if _, err := c.svc.Pay(system(), insurance.ClaimPension, p, ""); err != nil {
			t.Fatal(err)
		}
	}
	return cl
}

// recomputedTotal is the claim's pension computed again from the input
// kept in its detail with params.
func recomputedTotal(t *testing.T, params *rules.Params, cl insurance.Claim) money.Fen {
	t.Helper()
	var d struct {
		Pension rules.PensionInput `json:"pension"`
	}
	if err := json.Unmarshal(cl.Detail, &d); err != nil {
		t.Fatal(err)
	}
	res, err := params.Pension(d.Pension, false)
	if err != nil || res.Provisional {
		t.Fatalf("recomputed %+v %v", res, err)
	}
	return res.Total
}

func TestPensionRecomputedWhenTheBaseIsPublished(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 90)
		cl := provisionalPension(t, c, "2024-07")
		amy, bob := staff(access.Caseworker, 11), staff(access.Reviewer, 12)
		scan, err := c.svc.ScanRecomputations(system(), 0)
		if err != nil || len(scan.Prepared) != 0 || scan.Waiting != 1 {
			t.Fatalf("a scan before the base is published: %+v %v", scan, err)
		}
		mustCheck(t, c.svc)

		// a parameter file publishes the 2024 base: hrss check sees the pension left provisional
		c.svc.Params = withBase2024(t, "8310")
		rep, err := c.svc.Check(system())
		if err != nil || rep.OK || !strings.Contains(strings.Join(breachesOf(rep, insurance.InvPensionRecomputations), "\n"), "not flagged") {
			t.Fatalf("check with a provisional pension whose base is published: %+v %v", rep, err)
		}
		if _, err := c.svc.ScanRecomputations(staff(access.Citizen, 13), 0); fault.KindOf(err) != fault.Forbidden {
			t.Fatalf("a citizen scanning: %v", err)
		}
		scan, err = c.svc.ScanRecomputations(amy, 0)
		if err != nil || len(scan.Prepared) != 1 || scan.Waiting != 0 {
			t.Fatalf("the scan: %+v %v", scan, err)
		}
		r := scan.Prepared[0]
		want := recomputedTotal(t, c.svc.Params, cl)
		if want <= cl.Monthly {
			t.Fatalf("the 2024 base is above 2023's: recomputed %s, provisional %s", want, cl.Monthly)
		}
		if r.ClaimID != cl.ID || r.Status != insurance.RecomputationPrepared || r.OldMonthly != cl.Monthly || r.NewMonthly != want ||
			r.Months != 3 || r.Difference != 3*(want-cl.Monthly) || r.BaseYear != 2024 || r.Preparer != "u11" {
			t.Fatalf("prepared %+v, want 3 months of %s - %s", r, want, cl.Monthly)
		}
		if again, err := c.svc.ScanRecomputations(amy, 0); err != nil || len(again.Prepared) != 0 {
			t.Fatalf("a second scan: %+v %v", again, err)
		}
		if _, err := c.svc.PrepareRecomputation(amy, cl.ID, 0); fault.KindOf(err) != fault.Conflict {
			t.Fatalf("preparing it again: %v", err)
		}
		mustCheck(t, c.svc)

		// four eyes: the preparer may not approve it, a rejection needs its reason
		if _, err := c.svc.DecideRecomputation(staff(access.Reviewer, 11), r.ID, true, ""); fault.KindOf(err) != fault.Forbidden {
			t.Fatalf("the preparer approving: %v", err)
		}
		if _, err := c.svc.DecideRecomputation(bob, r.ID, false, " "); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("a rejection without a reason: %v", err)
		}
		got, err := c.svc.DecideRecomputation(bob, r.ID, true, "")
		if err != nil || got.Status != insurance.RecomputationApplied || got.From != ym("2024-08") || got.Difference != r.Difference || got.Decider != "u12" {
			t.Fatalf("approved %+v %v", got, err)
		}
		if _, err := c.svc.DecideRecomputation(bob, r.ID, true, ""); fault.KindOf(err) != fault.Conflict {
			t.Fatalf("approved twice: %v", err)
		}
		after, err := c.svc.Claim(amy, cl.ID)
		if err != nil || after.Monthly != want || after.ProvisionalYear != 0 {
			t.Fatalf("the claim after: %+v %v", after, err)
		}

		// the next run pays the new amount and the back pay on its own line, once
		run, err := c.svc.Pay(system(), insurance.ClaimPension, ym("2024-08"), "")
		if err != nil || run.AddedBackPay != r.Difference || run.AddedSum != want {
			t.Fatalf("the next run %+v %v", run, err)
		}
		if _, err := c.svc.Pay(system(), insurance.ClaimPension, ym("2024-09"), ""); err != nil {
			t.Fatal(err)
		}
		pays, err := c.svc.ClaimPayments(amy, cl.ID)
		if err != nil || len(pays) != 5 {
			t.Fatalf("payments %+v %v", pays, err)
		}
		if p := pays[3]; p.Amount != want || p.BackPay != r.Difference || p.RecomputationID != r.ID {
			t.Fatalf("the 2024-08 payment %+v", p)
		}
		if p := pays[4]; p.Amount != want || p.BackPay != 0 {
			t.Fatalf("the 2024-09 payment %+v", p)
		}
		file, err := c.svc.Disbursement(system(), insurance.ClaimPension, ym("2024-08"), 0)
		if err != nil || !strings.Contains(string(file), (want+r.Difference).String()+","+r.Difference.String()) {
			t.Fatalf("the bank file of 2024-08: %q %v", file, err)
		}
		if again, err := c.svc.ScanRecomputations(amy, 0); err != nil || len(again.Prepared) != 0 || again.Waiting != 0 {
			t.Fatalf("a scan after: %+v %v", again, err)
		}
		mustCheck(t, c.svc)
	})
}

func TestPensionRecomputedLowerIsRecovered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 90)
		cl := provisionalPension(t, c, "2024-06")
		amy, bob := staff(access.Caseworker, 11), staff(access.Reviewer, 12)
		c.svc.Params = withBase2024(t, "7900") // a test's figure below 2023's 8020
		r, err := c.svc.PrepareRecomputation(amy, cl.ID, 0)
		if err != nil || r.Months != 2 || r.Difference >= 0 {
			t.Fatalf("prepared %+v %v", r, err)
		}
		want := recomputedTotal(t, c.svc.Params, cl)
		// a run pays a month between the preparation and the approval: the approval counts it
		if _, err := c.svc.Pay(system(), insurance.ClaimPension, ym("2024-07"), ""); err != nil {
			t.Fatal(err)
		}
		got, err := c.svc.DecideRecomputation(bob, r.ID, true, "")
		if err != nil || got.Months != 3 || got.Difference != 3*(want-cl.Monthly) || got.OverpaymentID == 0 || got.From != ym("2024-08") {
			t.Fatalf("approved %+v %v, want 3 months of %s - %s", got, err, want, cl.Monthly)
		}
		if _, err := c.svc.Pay(system(), insurance.ClaimPension, ym("2024-08"), ""); err != nil {
			t.Fatal(err)
		}
		pays, err := c.svc.ClaimPayments(amy, cl.ID)
		if err != nil || len(pays) != 4 {
			t.Fatalf("payments %+v %v", pays, err)
		}
		if p := pays[3]; p.Amount != want || p.BackPay != 0 || p.Netted != -got.Difference || p.OverpaymentID != got.OverpaymentID {
			t.Fatalf("the 2024-08 payment %+v, want %s netted", p, -got.Difference)
		}
		mustCheck(t, c.svc)
		// a rejected recomputation leaves the claim as it was; another may be prepared
		rej := provisionalRejected(t, c, bob)
		if rej.Status != insurance.RecomputationRejected || rej.Note != "wrong base" {
			t.Fatalf("rejected %+v", rej)
		}
		mustCheck(t, c.svc)
	})
}

// provisionalRejected opens, approves and pays a second provisional
// pension (person 84, from 2024-01, prepared while the 2024 base is not
// published), prepares its recomputation with a published base and has
// reviewer reject it; the scan then prepares it again.
func provisionalRejected(t *testing.T, c *city, reviewer context.Context) insurance.Recomputation {
	t.Helper()
	published := c.svc.Params
	c.svc.Params = withBase2024(t, "")
	cl, err := c.svc.OpenPensionClaim(staff(access.Caseworker, 11), insurance.PensionClaimInput{PersonID: 84, Category: "male", Retire: "2024-01"})
	if err == nil {
		_, err = c.svc.Approve(reviewer, cl.ID, true)
	}
	if err != nil {
		t.Fatal(err)
	}
	c.svc.Params = published
	r, err := c.svc.PrepareRecomputation(system(), cl.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r, err = c.svc.DecideRecomputation(reviewer, r.ID, false, "wrong base"); err != nil {
		t.Fatal(err)
	}
	scan, err := c.svc.ScanRecomputations(system(), 0)
	if err != nil || len(scan.Prepared) != 1 || scan.Prepared[0].ClaimID != cl.ID {
		t.Fatalf("the scan after a rejection: %+v %v", scan, err)
	}
	return r
}

func breachesOf(rep insurance.CheckReport, inv string) []string {
	for _, r := range rep.Results {
		if r.Invariant == inv {
			return r.Breaches
		}
	}
	return nil
}

// TestBalanceAtRetirementTakesInterestToDate: a pension from 2024-05
// takes the interest of January to April 2024 on the balance of 1
// January and the year's credits (RULES.md §2 [U]), in its record and
// its trace, and its account pension divides that balance.
func TestBalanceAtRetirementTakesInterestToDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 90)
		cl := provisionalPension(t, c, "2024-05")
		var d struct {
			Record  insurance.PensionRecord `json:"record"`
			Pension rules.PensionInput      `json:"pension"`
			Result  rules.PensionResult     `json:"result"`
		}
		if err := json.Unmarshal(cl.Detail, &d); err != nil {
			t.Fatal(err)
		}
		stmt, err := c.svc.Statement(staff(access.Caseworker, 11), 4)
		if err != nil {
			t.Fatal(err)
		}
		opening := money.Fen(32 * (384_000 + 10_000)) // the legacy years 1992-2023
		var credits money.Fen
		for _, y := range stmt.Years {
			if y.Year == 2024 {
				credits = y.Credits
			}
		}
		// (opening × 0.0262 + credits × 0.0262 × 1.083 / 2) × 4 / 12, half-up to the fen
		r := decimal.RequireFromString("0.0262")
		x := opening.Dec().Mul(r).Add(credits.Dec().Mul(r).Mul(decimal.RequireFromString("1.083")).Div(decimal.NewFromInt(2))).Mul(decimal.NewFromInt(4)).Div(decimal.NewFromInt(12))
		interest := money.RoundHalfUp(x)
		it := d.Record.InterestToDate
		if credits <= 0 || it == nil || it.Months != 4 || it.Interest != interest || it.Opening != opening || it.Credits != credits {
			t.Fatalf("interest to date %+v, want 4 months on %s and %s: %s", it, opening, credits, interest)
		}
		if d.Record.Balance != opening+credits+interest || d.Pension.AccountBalance != d.Record.Balance {
			t.Fatalf("balance %s (pension input %s), want %s", d.Record.Balance, d.Pension.AccountBalance, opening+credits+interest)
		}
		if want := money.Fen(d.Record.Balance.Dec().Shift(2).DivRound(d.Result.Divisor, 0).IntPart()); d.Result.AccountPension != want {
			t.Fatalf("account pension %s, want the balance over the divisor %s", d.Result.AccountPension, want)
		}
		var keys []string
		for _, s := range d.Result.Trace {
			keys = append(keys, s.Key)
		}
		if !strings.Contains(strings.Join(keys, " "), "trace.account.interest_to_date") {
			t.Fatalf("the claim's trace has no interest to date: %v", keys)
		}
	})
}

// TestPensionRecomputationsCheck: hrss check names back pay paid twice or
// for another amount, a recomputation decided by its preparer, and an
// applied one whose claim is still provisional.
func TestPensionRecomputationsCheck(t *testing.T) {
	for name, dsn := range engines(t) {
		t.Run(name, func(t *testing.T) {
			c := newCity(t, openDSN(t, dsn), 90)
			cl := provisionalPension(t, c, "2024-06")
			c.svc.Params = withBase2024(t, "8310")
			r, err := c.svc.PrepareRecomputation(staff(access.Caseworker, 11), cl.ID, 0)
			if err == nil {
				_, err = c.svc.DecideRecomputation(staff(access.Reviewer, 12), r.ID, true, "")
			}
			if err == nil {
				_, err = c.svc.Pay(system(), insurance.ClaimPension, ym("2024-07"), "")
			}
			if err != nil {
				t.Fatal(err)
			}
			mustCheck(t, c.svc)
			rawExec(t, dsn, "UPDATE ins_benefit_payments SET back_pay = back_pay + 1 WHERE recomputation_id IS NOT NULL")
			rawExec(t, dsn, "UPDATE ins_pension_recomputations SET decided_by = prepared_by")
			rawExec(t, dsn, "UPDATE ins_claims SET provisional_year = 2024 WHERE kind = 'pension'")
			rep, err := c.svc.Check(system())
			if err != nil {
				t.Fatal(err)
			}
			all := strings.Join(breachesOf(rep, insurance.InvPensionRecomputations), "\n")
			for _, want := range []string{"back pay not paid exactly once", "decided by its preparer", "applied but its claim is not recomputed"} {
				if rep.OK || !strings.Contains(all, want) {
					t.Errorf("tampering not caught (%s): %s", want, all)
				}
			}
		})
	}
}
