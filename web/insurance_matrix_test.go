package web_test

import (
	"fmt"
	"testing"

	"hrss/access"
	"hrss/employment"
	"hrss/insurance"
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/period"
	"hrss/store"
)

// Social insurance's cells of the authorization matrix
// (auth_matrix_test.go), merged into it at init. Its records: period
// 2025-01 assessed (bills of E1 in 330402 and E2 in 330411); persons of
// retirement age oA (330402) and oB (330411) with legacy records; fresh
// claims per request where a request changes a claim.

// insuranceOf finds the insurance service of a test app by its registry.
var insuranceOf = map[*registry.Service]*insurance.Service{}

// testInsurance returns the insurance service of a test app.
func testInsurance(db *store.DB, reg *registry.Service) *insurance.Service {
	params, err := rules.Embedded()
	if err != nil {
		panic(err)
	}
	svc := &insurance.Service{Store: db.Insurance(), Insured: db.InsuredReader(), Params: params, Now: reg.Now}
	insuranceOf[reg] = svc
	return svc
}

// insFix are the insurance records of one world.
type insFix struct {
	oA, oB int64 // persons of retirement age
	jA, jB int64 // their ended relations (dismissed)
}

var insFixtures = map[*world]*insFix{}

func (w *world) insFix(t *testing.T) *insFix {
	t.Helper()
	if f := insFixtures[w]; f != nil {
		return f
	}
	f := &insFix{}
	f.oA, f.jA = w.retiree(t, "330402", w.e1.ID)
	f.oB, f.jB = w.retiree(t, "330411", w.e2.ID)
	svc := insuranceOf[w.a.reg]
	if _, err := svc.Assess(sysCtx, period.New(2025, 1), insurance.AssessOptions{}); err != nil {
		t.Fatal(err)
	}
	insFixtures[w] = f
	return f
}

// retiree registers a man born 1964-03 in div with legacy records from
// 1990 and a relation with employer that ended by dismissal in 2025-01,
// registered as unemployed on 2025-02-03.
func (w *world) retiree(t *testing.T, div string, employer int64) (int64, int64) {
	t.Helper()
	return w.retireeBorn(t, div, employer, 1964, 301+2*w.fresh())
}

// retireeBorn is retiree born on 7 March of year with sequence number seq.
func (w *world) retireeBorn(t *testing.T, div string, employer int64, year, seq int) (int64, int64) {
	t.Helper()
	p, err := w.a.reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: rid(div, year, seq), Name: "退休人", ResidenceDivision: div})
	if err != nil {
		t.Fatal(err)
	}
	e, err := w.a.reg.CreateEmployment(sysCtx, registry.EmploymentInput{PersonID: p.ID, EmployerID: employer, Start: "2010-01-01", End: "2025-01-31", Separation: "dismissed", DeclaredWage: "5000.00"})
	if err != nil {
		t.Fatal(err)
	}
	var years []insurance.LegacyYear
	for y := 1990; y <= 2023; y++ {
		years = append(years, insurance.LegacyYear{PersonID: p.ID, Year: y, Months: 12, AverageBase: 400_000, AverageWage: 500_000, Credits: 100_000, Interest: 1_000})
	}
	if err := insuranceOf[w.a.reg].ImportLegacy(sysCtx, "matrix", years); err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.jobs.RegisterUnemployed(sysCtx, employment.UnemploymentInput{PersonID: p.ID, Registered: "2025-02-03"}); err != nil {
		t.Fatal(err)
	}
	return p.ID, e.ID
}

// freshClaim opens a pending unemployment claim (as the system) of a
// fresh retiree of div (one open claim per person).
func (w *world) freshClaim(t *testing.T, div string) int64 {
	t.Helper()
	w.insFix(t)
	emp := w.e1.ID
	if div != "330402" {
		emp = w.e2.ID
	}
	person, job := w.retiree(t, div, emp)
	c, err := insuranceOf[w.a.reg].OpenUnemploymentClaim(sysCtx, insurance.UnemploymentClaimInput{PersonID: person, EmploymentID: job, PriorMonths: 60})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

var staffAndAgents = []access.Role{access.Caseworker, access.Reviewer, access.EmployerAgent, access.Analyst}
var recordReaders = []access.Role{access.Caseworker, access.Reviewer, access.Citizen}
var nobody = []access.Role{}

func insFixed(path string) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req { w.insFix(t); return req{path: path} }
}

func insPost(path, body string) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req { w.insFix(t); return req{path, body} }
}

