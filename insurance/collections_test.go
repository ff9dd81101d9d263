package insurance_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hrss/insurance"
	"hrss/registry/ident"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/store"
	"hrss/store/storetest"
)

func csvOf(lines ...string) []byte {
	return []byte("credit_code,period,amount,reference,date\n" + strings.Join(lines, "\n") + "\n")
}

func TestCollectionsIdempotentPartialOverpaid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 40)
		p := ym("2025-01")
		if _, err := c.svc.Assess(system(), p, insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
		bills := billMap(t, c.svc, p)
		b1, b2 := bills[[2]int64{1, 1}], bills[[2]int64{1, 2}]
		code := func(i int) string { return string(c.employers[i-1].CreditCode) }
		half := b2.Due / 2
		unknown := string(ident.NewCreditCode('9', '1', "330402", 99999))
		file := csvOf(
			fmt.Sprintf("%s,2025-01,%s,REF-1,2025-02-10", code(1), b1.Due),
			fmt.Sprintf("%s,2025-01,%s,REF-2,2025-02-10", code(2), half),
			fmt.Sprintf("%s,2025-01,%s,REF-3,2025-02-20", code(2), b2.Due-half+money.Yuan(10)),
			fmt.Sprintf("%s,2025-01,100.00,REF-4,2025-02-10", unknown),
			fmt.Sprintf("%s,2024-12,100.00,REF-5,2025-02-10", code(3)),
		)
		rep, err := c.svc.ImportCollections(system(), "tax.csv", file)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Applied != 3 || rep.Amount != b1.Due+b2.Due || len(rep.Overpaid) != 1 || rep.Overpaid[0].Row != 4 ||
			len(rep.Unmatched) != 2 || rep.Unmatched[0].Row != 5 || rep.Unmatched[1].Row != 6 {
			t.Fatalf("report %+v", rep)
		}
		after := billMap(t, c.svc, p)
		if after[[2]int64{1, 1}].Paid != b1.Due || after[[2]int64{1, 2}].Paid != b2.Due || after[[2]int64{1, 2}].Overpaid != money.Yuan(10) {
			t.Fatalf("bills after import: %+v %+v", after[[2]int64{1, 1}], after[[2]int64{1, 2}])
		}
		again, err := c.svc.ImportCollections(system(), "tax.csv", file)
		if err != nil {
			t.Fatal(err)
		}
		if again.Applied != 0 || again.Amount != 0 || len(again.Duplicates) != 5 {
			t.Fatalf("second import credited again: %+v", again)
		}
		if billMap(t, c.svc, p)[[2]int64{1, 2}].Paid != b2.Due {
			t.Fatal("paid changed on re-import")
		}
		mustCheck(t, c.svc)
	})
}

func TestCollectionsBadFileAppliesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 20)
		p := ym("2025-01")
		if _, err := c.svc.Assess(system(), p, insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
		code := string(c.employers[0].CreditCode)
		file := csvOf(
			code+",2025-01,10.00,OK-1,2025-02-10",
			code+",2025-13,10.00,BAD-1,2025-02-10",
			code+",2025-01,-3,BAD-2,2025-02-31",
		)
		_, err := c.svc.ImportCollections(system(), "bad.csv", file)
		var list fault.List
		if fault.KindOf(err) != fault.Invalid || !errors.As(err, &list) {
			t.Fatalf("bad file: %v", err)
		}
		var where []string
		for _, e := range list {
			where = append(where, fmt.Sprintf("%d:%s", e.Row, e.Col))
		}
		if strings.Join(where, " ") != "3:period 4:amount 4:date" {
			t.Fatalf("errors at %v: %v", where, err)
		}
		// a reference reused with other content refuses the whole file too
		if _, err := c.svc.ImportCollections(system(), "a.csv", csvOf(code+",2025-01,10.00,R-1,2025-02-10")); err != nil {
			t.Fatal(err)
		}
		_, err = c.svc.ImportCollections(system(), "b.csv", csvOf(code+",2025-01,5.00,R-2,2025-02-10", code+",2025-01,11.00,R-1,2025-02-10"))
		if fault.KindOf(err) != fault.Invalid || !strings.Contains(err.Error(), "row 3") {
			t.Fatalf("reused reference: %v", err)
		}
		pays, err := c.svc.Payments(system(), p, 0, 0)
		if err != nil || len(pays) != 1 || pays[0].Reference != "R-1" {
			t.Fatalf("payments after refused files: %+v %v", pays, err)
		}
		mustCheck(t, c.svc)
	})
}

func TestCollectionsExcel(t *testing.T) {
	db := storetest.SQLite(t)
	c := newCity(t, db, 20)
	p := ym("2025-01")
	if _, err := c.svc.Assess(system(), p, insurance.AssessOptions{}); err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	rows := [][]any{{"统一社会信用代码", "费款所属期", "金额", "缴款凭证号", "缴款日期"}, {string(c.employers[0].CreditCode), "2025-01", "12.34", "X-1", "2025-02-01"}}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &r)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.svc.ImportCollections(system(), "tax.xlsx", buf.Bytes())
	if err != nil || rep.Applied != 1 || rep.Amount != 1234 {
		t.Fatalf("%+v %v", rep, err)
	}
}

func TestArrearsLateFee(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 20)
		p := ym("2025-01") // due 2025-02-15 (contribution.due_month_lag 1, due_day 15)
		if _, err := c.svc.Assess(system(), p, insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
		b := billMap(t, c.svc, p)[[2]int64{1, 1}]
		if b.DueDate != date("2025-02-15") {
			t.Fatalf("due date %s", b.DueDate)
		}
		part := b.Due / 3
		file := csvOf(fmt.Sprintf("%s,2025-01,%s,L-1,2025-02-25", c.employers[0].CreditCode, part))
		if _, err := c.svc.ImportCollections(system(), "late.csv", file); err != nil {
			t.Fatal(err)
		}
		ar, err := c.svc.Arrears(system(), date("2025-03-07"))
		if err != nil {
			t.Fatal(err)
		}
		var got *insurance.ArrearsBill
		for _, pa := range ar.Payers {
			if pa.PayerKind == insurance.PayerEmployer && pa.PayerID == 1 {
				got = &pa.Bills[0]
			}
		}
		// 10 days (02-16..02-25) on the whole bill, then 10 days (02-26..03-07) on the rest, each 0.05% a day, half-up to the fen
		fee := money.RoundHalfUp(b.Due.Dec().Mul(money.MustDec("0.0005")).Mul(money.MustDec("10"))) +
			money.RoundHalfUp((b.Due - part).Dec().Mul(money.MustDec("0.0005")).Mul(money.MustDec("10")))
		if got == nil || got.Principal != b.Due-part || got.Fee != fee || got.Days != 20 {
			t.Fatalf("arrears %+v, want principal %s fee %s", got, b.Due-part, fee)
		}
		// before the due date nothing is in arrears
		early, err := c.svc.Arrears(system(), date("2025-02-15"))
		if err != nil || len(early.Payers) != 0 {
			t.Fatalf("arrears on the due date: %+v %v", early, err)
		}
	})
}
