package web_test

import (
	"net/url"
	"strings"
	"testing"

	"hrss/access"
	"hrss/insurance"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/period"
)

// TestUIWagesAndCorrection runs a changed declaration through the screens
// without a browser: a caseworker's declaration file refused naming its
// bad cells by row and column (nothing written), then accepted; the
// correction of the closed month derived from it, which the caseworker
// may not approve and a reviewer of the division approves, billing it.
func TestUIWagesAndCorrection(t *testing.T) {
	city := newBrowserCity(t)
	if _, err := city.acc.CreateUser(sysCtx, access.UserInput{Name: "rev402", Role: "reviewer", Divisions: []string{"330402"}, Password: city.password}); err != nil {
		t.Fatal(err)
	}
	e, rel := declaringEmployer(t, city, 77001, "申报测试有限公司")
	dec := period.New(2025, 12)
	if _, err := city.ins.Assess(sysCtx, dec, insurance.AssessOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := city.ins.Close(sysCtx, dec, insurance.CloseOptions{}); err != nil {
		t.Fatal(err)
	}
	cw := signedIn(t, city, "cw402")
	page := "/employers/" + itoa(e.ID) + "/wages?year=2025"
	if r := cw.do("GET", "/employers/"+itoa(e.ID), nil, nil); !strings.Contains(r.body, `id="wages-link"`) {
		t.Fatalf("the employer page has no link to the declarations: %d", r.status)
	}
	if r := cw.do("GET", page, nil, nil); r.status != 200 || !strings.Contains(r.body, `id="wages-form"`) || !strings.Contains(r.body, `id="wages-template"`) {
		t.Fatalf("the declarations page: %d", r.status)
	}
	rid := string(city.inside.ResidentID)
	bad := "身份证号码,年度,申报工资\n" + rid + ",2025,abc\n" + rid + ",2019,7000\n"
	r := cw.uploadFile(t, page, "wages.csv", []byte(bad))
	if r.status != 422 || !strings.Contains(r.body, `id="wages-refused"`) || !strings.Contains(r.body, "<td class=\"num\">2</td><td>C</td>") || !strings.Contains(r.body, "<td class=\"num\">3</td><td>B</td>") {
		t.Fatalf("a bad file: %d %s", r.status, r.body)
	}
	if list, _ := city.reg.ListWages(sysCtx, registry.WageFilter{EmploymentID: rel.ID}); len(list) != 0 {
		t.Fatalf("the refused file wrote %+v", list)
	}
	r = cw.uploadFile(t, page, "wages.csv", []byte("身份证号码,年度,申报工资\n"+rid+",2025,9000.00\n"))
	if r.status != 200 || !strings.Contains(r.body, `id="wages-declared"`) || !strings.Contains(r.body, `id="wage-`+itoa(rel.ID)+`"`) {
		t.Fatalf("the file: %d %q", r.status, errorOf(r.body))
	}
	r = cw.do("POST", "/corrections/derive", url.Values{"csrf_token": {cw.csrf}, "employment_id": {itoa(rel.ID)}, "year": {"2025"}}, nil)
	if r.status != 200 || !strings.Contains(r.body, `id="correction-prepared"`) {
		t.Fatalf("derive: %d %q", r.status, errorOf(r.body))
	}
	list, err := city.ins.PreparedCorrections(sysCtx, insurance.CorrectionFilter{Status: insurance.CorrectionPrepared})
	if err != nil || len(list) != 1 || list[0].From != dec || list[0].PreviewTotal <= 0 {
		t.Fatalf("prepared %+v %v", list, err)
	}
	approve := "/corrections/" + itoa(list[0].ID) + "/approve"
	if r := cw.do("POST", approve, url.Values{"csrf_token": {cw.csrf}}, nil); r.status != 403 {
		t.Fatalf("the caseworker approves: %d %q", r.status, errorOf(r.body))
	}
	rv := signedIn(t, city, "rev402")
	if r := rv.do("GET", "/corrections", nil, nil); !strings.Contains(r.body, `class="correction-approve"`) || !strings.Contains(r.body, `id="nav-corrections"`) {
		t.Fatalf("the reviewer's list offers no approval: %d", r.status)
	}
	r = rv.do("POST", approve, url.Values{"csrf_token": {rv.csrf}}, nil)
	if r.status != 200 || !strings.Contains(r.body, `id="correction-decided"`) || !strings.Contains(r.body, "已批准") {
		t.Fatalf("approve: %d %q", r.status, errorOf(r.body))
	}
	bills, err := city.ins.Bills(sysCtx, insurance.BillFilter{Period: dec, PayerKind: insurance.PayerEmployer, PayerID: e.ID})
	if err != nil || len(bills) != 1 || bills[0].Due <= bills[0].Total {
		t.Fatalf("the bill of 2025-12 after the correction %+v %v", bills, err)
	}
}

// declaringEmployer registers an employer of 330402 named name (credit
// code serial) and the city's inside person's relation with it from 2025.
func declaringEmployer(t *testing.T, city browserCity, serial uint64, name string) (registry.Employer, registry.Employment) {
	t.Helper()
	e, err := city.reg.CreateEmployer(sysCtx, registry.EmployerInput{CreditCode: string(ident.NewCreditCode('9', '1', "330402", serial)), Name: name,
		IndustrySection: "C", IndustryDivision: "39", Division: "330402", RiskClass: 2})
	if err != nil {
		t.Fatal(err)
	}
	rel, err := city.reg.CreateEmployment(sysCtx, registry.EmploymentInput{PersonID: city.inside.ID, EmployerID: e.ID, Start: "2025-01-01", DeclaredWage: "6000.00"})
	if err != nil {
		t.Fatal(err)
	}
	return e, rel
}
