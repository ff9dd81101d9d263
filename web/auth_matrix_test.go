package web_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"hrss/access"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
	"hrss/web"
)

// The authorization matrix: every API route × every role × inside and
// outside the role's scope, over real HTTP and a real database. It fails
// on any leak: a response to a role must never hold data of a record
// outside that role's reach (each record has marker strings: names,
// resident IDs, credit codes, wages, dates), a whole resident ID or phone
// number must appear in no read of any role but the one record revealed
// for a reason (GET /api/v1/persons/{id}/identity, to the roles with
// access.RevealIdentity; identity_matrix_test.go checks the screens and
// exports and the reveal's audit), what a role may do inside its scope
// must succeed, and writes out of scope must change nothing.

// world is the city of the matrix: persons A (330402), B (330411) and C
// (330411, working for E1); employers E1 (330402) and E2 (330411);
// relations R1 = A@E1, R2 = B@E2, R3 = C@E1; flexible enrolments FA (A,
// 330402) and FB (B, 330411).
//
// Other domains extend it from their own test files, in an init func:
// add their records with worldSetup (storing them in w.extra and their
// marker strings in w.marks), say which roles reach them by appending to
// reach, and add a cell to matrix for each of their routes.
type world struct {
	a                      *app
	pA, pB, pC             registry.Person
	e1, e2                 registry.Employer
	r1, r2, r3             registry.Employment
	fA, fB                 registry.FlexibleWorker
	tokens                 map[access.Role]string
	spare, analyst, apiTok int64
	seq                    int                 // makes fresh resident IDs, credit codes, user names
	extra                  map[string]any      // other domains' records, by name
	marks                  map[string][]string // other domains' records' marker strings
}

// worldSetup lists functions that add other domains' records to a new world.
var worldSetup []func(t *testing.T, w *world)

// markers are the strings that show each record's data.
func (w *world) markers() map[string][]string {
	ids := func(p registry.Person) []string {
		return []string{p.Name, string(p.ResidentID), p.ResidentID.Masked()}
	}
	m := map[string][]string{
		"pA": ids(w.pA), "pB": ids(w.pB), "pC": ids(w.pC),
		"e1": {w.e1.Name, string(w.e1.CreditCode)}, "e2": {w.e2.Name, string(w.e2.CreditCode)},
		"r1": {`"6111.11"`}, "r2": {`"7222.22"`}, "r3": {`"8333.33"`},
		"fA": {"2021-01-04"}, "fB": {"2022-02-05"},
	}
	for k, v := range w.marks {
		m[k] = v
	}
	return m
}

