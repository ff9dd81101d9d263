package insurance_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"hrss/access"
	"hrss/insurance"
	"hrss/registry/ident"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/store"
	"hrss/store/storetest"
)

// billLines returns the late fee lines of employer id for p, and their
// sum.
func billLines(t *testing.T, c *city, p string, id int64) ([]insurance.LateFee, money.Fen) {
	t.Helper()
	lines, err := c.svc.LateFees(system(), insurance.LateFeeFilter{Period: ym(p), PayerKind: insurance.PayerEmployer, PayerID: id})
	if err != nil {
		t.Fatal(err)
	}
	var sum money.Fen
	for _, l := range lines {
		sum += l.Amount
	}
	return lines, sum
}

// TestLateFeeCorrectedByBackdatedPayment: a payment dated back into days
// already billed, and then a credit dated before the due date re-matched
// to the bill, make the next billing reverse each line no longer due
// (its days, principal and rule, the opposite amount) and bill its days
// again as due, so that the lines add up to the fee due given every
// payment; hrss check holds before (the bill is marked) and after.
func TestLateFeeCorrectedByBackdatedPayment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 40)
		if _, err := c.svc.Assess(system(), ym("2025-01"), insurance.AssessOptions{}); err != nil { // due 2025-02-15
			t.Fatal(err)
		}
		due := billMap(t, c.svc, ym("2025-01"))[[2]int64{1, 1}].Due
		code := string(c.employers[0].CreditCode)
		half, q := due/2, due/4
		unknown := string(ident.NewCreditCode('9', '1', "330402", 99999))
		if _, err := c.svc.ImportCollections(system(), "a.csv", csvOf(fmt.Sprintf("%s,2025-01,%s,BD-1,2025-03-01", code, half),
			fmt.Sprintf("%s,2025-01,100.00,BD-U,2025-02-10", unknown))); err != nil {
			t.Fatal(err)
		}
		if _, err := c.svc.BillLateFees(system(), date("2025-04-01")); err != nil {
			t.Fatal(err)
		}
		first, billed := billLines(t, c, "2025-01", 1)
		if len(first) != 2 || billed != feeOf(due, 14)+feeOf(due-half, 31) {
			t.Fatalf("first billing %+v", first)
		}
		// a payment of the tax bureau's dated 2025-02-20 arrives late
		if _, err := c.svc.ImportCollections(system(), "b.csv", csvOf(fmt.Sprintf("%s,2025-01,%s,BD-B,2025-02-20", code, q))); err != nil {
			t.Fatal(err)
		}
		mustCheck(t, c.svc) // marked: recomputed at the next billing
		wantBack := feeOf(due, 5) + feeOf(due-q, 9) + feeOf(due-half-q, 31)
		if ar := payerArrears(t, c.svc, "2025-04-01", 1); ar == nil || ar.Fee != wantBack || ar.FeeBilled != billed || ar.Unbilled != wantBack-billed {
			t.Fatalf("arrears before the correction %+v, want fee %s", ar, wantBack)
		}
		run, err := c.svc.BillLateFees(system(), date("2025-04-01"))
		if err != nil {
			t.Fatal(err)
		}
		lines, sum := billLines(t, c, "2025-01", 1)
		if sum != wantBack || len(lines) != 2+2+3 || run.Amount != wantBack-billed {
			t.Fatalf("after the back-dated payment: %s billed in %d lines (run %+v), want %s", sum, len(lines), run, wantBack)
		}
		reversals := 0
		for _, l := range lines {
			if l.Cause == insurance.FeeReversal {
				reversals++
				if l.Reverses == 0 || l.Amount >= 0 || l.Days <= 0 || l.Reference == "" {
					t.Fatalf("reversal %+v", l)
				}
			}
		}
		if reversals != 2 {
			t.Fatalf("%d reversals in %+v", reversals, lines)
		}
		mustCheck(t, c.svc)
		// the unmatched credit, paid before the due date, re-matched: no
		// late fee on its 100.00 from the start
		if _, err := c.svc.Rematch(system(), "BD-U", insurance.BillKey{Period: ym("2025-01"), PayerKind: insurance.PayerEmployer, PayerID: 1}); err != nil {
			t.Fatal(err)
		}
		h := money.Yuan(100)
		if _, err := c.svc.BillLateFees(system(), date("2025-04-01")); err != nil {
			t.Fatal(err)
		}
		want := feeOf(due-h, 5) + feeOf(due-h-q, 9) + feeOf(due-h-half-q, 31)
		if _, sum := billLines(t, c, "2025-01", 1); sum != want {
			t.Fatalf("after the re-match: %s billed, want %s", sum, want)
		}
		if again, err := c.svc.BillLateFees(system(), date("2025-04-01")); err != nil || again.Lines != 0 {
			t.Fatalf("a billing with nothing changed: %+v %v", again, err)
		}
		if _, err := c.svc.BillLateFees(system(), date("2025-03-15")); ruleOf(err) != "late_fees.before_last" {
			t.Fatalf("a billing before the last: %v", err)
		}
		mustCheck(t, c.svc)
	})
}

