package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"hrss/access"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// TestInsuranceAPIScenario drives social insurance through the API: a
// city-wide caseworker assesses a month, the tax bureau's file is
// imported (once, then again: nothing twice), a caseworker of the
// division opens a pension claim, its preparer may not approve it, a
// reviewer does, the month's pensions are paid with their disbursement
// file, and the invariants hold.
func TestInsuranceAPIScenario(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		f := w.insFix(t) // 2025-01 assessed as the system; retirees oA, oB
		w.a.user(t, access.UserInput{Name: "city-cw", Role: "caseworker", Divisions: []string{access.CityWide}})
		city := w.a.signIn(t, "city-cw")
		cw, rv := w.tokens[access.Caseworker], w.tokens[access.Reviewer]
		do := func(token, method, path, body string, want int) response {
			t.Helper()
			res := w.a.do(t, token, method, path, body, nil)
			if res.status != want {
				t.Fatalf("%s %s: %d %s, want %d", method, path, res.status, res.body, want)
			}
			return res
		}
		sum := assessQueued(t, w.a, city, "2025-02")
		if sum.Period != period.New(2025, 2) || sum.Total <= 0 {
			t.Fatalf("summary %+v", sum)
		}
		if re := assessQueued(t, w.a, city, "2025-02"); re.Run == sum.Run || re.Total != sum.Total { // an open period is re-run
			t.Fatalf("the re-run %+v after %+v", re, sum)
		}
		var bills struct {
			Items []struct {
				PayerKind string `json:"payer_kind"`
				PayerID   int64  `json:"payer_id"`
				Due       string `json:"due"`
			}
		}
		json.Unmarshal(do(city, "GET", "/api/v1/bills?period=2025-02", "", 200).body, &bills)
		var lines []string
		for _, b := range bills.Items {
			if b.PayerKind == "employer" && b.PayerID == w.e1.ID {
				lines = append(lines, fmt.Sprintf("%s,2025-02,%s,API-1,2025-03-10", w.e1.CreditCode, b.Due))
			}
		}
		file := "credit_code,period,amount,reference,date\n" + strings.Join(lines, "\n") + "\n"
		rep := do(city, "POST", "/api/v1/collections?name=tax.csv", file, 201).json()
		again := do(city, "POST", "/api/v1/collections?name=tax.csv", file, 201).json()
		if rep["applied"] != 1.0 || again["applied"] != 0.0 {
			t.Fatalf("imports %v then %v", rep, again)
		}
		bad := do(city, "POST", "/api/v1/collections?name=bad.csv", "credit_code,period,amount,reference,date\nX,2025-13,1,R,2025-01-01\n", 422).json()
		if bad["row"] != 2.0 {
			t.Fatalf("bad file %v", bad)
		}
		do(cw, "GET", "/api/v1/arrears?as_of=2025-06-30", "", 200)
		if j := closeQueued(t, w.a, city, "2025-02"); j.State != "succeeded" || j.Result.Status != "closed" {
			t.Fatalf("the close job: %+v", j)
		}
		do(city, "POST", "/api/v1/assessments", `{"period":"2025-02"}`, 409)
		claim := do(cw, "POST", "/api/v1/claims/pension", fmt.Sprintf(`{"person_id":%d,"category":"male","retire":"2024-03"}`, f.oA), 201).json()
		id := fmt.Sprint(claim["id"])
		// the stored detail's trace read back with each step's line in ?lang=
		for lang, want := range map[string]string{"en": `"text":"value     total = `, "zh-CN": `"text":"计算 月基本养老金合计（total）= `} {
			if got := do(cw, "GET", "/api/v1/claims/"+id+"?lang="+lang, "", 200); !strings.Contains(string(got.body), want) {
				t.Fatalf("claim in %s lacks %s: %s", lang, want, got.body)
			}
		}
		do(w.a.signIn(t, "m-caseworker"), "POST", "/api/v1/claims/"+id+"/approve", "", 403)
		do(rv, "POST", "/api/v1/claims/"+id+"/approve", "", 200)
		key := map[string]string{"Idempotency-Key": "pensions-2025-02"}
		first := w.a.do(t, city, "POST", "/api/v1/payment-runs", `{"kind":"pension","period":"2025-02"}`, key)
		run := first.json()
		if first.status != 201 || run["added"] != 1.0 || run["repeated"] != nil {
			t.Fatalf("run %d %s", first.status, first.body)
		}
		// the same request again (a client's retry): the first batch, paid once
		repeat := w.a.do(t, city, "POST", "/api/v1/payment-runs", `{"kind":"pension","period":"2025-02"}`, key)
		if rep := repeat.json(); repeat.status != 200 || rep["repeated"] != true || rep["added"] != 1.0 || rep["batch"] != run["batch"] || rep["payments"] != 1.0 {
			t.Fatalf("the repeat %d %s", repeat.status, repeat.body)
		}
		csv := do(city, "GET", "/api/v1/payment-runs/pension/2025-02/disbursement", "", 200)
		if !strings.Contains(string(csv.body), "pension,2025-02,1,"+id+",") {
			t.Fatalf("disbursement %s", csv.body)
		}
		st := do(cw, "GET", fmt.Sprintf("/api/v1/persons/%d/statement", f.oA), "", 200).json()
		if st["months"] == 0.0 {
			t.Fatalf("statement %v", st)
		}
		chk := do(city, "GET", "/api/v1/insurance/check", "", 200).json()
		if chk["ok"] != true {
			t.Fatalf("check %s", do(city, "GET", "/api/v1/insurance/check", "", 200).body)
		}
	})
}
