package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

const reformOnePoint = `parameters:
  - name: pension.employer_rate
    description: What-if - one point more on the employer pension rate.
    unit: rate
    jurisdiction: "330000"
    values:
      - from: 2025-01-01
        value: "0.17"
        reference: what-if test
        confidence: unverified
`

// TestSimulateOnePoint checks hrss simulate against the difference one
// computes by hand: 1% of each employee's clamped base, rounded half-up
// per person, over the active relations of the month.
func TestSimulateOnePoint(t *testing.T) {
	dir := t.TempDir()
	dbPath, keyPath := storetest.SQLitePath(t), filepath.Join(dir, "hrss.key")
	ctx := systemContext(context.Background()) // the registry needs a caller: the test acts as the system
	key, err := ident.LoadKey("", keyPath)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := ident.NewVault(key)
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	reg := &registry.Service{Store: db.Registry(), Vault: v}
	emp, err := reg.CreateEmployer(ctx, registry.EmployerInput{CreditCode: string(ident.NewCreditCode('9', '1', "330402", 4242)), Name: "试算公司",
		IndustrySection: "I", IndustryDivision: "65", Division: "330402", RiskClass: 1})
	if err != nil {
		t.Fatal(err)
	}
	wages := []string{"6500.00", "3000.00", "30000.00", "9999.99"}
	for i, w := range wages {
		p, err := reg.CreatePerson(ctx, registry.PersonInput{ResidentID: string(ident.NewResidentID("330402", period.Date{Y: 1980 + i, M: 3, D: 9}, 31+2*i)), Name: "试算", ResidenceDivision: "330402"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := reg.CreateEmployment(ctx, registry.EmploymentInput{PersonID: p.ID, EmployerID: emp.ID, Start: "2024-01-01", DeclaredWage: w}); err != nil {
			t.Fatal(err)
		}
	}
	// one relation that ended before the month does not count
	p, _ := reg.CreatePerson(ctx, registry.PersonInput{ResidentID: string(ident.NewResidentID("330402", period.Date{Y: 1990, M: 1, D: 1}, 41)), Name: "离职", ResidenceDivision: "330402"})
	reg.CreateEmployment(ctx, registry.EmploymentInput{PersonID: p.ID, EmployerID: emp.ID, Start: "2020-01-01", End: "2025-02-28", Separation: "dismissed", DeclaredWage: "8000"})
	db.Close()

	reform := filepath.Join(dir, "reform.yaml")
	os.WriteFile(reform, []byte(reformOnePoint), 0o600)
	var out, errb bytes.Buffer
	if code := run([]string{"--db", dbPath, "--key-file", keyPath, "simulate", "--reform", reform, "--period", "2025-03", "--json"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep rules.SimReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err, out.String())
	}
	params, _ := rules.Embedded()
	floor, ceil, _ := params.BaseLimits("330402", period.New(2025, 3))
	var want money.Fen
	for _, w := range wages {
		f, _ := money.Parse(w)
		want += min(max(f, floor), ceil).MulRatePPM(10_000) // 1% of the base, half-up per person
	}
	if rep.Persons != len(wages) || rep.Affected != len(wages) || rep.Total.Difference != want {
		t.Fatalf("persons %d affected %d difference %s; want %d, %d, %s", rep.Persons, rep.Affected, rep.Total.Difference, len(wages), len(wages), want)
	}
	for _, l := range rep.Total.Lines {
		if (l.Insurance == "pension" && l.Party == "employer") != (l.Difference != 0) {
			t.Errorf("line %s/%s differs by %s", l.Insurance, l.Party, l.Difference)
		}
	}
}