// TestLateFeeCorrectedByReassessment: a re-run that lowers a bill whose
// late fee was billed and paid makes the next billing bill the fee on the
// lower principal; the fee paid beyond it becomes the payer's credit.
func TestLateFeeCorrectedByReassessment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 40)
		p := ym("2025-01")
		if _, err := c.svc.Assess(system(), p, insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
		due := billMap(t, c.svc, p)[[2]int64{1, 1}].Due
		code := string(c.employers[0].CreditCode)
		half := due / 2
		if _, err := c.svc.ImportCollections(system(), "a.csv", csvOf(fmt.Sprintf("%s,2025-01,%s,RA-1,2025-03-01", code, half))); err != nil {
			t.Fatal(err)
		}
		if _, err := c.svc.BillLateFees(system(), date("2025-04-01")); err != nil {
			t.Fatal(err)
		}
		fee := feeOf(due, 14) + feeOf(due-half, 31)
		if _, err := c.svc.ImportCollections(system(), "b.csv", csvOf(fmt.Sprintf("%s,2025-01,%s,RA-2,2025-04-10", code, due-half+fee))); err != nil {
			t.Fatal(err)
		}
		for _, j := range c.jobs { // every wage of employer 1 lowered to 3000.00
			if j.EmployerID == 1 {
				j.DeclaredWage = 300_000
				if err := setEmployment(db, j); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := c.svc.Assess(system(), p, insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
		lower := billMap(t, c.svc, p)[[2]int64{1, 1}].Due
		if lower >= due || lower <= half {
			t.Fatalf("the re-run bills %s (was %s, half paid %s)", lower, due, half)
		}
		mustCheck(t, c.svc)
		if _, err := c.svc.BillLateFees(system(), date("2025-05-01")); err != nil {
			t.Fatal(err)
		}
		want := feeOf(lower, 14) + feeOf(lower-half, 31) + feeOf(lower-half, 9)
		if _, sum := billLines(t, c, "2025-01", 1); sum != want {
			t.Fatalf("after the re-run: %s billed, want %s", sum, want)
		}
		if fee <= want {
			t.Fatalf("the test wants a fee paid (%s) above the fee due (%s)", fee, want)
		}
		if ar := payerArrears(t, c.svc, "2025-05-01", 1); ar != nil {
			t.Fatalf("still owing after the re-run %+v", ar.Owed)
		}
		mustCheck(t, c.svc)
		refundCreditsOfRerun(t, c, due-lower, fee-want)
		mustCheck(t, c.svc)
	})
}

// refundCreditsOfRerun: the overpayment a re-run booked and the fee paid
// beyond the corrected fee are employer 1's credits; both are refunded
// under four eyes and issued; the bank's return is refused whole on a
// bad row (row and column named), then marks one paid and the other
// failed, idempotently; the failed refund's credit is free again and is
// re-matched to the employer's next bill.
func refundCreditsOfRerun(t *testing.T, c *city, over, feeOver money.Fen) {
	t.Helper()
	credits, err := c.svc.Credits(system(), insurance.CreditFilter{Open: true})
	if err != nil {
		t.Fatal(err)
	}
	var ov, fc insurance.Credit
	for _, cr := range credits {
		switch cr.Source {
		case "reassessed":
			ov = cr
		case "fee":
			fc = cr
		}
	}
	if ov.Balance != over || ov.PayerID != 1 || ov.Division == "" || ov.Import == 0 || fc.Balance != feeOver || fc.PayerID != 1 {
		t.Fatalf("credits of the re-run %+v, want %s and %s", credits, over, feeOver)
	}
	worker, reviewer := staff(access.Caseworker, 7), staff(access.Reviewer, 8)
	var ids []int64
	for _, ref := range []string{ov.Reference, fc.Reference} {
		r, err := c.svc.PrepareRefund(worker, insurance.RefundInput{Credit: ref, Holder: "单位1", Bank: "工商银行", Account: "6222020000000009", Reason: "re-assessed"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.svc.DecideRefund(reviewer, r.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	if _, err := c.svc.IssueRefunds(worker); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		file     []byte
		row, bad int
		col      string
	}{
		{csvOf2("reference,status,reason", fmt.Sprintf("refund:%d,paid,", ids[0]), fmt.Sprintf("refund:%d,maybe,", ids[1])), 3, 1, "status"},
		{csvOf2("reference,status,reason", fmt.Sprintf("refund:%d,paid,", ids[0]), "refund:999,paid,", "REF-9,failed,no"), 3, 2, "reference"},
	} {
		_, err = c.svc.ImportRefundReturn(worker, "bad.csv", bad.file)
		var list fault.List
		if !errors.As(err, &list) || len(list) != bad.bad || list[0].Row != bad.row || list[0].Col != bad.col {
			t.Fatalf("bad return: %v", err)
		}
	}
	if r, err := c.svc.Refunds(system(), insurance.RefundFilter{Status: insurance.RefundIssued}); err != nil || len(r) != 2 {
		t.Fatalf("a refused return applied: %+v %v", r, err)
	}
	good := csvOf2("reference,status,reason", fmt.Sprintf("refund:%d,paid,", ids[0]), fmt.Sprintf("refund:%d,failed,account closed", ids[1]))
	for i := range 2 {
		rep, err := c.svc.ImportRefundReturn(worker, "return.csv", good)
		if err != nil || i == 0 && (rep.Paid != 1 || rep.Failed != 1 || rep.Amount != over) || i == 1 && rep.Already != 2 {
			t.Fatalf("return %d: %+v %v", i, rep, err)
		}
	}
	flip := csvOf2("reference,status,reason", fmt.Sprintf("refund:%d,failed,late", ids[0]))
	if _, err := c.svc.ImportRefundReturn(worker, "flip.csv", flip); ruleOf(err) != "returns.file" || !hasRule(err, "returns.status_change") {
		t.Fatalf("a paid refund returned failed: %v", err)
	}
	left, err := c.svc.Credits(system(), insurance.CreditFilter{Reference: fc.Reference})
	if err != nil || len(left) != 1 || left[0].Balance != feeOver {
		t.Fatalf("the failed refund's credit %+v %v", left, err)
	}
	if _, err := c.svc.Assess(system(), ym("2025-02"), insurance.AssessOptions{}); err != nil {
		t.Fatal(err)
	}
	pay, err := c.svc.Rematch(worker, fc.Reference, insurance.BillKey{Period: ym("2025-02"), PayerKind: insurance.PayerEmployer, PayerID: 1})
	if err != nil || pay.Applied != feeOver {
		t.Fatalf("re-match of the fee credit %+v %v", pay, err)
	}
}

// csvOf2 is a file of lines.
func csvOf2(lines ...string) []byte { return []byte(strings.Join(lines, "\n") + "\n") }
