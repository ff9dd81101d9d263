package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"hrss/access"
	"hrss/insurance"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/money"
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
	for _, u := range []access.UserInput{{Name: "cas", Role: "caseworker", Divisions: []string{"330402"}}, {Name: "rev", Role: "reviewer", Divisions: []string{"330402"}}} {
		if err == nil {
			u.Password = "a long enough password"
			_, err = a.access.CreateUser(ctx, u)
		}
	}
	a.close()
	if err != nil {
		t.Fatal(err)
	}
	var sum struct{ Total string }
	runJSON(t, append(g, "assess", "--period", "2024-06", "--json"), &sum)
	if code := run(append(g, "close", "--period", "2024-06"), nil, &bytes.Buffer{}, &bytes.Buffer{}); code != 0 {
		t.Fatalf("close: exit %d", code)
	}
	rel, emp := strconv.FormatInt(m.ID, 10), strconv.FormatInt(e.ID, 10)
	var out []registry.WageDeclaration
	runJSON(t, append(g, "wages", "declare", "--employment", rel, "--year", "2024", "--wage", "7100.00", "--json"), &out)
	if len(out) != 1 || out[0].DeclaredWage != 710_000 || out[0].Previous != nil {
		t.Fatalf("declare: %+v", out)
	}
	file := filepath.Join(t.TempDir(), "wages.csv")
	if err := os.WriteFile(file, []byte("身份证号码,年度,申报工资\n"+string(number)+",2024,7300\n"+string(number)+",2025,7600.50\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	runJSON(t, append(g, "wages", "declare", "--employer", emp, "--file", file, "--json"), &out)
	if len(out) != 2 || out[0].Previous == nil || *out[0].Previous != 710_000 || out[1].DeclaredWage != 760_050 {
		t.Fatalf("file: %+v", out)
	}
	runJSON(t, append(g, "wages", "list", "--employment", rel, "--json"), &out)
	if len(out) != 2 || out[0].Year != 2024 || out[0].DeclaredWage != 730_000 || out[1].Year != 2025 {
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
	// the changed 2024 declaration of the closed 2024-06, corrected under four eyes
	type prepared struct { // insurance.PreparedCorrection as printed (kind as its name)
		ID           int64
		From, To     string
		PreviewTotal money.Fen `json:"preview_total"`
		Status       insurance.CorrectionStatus
		Decider      string
	}
	var pc prepared
	runJSON(t, append(g, "corrections", "derive", "--employment", rel, "--year", "2024", "--as", "cas", "--json"), &pc)
	if pc.From != "2024-06" || pc.To != "2024-06" || pc.PreviewTotal <= 0 || pc.Status != insurance.CorrectionPrepared {
		t.Fatalf("derive: %+v", pc)
	}
	so.Reset()
	se.Reset()
	if code := run(append(g, "corrections", "approve", "--as", "cas", strconv.FormatInt(pc.ID, 10)), nil, &so, &se); code == 0 {
		t.Fatalf("the caseworker approves: %s", so.String())
	}
	var d struct {
		Correction prepared
		Report     struct {
			Adjustments []any
			Total       money.Fen
		}
	}
	runJSON(t, append(g, "corrections", "approve", "--as", "rev", "--note", "payroll checked", "--json", strconv.FormatInt(pc.ID, 10)), &d)
	if d.Correction.Status != insurance.CorrectionApplied || d.Report.Total != pc.PreviewTotal || len(d.Report.Adjustments) != 1 {
		t.Fatalf("approve: %+v", d)
	}
	var list []prepared
	runJSON(t, append(g, "corrections", "list", "--status", "applied", "--json"), &list)
	if len(list) != 1 || list[0].ID != pc.ID || list[0].Decider == "" {
		t.Fatalf("list: %+v", list)
	}
}
