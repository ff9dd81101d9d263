package web_test

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"hrss/access"
	"hrss/employment"
	"hrss/insight"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
	"hrss/web"
)

// optimisticApp is a served app whose clock moves a little at every
// reading, as a real one does between two saves.
func optimisticApp(t *testing.T, db *store.DB) *app {
	t.Helper()
	v, _ := ident.NewVault(make([]byte, 32))
	var mu sync.Mutex
	clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	tick := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(1001 * time.Microsecond)
		return clock
	}
	reg := &registry.Service{Store: db.Registry(), Vault: v, Now: tick}
	acc := &access.Service{Store: db.Access(), TOTPKey: make([]byte, 32)}
	jobs := &employment.Service{Store: db.Jobs(), Now: tick}
	srv := httptest.NewServer((&web.Server{Registry: reg, Access: acc, Jobs: jobs, Insurance: testInsurance(db, reg), Support: testSupport(db, reg),
		Insight: testInsight(db, reg), DB: db}).Handler())
	t.Cleanup(srv.Close)
	return &app{srv: srv, reg: reg, acc: acc, jobs: jobs}
}

// optimisticWorld is a person, an employer and their relation in 330402.
type optimisticWorld struct {
	person   registry.Person
	employer registry.Employer
	rel      registry.Employment
}

func newOptimisticWorld(t *testing.T, a *app) optimisticWorld {
	t.Helper()
	p, err := a.reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: string(ident.NewResidentID("330402", period.Date{Y: 1990, M: 3, D: 3}, 71)),
		Name: "乐观甲", ResidenceDivision: "330402", Education: "bachelor"})
	if err != nil {
		t.Fatal(err)
	}
	e, err := a.reg.CreateEmployer(sysCtx, registry.EmployerInput{CreditCode: string(ident.NewCreditCode('9', '1', "330402", 71001)), Name: "乐观测试有限公司",
		IndustrySection: "C", IndustryDivision: "39", Division: "330402", RiskClass: 2})
	if err != nil {
		t.Fatal(err)
	}
	rel, err := a.reg.CreateEmployment(sysCtx, registry.EmploymentInput{PersonID: p.ID, EmployerID: e.ID, Start: "2025-01-01", DeclaredWage: "6000.00"})
	if err != nil {
		t.Fatal(err)
	}
	return optimisticWorld{p, e, rel}
}

