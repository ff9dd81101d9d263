package web_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hrss/access"
	"hrss/employment"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules"
)

// TestUIOnDemoCity runs the list screens over a generated city: the
// graduates' follow-up list, a seeker's recommendations with their
// explanations (recorded as job leads), and the Excel downloads.
func TestUIOnDemoCity(t *testing.T) {
	city := newBrowserCity(t)
	u := newUIClient(t, city.srv.URL)
	if r := u.do("POST", "/signin", url.Values{"username": {"cw402"}, "password": {city.password}}, nil); r.status != 200 {
		t.Fatalf("sign in: %d", r.status)
	}
	g := u.do("GET", "/graduates", nil, nil)
	if g.status != 200 || !strings.Contains(g.body, "实名服务台账") || !strings.Contains(g.body, `value="330402" selected`) {
		t.Errorf("graduates: %d", g.status)
	}
	if r := u.do("GET", "/graduates?division=330411", nil, nil); r.status == 200 && strings.Contains(r.body, `id="graduates"`) {
		t.Errorf("a caseworker of 330402 reads the list of 330411")
	}
	// record a career guidance for the first graduate of the list
	if m := regexp.MustCompile(`name="person_id" value="([0-9]+)"`).FindStringSubmatch(g.body); m == nil {
		t.Errorf("the list offers no service form")
	} else {
		rec := u.do("POST", "/graduates/services", url.Values{"csrf_token": {u.csrf}, "person_id": {m[1]}, "kind": {"career_guidance"}, "back": {"/graduates?division=330402"}}, nil)
		if rec.status != 200 || !strings.Contains(rec.body, `id="done"`) {
			t.Errorf("record a service: %d %s", rec.status, rec.url)
		}
		if bad := u.do("POST", "/graduates/services", url.Values{"csrf_token": {u.csrf}, "person_id": {m[1]}, "kind": {"job_lead"}}, nil); bad.status != 422 {
			t.Errorf("a job lead without a vacancy: %d", bad.status)
		}
	}
	x := u.do("GET", "/graduates.xlsx?division=330402", nil, nil)
	rows := sheetRows(t, x.body)
	if x.status != 200 || len(rows) < 1 || rows[0][0] != "姓名" || rows[0][6] != "政策宣介" {
		t.Errorf("graduates.xlsx: %d %v", x.status, rows)
	}
	if n := strings.Count(g.body, `<tr class=`); n != len(rows)-1 && n < 50 {
		t.Errorf("the list shows %d graduates, the download %d", n, len(rows)-1)
	}

	p := sheetRows(t, u.do("GET", "/persons.xlsx?division=330402", nil, nil).body)
	if len(p) < 2 || p[0][1] != "公民身份号码" || len(p[1][1]) != 18 {
		t.Fatalf("persons.xlsx: %v", p[:min(2, len(p))])
	}
	for _, row := range p[1:] {
		if row[4] != "南湖区" {
			t.Errorf("persons.xlsx of 330402 holds a person of %s", row[4])
		}
	}
	if r := u.do("GET", "/persons.xlsx", nil, nil); r.status != 422 {
		t.Errorf("persons.xlsx without a query: %d", r.status)
	}

	seekers, err := city.jobs.ListSeekers(sysCtx, employment.SeekerFilter{Division: "330402", Status: employment.Active})
	if err != nil || len(seekers) == 0 {
		t.Fatalf("no active seeker in 330402: %v", err)
	}
	id := itoa(seekers[0].ID)
	m := u.do("GET", "/seekers/"+id+"/matches", nil, nil)
	if m.status != 200 || !strings.Contains(m.body, `class="explanation">匹配度`) {
		t.Fatalf("matches: %d", m.status)
	}
	en := u.do("GET", "/seekers/"+id+"/matches", nil, map[string]string{"Accept-Language": "en"})
	if !strings.Contains(en.body, `class="explanation">`) || strings.Contains(en.body, `class="explanation">匹配度`) {
		t.Errorf("the explanations are not in English")
	}
	r := u.do("POST", "/seekers/"+id+"/recommendations", url.Values{"csrf_token": {u.csrf}}, nil)
	if r.status != 200 || !strings.Contains(r.body, `id="done"`) {
		t.Errorf("recommend: %d %s", r.status, r.url)
	}
	if recs, err := city.jobs.Recommendations(sysCtx, seekers[0].ID, city.inside.Birth); err != nil || len(recs) == 0 {
		t.Errorf("no recommendation recorded: %v", err)
	}
}

