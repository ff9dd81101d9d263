package demo

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"hrss/insurance"
	"hrss/registry/ident"
	"hrss/rules/money"
	"hrss/rules/period"
)

// TestWithPayers: the codes recorded while generating are the employers'
// credit codes and the flexible workers' resident ID numbers as sealed.
func TestWithPayers(t *testing.T) {
	m := &memSink{}
	sink, payers := WithPayers(m)
	if _, err := Generate(context.Background(), Config{Persons: 2000, Seed: 5, AsOf: asOf}, testVault(t), sink, nil); err != nil {
		t.Fatal(err)
	}
	if !m.finished || len(m.flexible) == 0 {
		t.Fatalf("finished %v, %d flexible enrolments", m.finished, len(m.flexible))
	}
	for _, e := range m.employers {
		if c, ok := payers.Code(insurance.PayerEmployer, e.ID); !ok || c != string(e.CreditCode) {
			t.Fatalf("employer %d: code %q %v, credit code %s", e.ID, c, ok, e.CreditCode)
		}
	}
	v := testVault(t)
	for _, f := range m.flexible {
		c, ok := payers.Code(insurance.PayerFlexible, f.PersonID)
		id, err := v.Open(m.persons[f.PersonID-1].IDSealed)
		if err != nil || !ok || c != string(id) {
			t.Fatalf("flexible worker %d: code %q %v, sealed %q %v", f.PersonID, c, ok, id, err)
		}
		if _, err := ident.ParseResidentID(c); err != nil {
			t.Fatalf("flexible worker %d: %v", f.PersonID, err)
		}
	}
	for _, p := range m.persons {
		if !hasFlexible(m, p.ID) {
			if _, ok := payers.Code(insurance.PayerFlexible, p.ID); ok {
				t.Fatalf("person %d, without an enrolment, has a payer code", p.ID)
			}
			break
		}
	}
	if _, ok := payers.Code(insurance.PayerEmployer, int64(len(m.employers)+1)); ok {
		t.Fatal("an unknown employer has a code")
	}
}

func hasFlexible(m *memSink, person int64) bool {
	for _, f := range m.flexible {
		if f.PersonID == person {
			return true
		}
	}
	return false
}

// testBills makes n bills of period p (every fifth a flexible worker's)
// due on the 15th of the next month, with their payers' codes.
func testBills(n int, p period.YearMonth) ([]insurance.Bill, *Payers) {
	payers := &Payers{employers: map[int64]string{}, flexible: map[int64]string{}}
	due := period.Date{Y: p.Add(1).Year(), M: p.Add(1).Month(), D: 15}
	bills := make([]insurance.Bill, n)
	for i := range bills {
		b := insurance.Bill{Period: p, PayerKind: insurance.PayerEmployer, PayerID: int64(i + 1), Division: "330402", DueDate: due}
		if i%5 == 4 {
			b.PayerKind = insurance.PayerFlexible
			payers.flexible[b.PayerID] = fmt.Sprintf("F%d", b.PayerID)
		} else {
			payers.employers[b.PayerID] = fmt.Sprintf("E%d", b.PayerID)
		}
		b.Total = money.Fen(100_000 + 7919*int64(i)%5_000_000)
		b.Due = b.Total
		bills[i] = b
	}
	return bills, payers
}

// shares sorts each bill's payment: on time in full, late in full, in
// part, or none in the file.
type shares struct{ onTime, late, part, none int }

func classify(t *testing.T, bills []insurance.Bill, rows []insurance.Collection, cfg CollectionsConfig) (shares, map[int64]string) {
	t.Helper()
	byPayer := map[int64]insurance.Collection{}
	for _, r := range rows {
		var id int64
		fmt.Sscanf(r.PayerCode[1:], "%d", &id)
		if _, dup := byPayer[id]; dup {
			t.Fatalf("two payments of payer %d", id)
		}
		byPayer[id] = r
	}
	var s shares
	out := map[int64]string{}
	for _, b := range bills {
		r, ok := byPayer[b.PayerID]
		switch {
		case !ok:
			s.none++
			out[b.PayerID] = "none"
			continue
		case r.Amount <= 0 || r.Amount > b.Due:
			t.Fatalf("bill %+v: payment %+v", b, r)
		case cfg.AsOf.Before(r.PaidOn) || r.PaidOn.Before(b.DueDate.Month().First()) || r.Period != b.Period:
			t.Fatalf("bill due %s: payment %+v (as of %s)", b.DueDate, r, cfg.AsOf)
		case r.Amount < b.Due:
			if b.DueDate.Before(r.PaidOn) {
				t.Fatalf("a part payment after the due date: %+v", r)
			}
			s.part++
			out[b.PayerID] = "part"
		case b.DueDate.Before(r.PaidOn):
			s.late++
			out[b.PayerID] = "late"
		default:
			s.onTime++
			out[b.PayerID] = "on time"
		}
	}
	return s, out
}

