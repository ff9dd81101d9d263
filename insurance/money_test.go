package insurance_test

import (
	"context"
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

// feeOf is the late fee on unpaid for days at 0.05% a day, half-up.
func feeOf(unpaid money.Fen, days int64) money.Fen {
	return money.RoundHalfUp(unpaid.Dec().Mul(money.MustDec("0.0005")).Mul(money.Fen(days * 100).Dec()))
}

func TestLateFeeBilledAndPaid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 40)
		p := ym("2025-01") // due 2025-02-15
		if _, err := c.svc.Assess(system(), p, insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
		b := billMap(t, c.svc, p)[[2]int64{1, 1}]
		code := string(c.employers[0].CreditCode)
		half := b.Due / 2
		if _, err := c.svc.ImportCollections(system(), "a.csv", csvOf(fmt.Sprintf("%s,2025-01,%s,LF-1,2025-03-01", code, half))); err != nil {
			t.Fatal(err)
		}
		if _, err := c.svc.BillLateFees(system(), date("2025-07-01")); ruleOf(err) != "late_fees.future" {
			t.Fatalf("billing ahead of today: %v", err)
		}
		run, err := c.svc.BillLateFees(system(), date("2025-04-01"))
		if err != nil {
			t.Fatal(err)
		}
		var mine []insurance.LateFee
		for _, l := range run.Fees {
			if l.PayerKind == 1 && l.PayerID == 1 {
				mine = append(mine, l)
			}
		}
		want1, want2 := feeOf(b.Due, 14), feeOf(b.Due-half, 31)
		if len(mine) != 2 || mine[0].Amount != want1 || mine[0].Days != 14 || mine[1].Amount != want2 || mine[1].Principal != b.Due-half ||
			mine[0].Reference != "社会保险法 第八十六条" || mine[0].Confidence != "supported" || mine[0].Rate != "0.0005" || mine[0].Rounding == "" {
			t.Fatalf("lines %+v, want %s and %s", mine, want1, want2)
		}
		if again, err := c.svc.BillLateFees(system(), date("2025-04-01")); err != nil || again.Lines != 0 {
			t.Fatalf("second billing on the same day: %+v %v", again, err)
		}
		ar := payerArrears(t, c.svc, "2025-04-01", 1)
		if ar.Principal != b.Due-half || ar.FeeBilled != want1+want2 || ar.FeeOwed != want1+want2 || ar.FeePaid != 0 {
			t.Fatalf("arrears before payment %+v", ar.Owed)
		}
		pay := b.Due - half + want1 + want2 + money.Yuan(5)
		rep, err := c.svc.ImportCollections(system(), "b.csv", csvOf(fmt.Sprintf("%s,2025-01,%s,LF-2,2025-04-01", code, pay)))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Amount != b.Due-half || rep.FeeAmount != want1+want2 || len(rep.Overpaid) != 1 {
			t.Fatalf("report %+v", rep)
		}
		if ar := payerArrears(t, c.svc, "2025-04-01", 1); ar != nil {
			t.Fatalf("still in arrears after paying principal and fee: %+v", ar.Owed)
		}
		credits, err := c.svc.Credits(system(), insurance.CreditFilter{Open: true})
		if err != nil || len(credits) != 1 || credits[0].Reference != "LF-2" || credits[0].Balance != money.Yuan(5) {
			t.Fatalf("credits %+v %v", credits, err)
		}
		mustCheck(t, c.svc)
	})
}

// payerArrears returns employer id's arrears on day, nil when none.
func payerArrears(t *testing.T, svc *insurance.Service, day string, id int64) *insurance.PayerArrears {
	t.Helper()
	ar, err := svc.Arrears(system(), date(day))
	if err != nil {
		t.Fatal(err)
	}
	for i, pa := range ar.Payers {
		if pa.PayerKind == insurance.PayerEmployer && pa.PayerID == id {
			return &ar.Payers[i]
		}
	}
	return nil
}

func staff(role access.Role, id int64) context.Context {
	return access.WithCaller(context.Background(), access.Caller{UserID: id, Name: fmt.Sprintf("u%d", id), Role: role, Divisions: []string{access.CityWide}})
}