// TestAPIOptimisticEveryRecord: over the API, on each engine, the update
// of a job seeker, a payee account, a target and a yearly declaration
// sent with the updated_at read succeeds once and is then refused with
// 409 record.changed (in the caller's language), changing nothing.
func TestAPIOptimisticEveryRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := optimisticApp(t, db)
		w := newOptimisticWorld(t, a)
		a.user(t, access.UserInput{Name: "opt-cw", Role: "caseworker", Divisions: []string{"330402"}})
		a.user(t, access.UserInput{Name: "opt-ana", Role: "analyst"})
		cw, ana := a.signIn(t, "opt-cw"), a.signIn(t, "opt-ana")
		sk, err := a.jobs.RegisterSeeker(sysCtx, employment.SeekerInput{PersonID: w.person.ID, Occupations: []string{"2-02-10-03"}, SalaryMin: "6000"})
		if err != nil {
			t.Fatal(err)
		}
		none := access.Seen(time.Time{})
		cases := []struct {
			name, token, method, path string
			body                      func(seen string) string
			seen                      string
		}{
			{"seeker", cw, "PUT", "/api/v1/seekers/" + itoa(sk.ID), func(seen string) string {
				return `{"occupations":["2-02-10-03"],"salary_min":"7000","updated_at":"` + seen + `"}`
			}, access.Seen(sk.UpdatedAt)},
			{"payee", cw, "PUT", "/api/v1/payees/employer/" + itoa(w.employer.ID), func(seen string) string {
				return `{"bank":"嘉兴银行","account":"62220000111122223333","holder":"乐观测试有限公司","updated_at":"` + seen + `"}`
			}, none},
			{"target", ana, "PUT", "/api/v1/targets", func(seen string) string {
				return `{"year":2026,"indicator":"new_urban_jobs","division":"330400","value":"1000","updated_at":"` + seen + `"}`
			}, none},
			{"wage", cw, "POST", "/api/v1/wages", func(seen string) string {
				return `{"declarations":[{"employment_id":` + itoa(w.rel.ID) + `,"year":2025,"declared_wage":"8000.00","updated_at":"` + seen + `"}]}`
			}, none},
		}
		for _, c := range cases {
			if r := a.do(t, c.token, c.method, c.path, c.body(c.seen), nil); r.status/100 != 2 {
				t.Fatalf("%s: with the updated_at read: %d %s", c.name, r.status, r.body)
			}
			r := a.do(t, c.token, c.method, c.path+"?lang=zh-CN", c.body(c.seen), nil)
			if m := r.json(); r.status != 409 || m["rule"] != "record.changed" || !strings.Contains(m["message"].(string), "请重新载入") {
				t.Fatalf("%s: a stale update: %d %s", c.name, r.status, r.body)
			}
		}
		got, err := a.jobs.Seeker(sysCtx, sk.ID)
		if err != nil || got.SalaryMin != money.Yuan(7000) {
			t.Fatalf("the seeker after the refusal: %+v %v", got, err)
		}
		r := a.do(t, cw, "PUT", "/api/v1/seekers/"+itoa(sk.ID), cases[0].body(access.Seen(got.UpdatedAt)), nil)
		var fresh struct {
			UpdatedAt time.Time `json:"updated_at"`
		}
		if r.status != 200 || json.Unmarshal(r.body, &fresh) != nil || fresh.UpdatedAt.Equal(got.UpdatedAt) {
			t.Fatalf("an update with the updated_at read again: %d %s", r.status, r.body)
		}
	})
}

var seenRE = regexp.MustCompile(`name="updated_at" value="([^"]*)"`)

// seenIn is the updated_at the first edit form after marker in body carries.
func seenIn(t *testing.T, body, marker string) string {
	t.Helper()
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatalf("no %s on the page", marker)
	}
	m := seenRE.FindStringSubmatch(body[i:])
	if m == nil {
		t.Fatalf("the form after %s carries no updated_at", marker)
	}
	return m[1]
}