// TestCollections: the generated file is deterministic, reads back as
// itself, and pays about 85% of the bills on time, 8% late, 4% in part and
// leaves 3% unpaid; habits persist from month to month; an open month
// has about half its bills paid, none late.
func TestCollections(t *testing.T) {
	const n = 20_000
	p := period.New(2025, 3)
	bills, payers := testBills(n, p)
	cfg := CollectionsConfig{Seed: 3, AsOf: period.Date{Y: 2025, M: 8, D: 1}} // 108 days after the due date: every late payment is in
	rows, err := Collections(cfg, bills, payers)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Collections(cfg, bills, payers)
	if !reflect.DeepEqual(rows, again) {
		t.Fatal("two runs differ")
	}
	s, march := classify(t, bills, rows, cfg)
	t.Logf("%d bills: %+v", n, s)
	within := func(name string, got int, share, tol float64) {
		if f := float64(got) / n; f < share-tol || f > share+tol {
			t.Errorf("%s: %.3f of the bills, want %.2f ± %.3f", name, f, share, tol)
		}
	}
	within("on time", s.onTime, 0.85, 0.015)
	within("late", s.late, 0.08, 0.01)
	within("in part", s.part, 0.04, 0.008)
	within("unpaid", s.none, 0.03, 0.008)

	parsed, err := insurance.ParseCollections("collections.csv", CollectionsCSV(rows))
	if err != nil || !reflect.DeepEqual(parsed, rows) {
		t.Fatalf("the CSV reads back as %d rows (%v), wrote %d", len(parsed), err, len(rows))
	}

	// Another seed pays differently; the next month keeps most habits.
	other, _ := Collections(CollectionsConfig{Seed: 4, AsOf: cfg.AsOf}, bills, payers)
	if reflect.DeepEqual(other, rows) {
		t.Fatal("seeds 3 and 4 give the same file")
	}
	aprilBills, _ := testBills(n, p.Add(1))
	cfgApril := CollectionsConfig{Seed: 3, AsOf: period.Date{Y: 2025, M: 9, D: 1}}
	april, _ := Collections(cfgApril, aprilBills, payers)
	_, aprilOf := classify(t, aprilBills, april, cfgApril)
	var unpaidMarch, unpaidBoth int
	for id, how := range march {
		if how == "none" {
			unpaidMarch++
			if aprilOf[id] == "none" {
				unpaidBoth++
			}
		}
	}
	if f := float64(unpaidBoth) / float64(unpaidMarch); f < 0.3 {
		t.Errorf("of %d payers in arrears in March, %.2f still are in April: habits do not persist", unpaidMarch, f)
	}

	// Late payments not yet made by the city's today are not in the file.
	early := CollectionsConfig{Seed: 3, AsOf: period.Date{Y: 2025, M: 5, D: 15}} // a month after the due date
	er, _ := Collections(early, bills, payers)
	es, _ := classify(t, bills, er, early)
	if es.onTime != s.onTime || es.part != s.part || es.late >= s.late*2/3 || es.late == 0 {
		t.Errorf("a month after the due date: %+v; after all late payments %+v", es, s)
	}

	// The open month, a few days after its end.
	open := CollectionsConfig{Seed: 3, AsOf: period.Date{Y: 2025, M: 4, D: 3}, Open: true}
	orows, _ := Collections(open, bills, payers)
	so, _ := classify(t, bills, orows, open)
	t.Logf("open month: %+v; a month after the due date: %+v", so, es)
	within("paid so far in the open month", so.onTime+so.part, 0.49, 0.02)
	if so.late != 0 {
		t.Errorf("open month: %d late payments", so.late)
	}
}

// TestCollectionsRefuses: a payer without a code, or a bill without a due
// date, fails; nothing is paid on a bill with nothing due.
func TestCollectionsRefuses(t *testing.T) {
	bills, payers := testBills(3, period.New(2025, 3))
	cfg := CollectionsConfig{Seed: 1, AsOf: period.Date{Y: 2025, M: 12, D: 31}}
	delete(payers.employers, 2)
	if _, err := Collections(cfg, bills, payers); err == nil {
		t.Error("a payer without a code was paid")
	}
	bills, payers = testBills(3, period.New(2025, 3))
	bills[1].DueDate = period.Date{}
	if _, err := Collections(cfg, bills, payers); err == nil {
		t.Error("a bill without a due date was paid")
	}
	bills, payers = testBills(3, period.New(2025, 3))
	for i := range bills {
		bills[i].Due = 0
	}
	if rows, err := Collections(cfg, bills, payers); err != nil || len(rows) != 0 {
		t.Errorf("bills with nothing due: %d rows, %v", len(rows), err)
	}
}
