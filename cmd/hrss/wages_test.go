package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/period"
	"hrss/store/storetest"
)

// TestWagesCLI declares a year's wage of one relation, applies an
// employer's file, lists both, and refuses a bad file naming its cell.
func TestWagesCLI(t *testing.T) {
	g := []string{"--db", storetest.SQLitePath(t), "--key-file", filepath.Join(t.TempDir(), "hrss.key")}
	ctx := systemContext(context.Background())
	a, err := openApp(ctx, &globals{db: g[1], keyFile: g[3]})
	if err != nil {
		t.Fatal(err)
	}
	number := ident.NewResidentID("330402", period.Date{Y: 1988, M: 4, D: 4}, 41)
	p, err := a.registry.CreatePerson(ctx, registry.PersonInput{ResidentID: string(number), Name: "申报甲", ResidenceDivision: "330402"})
	var e registry.Employer
	if err == nil {
		e, err = a.registry.CreateEmployer(ctx, registry.EmployerInput{CreditCode: string(ident.NewCreditCode('9', '1', "330402", 4141)), Name: "申报单位",
			IndustrySection: "C", IndustryDivision: "39", Division: "330402", RiskClass: 2})
	}
	var m registry.Employment
	if err == nil {
		m, err = a.registry.CreateEmployment(ctx, registry.EmploymentInput{PersonID: p.ID, EmployerID: e.ID, Start: "2023-01-01", DeclaredWage: "6000.00"})
	}
	a.close()
	if err != nil {
		t.Fatal(err)
	}
	rel, emp := strconv.FormatInt(m.ID, 10), strconv.FormatInt(e.ID, 10)
	var out []registry.WageDeclaration
	runJSON(t, append(g, "wages", "declare", "--employment", rel, "--year", "2024", "--wage", "7100.00", "--json"), &out)
	if len(out) != 1 || out[0].Wage != 710_000 || out[0].Previous != nil {
		t.Fatalf("declare: %+v", out)
	}
	file := filepath.Join(t.TempDir(), "wages.csv")
	if err := os.WriteFile(file, []byte("身份证号码,年度,申报工资\n"+string(number)+",2024,7300\n"+string(number)+",2025,7600.50\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	runJSON(t, append(g, "wages", "declare", "--employer", emp, "--file", file, "--json"), &out)
	if len(out) != 2 || out[0].Previous == nil || *out[0].Previous != 710_000 || out[1].Wage != 760_050 {
		t.Fatalf("file: %+v", out)
	}
	runJSON(t, append(g, "wages", "list", "--employment", rel, "--json"), &out)
	if len(out) != 2 || out[0].Year != 2024 || out[0].Wage != 730_000 || out[1].Year != 2025 {
		t.Fatalf("list: %+v", out)
	}
	if err := os.WriteFile(file, []byte("resident_id,year,wage\n"+string(number)+",2026,abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var so, se bytes.Buffer
	if code := run(append(g, "wages", "declare", "--employer", emp, "--file", file), nil, &so, &se); code == 0 || !strings.Contains(se.String(), "row 2, column C") {
		t.Fatalf("bad file: exit %d %s %s", code, so.String(), se.String())
	}
	runJSON(t, append(g, "wages", "list", "--year", "2026", "--json"), &out)
	if len(out) != 0 {
		t.Fatalf("the refused file wrote %+v", out)
	}
}