// reach says which records each role may see.
var reach = map[access.Role][]string{
	access.Caseworker:    {"pA", "e1", "r1", "r3", "fA"},
	access.Reviewer:      {"pA", "e1", "r1", "r3", "fA"},
	access.EmployerAgent: {"pA", "pC", "e1", "r1", "r3"},
	access.Citizen:       {"pA", "e1", "r1", "fA"},
	access.Analyst:       {},
	access.Administrator: {},
	access.Auditor:       {},
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	w := &world{a: newApp(t, db), tokens: map[access.Role]string{}, extra: map[string]any{}, marks: map[string][]string{}}
	reg := w.a.reg
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	w.pA, err = reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: rid("330402", 1985, 11), Name: "甲内民", ResidenceDivision: "330402", Phone: "13800001111"})
	must(err)
	w.pB, err = reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: rid("330411", 1986, 13), Name: "乙外民", ResidenceDivision: "330411", Phone: "13900002222"})
	must(err)
	w.pC, err = reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: rid("330411", 1987, 15), Name: "丙跨区", ResidenceDivision: "330411", Phone: "13700003333"})
	must(err)
	w.e1, err = reg.CreateEmployer(sysCtx, employerIn(9001, "内单位有限公司", "330402"))
	must(err)
	w.e2, err = reg.CreateEmployer(sysCtx, employerIn(9002, "外单位有限公司", "330411"))
	must(err)
	w.r1, err = reg.CreateEmployment(sysCtx, registry.EmploymentInput{PersonID: w.pA.ID, EmployerID: w.e1.ID, Start: "2020-01-01", DeclaredWage: "6111.11"})
	must(err)
	w.r2, err = reg.CreateEmployment(sysCtx, registry.EmploymentInput{PersonID: w.pB.ID, EmployerID: w.e2.ID, Start: "2020-01-01", DeclaredWage: "7222.22"})
	must(err)
	w.r3, err = reg.CreateEmployment(sysCtx, registry.EmploymentInput{PersonID: w.pC.ID, EmployerID: w.e1.ID, Start: "2020-01-01", DeclaredWage: "8333.33"})
	must(err)
	w.fA, err = reg.EnrolFlexible(sysCtx, registry.FlexibleInput{PersonID: w.pA.ID, Division: "330402", Start: "2021-01-04", End: "2021-06-30", BasePct: 60})
	must(err)
	w.fB, err = reg.EnrolFlexible(sysCtx, registry.FlexibleInput{PersonID: w.pB.ID, Division: "330411", Start: "2022-02-05", End: "2022-06-30", BasePct: 60})
	must(err)
	for _, r := range access.Roles {
		in := access.UserInput{Name: "m-" + strings.ReplaceAll(string(r), "_", "-"), Role: string(r)}
		switch r {
		case access.Caseworker, access.Reviewer:
			in.Divisions = []string{"330402"}
		case access.EmployerAgent:
			in.EmployerID = w.e1.ID
		case access.Citizen:
			in.PersonID = w.pA.ID
		}
		u := w.a.user(t, in)
		if r == access.Analyst {
			w.analyst = u.ID
		}
		w.tokens[r] = w.a.signIn(t, in.Name)
	}
	w.spare = w.a.user(t, access.UserInput{Name: "spare", Role: "analyst"}).ID
	tok, _, err := w.a.acc.CreateToken(sysCtx, access.TokenInput{UserID: w.spare, Name: "matrix"})
	must(err)
	w.apiTok = tok.ID
	for _, setup := range worldSetup {
		setup(t, w)
	}
	return w
}

func rid(div string, year, seq int) string {
	return string(ident.NewResidentID(div, period.Date{Y: year, M: 3, D: 7}, seq))
}

func employerIn(serial uint64, name, div string) registry.EmployerInput {
	return registry.EmployerInput{CreditCode: string(ident.NewCreditCode('9', '1', div, serial)), Name: name,
		IndustrySection: "C", IndustryDivision: "39", Division: div, RiskClass: 2}
}

// fresh returns a number not used before in this world.
func (w *world) fresh() int { w.seq++; return w.seq }

// freshPerson registers (as the system) a new person of division div.
func (w *world) freshPerson(t *testing.T, div string) int64 {
	id, _ := w.freshHire(t, div)
	return id
}

// freshHire registers a new person of div and returns their ID and whole
// resident ID number (which an employer agent gives to record a hire).
func (w *world) freshHire(t *testing.T, div string) (int64, string) {
	t.Helper()
	n := w.fresh()
	number := rid(div, 1990+n%20, 100+2*n)
	p, err := w.a.reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: number, Name: "新人", ResidenceDivision: div})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID, number
}

type req struct{ path, body string }

// cell is one route of the matrix: the request inside scope (which the
// roles in ok must be able to make, seeing the record named by show),
// and outside it (nil when the route has no scope).
type cell struct {
	in   func(t *testing.T, w *world) req
	out  func(t *testing.T, w *world) req
	ok   []access.Role
	show string
	// public, when set, names marker strings that are public on this
	// route (an employer's name at a job fair) and are no leak there.
	public func(w *world) []string
}

var readers = []access.Role{access.Caseworker, access.Reviewer, access.EmployerAgent, access.Citizen}
var everyone = access.Roles

func fixed(path string) func(*testing.T, *world) req {
	return func(*testing.T, *world) req { return req{path: path} }
}

func id(n int64) string { return fmt.Sprint(n) }

func personBody(w *world, div string) string {
	n := w.fresh()
	return `{"resident_id":"` + rid(div, 1960+n%30, 500+2*n) + `","name":"新登记","residence_division":"` + div + `"}`
}