// TestUIMonthlyRun starts the assessment of a period from the browser
// forms, follows its progress as run.js does, and sees its summary.
func TestUIMonthlyRun(t *testing.T) {
	city := newBrowserCity(t)
	if _, err := city.acc.CreateUser(sysCtx, access.UserInput{Name: "cwcity", Role: "caseworker", Divisions: []string{"330400"}, Password: city.password}); err != nil {
		t.Fatal(err)
	}
	u := newUIClient(t, city.srv.URL)
	u.do("POST", "/signin", url.Values{"username": {"cwcity"}, "password": {city.password}}, nil)
	if r := u.do("GET", "/runs", nil, nil); r.status != 200 || !strings.Contains(r.body, `id="run-form"`) {
		t.Fatalf("runs page: %d", r.status)
	}
	r := u.do("POST", "/runs", url.Values{"csrf_token": {u.csrf}, "period": {"2026-02"}}, nil)
	if r.status != 200 || !strings.HasPrefix(r.url, "/runs/") || !strings.Contains(r.body, "/static/run.js") && !strings.Contains(r.body, `id="run-summary"`) {
		t.Fatalf("start: %d %s", r.status, r.url)
	}
	var p struct {
		Finished bool   `json:"finished"`
		Percent  int    `json:"percent"`
		Error    string `json:"error"`
	}
	for i := 0; i < 300 && !p.Finished; i++ {
		res := u.do("GET", r.url+"/progress", nil, nil)
		if err := json.Unmarshal([]byte(res.body), &p); err != nil || res.status != 200 {
			t.Fatalf("progress: %d %s", res.status, res.body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !p.Finished || p.Error != "" {
		t.Fatalf("the run did not finish cleanly: %+v", p)
	}
	done := u.do("GET", r.url, nil, nil)
	if !strings.Contains(done.body, `id="run-summary"`) || strings.Contains(done.body, "/static/run.js") {
		t.Errorf("the finished run shows no summary")
	}
	if l := u.do("GET", "/runs?period=2026-02", nil, nil); !strings.Contains(l.body, "2026年2月") || !strings.Contains(l.body, "完成") {
		t.Errorf("the periods page does not list the run")
	}
	// the tax bureau's file: a bad one refused whole, a good one applied once
	es, err := city.reg.FindEmployers(sysCtx, registry.EmployerQuery{Division: "330402", Page: registry.Page{Limit: 1}})
	if err != nil || len(es) == 0 {
		t.Fatal("no employer", err)
	}
	good := "credit_code,period,amount,reference,date\n" + string(es[0].CreditCode) + ",2026-02,100.00,T-0001,2026-03-10\n"
	bad := good + string(es[0].CreditCode) + ",2026-13,abc,T-0002,2026-03-10\n"
	if c := u.uploadFile(t, "/collections", "tax.csv", []byte(bad)); c.status != 422 || !strings.Contains(c.body, `id="collections-errors"`) || !strings.Contains(c.body, `<td class="num">3</td>`) {
		t.Errorf("bad collection file: %d", c.status)
	}
	if c := u.uploadFile(t, "/collections", "tax.csv", []byte(good)); c.status != 200 || !strings.Contains(c.body, `id="collections-applied"`) {
		t.Errorf("collection file: %d", c.status)
	}
	if c := u.uploadFile(t, "/collections", "tax.csv", []byte(good)); !strings.Contains(c.body, "T-0001") {
		t.Errorf("the second import does not list the duplicate")
	}
	// the employer's bill of the run, on its page and in Excel
	ag := newUIClient(t, city.srv.URL)
	if _, err := city.acc.CreateUser(sysCtx, access.UserInput{Name: "agent", Role: "employer_agent", EmployerID: es[0].ID, Password: city.password}); err != nil {
		t.Fatal(err)
	}
	ag.do("POST", "/signin", url.Values{"username": {"agent"}, "password": {city.password}}, nil)
	if pg := ag.do("GET", "/employers/"+itoa(es[0].ID), nil, nil); !strings.Contains(pg.body, "2026年2月") || !strings.Contains(pg.body, `id="bills-xlsx"`) {
		t.Errorf("the employer page lacks the bill of 2026-02")
	}
	if b := sheetRows(t, ag.do("GET", "/employers/"+itoa(es[0].ID)+"/bills.xlsx", nil, nil).body); len(b) != 2 || b[1][0] != "2026-02" {
		t.Errorf("bills.xlsx: %v", b)
	}
	// closed, the period takes no more runs: the run page says why
	if c := u.do("POST", "/runs/close", url.Values{"csrf_token": {u.csrf}, "period": {"2026-02"}}, nil); c.status != 200 || !strings.Contains(c.body, "已关账") {
		t.Errorf("close: %d", c.status)
	}
	again := u.do("POST", "/runs", url.Values{"csrf_token": {u.csrf}, "period": {"2026-02"}}, nil)
	for i := 0; i < 300 && !strings.Contains(again.body, `id="run-error"`); i++ {
		time.Sleep(20 * time.Millisecond)
		again = u.do("GET", again.url, nil, nil)
	}
	if !strings.Contains(again.body, `id="run-error"`) {
		t.Errorf("a run of a closed period shows no error")
	}
	// another user cannot follow it; a caseworker of one division cannot start one
	v := newUIClient(t, city.srv.URL)
	v.do("POST", "/signin", url.Values{"username": {"cw402"}, "password": {city.password}}, nil)
	if res := v.do("GET", r.url, nil, nil); res.status != 404 {
		t.Errorf("someone else's run: %d", res.status)
	}
	if res := v.do("GET", "/runs", nil, nil); strings.Contains(res.body, `id="run-form"`) {
		t.Errorf("a caseworker of 330402 is offered the run")
	}
	// the indicators: an analyst sees the income of the run by division,
	// with its chart, and the employment services' counts; a caseworker
	// only their divisions'; an employer agent neither
	ana := newUIClient(t, city.srv.URL)
	if _, err := city.acc.CreateUser(sysCtx, access.UserInput{Name: "ana", Role: "analyst", Password: city.password}); err != nil {
		t.Fatal(err)
	}
	ana.do("POST", "/signin", url.Values{"username": {"ana"}, "password": {city.password}}, nil)
	ind := ana.do("GET", "/indicators?from=2026-01&to=2026-03", nil, nil)
	if ind.status != 200 || !strings.Contains(ind.body, `id="income-table"`) || !strings.Contains(ind.body, "2026年2月") ||
		!strings.Contains(ind.body, "海宁市") || !strings.Contains(ind.body, `id="employment-indicators"`) || !strings.Contains(ind.body, "/static/indicators.js") {
		t.Errorf("analyst's indicators: %d %s", ind.status, errorOf(ind.body))
	}
	if bad := ana.do("GET", "/indicators?from=2026-13", nil, nil); bad.status != 422 {
		t.Errorf("a bad month: %d", bad.status)
	}
	if own := v.do("GET", "/indicators?from=2026-01&to=2026-03", nil, nil); own.status != 200 || !strings.Contains(own.body, "南湖区") || strings.Contains(own.body, "海宁市</td>") {
		t.Errorf("a caseworker of 330402 sees other divisions' income: %d", own.status)
	}
	if res := ag.do("GET", "/indicators", nil, nil); res.status == 200 && strings.Contains(res.body, `id="income-table"`) {
		t.Errorf("an employer agent reads the indicators")
	}
	// the what-if: one point more on the employer pension rate over 2026-02
	wi := ana.do("GET", "/whatif?name=pension.employer_rate&value=0.17&from=2026-01-01&at=2026-02", nil, nil)
	if wi.status != 200 || !strings.Contains(wi.body, `id="whatif-report"`) || !strings.Contains(wi.body, `id="whatif-current"`) {
		t.Errorf("analyst's what-if: %d %s", wi.status, errorOf(wi.body))
	}
	if m := regexp.MustCompile(`id="whatif-total">([^<]+)<`).FindStringSubmatch(wi.body); m == nil || strings.HasPrefix(m[1], "0.00") || strings.Contains(m[1], "¥0.00") {
		t.Errorf("the what-if changes nothing: %v", m)
	}
	if bad := ana.do("GET", "/whatif?name=pension.employer_rate&value=abc&at=2026-02", nil, nil); bad.status != 422 {
		t.Errorf("a bad value: %d", bad.status)
	}
	if res := v.do("GET", "/whatif?name=pension.employer_rate&value=0.17&at=2026-02", nil, nil); strings.Contains(res.body, `id="whatif-report"`) {
		t.Errorf("a caseworker of one division runs a city-wide what-if")
	}
}

// errorOf returns the error message a page shows, if any.
func errorOf(body string) string {
	if m := regexp.MustCompile(`id="error">([^<]*)<`).FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// sheetRows reads the first sheet of an .xlsx body.
func sheetRows(t *testing.T, body string) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatalf("not an xlsx: %v (%.200s)", err, body)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestUIClaims opens a pension claim from the person page as a
// caseworker, and has it approved by a reviewer: never by its preparer.
func TestUIClaims(t *testing.T) {
	city := newBrowserCity(t)
	if _, err := city.acc.CreateUser(sysCtx, access.UserInput{Name: "rev402", Role: "reviewer", Divisions: []string{"330402"}, Password: city.password}); err != nil {
		t.Fatal(err)
	}
	params, _ := rules.Embedded()
	per := pickPerson(t, city.reg, "330402", func(p registry.Person) bool { return p.Birth.Y == 1966 && p.Sex == ident.Male })
	ret, err := params.RetirementAge(rules.RetirementInput{Category: rules.Male, Birth: per.Birth.Month(), Division: "330402"}, false)
	if err != nil {
		t.Fatal(err)
	}
	cw := newUIClient(t, city.srv.URL)
	cw.do("POST", "/signin", url.Values{"username": {"cw402"}, "password": {city.password}}, nil)
	page := cw.do("GET", "/persons/"+itoa(per.ID), nil, nil)
	if !strings.Contains(page.body, `id="claim-form"`) {
		t.Fatalf("the caseworker is not offered the claim form")
	}
	if r := cw.do("POST", "/persons/"+itoa(per.ID)+"/claims/pension", url.Values{"csrf_token": {cw.csrf}, "category": {"male"}, "retire": {"2026-13"}}, nil); r.status != 422 {
		t.Errorf("bad month: %d", r.status)
	}
	r := cw.do("POST", "/persons/"+itoa(per.ID)+"/claims/pension", url.Values{"csrf_token": {cw.csrf}, "category": {"male"}, "retire": {ret.RetireMonth.String()}, "deemed_years": {"20"}}, nil)
	if r.status != 200 || !strings.HasPrefix(r.url, "/claims/") || !strings.Contains(r.body, `id="four-eyes"`) || strings.Contains(r.body, `id="approve"`) {
		t.Fatalf("open claim: %d %s", r.status, r.url)
	}
	if !strings.Contains(r.body, `id="claim-trace"`) || !strings.Contains(r.body, "pension.basic_rate") {
		t.Errorf("the claim shows no trace")
	}
	claim := r.url
	if x := cw.do("POST", claim+"/approve", url.Values{"csrf_token": {cw.csrf}}, nil); x.status != 403 {
		t.Errorf("the preparer approves: %d", x.status)
	}
	rev := newUIClient(t, city.srv.URL)
	rev.do("POST", "/signin", url.Values{"username": {"rev402"}, "password": {city.password}}, nil)
	if l := rev.do("GET", "/claims", nil, nil); !strings.Contains(l.body, `href="`+claim+`"`) {
		t.Errorf("the pending list lacks the claim")
	}
	if x := sheetRows(t, rev.do("GET", "/claims.xlsx?status=pending", nil, nil).body); len(x) != 2 || x[1][1] != "基本养老金" {
		t.Errorf("claims.xlsx: %v", x)
	}
	if x := rev.do("GET", claim, nil, nil); !strings.Contains(x.body, `id="approve"`) {
		t.Fatalf("the reviewer is not offered the decision")
	}
	x := rev.do("POST", claim+"/approve", url.Values{"csrf_token": {rev.csrf}}, nil)
	if x.status != 200 || !strings.Contains(x.body, "已核准") || !strings.Contains(x.body, "rev402") {
		t.Errorf("approve: %d", x.status)
	}
	// an unemployment claim for a relation ended by the employer
	var ended registry.Employment
	un := pickPerson(t, city.reg, "330402", func(p registry.Person) bool {
		es, err := city.reg.ListEmployments(sysCtx, registry.EmploymentFilter{PersonID: p.ID})
		if err != nil || len(es) == 0 {
			return false
		}
		last := es[len(es)-1]
		if last.End.IsZero() || last.End.Y < 2025 || (last.Separation != registry.SepDismissed && last.Separation != registry.SepContractEnd) {
			return false
		}
		ended = last
		return true
	})
	if pg := cw.do("GET", "/persons/"+itoa(un.ID), nil, nil); !strings.Contains(pg.body, `id="unemployment-claim-form"`) {
		t.Errorf("no unemployment claim form for a person whose relation ended")
	}
	uc := cw.do("POST", "/persons/"+itoa(un.ID)+"/claims/unemployment", url.Values{"csrf_token": {cw.csrf}, "employment_id": {itoa(ended.ID)},
		"registered_on": {ended.End.AddDays(10).String()}, "prior_months": {"60"}}, nil)
	if uc.status != 200 || !strings.HasPrefix(uc.url, "/claims/") || !strings.Contains(uc.body, "失业保险金") {
		t.Errorf("unemployment claim: %d %s %s", uc.status, uc.url, errorOf(uc.body))
	}
	if bad := cw.do("POST", "/persons/"+itoa(un.ID)+"/claims/unemployment", url.Values{"csrf_token": {cw.csrf}, "employment_id": {itoa(ended.ID)}, "registered_on": {"x"}}, nil); bad.status != 422 {
		t.Errorf("bad date: %d", bad.status)
	}
	// the month's payment run pays it, with the bank file
	if _, err := city.acc.CreateUser(sysCtx, access.UserInput{Name: "cwcity", Role: "caseworker", Divisions: []string{"330400"}, Password: city.password}); err != nil {
		t.Fatal(err)
	}
	op := newUIClient(t, city.srv.URL)
	op.do("POST", "/signin", url.Values{"username": {"cwcity"}, "password": {city.password}}, nil)
	op.do("GET", "/runs", nil, nil)
	pay := op.do("POST", "/payments", url.Values{"csrf_token": {op.csrf}, "kind": {"pension"}, "period": {ret.RetireMonth.String()}}, nil)
	m := regexp.MustCompile(`href="(/payments/pension/[0-9-]+/disbursement\.csv\?batch=[0-9]+)"`).FindStringSubmatch(pay.body)
	if pay.status != 200 || m == nil || !strings.Contains(pay.body, `id="payment-count">1<`) {
		t.Fatalf("payment run: %d", pay.status)
	}
	if f := op.do("GET", m[1], nil, nil); f.status != 200 || strings.Count(f.body, "\n") < 2 {
		t.Errorf("disbursement file: %d %q", f.status, f.body)
	}
	if r := cw.do("POST", "/payments", url.Values{"csrf_token": {cw.csrf}, "kind": {"pension"}, "period": {ret.RetireMonth.String()}}, nil); r.status != 403 {
		t.Errorf("a caseworker of one division runs payments: %d", r.status)
	}
}

// TestUISeekerAndVacancy: a citizen registers as a job seeker and sees
// explained recommendations; an employer agent posts a vacancy.
func TestUISeekerAndVacancy(t *testing.T) {
	city := newBrowserCity(t)
	if _, err := city.acc.CreateUser(sysCtx, access.UserInput{Name: "citizen", Role: "citizen", PersonID: city.inside.ID, Password: city.password}); err != nil {
		t.Fatal(err)
	}
	cat, err := city.jobs.Catalog(sysCtx)
	if err != nil {
		t.Fatal(err)
	}
	occ := string(cat.Occupations()[0].Code)
	u := newUIClient(t, city.srv.URL)
	if r := u.do("POST", "/signin", url.Values{"username": {"citizen"}, "password": {city.password}}, nil); r.url != "/persons/"+itoa(city.inside.ID) {
		t.Fatalf("a citizen starts at their record: %s", r.url)
	}
	f := u.do("GET", "/seekers/new", nil, nil)
	if f.status != 200 || !strings.Contains(f.body, `id="seeker-form"`) || !strings.Contains(f.body, city.inside.Name) {
		t.Fatalf("seeker form: %d", f.status)
	}
	if r := u.do("POST", "/seekers", url.Values{"csrf_token": {u.csrf}, "person_id": {itoa(city.inside.ID)}, "occupations": {occ}, "salary_min": {"abc"}}, nil); r.status != 422 || !strings.Contains(r.body, `selected>`+occ) {
		t.Errorf("bad salary: %d; the form keeps the occupation chosen: %v", r.status, strings.Contains(r.body, occ))
	}
	r := u.do("POST", "/seekers", url.Values{"csrf_token": {u.csrf}, "person_id": {itoa(city.inside.ID)}, "occupations": {occ}, "salary_min": {"5000.00"}, "mobility": {"city"}}, nil)
	if r.status != 200 || !strings.HasSuffix(r.url, "/matches") || !strings.Contains(r.body, `id="matches"`) {
		t.Fatalf("register: %d %s", r.status, r.url)
	}
	// someone else's person: refused as not found
	if r := u.do("GET", "/seekers/new?person="+itoa(city.outside.ID), nil, nil); r.status != 404 {
		t.Errorf("a citizen registers someone else: %d", r.status)
	}

	es, err := city.reg.FindEmployers(sysCtx, registry.EmployerQuery{Division: "330402", Page: registry.Page{Limit: 1}})
	if err != nil || len(es) == 0 {
		t.Fatalf("no employer in 330402: %v", err)
	}
	if _, err := city.acc.CreateUser(sysCtx, access.UserInput{Name: "agent", Role: "employer_agent", EmployerID: es[0].ID, Password: city.password}); err != nil {
		t.Fatal(err)
	}
	a := newUIClient(t, city.srv.URL)
	a.do("POST", "/signin", url.Values{"username": {"agent"}, "password": {city.password}}, nil)
	path := "/employers/" + itoa(es[0].ID) + "/vacancies"
	if v := a.do("GET", path, nil, nil); v.status != 200 || !strings.Contains(v.body, `id="vacancy-form"`) {
		t.Fatalf("vacancies: %d", v.status)
	}
	post := url.Values{"csrf_token": {a.csrf}, "title": {"装配工"}, "occupation": {occ}, "education": {"none"}, "salary_min": {"6000.00"},
		"salary_max": {"5000.00"}, "openings": {"2"}, "valid_to": {"2026-06-30"}}
	if v := a.do("POST", path, post, nil); v.status != 422 || !strings.Contains(v.body, `value="装配工"`) {
		t.Errorf("salary range upside down: %d", v.status)
	}
	post.Set("salary_max", "9000.00")
	if v := a.do("POST", path, post, nil); v.status != 200 || !strings.Contains(v.body, `id="done"`) || !strings.Contains(v.body, "<td>装配工</td>") {
		t.Errorf("post: %d %s", v.status, v.url)
	}
}

// TestUILinks follows every link of the screens, as each role, from its
// start page: none may fail, and none may lead to a refusal (a screen
// offers only what its reader may open).
func TestUILinks(t *testing.T) {
	city := newBrowserCity(t)
	es, err := city.reg.FindEmployers(sysCtx, registry.EmployerQuery{Division: "330402", Page: registry.Page{Limit: 1}})
	if err != nil || len(es) == 0 {
		t.Fatal("no employer", err)
	}
	users := []access.UserInput{
		{Name: "cw402"}, // created by newBrowserCity
		{Name: "cwcity", Role: "caseworker", Divisions: []string{"330400"}},
		{Name: "rev402", Role: "reviewer", Divisions: []string{"330402"}},
		{Name: "citizen", Role: "citizen", PersonID: city.inside.ID},
		{Name: "agent", Role: "employer_agent", EmployerID: es[0].ID},
		{Name: "ana", Role: "analyst"}, {Name: "admin", Role: "administrator"}, {Name: "aud", Role: "auditor"},
	}
	href := regexp.MustCompile(`href="(/[^"]*)"`)
	for _, in := range users {
		if in.Role != "" {
			in.Password = city.password
			if _, err := city.acc.CreateUser(sysCtx, in); err != nil {
				t.Fatal(err)
			}
		}
		u := newUIClient(t, city.srv.URL)
		start := u.do("POST", "/signin", url.Values{"username": {in.Name}, "password": {city.password}}, nil)
		seen, queue := map[string]bool{}, []string{start.url}
		for len(queue) > 0 && len(seen) < 40 {
			p := queue[0]
			queue = queue[1:]
			if seen[p] {
				continue
			}
			seen[p] = true
			r := u.do("GET", p, nil, nil)
			if r.status != 200 {
				t.Errorf("%s: %s answers %d", in.Name, p, r.status)
				continue
			}
			for _, m := range href.FindAllStringSubmatch(r.body, -1) {
				l := strings.ReplaceAll(m[1], "&amp;", "&")
				if strings.HasPrefix(l, "/static/") || strings.Contains(l, ".xlsx") || strings.Contains(l, ".csv") {
					continue
				}
				queue = append(queue, l)
			}
		}
		if len(seen) < 3 {
			t.Errorf("%s reached only %v", in.Name, seen)
		}
	}
}