func TestCreditsRematchedAndRefunded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 40)
		p := ym("2025-01")
		if _, err := c.svc.Assess(system(), p, insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
		bills := billMap(t, c.svc, p)
		unknown := string(ident.NewCreditCode('9', '1', "330402", 99999))
		file := csvOf(
			fmt.Sprintf("%s,2025-01,100.00,CR-U,2025-02-10", unknown),
			fmt.Sprintf("%s,2025-01,%s,CR-O,2025-02-10", c.employers[2].CreditCode, bills[[2]int64{1, 3}].Due+money.Yuan(50)),
		)
		if _, err := c.svc.ImportCollections(system(), "c.csv", file); err != nil {
			t.Fatal(err)
		}
		worker, reviewer := staff(access.Caseworker, 7), staff(access.Reviewer, 8)
		target := insurance.BillKey{Period: p, PayerKind: insurance.PayerEmployer, PayerID: 2}
		pay, err := c.svc.Rematch(worker, "CR-U", target)
		if err != nil || pay.Applied != money.Yuan(100) || pay.CreditOf != "CR-U" || pay.Reference != "credit:CR-U:1" {
			t.Fatalf("rematch %+v %v", pay, err)
		}
		if _, err := c.svc.Rematch(worker, "CR-U", target); ruleOf(err) != "credits.used" {
			t.Fatalf("second rematch of a used credit: %v", err)
		}
		if _, err := c.svc.Rematch(worker, "CR-O", target); ruleOf(err) != "credits.rematch_payer" {
			t.Fatalf("a payer's credit on another payer's bill: %v", err)
		}
		if got := billMap(t, c.svc, p)[[2]int64{1, 2}].Paid; got != money.Yuan(100) {
			t.Fatalf("bill paid %s after the rematch", got)
		}
		in := insurance.RefundInput{Credit: "CR-O", Holder: "单位3", Bank: "工商银行", Account: "6222020000000001", Reason: "overpaid January"}
		bad := in
		bad.Amount, bad.Account = "60.00", "12-34"
		if _, err := c.svc.PrepareRefund(worker, bad); !hasRule(err, "payee.account") {
			t.Fatalf("bad account: %v", err)
		}
		bad.Account = in.Account
		if _, err := c.svc.PrepareRefund(worker, bad); ruleOf(err) != "refunds.balance" {
			t.Fatalf("refund beyond the credit: %v", err)
		}
		other := access.WithCaller(context.Background(), access.Caller{UserID: 9, Role: access.Caseworker, Divisions: []string{"330411"}})
		if _, err := c.svc.PrepareRefund(other, in); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("a refund of a credit outside the caseworker's divisions: %v", err)
		}
		if _, err := c.svc.Rematch(other, "CR-U", target); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("an unmatched credit re-matched by a division's caseworker: %v", err)
		}
		r, err := c.svc.PrepareRefund(worker, in)
		if err != nil || r.Amount != money.Yuan(50) || r.Status != insurance.RefundPrepared {
			t.Fatalf("prepare %+v %v", r, err)
		}
		if _, err := c.svc.PrepareRefund(worker, in); ruleOf(err) != "refunds.balance" {
			t.Fatalf("second refund of the same credit: %v", err)
		}
		if _, err := c.svc.DecideRefund(staff(access.Reviewer, 7), r.ID, true, ""); ruleOf(err) != "auth.four_eyes" {
			t.Fatalf("approval by the preparer: %v", err)
		}
		if _, err := c.svc.IssueRefunds(worker); ruleOf(err) != "refunds.none_approved" {
			t.Fatalf("issue with nothing approved: %v", err)
		}
		if r, err = c.svc.DecideRefund(reviewer, r.ID, true, "checked"); err != nil || r.Status != insurance.RefundApproved || r.DecidedBy != 8 {
			t.Fatalf("approve %+v %v", r, err)
		}
		run, err := c.svc.IssueRefunds(worker)
		if err != nil || run.Rows != 1 || run.Total != money.Yuan(50) {
			t.Fatalf("issue %+v %v", run, err)
		}
		file2, err := c.svc.RefundBankFile(worker, run.ID, false)
		if err != nil || !strings.Contains(string(file2), fmt.Sprintf("refund:%d,单位3,工商银行,6222020000000001,50.00,CR-O", r.ID)) {
			t.Fatalf("bank file %q %v", file2, err)
		}
		if open, _ := c.svc.Credits(system(), insurance.CreditFilter{Open: true}); len(open) != 0 {
			t.Fatalf("credits left %+v", open)
		}
		mustCheck(t, c.svc)
	})
}

func hasRule(err error, rule string) bool {
	var list fault.List
	if errors.As(err, &list) {
		for _, e := range list {
			if e.Rule == rule {
				return true
			}
		}
	}
	return ruleOf(err) == rule
}

// ruleOf is the rule of a *fault.Error, "" for another error.
func ruleOf(err error) string {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return fe.Rule
	}
	return ""
}