// TestUIOptimisticForms: on each engine, two caseworkers (and two
// administrators, two analysts) open the same edit form (a relation's
// separation, a year's declaration, a user's state, a target); the first
// saves, the second's save, sent with the updated_at the form was
// rendered with, is refused with 409 and the message naming the record and
// asking to reload, in Chinese and in English, and nothing of it is written.
func TestUIOptimisticForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := optimisticApp(t, db)
		w := newOptimisticWorld(t, a)
		for _, in := range []access.UserInput{
			{Name: "cw-a", Role: "caseworker", Divisions: []string{"330402"}},
			{Name: "cw-b", Role: "caseworker", Divisions: []string{"330402"}},
			{Name: "adm-a", Role: "administrator"}, {Name: "adm-b", Role: "administrator"},
			{Name: "ana-a", Role: "analyst"}, {Name: "ana-b", Role: "analyst"},
		} {
			a.user(t, in)
		}
		client := func(name string) *uiClient {
			u := newUIClient(t, a.srv.URL)
			if r := u.do("POST", "/signin", url.Values{"username": {name}, "password": {"pw-" + name + "-long"}}, nil); r.status != 200 {
				t.Fatalf("sign in %s: %d", name, r.status)
			}
			return u
		}
		english := func(u *uiClient) {
			u.do("POST", "/lang", url.Values{"lang": {"en"}, "back": {"/"}, "csrf_token": {u.csrf}}, nil)
		}
		refused := func(what string, r uiResponse, record string, en bool) {
			t.Helper()
			msg := errorOf(r.body)
			want := "请重新载入"
			if en {
				want = "reload the page"
			}
			if r.status != 409 || !strings.Contains(msg, record) || !strings.Contains(msg, want) {
				t.Fatalf("%s: the second save: %d %q", what, r.status, msg)
			}
		}
		// the separation of a relation
		A, B := client("cw-a"), client("cw-b")
		form := "/employments/" + itoa(w.rel.ID) + "/separate"
		seenA, seenB := seenIn(t, A.do("GET", form, nil, nil).body, `id="separate-form"`), seenIn(t, B.do("GET", form, nil, nil).body, `id="separate-form"`)
		if seenA != access.Seen(w.rel.UpdatedAt) || seenA != seenB {
			t.Fatalf("the separate form carries %q and %q, the relation %s", seenA, seenB, access.Seen(w.rel.UpdatedAt))
		}
		if r := A.do("POST", form, url.Values{"csrf_token": {A.csrf}, "end": {"2026-02-27"}, "separation": {string(registry.SepResignation)}, "updated_at": {seenA}}, nil); r.status != 200 || !strings.Contains(r.url, "done=separated") {
			t.Fatalf("the first separation: %d %s %q", r.status, r.url, errorOf(r.body))
		}
		sep := url.Values{"csrf_token": {B.csrf}, "end": {"2026-02-20"}, "separation": {string(registry.SepMutual)}, "updated_at": {seenB}}
		refused("separate", B.do("POST", form, sep, nil), "劳动关系 #"+itoa(w.rel.ID), false)
		english(B)
		sep.Set("csrf_token", B.csrf)
		refused("separate (en)", B.do("POST", form, sep, nil), "employment relation #"+itoa(w.rel.ID), true)
		if e, _ := a.reg.Employment(sysCtx, w.rel.ID); e.End != (period.Date{Y: 2026, M: 2, D: 27}) || e.Separation != registry.SepResignation {
			t.Fatalf("the refused separation was written: %+v", e)
		}

		// a year's declaration, re-declared from its row
		if _, err := a.reg.DeclareWages(sysCtx, []registry.WageChange{{Input: registry.WageInput{EmploymentID: w.rel.ID, Year: 2025, Wage: "6500.00"}}}); err != nil {
			t.Fatal(err)
		}
		page := "/employers/" + itoa(w.employer.ID) + "/wages?year=2025"
		row := `id="wage-` + itoa(w.rel.ID) + `"`
		seenA, seenB = seenIn(t, A.do("GET", page, nil, nil).body, row), seenIn(t, B.do("GET", page, nil, nil).body, row)
		redeclare := func(u *uiClient, wage, seen string) uiResponse {
			return u.do("POST", "/employers/"+itoa(w.employer.ID)+"/wages/redeclare?year=2025", url.Values{"csrf_token": {u.csrf},
				"employment_id": {itoa(w.rel.ID)}, "year": {"2025"}, "declared_wage": {wage}, "updated_at": {seen}}, nil)
		}
		if r := redeclare(A, "9000.00", seenA); r.status != 200 || !strings.Contains(r.body, `id="wage-redeclared"`) {
			t.Fatalf("the first re-declaration: %d %q", r.status, errorOf(r.body))
		}
		refused("re-declare (en)", redeclare(B, "9500.00", seenB), "yearly base declaration #"+itoa(w.rel.ID)+" 2025", true)
		if ds, _ := a.reg.ListWages(sysCtx, registry.WageFilter{EmploymentID: w.rel.ID}); len(ds) != 1 || ds[0].DeclaredWage != money.Yuan(9000) {
			t.Fatalf("the declaration after the refused one: %+v", ds)
		}

		// a vacancy, opened from its row
		vac, err := a.jobs.PostVacancy(sysCtx, employment.VacancyInput{EmployerID: w.employer.ID, Title: "会计", Occupation: "2-02-10-03",
			SalaryMin: "6000", SalaryMax: "8000", Openings: 1, ValidTo: "2026-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		list := "/employers/" + itoa(w.employer.ID) + "/vacancies"
		if r := A.do("GET", list, nil, nil); !strings.Contains(r.body, `id="vacancy-edit-`+itoa(vac.ID)+`"`) {
			t.Fatalf("the vacancies list offers no change: %d", r.status)
		}
		seenA, seenB = seenIn(t, A.do("GET", list+"?edit="+itoa(vac.ID), nil, nil).body, `id="vacancy-form"`), seenIn(t, B.do("GET", list+"?edit="+itoa(vac.ID), nil, nil).body, `id="vacancy-form"`)
		change := func(u *uiClient, openings, seen string) uiResponse {
			return u.do("POST", list, url.Values{"csrf_token": {u.csrf}, "vacancy_id": {itoa(vac.ID)}, "updated_at": {seen}, "title": {"会计"},
				"occupation": {"2-02-10-03"}, "salary_min": {"6000.00"}, "salary_max": {"8000.00"}, "openings": {openings}, "valid_to": {"2026-12-31"}}, nil)
		}
		if r := change(A, "3", seenA); r.status != 200 || !strings.Contains(r.url, "done=updated") {
			t.Fatalf("the first vacancy change: %d %s %q", r.status, r.url, errorOf(r.body))
		}
		refused("vacancy (en)", change(B, "5", seenB), "vacancy #"+itoa(vac.ID)+" 会计", true)
		if got, _ := a.jobs.Vacancy(sysCtx, vac.ID); got.Openings != 3 {
			t.Fatalf("the vacancy after the refused change: %+v", got)
		}

		// a user's state
		target := a.user(t, access.UserInput{Name: "opt-target", Role: "auditor"})
		X, Y := client("adm-a"), client("adm-b")
		userRow := `action="/users/` + itoa(target.ID) + `/`
		seenA, seenB = seenIn(t, X.do("GET", "/users", nil, nil).body, userRow), seenIn(t, Y.do("GET", "/users", nil, nil).body, userRow)
		if r := X.do("POST", "/users/"+itoa(target.ID)+"/disable", url.Values{"csrf_token": {X.csrf}, "updated_at": {seenA}}, nil); r.status != 200 {
			t.Fatalf("the first disable: %d %q", r.status, errorOf(r.body))
		}
		refused("user", Y.do("POST", "/users/"+itoa(target.ID)+"/disable", url.Values{"csrf_token": {Y.csrf}, "updated_at": {seenB}}, nil), "用户 opt-target", false)

		// a target, opened from its row
		if _, err := insightOf[a.reg].SetTarget(sysCtx, insight.TargetInput{Year: 2026, Indicator: "new_urban_jobs", Division: "330400", Value: "500"}); err != nil {
			t.Fatal(err)
		}
		P, Q := client("ana-a"), client("ana-b")
		edit := "/targets?year=2026&indicator=new_urban_jobs&division=330400"
		seenA, seenB = seenIn(t, P.do("GET", edit, nil, nil).body, `id="target-form"`), seenIn(t, Q.do("GET", edit, nil, nil).body, `id="target-form"`)
		set := func(u *uiClient, value, seen string) uiResponse {
			return u.do("POST", "/targets", url.Values{"csrf_token": {u.csrf}, "year": {"2026"}, "indicator": {"new_urban_jobs"}, "division": {"330400"},
				"value": {value}, "target_key": {"2026/new_urban_jobs/330400"}, "updated_at": {seen}}, nil)
		}
		if r := set(P, "600", seenA); r.status != 200 || errorOf(r.body) != "" {
			t.Fatalf("the first target change: %d %q", r.status, errorOf(r.body))
		}
		refused("target", set(Q, "700", seenB), "年度目标", false)
		if ts, _ := insightOf[a.reg].Targets(sysCtx, 2026); len(ts) != 1 || ts[0].Text != "600" {
			t.Fatalf("the target after the refused change: %+v", ts)
		}
	})
}
