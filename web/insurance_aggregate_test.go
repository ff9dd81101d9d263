package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"hrss/access"
	"hrss/registry"
	"hrss/store/storetest"
)

// TestIncomeAndAuditedLists: an analyst reads bill and arrears totals by
// division, period and payer kind (API and screen, no payer in them), and
// every list of bills, payments and arrears is audited with its filter
// and the flexible workers it showed.
func TestIncomeAndAuditedLists(t *testing.T) {
	w := newWorld(t, storetest.SQLite(t))
	flex, err := w.a.reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: rid("330402", 1990, 701), Name: "灵活甲", ResidenceDivision: "330402"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.reg.EnrolFlexible(sysCtx, registry.FlexibleInput{PersonID: flex.ID, Division: "330402", Start: "2024-06-01", BasePct: 60}); err != nil {
		t.Fatal(err)
	}
	w.insFix(t) // 2025-01 assessed
	do := func(token, path string, want int) response {
		t.Helper()
		res := w.a.do(t, token, "GET", path, "", nil)
		if res.status != want {
			t.Fatalf("GET %s: %d %s, want %d", path, res.status, res.body, want)
		}
		return res
	}
	ana, cw, aud := w.tokens[access.Analyst], w.tokens[access.Caseworker], w.tokens[access.Auditor]

	var inc struct {
		Items []struct {
			Division string
			Kind     string `json:"payer_kind"`
		} `json:"items"`
		Total struct{ Billed, Outstanding, Arrears string } `json:"total"`
	}
	json.Unmarshal(do(ana, "/api/v1/insurance/income?from=2025-01&to=2025-01&by=payer_kind", 200).body, &inc)
	kinds := map[string]bool{}
	for _, r := range inc.Items {
		kinds[r.Kind] = true
	}
	if !kinds["employer"] || !kinds["flexible"] || inc.Total.Billed == "0.00" || inc.Total.Arrears != inc.Total.Outstanding {
		t.Fatalf("income by payer kind %+v", inc)
	}
	if b := do(ana, "/api/v1/insurance/income?from=2025-01&to=2025-01&by=payer", 422).json(); b["field"] != "by" {
		t.Fatalf("a bad grouping: %v", b)
	}
	for _, name := range []string{w.e1.Name, flex.Name, string(flex.ResidentID)} {
		if strings.Contains(string(do(ana, "/api/v1/insurance/income?from=2025-01&to=2025-01&by=payer_kind", 200).body), name) {
			t.Fatalf("the totals name %q", name)
		}
	}
	do(w.tokens[access.Citizen], "/api/v1/insurance/income?from=2025-01&to=2025-01", 403)

	// the lists, each audited with its filter and the flexible worker shown
	do(cw, "/api/v1/bills?period=2025-01", 200)
	do(cw, "/api/v1/payments?period=2025-01", 200)
	do(cw, "/api/v1/arrears?as_of=2025-06-30", 200)
	for _, c := range []struct{ action, object string }{
		{"insurance.bills.list", "bills?limit=100&period=2025-01"},
		{"insurance.payments.list", "payments?period=2025-01"},
		{"insurance.arrears.list", "arrears?as_of=2025-06-30"},
	} {
		var page struct{ Items []access.Entry }
		json.Unmarshal(do(aud, "/api/v1/audit?action="+c.action, 200).body, &page)
		if len(page.Items) != 1 || page.Items[0].Object != c.object || page.Items[0].Actor != "m-caseworker" {
			t.Fatalf("%s: %+v", c.action, page.Items)
		}
		if c.action != "insurance.payments.list" && fmt.Sprint(page.Items[0].Subjects) != fmt.Sprint([]int64{flex.ID}) {
			t.Fatalf("%s shows the flexible worker %d: %+v", c.action, flex.ID, page.Items[0])
		}
	}
	var who struct{ Items []access.Entry }
	json.Unmarshal(do(aud, fmt.Sprintf("/api/v1/audit?person_id=%d&action=insurance.bills.list", flex.ID), 200).body, &who)
	if len(who.Items) != 1 {
		t.Fatalf("who saw the flexible worker's bill: %+v", who.Items)
	}

	// the screen, in both languages, for the analyst
	u := newUIClient(t, w.a.srv.URL)
	u.do("GET", "/signin", nil, nil)
	if r := u.do("POST", "/signin", url.Values{"username": {"m-analyst"}, "password": {"pw-m-analyst-long"}, "csrf_token": {u.csrf}}, nil); r.status != 200 {
		t.Fatalf("sign in: %d", r.status)
	}
	r := u.do("GET", "/income?from=2025-01&to=2025-01&by=payer_kind", nil, nil)
	for _, has := range []string{"征缴收入与欠费", `id="income-table"`, "灵活就业人员", "用人单位", `id="income-total"`, `id="nav-income"`} {
		if r.status != 200 || !strings.Contains(r.body, has) {
			t.Fatalf("the screen lacks %q: %d %s", has, r.status, r.body)
		}
	}
	if strings.Contains(r.body, w.e1.Name) || strings.Contains(r.body, flex.Name) {
		t.Fatal("the screen names a payer")
	}
	if r := u.do("GET", "/income?from=2025-13&to=2025-01", nil, map[string]string{"Accept-Language": "en"}); r.status != 422 {
		t.Fatalf("a bad period: %d", r.status)
	}
	u.do("POST", "/lang", url.Values{"lang": {"en"}, "back": {"/income"}, "csrf_token": {u.csrf}}, nil)
	if r := u.do("GET", "/income?from=2025-01&to=2025-01", nil, nil); r.status != 200 || !strings.Contains(r.body, "Contribution income and arrears") || !strings.Contains(r.body, "Bills in arrears") {
		t.Fatalf("in English: %d", r.status)
	}
}
