package web_test

import (
	"context"
	"strings"
	"testing"

	"hrss/access"
	"hrss/insurance"
	"hrss/rules"
	"hrss/store"
	"hrss/store/storetest"
)

// The cells of the pension recomputations (recompute.go) in the
// authorization matrix. Each request recomputes a fresh provisional
// pension of the division: a retiree's (born 1963-03) pension from
// 2023-03, opened and approved while the 2023 calculation base is not
// published (a test overlay holds the base at 2022's), then published
// again (the embedded parameters have it).

// pensionerSeq numbers the retirees of the recomputations (born 1963,
// apart from retiree's of 1964).
var pensionerSeq int

// unpublished2023 is params with the calculation base published up to
// 2022 only.
func unpublished2023(t *testing.T, params *rules.Params) *rules.Params {
	t.Helper()
	p, err := params.Overlay("test overlay", []byte(`parameters:
  - name: pension.calc_base
    unit: yuan_per_month
    jurisdiction: "330000"
    replace: true
    values:
      - {from: 2022-01-01, value: 7437, reference: test - the base of 2022, confidence: supported}
`))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// freshProvisional opens (as the system) and approves (as a reviewer of
// no user of the world) the provisional pension of a fresh retiree of
// div; its 2023 base is published when it returns.
func (w *world) freshProvisional(t *testing.T, div string) int64 {
	t.Helper()
	w.insFix(t)
	emp := w.e1.ID
	if div != "330402" {
		emp = w.e2.ID
	}
	pensionerSeq++
	person, _ := w.retireeBorn(t, div, emp, 1963, 1+2*(pensionerSeq%500))
	svc := insuranceOf[w.a.reg]
	published := svc.Params
	svc.Params = unpublished2023(t, published)
	defer func() { svc.Params = published }()
	cl, err := svc.OpenPensionClaim(sysCtx, insurance.PensionClaimInput{PersonID: person, Category: rules.Male, Retire: "2023-03"})
	if err != nil {
		t.Fatal(err)
	}
	rv := access.WithCaller(context.Background(), access.Caller{UserID: 1 << 40, Name: "matrix-reviewer", Role: access.Reviewer, Divisions: []string{access.CityWide}})
	if _, err := svc.Approve(rv, cl.ID, true); err != nil {
		t.Fatal(err)
	}
	return cl.ID
}

// freshRecomputation prepares (as the system) the recomputation of a
// fresh provisional pension of div.
func (w *world) freshRecomputation(t *testing.T, div string) int64 {
	t.Helper()
	r, err := insuranceOf[w.a.reg].PrepareRecomputation(sysCtx, w.freshProvisional(t, div), 0)
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

func recomputeReq(action, div string) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req {
		return req{"/api/v1/pensions/recomputations/" + id(w.freshRecomputation(t, div)) + "/" + action, `{"note":"matrix"}`}
	}
}

func prepareRecomputationReq(div string) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req {
		return req{"/api/v1/claims/" + id(w.freshProvisional(t, div)) + "/recomputation", ""}
	}
}

func init() {
	for k, c := range map[string]cell{
		"GET /api/v1/pensions/recomputations": {ok: recordReaders, in: func(t *testing.T, w *world) req {
			w.freshRecomputation(t, "330402")
			return req{path: "/api/v1/pensions/recomputations"}
		}},
		"GET /api/v1/pensions/recomputations/{id}": {ok: []access.Role{access.Caseworker, access.Reviewer},
			in: func(t *testing.T, w *world) req {
				return req{path: "/api/v1/pensions/recomputations/" + id(w.freshRecomputation(t, "330402"))}
			},
			out: func(t *testing.T, w *world) req {
				return req{path: "/api/v1/pensions/recomputations/" + id(w.freshRecomputation(t, "330411"))}
			}},
		"POST /api/v1/pensions/recomputations/scan": {ok: []access.Role{access.Caseworker}, in: func(t *testing.T, w *world) req {
			w.freshProvisional(t, "330402")
			return req{"/api/v1/pensions/recomputations/scan", `{"as_of":"2025-06"}`}
		}},
		"POST /api/v1/pensions/recomputations/{id}/approve": {ok: []access.Role{access.Reviewer}, in: recomputeReq("approve", "330402"), out: recomputeReq("approve", "330411")},
		"POST /api/v1/pensions/recomputations/{id}/reject":  {ok: []access.Role{access.Reviewer}, in: recomputeReq("reject", "330402"), out: recomputeReq("reject", "330411")},
		"POST /api/v1/claims/{id}/recomputation":            {ok: []access.Role{access.Caseworker}, in: prepareRecomputationReq("330402"), out: prepareRecomputationReq("330411")},
	} {
		matrix[k] = c
	}
}

// TestRecomputationAPI: a caseworker scans over the API and finds the
// provisional pension whose base is published, a second scan prepares
// nothing, the reviewer reads its trace in Chinese and approves it, and
// the claim's amount is the recomputed one.
func TestRecomputationAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		claim := w.freshProvisional(t, "330402")
		cw, rv := w.tokens[access.Caseworker], w.tokens[access.Reviewer]
		r := w.a.do(t, cw, "POST", "/api/v1/pensions/recomputations/scan", "", nil)
		prepared, _ := r.json()["prepared"].([]any)
		if r.status != 200 || len(prepared) != 1 {
			t.Fatalf("scan: %d %s", r.status, r.body)
		}
		rc := prepared[0].(map[string]any)
		rid := int64(rc["id"].(float64))
		if again := w.a.do(t, cw, "POST", "/api/v1/pensions/recomputations/scan", `{"as_of":"2025-06"}`, nil); again.status != 200 || strings.Contains(string(again.body), `"claim_id"`) {
			t.Fatalf("a second scan: %d %s", again.status, again.body)
		}
		if bad := w.a.do(t, cw, "POST", "/api/v1/pensions/recomputations/scan", `{"as_of":"June"}`, nil); bad.status != 422 || !strings.Contains(string(bad.body), "as_of") {
			t.Fatalf("a bad as_of: %d %s", bad.status, bad.body)
		}
		view := w.a.do(t, rv, "GET", "/api/v1/pensions/recomputations/"+id(rid)+"?lang=zh-CN", "", map[string]string{"Accept-Language": "zh-CN"})
		if view.status != 200 || !strings.Contains(string(view.body), "按已公布的计发基数重新核定") {
			t.Fatalf("the recomputation in Chinese: %d %s", view.status, view.body)
		}
		ok := w.a.do(t, rv, "POST", "/api/v1/pensions/recomputations/"+id(rid)+"/approve", "", nil)
		if ok.status != 200 || ok.json()["status"] != "applied" {
			t.Fatalf("approve: %d %s", ok.status, ok.body)
		}
		cl := w.a.do(t, cw, "GET", "/api/v1/claims/"+id(claim), "", nil)
		if cl.status != 200 || cl.json()["monthly"] != rc["new_monthly"] || cl.json()["provisional_year"] != nil {
			t.Fatalf("the claim after: %s, want monthly %v", cl.body, rc["new_monthly"])
		}
	})
}