func employerBody(w *world, div string) string {
	e := employerIn(uint64(20000+w.fresh()), "新单位", div)
	return fmt.Sprintf(`{"credit_code":"%s","name":"%s","industry_section":"C","industry_division":"39","division":"%s","risk_class":2}`, e.CreditCode, e.Name, div)
}

var matrix = map[string]cell{
	"GET /api/v1/openapi.json": {in: fixed("/api/v1/openapi.json"), ok: everyone},
	"GET /api/v1/divisions":    {in: fixed("/api/v1/divisions"), ok: everyone},

	"GET /api/v1/persons": {ok: readers, show: "pA",
		in:  fixed("/api/v1/persons"),
		out: func(t *testing.T, w *world) req { return req{path: "/api/v1/persons?division=330411"} }},
	"POST /api/v1/persons": {ok: []access.Role{access.Caseworker},
		in:  func(t *testing.T, w *world) req { return req{"/api/v1/persons", personBody(w, "330402")} },
		out: func(t *testing.T, w *world) req { return req{"/api/v1/persons", personBody(w, "330411")} }},
	"GET /api/v1/persons/{id}": {ok: readers, show: "pA",
		in:  func(t *testing.T, w *world) req { return req{path: "/api/v1/persons/" + id(w.pA.ID)} },
		out: func(t *testing.T, w *world) req { return req{path: "/api/v1/persons/" + id(w.pB.ID)} }},
	"PUT /api/v1/persons/{id}": {ok: []access.Role{access.Caseworker}, show: "pA",
		in: func(t *testing.T, w *world) req {
			return req{"/api/v1/persons/" + id(w.pA.ID), `{"resident_id":"` + string(w.pA.ResidentID) + `","name":"甲内民","residence_division":"330402"}`}
		},
		out: func(t *testing.T, w *world) req {
			return req{"/api/v1/persons/" + id(w.pB.ID), `{"resident_id":"` + rid("330402", 1970, 901) + `","name":"改名","residence_division":"330402"}`}
		}},
	"GET /api/v1/persons/{id}/identity": {ok: []access.Role{access.Caseworker, access.Reviewer}, show: "pA",
		in: func(t *testing.T, w *world) req {
			return req{path: "/api/v1/persons/" + id(w.pA.ID) + "/identity?reason=matrix"}
		},
		out: func(t *testing.T, w *world) req {
			return req{path: "/api/v1/persons/" + id(w.pB.ID) + "/identity?reason=matrix"}
		}},
	"GET /api/v1/persons/{id}/employments": {ok: readers, show: "r1",
		in:  func(t *testing.T, w *world) req { return req{path: "/api/v1/persons/" + id(w.pA.ID) + "/employments"} },
		out: func(t *testing.T, w *world) req { return req{path: "/api/v1/persons/" + id(w.pB.ID) + "/employments"} }},

	"GET /api/v1/employers": {ok: readers, show: "e1",
		in:  fixed("/api/v1/employers"),
		out: fixed("/api/v1/employers?division=330411")},
	"POST /api/v1/employers": {ok: []access.Role{access.Caseworker},
		in:  func(t *testing.T, w *world) req { return req{"/api/v1/employers", employerBody(w, "330402")} },
		out: func(t *testing.T, w *world) req { return req{"/api/v1/employers", employerBody(w, "330411")} }},
	"GET /api/v1/employers/{id}": {ok: readers, show: "e1",
		in:  func(t *testing.T, w *world) req { return req{path: "/api/v1/employers/" + id(w.e1.ID)} },
		out: func(t *testing.T, w *world) req { return req{path: "/api/v1/employers/" + id(w.e2.ID)} }},
	"PUT /api/v1/employers/{id}": {ok: []access.Role{access.Caseworker}, show: "e1",
		in: func(t *testing.T, w *world) req {
			return req{"/api/v1/employers/" + id(w.e1.ID), fmt.Sprintf(`{"credit_code":"%s","name":"%s","industry_section":"C","industry_division":"39","division":"330402","risk_class":2}`, w.e1.CreditCode, w.e1.Name)}
		},
		out: func(t *testing.T, w *world) req {
			return req{"/api/v1/employers/" + id(w.e2.ID), fmt.Sprintf(`{"credit_code":"%s","name":"改名单位","industry_section":"C","industry_division":"39","division":"330402","risk_class":2}`, w.e2.CreditCode)}
		}},
	"GET /api/v1/employers/{id}/employments": {ok: readers, show: "r1",
		in: func(t *testing.T, w *world) req {
			return req{path: "/api/v1/employers/" + id(w.e1.ID) + "/employments"}
		},
		out: func(t *testing.T, w *world) req {
			return req{path: "/api/v1/employers/" + id(w.e2.ID) + "/employments"}
		}},

	"GET /api/v1/employments": {ok: readers, show: "r1",
		in:  fixed("/api/v1/employments"),
		out: func(t *testing.T, w *world) req { return req{path: "/api/v1/employments?person_id=" + id(w.pB.ID)} }},
	"POST /api/v1/employments": {ok: []access.Role{access.Caseworker, access.EmployerAgent},
		in: func(t *testing.T, w *world) req {
			p, number := w.freshHire(t, "330402")
			return req{"/api/v1/employments", fmt.Sprintf(`{"person_id":%d,"employer_id":%d,"start":"2025-01-01","declared_wage":"5000.00","resident_id":"%s"}`, p, w.e1.ID, number)}
		},
		out: func(t *testing.T, w *world) req {
			p, number := w.freshHire(t, "330411")
			return req{"/api/v1/employments", fmt.Sprintf(`{"person_id":%d,"employer_id":%d,"start":"2025-01-01","declared_wage":"5000.00","resident_id":"%s"}`, p, w.e2.ID, number)}
		}},
	"GET /api/v1/employments/{id}": {ok: readers, show: "r1",
		in:  func(t *testing.T, w *world) req { return req{path: "/api/v1/employments/" + id(w.r1.ID)} },
		out: func(t *testing.T, w *world) req { return req{path: "/api/v1/employments/" + id(w.r2.ID)} }},
	"PUT /api/v1/employments/{id}": {ok: []access.Role{access.Caseworker, access.EmployerAgent}, show: "r1",
		in: func(t *testing.T, w *world) req {
			return req{"/api/v1/employments/" + id(w.r1.ID), `{"start":"2020-01-01","declared_wage":"6111.11"}`}
		},
		out: func(t *testing.T, w *world) req {
			return req{"/api/v1/employments/" + id(w.r2.ID), `{"start":"2020-01-01","declared_wage":"9999.99"}`}
		}},

	"GET /api/v1/flexible-workers": {ok: []access.Role{access.Caseworker, access.Reviewer, access.Citizen}, show: "fA",
		in:  fixed("/api/v1/flexible-workers"),
		out: fixed("/api/v1/flexible-workers?division=330411")},
	"POST /api/v1/flexible-workers": {ok: []access.Role{access.Caseworker},
		in: func(t *testing.T, w *world) req {
			return req{"/api/v1/flexible-workers", fmt.Sprintf(`{"person_id":%d,"division":"330402","start":"2025-01-01","base_pct":100}`, w.freshPerson(t, "330402"))}
		},
		out: func(t *testing.T, w *world) req {
			return req{"/api/v1/flexible-workers", fmt.Sprintf(`{"person_id":%d,"division":"330411","start":"2025-01-01","base_pct":100}`, w.freshPerson(t, "330411"))}
		}},
	"GET /api/v1/flexible-workers/{id}": {ok: []access.Role{access.Caseworker, access.Reviewer, access.Citizen}, show: "fA",
		in:  func(t *testing.T, w *world) req { return req{path: "/api/v1/flexible-workers/" + id(w.fA.ID)} },
		out: func(t *testing.T, w *world) req { return req{path: "/api/v1/flexible-workers/" + id(w.fB.ID)} }},
	"PUT /api/v1/flexible-workers/{id}": {ok: []access.Role{access.Caseworker}, show: "fA",
		in: func(t *testing.T, w *world) req {
			return req{"/api/v1/flexible-workers/" + id(w.fA.ID), `{"division":"330402","start":"2021-01-04","end":"2021-06-30","base_pct":60}`}
		},
		out: func(t *testing.T, w *world) req {
			return req{"/api/v1/flexible-workers/" + id(w.fB.ID), `{"division":"330402","start":"2022-02-05","end":"2022-06-30","base_pct":300}`}
		}},

	"POST /api/v1/session":   {ok: everyone}, // special: signs in as the role itself
	"GET /api/v1/session":    {in: fixed("/api/v1/session"), ok: everyone},
	"DELETE /api/v1/session": {ok: everyone}, // special: signs out a fresh session

	"POST /api/v1/account/totp":         {in: fixed("/api/v1/account/totp"), ok: everyone},
	"POST /api/v1/account/totp/confirm": {ok: everyone}, // special: begins, confirms, then disables again
	"POST /api/v1/account/totp/disable": {ok: everyone}, // special: begins and confirms first

	"GET /api/v1/users": {in: fixed("/api/v1/users"), ok: []access.Role{access.Administrator}},
	"POST /api/v1/users": {ok: []access.Role{access.Administrator},
		in: func(t *testing.T, w *world) req {
			return req{"/api/v1/users", fmt.Sprintf(`{"name":"new-%d","role":"analyst","password":"a long enough password"}`, w.fresh())}
		}},
	"GET /api/v1/users/{id}": {ok: []access.Role{access.Administrator},
		in: func(t *testing.T, w *world) req { return req{path: "/api/v1/users/" + id(w.analyst)} }},
	"PUT /api/v1/users/{id}": {ok: []access.Role{access.Administrator},
		in: func(t *testing.T, w *world) req {
			return req{"/api/v1/users/" + id(w.spare), `{"name":"spare","role":"analyst"}`}
		}},
	"GET /api/v1/tokens": {in: fixed("/api/v1/tokens"), ok: []access.Role{access.Administrator}},
	"POST /api/v1/tokens": {ok: []access.Role{access.Administrator},
		in: func(t *testing.T, w *world) req {
			return req{"/api/v1/tokens", fmt.Sprintf(`{"user_id":%d,"name":"t"}`, w.spare)}
		}},
	"DELETE /api/v1/tokens/{id}": {ok: []access.Role{access.Administrator},
		in: func(t *testing.T, w *world) req { return req{path: "/api/v1/tokens/" + id(w.apiTok)} }},

	"GET /api/v1/audit": {ok: []access.Role{access.Auditor},
		in: func(t *testing.T, w *world) req { return req{path: "/api/v1/audit?person_id=" + id(w.pA.ID)} }},
	"GET /api/v1/audit/verify": {in: fixed("/api/v1/audit/verify"), ok: []access.Role{access.Auditor}},
}

