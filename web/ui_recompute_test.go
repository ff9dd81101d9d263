package web_test

import (
	"net/url"
	"strings"
	"testing"

	"hrss/access"
	"hrss/insurance"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules"
	"hrss/rules/period"
)

// provisionalCityPension opens and approves (the system preparing, a
// reviewer of no user deciding) the pension from 2026-02 of a fresh man
// of 330402 born 1966-01 with legacy years 1990-2025, provisional on the
// browser city's 2026-03 (its year's base is not published), and pays
// 2026-02.
func provisionalCityPension(t *testing.T, city browserCity) insurance.Claim {
	t.Helper()
	p, err := city.reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: string(ident.NewResidentID("330402", period.Date{Y: 1966, M: 1, D: 15}, 11)),
		Name: "暂定人", ResidenceDivision: "330402"})
	if err != nil {
		t.Fatal(err)
	}
	var years []insurance.LegacyYear
	for y := 1990; y <= 2025; y++ {
		years = append(years, insurance.LegacyYear{PersonID: p.ID, Year: y, Months: 12, AverageBase: 600_000, AverageWage: 700_000, Credits: 480_000, Interest: 5_000})
	}
	if err := city.ins.ImportLegacy(sysCtx, "ui", years); err != nil {
		t.Fatal(err)
	}
	cl, err := city.ins.OpenPensionClaim(sysCtx, insurance.PensionClaimInput{PersonID: p.ID, Category: rules.Male, Retire: "2026-02"})
	if err != nil {
		t.Fatal(err)
	}
	if cl.ProvisionalYear != 2026 {
		t.Fatalf("a 2026 pension before its base: %+v", cl)
	}
	rv := access.WithCaller(sysCtx, access.Caller{UserID: 1 << 40, Name: "ui-reviewer", Role: access.Reviewer, Divisions: []string{access.CityWide}})
	if _, err := city.ins.Approve(rv, cl.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := city.ins.Pay(sysCtx, insurance.ClaimPension, period.New(2026, 2), ""); err != nil {
		t.Fatal(err)
	}
	return cl
}

// publish2026 overlays a 2026 calculation base on the city's parameters
// (a test's figure, as a parameter file publishing it would).
func publish2026(t *testing.T, city browserCity) {
	t.Helper()
	p, err := city.ins.Params.Overlay("test overlay", []byte(`parameters:
  - name: pension.calc_base
    unit: yuan_per_month
    jurisdiction: "330000"
    values:
      - {from: 2026-01-01, value: 8600, reference: test - the base of 2026 published, confidence: unverified}
`))
	if err != nil {
		t.Fatal(err)
	}
	city.ins.Params = p
}

// TestUIPensionRecomputation runs a recomputation through the screens
// without a browser: the claim page says the pension is provisional; once
// the base is published the caseworker prepares the recomputation from
// it and may not approve it; the reviewer approves it from the list; the
// next run pays the back pay, on its own column of the claim's payments.
func TestUIPensionRecomputation(t *testing.T) {
	city := newBrowserCity(t)
	if _, err := city.acc.CreateUser(sysCtx, access.UserInput{Name: "rev402", Role: "reviewer", Divisions: []string{"330402"}, Password: city.password}); err != nil {
		t.Fatal(err)
	}
	cl := provisionalCityPension(t, city)
	cw := signedIn(t, city, "cw402")
	claim := "/claims/" + itoa(cl.ID)
	if r := cw.do("GET", claim, nil, nil); r.status != 200 || !strings.Contains(r.body, `id="claim-provisional"`) || !strings.Contains(r.body, `id="recompute"`) {
		t.Fatalf("the provisional claim's page: %d %q", r.status, errorOf(r.body))
	}
	if r := cw.do("POST", claim+"/recompute", url.Values{"csrf_token": {cw.csrf}}, nil); r.status != 422 || !strings.Contains(r.body, "尚未公布") {
		t.Fatalf("preparing before the base is published: %d %q", r.status, errorOf(r.body))
	}
	publish2026(t, city)
	r := cw.do("POST", claim+"/recompute", url.Values{"csrf_token": {cw.csrf}}, nil)
	if r.status != 200 || !strings.Contains(r.url, "/pensions/recomputations/") || !strings.Contains(r.body, `id="recompute-months"`) ||
		!strings.Contains(r.body, `id="four-eyes"`) || strings.Contains(r.body, `id="recompute-approve"`) || !strings.Contains(r.body, "按已公布的计发基数重新核定") {
		t.Fatalf("the prepared recomputation: %d %s %q", r.status, r.url, errorOf(r.body))
	}
	list, err := city.ins.Recomputations(sysCtx, insurance.RecomputationFilter{ClaimID: cl.ID})
	if err != nil || len(list) != 1 || list[0].Months != 1 || list[0].Difference != list[0].NewMonthly-list[0].OldMonthly {
		t.Fatalf("prepared %+v %v", list, err)
	}
	approve := "/pensions/recomputations/" + itoa(list[0].ID) + "/approve"
	if r := cw.do("POST", approve, url.Values{"csrf_token": {cw.csrf}}, nil); r.status != 403 {
		t.Fatalf("the caseworker approves: %d %q", r.status, errorOf(r.body))
	}
	rv := signedIn(t, city, "rev402")
	if r := rv.do("GET", "/pensions/recomputations", nil, nil); !strings.Contains(r.body, `class="recompute-approve"`) || !strings.Contains(r.body, `id="nav-recomputations"`) {
		t.Fatalf("the reviewer's list offers no approval: %d", r.status)
	}
	r = rv.do("POST", approve, url.Values{"csrf_token": {rv.csrf}}, nil)
	if r.status != 200 || !strings.Contains(r.body, `id="recompute-decided"`) || !strings.Contains(r.body, "已批准") {
		t.Fatalf("approve: %d %q", r.status, errorOf(r.body))
	}
	if _, err := city.ins.Pay(sysCtx, insurance.ClaimPension, period.New(2026, 3), ""); err != nil {
		t.Fatal(err)
	}
	r = cw.do("GET", claim, nil, nil)
	if r.status != 200 || strings.Contains(r.body, `id="claim-provisional"`) || !strings.Contains(r.body, `class="num back-pay"`) || strings.Contains(r.body, `id="recompute"`) {
		t.Fatalf("the claim after: %d %q", r.status, errorOf(r.body))
	}
}
