package web_test

import (
	"fmt"
	"strings"
	"testing"

	"hrss/access"
	"hrss/insurance"
	"hrss/registry"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// The cells of the corrections under four eyes in the authorization
// matrix. Each request corrects a fresh relation of the division, enrolled
// late: registered after 2024-12 (assessed and closed once per world) for
// that month.

var lateClosed = map[*world]bool{}

// lateSeq numbers the persons of the late relations.
var lateSeq int

// lateRelation registers (as the system) a fresh person of div working
// for the division's employer in 2024-12 only, after 2024-12 is closed.
func (w *world) lateRelation(t *testing.T, div string) int64 {
	t.Helper()
	svc := insuranceOf[w.a.reg]
	if !lateClosed[w] {
		if _, err := svc.Assess(sysCtx, period.New(2024, 12), insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Close(sysCtx, period.New(2024, 12), insurance.CloseOptions{}); err != nil {
			t.Fatal(err)
		}
		lateClosed[w] = true
	}
	employer := w.e1.ID
	if div != "330402" {
		employer = w.e2.ID
	}
	lateSeq++ // born 1940-1959: numbers of their own, w.fresh's being few
	p, err := w.a.reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: rid(div, 1940+lateSeq%20, 1+2*(lateSeq/20)), Name: "补登人", ResidenceDivision: div})
	if err != nil {
		t.Fatal(err)
	}
	e, err := w.a.reg.CreateEmployment(sysCtx, registry.EmploymentInput{PersonID: p.ID, EmployerID: employer,
		Start: "2024-12-01", End: "2024-12-31", Separation: "resignation", DeclaredWage: "5000.00"})
	if err != nil {
		t.Fatal(err)
	}
	return e.ID
}

// freshPrepared prepares (as the system) the late enrolment's correction
// of a fresh relation of div.
func (w *world) freshPrepared(t *testing.T, div string) int64 {
	t.Helper()
	pc, err := insuranceOf[w.a.reg].DeriveCorrection(sysCtx, insurance.DeriveInput{EmploymentID: w.lateRelation(t, div)})
	if err != nil {
		t.Fatal(err)
	}
	return pc.ID
}

func derivedReq(div string) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req {
		return req{"/api/v1/corrections/derived", fmt.Sprintf(`{"employment_id":%d}`, w.lateRelation(t, div))}
	}
}

func preparedReq(div string) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req {
		return req{"/api/v1/corrections", fmt.Sprintf(`{"employment_id":%d,"from":"2024-12","to":"2024-12","reason":"late enrolment"}`, w.lateRelation(t, div))}
	}
}

func decideReq(action, div string) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req {
		return req{"/api/v1/corrections/prepared/" + id(w.freshPrepared(t, div)) + "/" + action, `{"note":"matrix"}`}
	}
}

func init() {
	staff := []access.Role{access.Caseworker, access.Reviewer}
	for k, c := range map[string]cell{
		"GET /api/v1/corrections/prepared": {ok: staff, in: func(t *testing.T, w *world) req {
			w.freshPrepared(t, "330402")
			return req{path: "/api/v1/corrections/prepared"}
		}},
		"POST /api/v1/corrections":                       {ok: []access.Role{access.Caseworker}, in: preparedReq("330402"), out: preparedReq("330411")},
		"POST /api/v1/corrections/derived":               {ok: []access.Role{access.Caseworker}, in: derivedReq("330402"), out: derivedReq("330411")},
		"POST /api/v1/corrections/prepared/{id}/approve": {ok: []access.Role{access.Reviewer}, in: decideReq("approve", "330402"), out: decideReq("approve", "330411")},
		"POST /api/v1/corrections/prepared/{id}/reject":  {ok: []access.Role{access.Reviewer}, in: decideReq("reject", "330402"), out: decideReq("reject", "330411")},
	} {
		matrix[k] = c
	}
}

// TestReviewedCorrectionAPI: a caseworker derives the correction of a
// changed declaration over the API, the same caseworker cannot approve
// it, a reviewer does and the answer says what it billed.
func TestReviewedCorrectionAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.lateRelation(t, "330402") // assesses and closes 2024-12, r1's month too
		cw, rv := w.tokens[access.Caseworker], w.tokens[access.Reviewer]
		if r := w.a.do(t, cw, "POST", "/api/v1/wages", fmt.Sprintf(`{"declarations":[{"employment_id":%d,"year":2024,"declared_wage":"9000.00"}]}`, w.r1.ID), nil); r.status != 201 {
			t.Fatalf("declare: %d %s", r.status, r.body)
		}
		r := w.a.do(t, cw, "POST", "/api/v1/corrections/derived", fmt.Sprintf(`{"employment_id":%d,"year":2024}`, w.r1.ID), nil)
		m := r.json()
		if r.status != 201 || m["from"] != "2024-12" || m["to"] != "2024-12" || m["status"] != "prepared" || m["source"] != "declaration" {
			t.Fatalf("derive: %d %s", r.status, r.body)
		}
		path := fmt.Sprintf("/api/v1/corrections/prepared/%v/approve", m["id"])
		if r := w.a.do(t, cw, "POST", path, "", nil); r.status != 403 {
			t.Fatalf("a caseworker approves: %d %s", r.status, r.body)
		}
		r = w.a.do(t, rv, "POST", path, `{"note":"payroll checked"}`, nil)
		if r.status != 200 || !strings.Contains(string(r.body), `"status":"applied"`) || !strings.Contains(string(r.body), `"total":"`+m["preview_total"].(string)+`"`) {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
	})
}