// denied lists the statuses that refuse without data.
var denied = []int{401, 403, 404, 422}

func TestAuthorizationMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		before := w.outOfScope(t)
		for _, route := range web.RoutePatterns() {
			c, ok := matrix[route]
			if !ok {
				t.Errorf("route %s has no cell in the authorization matrix: add one", route)
				continue
			}
			method, _, _ := strings.Cut(route, " ")
			for _, role := range access.Roles {
				w.check(t, route, method, role, c, true)
				if c.out != nil {
					w.check(t, route, method, role, c, false)
				}
			}
		}
		if after := w.outOfScope(t); after != before {
			t.Errorf("a write out of scope changed data:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// check makes the in or out request of c as role and judges the answer.
func (w *world) check(t *testing.T, route, method string, role access.Role, c cell, inside bool) {
	t.Helper()
	where := fmt.Sprintf("%s as %s (%s scope)", route, role, map[bool]string{true: "in", false: "out of"}[inside])
	res := w.send(t, route, method, role, c, inside)
	if c.public != nil {
		for _, m := range c.public(w) {
			res.body = []byte(strings.ReplaceAll(string(res.body), m, "<public>"))
		}
	}
	w.noLeak(t, where, role, res)
	if method == "GET" && route != revealRoute {
		w.noWholeNumber(t, where, res.body)
	}
	allowed := inside && slices.Contains(c.ok, role)
	switch {
	case allowed && (res.status < 200 || res.status > 299):
		t.Errorf("%s: refused with %d %s; the role may do this", where, res.status, res.body)
	case allowed && c.show != "" && !strings.Contains(string(res.body), w.markers()[c.show][0]):
		t.Errorf("%s: answer does not show %s: %s", where, c.show, res.body)
	case !allowed && !slices.Contains(denied, res.status) && !(method == "GET" && res.status == 200):
		t.Errorf("%s: status %d, want one of %v: %s", where, res.status, denied, res.body)
	case !allowed && res.status == 200 && !isList(res):
		t.Errorf("%s: answered 200 with a record: %s", where, res.body)
	}
}

// send makes the request of the cell; the session routes are special.
func (w *world) send(t *testing.T, route, method string, role access.Role, c cell, inside bool) response {
	name := "m-" + strings.ReplaceAll(string(role), "_", "-")
	switch route {
	case "POST /api/v1/session":
		return w.a.do(t, "", "POST", "/api/v1/session", `{"username":"`+name+`","password":"pw-`+name+`-long"}`, nil)
	case "DELETE /api/v1/session":
		return w.a.do(t, w.a.signIn(t, name), "DELETE", "/api/v1/session", "", nil)
	case "POST /api/v1/account/totp/confirm", "POST /api/v1/account/totp/disable":
		return w.totpRound(t, route, w.tokens[role])
	}
	r := c.in(t, w)
	if !inside {
		r = c.out(t, w)
	}
	return w.a.do(t, w.tokens[role], method, r.path, r.body, nil)
}

func isList(r response) bool {
	_, ok := r.json()["items"]
	return ok
}

// noLeak fails if res holds data of a record out of role's reach, or a
// whole resident ID the role must not see.
func (w *world) noLeak(t *testing.T, where string, role access.Role, res response) {
	t.Helper()
	body := string(res.body)
	for rec, marks := range w.markers() {
		if slices.Contains(reach[role], rec) {
			continue
		}
		for _, m := range marks {
			if strings.Contains(body, m) {
				t.Errorf("LEAK %s: the answer holds %q of %s, out of the role's reach: %s", where, m, rec, body)
			}
		}
	}
	if !(access.Caller{Role: role}).Can(access.RevealIdentity) {
		w.noWholeNumber(t, where, res.body)
	}
}

// revealRoute is the one read that answers whole numbers (for a reason).
const revealRoute = "GET /api/v1/persons/{id}/identity"

// noWholeNumber fails if body holds a whole resident ID or phone number
// of the world's persons (PIPL's minimum necessary: every read masks them
// for every role, but the one record revealed for a reason).
func (w *world) noWholeNumber(t *testing.T, where string, body []byte) {
	t.Helper()
	for _, p := range []registry.Person{w.pA, w.pB, w.pC} {
		for _, n := range []string{string(p.ResidentID), p.Phone} {
			if n != "" && strings.Contains(string(body), n) {
				t.Errorf("LEAK %s: the whole number %s of person %d: %.300s", where, n, p.ID, body)
			}
		}
	}
}

// outOfScope snapshots the records outside the scoped roles' reach, as the system.
func (w *world) outOfScope(t *testing.T) string {
	t.Helper()
	reg := w.a.reg
	pB, err1 := reg.Person(sysCtx, w.pB.ID)
	e2, err2 := reg.Employer(sysCtx, w.e2.ID)
	r2, err3 := reg.Employment(sysCtx, w.r2.ID)
	fB, err4 := reg.Flexible(sysCtx, w.fB.ID)
	for _, err := range []error{err1, err2, err3, err4} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return fmt.Sprintf("%s %s %s | %s %s | %s %s | %d %s", pB.Name, pB.ResidenceDivision, pB.UpdatedAt, e2.Name, e2.Division, r2.DeclaredWage, r2.UpdatedAt, fB.BasePct, fB.Division)
}