var insuranceMatrix = map[string]cell{
	"POST /api/v1/assessments":                              {ok: nobody, in: insPost("/api/v1/assessments", `{"period":"2025-02"}`)},
	"GET /api/v1/periods":                                   {ok: staffAndAgents, in: insFixed("/api/v1/periods")},
	"GET /api/v1/periods/{period}/runs":                     {ok: staffAndAgents, in: insFixed("/api/v1/periods/2025-01/runs")},
	"POST /api/v1/periods/{period}/close":                   {ok: nobody, in: insPost("/api/v1/periods/2025-01/close", ``)},
	"GET /api/v1/bills":                                     {ok: staffAndAgents, in: insFixed("/api/v1/bills?period=2025-01"), out: insFixed("/api/v1/bills?division=330411")},
	"POST /api/v1/collections":                              {ok: nobody, in: insPost("/api/v1/collections", "credit_code,period,amount,reference,date\n")},
	"GET /api/v1/payments":                                  {ok: staffAndAgents, in: insFixed("/api/v1/payments?period=2025-01")},
	"GET /api/v1/arrears":                                   {ok: staffAndAgents, in: insFixed("/api/v1/arrears?as_of=2025-06-30")},
	"POST /api/v1/accounts/legacy":                          {ok: nobody, in: insPost("/api/v1/accounts/legacy", `{"batch":"x","years":[]}`)},
	"POST /api/v1/accounts/close-year":                      {ok: nobody, in: insPost("/api/v1/accounts/close-year", `{"year":2024}`)},
	"POST /api/v1/pension-adjustments":                      {ok: nobody, in: insPost("/api/v1/pension-adjustments", `{"year":2025}`)},
	"POST /api/v1/payment-runs":                             {ok: nobody, in: insPost("/api/v1/payment-runs", `{"kind":"pension","period":"2025-02"}`)},
	"GET /api/v1/insurance/check":                           {ok: nobody, in: insFixed("/api/v1/insurance/check")},
	"GET /api/v1/payment-runs/{kind}/{period}/disbursement": {ok: nobody, in: insFixed("/api/v1/payment-runs/pension/2025-02/disbursement")},
	"GET /api/v1/persons/{id}/statement": {ok: recordReaders, show: "pA",
		in: func(t *testing.T, w *world) req {
			w.insFix(t)
			return req{path: "/api/v1/persons/" + id(w.pA.ID) + "/statement"}
		},
		out: func(t *testing.T, w *world) req {
			w.insFix(t)
			return req{path: "/api/v1/persons/" + id(w.pB.ID) + "/statement"}
		}},
	"GET /api/v1/claims": {ok: recordReaders, in: insFixed("/api/v1/claims"), out: insFixed("/api/v1/claims?kind=unemployment")},
	"POST /api/v1/claims/pension": {ok: []access.Role{access.Caseworker},
		in: func(t *testing.T, w *world) req {
			f := w.insFix(t)
			return req{"/api/v1/claims/pension", fmt.Sprintf(`{"person_id":%d,"category":"male","retire":"2024-03","deemed_years":"0"}`, f.oA)}
		},
		out: func(t *testing.T, w *world) req {
			f := w.insFix(t)
			return req{"/api/v1/claims/pension", fmt.Sprintf(`{"person_id":%d,"category":"male","retire":"2024-03","deemed_years":"0"}`, f.oB)}
		}},
	"POST /api/v1/claims/unemployment": {ok: []access.Role{access.Caseworker},
		in: func(t *testing.T, w *world) req {
			f := w.insFix(t)
			return req{"/api/v1/claims/unemployment", fmt.Sprintf(`{"person_id":%d,"employment_id":%d,"prior_months":60}`, f.oA, f.jA)}
		},
		out: func(t *testing.T, w *world) req {
			f := w.insFix(t)
			return req{"/api/v1/claims/unemployment", fmt.Sprintf(`{"person_id":%d,"employment_id":%d,"prior_months":60}`, f.oB, f.jB)}
		}},
	"GET /api/v1/claims/{id}": {ok: []access.Role{access.Caseworker, access.Reviewer},
		in:  func(t *testing.T, w *world) req { return req{path: "/api/v1/claims/" + id(w.freshClaim(t, "330402"))} },
		out: func(t *testing.T, w *world) req { return req{path: "/api/v1/claims/" + id(w.freshClaim(t, "330411"))} }},
	"POST /api/v1/claims/{id}/approve": {ok: []access.Role{access.Reviewer},
		in: func(t *testing.T, w *world) req {
			return req{path: "/api/v1/claims/" + id(w.freshClaim(t, "330402")) + "/approve"}
		},
		out: func(t *testing.T, w *world) req {
			return req{path: "/api/v1/claims/" + id(w.freshClaim(t, "330411")) + "/approve"}
		}},
	"POST /api/v1/claims/{id}/reject": {ok: []access.Role{access.Reviewer},
		in: func(t *testing.T, w *world) req {
			return req{path: "/api/v1/claims/" + id(w.freshClaim(t, "330402")) + "/reject"}
		},
		out: func(t *testing.T, w *world) req {
			return req{path: "/api/v1/claims/" + id(w.freshClaim(t, "330411")) + "/reject"}
		}},
	// aggregates: the divisions' staff see their own divisions' rows (another division's answer is an empty list)
	"GET /api/v1/insurance/income": {ok: []access.Role{access.Caseworker, access.Reviewer, access.Analyst},
		in:  insFixed("/api/v1/insurance/income?from=2025-01&to=2025-02"),
		out: insFixed("/api/v1/insurance/income?from=2025-01&to=2025-02&division=330411")},
}

func init() {
	for k, c := range insuranceMatrix {
		matrix[k] = c
	}
}
