package insurance_test

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"hrss/insurance"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// bothCodes returns a resident ID born on birth in division that also
// passes the credit code's checks (about one in 31 does), other than
// not.
func bothCodes(t *testing.T, division string, birth period.Date, not ident.ResidentID) ident.ResidentID {
	t.Helper()
	for seq := 0; seq <= 999; seq++ {
		id := ident.NewResidentID(division, birth, seq)
		if _, err := ident.ParseCreditCode(string(id)); err == nil && id != not {
			return id
		}
	}
	t.Fatalf("no resident ID of %s born %s passes the credit code's checks", division, birth)
	return ""
}

// TestCollectionsResidentIDPassingCreditCheck: a flexible worker whose
// resident ID also passes the credit code's checks is matched by the ID
// (no employer has it as credit code), and the ID is kept as its keyed
// hash, as others' are; such an ID no one has is unmatched, also kept as
// its hash; a row kept before, as an unknown credit code, is a duplicate
// when its file comes again (not a reused reference).
func TestCollectionsResidentIDPassingCreditCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		vault, err := ident.NewVault(make([]byte, ident.KeySize))
		if err != nil {
			t.Fatal(err)
		}
		both := ident.ResidentID("330402197201081912") // the one found in the demo
		plain := ident.NewResidentID("330411", period.Date{Y: 1985, M: 5, D: 5}, 123)
		stranger := bothCodes(t, "330421", period.Date{Y: 1979, M: 3, D: 9}, "")
		for _, id := range []ident.ResidentID{both, plain, stranger} {
			if _, err := ident.ParseResidentID(string(id)); err != nil {
				t.Fatalf("%s: %v", id, err)
			}
		}
		if _, err := ident.ParseCreditCode(string(both)); err != nil {
			t.Fatalf("%s should pass the credit code's checks: %v", both, err)
		}
		if _, err := ident.ParseCreditCode(string(plain)); err == nil {
			t.Fatalf("%s should not pass the credit code's checks", plain)
		}
		emp := registry.Employer{ID: 1, CreditCode: ident.NewCreditCode('9', '1', "330402", 1001), Name: "单位1", IndustrySection: "C",
			IndustryDivision: "13", Division: "330402", RiskClass: 1, RiskFloat: money.MustDec("1"), CreatedAt: testNow, UpdatedAt: testNow}
		var persons []registry.SealedPerson
		var flex []registry.FlexibleWorker
		for i, id := range []ident.ResidentID{both, plain} {
			persons = append(persons, registry.SealedPerson{Person: registry.Person{ID: int64(i + 1), Name: fmt.Sprintf("灵活%d", i+1), Sex: id.Sex(),
				Birth: id.Birth(), HukouDivision: id.Division(), ResidenceDivision: id.Division(), Education: registry.EduSenior, CreatedAt: testNow, UpdatedAt: testNow},
				IDSealed: vault.Seal(id), IDHash: vault.Hash(id)})
			flex = append(flex, registry.FlexibleWorker{ID: int64(i + 1), PersonID: int64(i + 1), Division: id.Division(), Start: date("2024-01-01"),
				BasePct: 100, CreatedAt: testNow, UpdatedAt: testNow})
		}
		b := db.Bulk()
		for _, err := range []error{b.Employers(ctx, []registry.Employer{emp}), b.Persons(ctx, persons), b.Flexible(ctx, flex), b.Finish(ctx)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		svc := newService(t, db)
		svc.Vault = vault
		p := ym("2025-01")
		if _, err := svc.Assess(system(), p, insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
		bills := billMap(t, svc, p)
		b1, b2 := bills[[2]int64{2, 1}], bills[[2]int64{2, 2}]
		if b1.Due <= 0 || b2.Due <= 0 {
			t.Fatalf("flexible workers' bills: %+v", bills)
		}
		file := csvOf(
			fmt.Sprintf("%s,2025-01,%s,FLEX-1,2025-02-10", both, b1.Due),
			fmt.Sprintf("%s,2025-01,%s,FLEX-2,2025-02-10", plain, b2.Due),
			fmt.Sprintf("%s,2025-01,100.00,FLEX-3,2025-02-10", stranger),
		)
		rep, err := svc.ImportCollections(system(), "tax.csv", file)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Applied != 2 || rep.Amount != b1.Due+b2.Due || len(rep.Unmatched) != 1 || rep.Unmatched[0].Row != 4 || len(rep.Overpaid) != 0 {
			t.Fatalf("report %+v", rep)
		}
		after := billMap(t, svc, p)
		if after[[2]int64{2, 1}].Unpaid() != 0 || after[[2]int64{2, 2}].Unpaid() != 0 {
			t.Fatalf("bills after import: %+v %+v", after[[2]int64{2, 1}], after[[2]int64{2, 2}])
		}
		pays, err := svc.Payments(system(), p, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		byRef := map[string]insurance.Payment{}
		for _, pay := range pays {
			byRef[pay.Reference] = pay
			for _, id := range []ident.ResidentID{both, plain, stranger} {
				if strings.Contains(pay.PayerCode, string(id)) {
					t.Errorf("payment %s keeps resident ID %s in clear", pay.Reference, id)
				}
			}
		}
		hash := func(id ident.ResidentID) string { return hex.EncodeToString(vault.Hash(id)) }
		if got := byRef["FLEX-1"]; got.Status != "applied" || got.PayerKind != insurance.PayerFlexible || got.PayerID != 1 || got.PayerCode != hash(both) {
			t.Errorf("FLEX-1: %+v", got)
		}
		if got := byRef["FLEX-3"]; got.Status != "unmatched" || got.PayerKind != 0 || got.PayerCode != hash(stranger) {
			t.Errorf("FLEX-3: %+v", got)
		}
		again, err := svc.ImportCollections(system(), "tax.csv", file)
		if err != nil || again.Applied != 0 || len(again.Duplicates) != 3 {
			t.Fatalf("second import: %+v %v", again, err)
		}

		// A row imported before such codes were looked up as resident
		// IDs was kept as an unknown credit code, in that form.
		err = db.Insurance().Update(ctx, func(tx insurance.Tx) error {
			im := insurance.Import{FileName: "old.csv", SHA256: "00", Rows: 1, Actor: "system", CreatedAt: testNow}
			if err := tx.InsertImport(ctx, &im); err != nil {
				return err
			}
			return tx.InsertPayment(ctx, insurance.Payment{Reference: "OLD-1", Import: im.ID, Row: 2, PayerCode: string(both), Period: p,
				Amount: money.Yuan(5), Overpaid: money.Yuan(5), PaidOn: date("2025-02-11"), Status: "unmatched"})
		})
		if err != nil {
			t.Fatal(err)
		}
		old, err := svc.ImportCollections(system(), "old.csv", csvOf(fmt.Sprintf("%s,2025-01,5.00,OLD-1,2025-02-11", both)))
		if err != nil || len(old.Duplicates) != 1 || old.Applied != 0 {
			t.Fatalf("import of a file kept before: %+v %v", old, err)
		}
		_, err = svc.ImportCollections(system(), "old.csv", csvOf(fmt.Sprintf("%s,2025-01,5.00,OLD-1,2025-02-11", plain)))
		var list fault.List
		if !errors.As(err, &list) || len(list) != 1 || list[0].Rule != "collections.reference_reused" {
			t.Fatalf("a reference reused for another payer: %v", err)
		}
		mustCheck(t, svc)
	})
}
