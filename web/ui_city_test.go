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
	"hrss/rules/period"
	"hrss/support"
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
	if m.status != 200 || !strings.Contains(m.body, `class="explanation">匹配度 `) || !strings.Contains(m.body, "）；技能 ") || !strings.Contains(m.body, "；学历 ") {
		t.Fatalf("matches: %d", m.status)
	}
	en := u.do("GET", "/seekers/"+id+"/matches", nil, map[string]string{"Accept-Language": "en"})
	if !strings.Contains(en.body, `class="explanation">Score `) || !strings.Contains(en.body, "); skills ") || strings.Contains(en.body, `class="explanation">匹配度`) {
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
	page := u.do("GET", "/runs", nil, nil)
	if page.status != 200 || !strings.Contains(page.body, `id="run-form"`) {
		t.Fatalf("runs page: %d", page.status)
	}
	runKey := regexp.MustCompile(`name="request_key" value="([^"]+-run)"`).FindStringSubmatch(page.body)
	if runKey == nil {
		t.Fatal("the run form sends no request key")
	}
	runForm := url.Values{"csrf_token": {u.csrf}, "period": {"2026-02"}, "request_key": {runKey[1]}}
	r := u.do("POST", "/runs", runForm, nil)
	if twice := u.do("POST", "/runs", runForm, nil); twice.url != r.url {
		t.Errorf("the run form submitted twice went to %s, not to the first's job %s", twice.url, r.url)
	}
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
	// the close is a job of the queue too: its page follows it to the end
	// refused at once, nothing queued, a month never assessed; the close
	// button sends its form's request key
	if res := u.do("POST", "/runs/close", url.Values{"csrf_token": {u.csrf}, "period": {"2020-01"}}, nil); res.status != 404 || res.url != "/runs/close" {
		t.Errorf("the close of a month never assessed: %d %s", res.status, res.url)
	}
	if l := u.do("GET", "/runs?period=2026-02", nil, nil); !regexp.MustCompile(`name="request_key" value="[^"]+-2026-02"><button type="submit" class="secondary" id="close-2026-02"`).MatchString(l.body) {
		t.Errorf("the close button of 2026-02 sends no request key of its own")
	}
	closeForm := url.Values{"csrf_token": {u.csrf}, "period": {"2026-02"}, "request_key": {"ui-close-2026-02"}}
	closing := u.do("POST", "/runs/close", closeForm, nil)
	for i := 0; i < 300 && closing.status == 200 && !strings.Contains(closing.body, `id="close-summary"`); i++ {
		time.Sleep(20 * time.Millisecond)
		closing = u.do("GET", closing.url, nil, nil)
	}
	if !strings.Contains(closing.body, `id="close-summary"`) || !strings.Contains(closing.body, "关账完成") || !strings.Contains(closing.body, "已关账") {
		t.Errorf("close: %d %s", closing.status, closing.body)
	}
	if twice := u.do("POST", "/runs/close", closeForm, nil); twice.url != closing.url {
		t.Errorf("the close form submitted twice went to %s, not to the first's job %s", twice.url, closing.url)
	}
	if l := u.do("GET", "/runs?period=2026-02", nil, nil); !strings.Contains(l.body, "已关账") || !strings.Contains(l.body, "月度关账") {
		t.Errorf("the periods page does not show the period closed by its job")
	}
	if again := u.do("POST", "/runs", url.Values{"csrf_token": {u.csrf}, "period": {"2026-02"}}, nil); again.status != 409 || again.url != "/runs" {
		t.Errorf("a run of a closed period is not refused at once: %d %s", again.status, again.url)
	}
	// the run is a job of the queue: a reviewer, who may not run the
	// bureau's batch jobs, does not see it (as in the queue's API); a
	// caseworker of one division is not offered the form
	if _, err := city.acc.CreateUser(sysCtx, access.UserInput{Name: "rvcity", Role: "reviewer", Divisions: []string{"330400"}, Password: city.password}); err != nil {
		t.Fatal(err)
	}
	rv := newUIClient(t, city.srv.URL)
	rv.do("POST", "/signin", url.Values{"username": {"rvcity"}, "password": {city.password}}, nil)
	if res := rv.do("GET", r.url, nil, nil); res.status != 404 {
		t.Errorf("a reviewer follows the run: %d", res.status)
	}
	if res := rv.do("GET", r.url+"/progress", nil, nil); res.status != 404 {
		t.Errorf("a reviewer reads the run's progress: %d", res.status)
	}
	v := newUIClient(t, city.srv.URL)
	v.do("POST", "/signin", url.Values{"username": {"cw402"}, "password": {city.password}}, nil)
	if res := v.do("GET", "/runs", nil, nil); strings.Contains(res.body, `id="run-form"`) {
		t.Errorf("a caseworker of 330402 is offered the run")
	}
	// the indicators: an analyst sees the run's contributions billed by
	// division and month, charted, and the employment services' counts; a
	// caseworker only their divisions'; an employer agent neither
	ana := newUIClient(t, city.srv.URL)
	if _, err := city.acc.CreateUser(sysCtx, access.UserInput{Name: "ana", Role: "analyst", Password: city.password}); err != nil {
		t.Fatal(err)
	}
	ana.do("POST", "/signin", url.Values{"username": {"ana"}, "password": {city.password}}, nil)
	ind := ana.do("GET", "/indicators/contribution_billed?year=2026", nil, nil)
	if ind.status != 200 || !strings.Contains(ind.body, `id="indicator-table"`) || !strings.Contains(ind.body, "2026年2月") ||
		!strings.Contains(ind.body, "海宁市") || !strings.Contains(ind.body, `id="trend-chart"`) || !strings.Contains(ind.body, "/static/insight.js") {
		t.Errorf("analyst's indicators: %d %s", ind.status, errorOf(ind.body))
	}
	if ov := ana.do("GET", "/indicators", nil, nil); ov.status != 200 || !strings.Contains(ov.body, `id="employment-indicators"`) || !strings.Contains(ov.body, `id="overview"`) {
		t.Errorf("analyst's overview: %d %s", ov.status, errorOf(ov.body))
	}
	if bad := ana.do("GET", "/indicators?year=2026-13", nil, nil); bad.status != 422 {
		t.Errorf("a bad year: %d", bad.status)
	}
	if own := v.do("GET", "/indicators/contribution_billed?year=2026", nil, nil); own.status != 200 || !strings.Contains(own.body, "南湖区") || strings.Contains(own.body, "海宁市") {
		t.Errorf("a caseworker of 330402 sees other divisions' contributions: %d", own.status)
	}
	if res := ag.do("GET", "/indicators", nil, nil); res.status != 403 || strings.Contains(res.body, `id="overview"`) {
		t.Errorf("an employer agent reads the indicators: %d", res.status)
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
	// the claim reads the person's unemployment registration: none is typed in
	if act, err := city.jobs.ListUnemployment(sysCtx, employment.SeekerFilter{PersonID: un.ID, Status: employment.Active}); err != nil {
		t.Fatal(err)
	} else if len(act) == 0 {
		if _, err := city.jobs.RegisterUnemployed(sysCtx, employment.UnemploymentInput{PersonID: un.ID, Registered: ended.End.AddDays(10).String()}); err != nil {
			t.Fatal(err)
		}
	}
	uc := cw.do("POST", "/persons/"+itoa(un.ID)+"/claims/unemployment", url.Values{"csrf_token": {cw.csrf}, "employment_id": {itoa(ended.ID)},
		"prior_months": {"60"}}, nil)
	if uc.status != 200 || !strings.HasPrefix(uc.url, "/claims/") || !strings.Contains(uc.body, "失业保险金") {
		t.Errorf("unemployment claim: %d %s %s", uc.status, uc.url, errorOf(uc.body))
	}
	if bad := cw.do("POST", "/persons/"+itoa(un.ID)+"/claims/unemployment", url.Values{"csrf_token": {cw.csrf}, "employment_id": {"x"}}, nil); bad.status != 422 {
		t.Errorf("bad relation: %d", bad.status)
	}
	// the month's payment run pays it, with the bank file
	if _, err := city.acc.CreateUser(sysCtx, access.UserInput{Name: "cwcity", Role: "caseworker", Divisions: []string{"330400"}, Password: city.password}); err != nil {
		t.Fatal(err)
	}
	op := newUIClient(t, city.srv.URL)
	op.do("POST", "/signin", url.Values{"username": {"cwcity"}, "password": {city.password}}, nil)
	runs := op.do("GET", "/runs", nil, nil)
	key := regexp.MustCompile(`name="request_key" value="([^"]+)"`).FindStringSubmatch(runs.body)
	if key == nil {
		t.Fatalf("the pay form has no request key")
	}
	form := url.Values{"csrf_token": {op.csrf}, "kind": {"pension"}, "period": {ret.RetireMonth.String()}, "request_key": {key[1]}}
	pay := op.do("POST", "/payments", form, nil)
	m := regexp.MustCompile(`href="(/payments/pension/[0-9-]+/disbursement\.csv\?batch=[0-9]+)"`).FindStringSubmatch(pay.body)
	if pay.status != 200 || m == nil || !strings.Contains(pay.body, `id="payment-count">1<`) || strings.Contains(pay.body, `id="payment-repeated"`) {
		t.Fatalf("payment run: %d", pay.status)
	}
	// the same form submitted again (a double click): the batch it paid, nothing paid now
	if again := op.do("POST", "/payments", form, nil); again.status != 200 || !strings.Contains(again.body, `id="payment-repeated"`) || !strings.Contains(again.body, m[1]) || !strings.Contains(again.body, `id="payment-count">1<`) {
		t.Fatalf("the form submitted again: %d %s", again.status, errorOf(again.body))
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
	// grants to list: an internship's host subsidy and whatever else the scan finds in the city
	fx := newSupportFixture(t, city)
	if _, err := city.sup.RecordInternship(sysCtx, support.InternshipInput{EmployerID: fx.host.ID, PersonID: fx.graduate.ID,
		Start: "2025-07-01", End: "2025-12-31", Allowance: "3000.00"}); err != nil {
		t.Fatal(err)
	}
	if _, err := city.sup.Scan(sysCtx, support.ScanOptions{}); err != nil {
		t.Fatal(err)
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

// supportFixture is the data the support screens' tests start from: a
// graduate of 2025 living in 330402 who has not worked since, and a host
// employer of 330402.
type supportFixture struct {
	graduate registry.Person
	host     registry.Employer
}

func newSupportFixture(t *testing.T, city browserCity) supportFixture {
	t.Helper()
	es, err := city.reg.FindEmployers(sysCtx, registry.EmployerQuery{Division: "330402", Page: registry.Page{Limit: 1}})
	if err != nil || len(es) == 0 {
		t.Fatal("no employer", err)
	}
	g, err := city.reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: string(ident.NewResidentID("330402", period.Date{Y: 2003, M: 3, D: 3}, 77)),
		Name: "见习生甲", ResidenceDivision: "330402", Education: "bachelor",
		Graduation: &registry.GraduationInput{School: "嘉兴大学", Major: "会计学", Degree: "bachelor", Date: "2025-06-30"}})
	if err != nil {
		t.Fatal(err)
	}
	return supportFixture{graduate: g, host: es[0]}
}

// signedIn returns a client signed in as name (with the city's password).
func signedIn(t *testing.T, city browserCity, name string) *uiClient {
	t.Helper()
	u := newUIClient(t, city.srv.URL)
	if r := u.do("POST", "/signin", url.Values{"username": {name}, "password": {city.password}}, nil); r.status != 200 {
		t.Fatalf("sign in %s: %d", name, r.status)
	}
	return u
}

// TestUISupport runs the support programmes through the screens: an
// internship recorded, a scan that finds its host subsidy with the
// reason in both languages, the employer's and the citizen's views, the
// Excel download, a batch prepared and approved by another person (four
// eyes shown translated), the payee account, a payment run with its bank
// file, a refused and an accepted bank return, the grant paid; a loan
// applied for, approved and its subsidy claimed; the programme pages.
func TestUISupport(t *testing.T) {
	city := newBrowserCity(t)
	fx := newSupportFixture(t, city)
	for _, in := range []access.UserInput{
		{Name: "cwcity", Role: "caseworker", Divisions: []string{"330400"}},
		{Name: "rev402", Role: "reviewer", Divisions: []string{"330402"}},
		{Name: "agent", Role: "employer_agent", EmployerID: fx.host.ID},
		{Name: "intern", Role: "citizen", PersonID: fx.graduate.ID},
		{Name: "ana", Role: "analyst"},
	} {
		in.Password = city.password
		if _, err := city.acc.CreateUser(sysCtx, in); err != nil {
			t.Fatal(err)
		}
	}
	cw := signedIn(t, city, "cw402")
	// the internship, recorded by a caseworker of the host's division
	if r := cw.do("GET", "/internships?employer="+itoa(fx.host.ID), nil, nil); r.status != 200 || !strings.Contains(r.body, `id="internship-form"`) {
		t.Fatalf("internships: %d", r.status)
	}
	form := url.Values{"csrf_token": {cw.csrf}, "employer_id": {itoa(fx.host.ID)}, "intern": {string(fx.graduate.ResidentID)},
		"start": {"2025-07-01"}, "end": {"2025-12-31"}, "allowance": {"abc"}}
	if r := cw.do("POST", "/internships", form, nil); r.status != 422 || !strings.Contains(r.body, "见习生活补助应为大于0的月金额") || !strings.Contains(r.body, `value="2025-07-01"`) {
		t.Errorf("a bad allowance: %d %s", r.status, errorOf(r.body))
	}
	form.Set("allowance", "3000.00")
	if r := cw.do("POST", "/internships", form, nil); r.status != 200 || !strings.Contains(r.url, "done=recorded") || !strings.Contains(r.body, "3,000.00 元") {
		t.Fatalf("record the internship: %d %s %s", r.status, r.url, errorOf(r.body))
	}
	// the scan: a city-wide caseworker's, twice (the second finds nothing new)
	if r := cw.do("GET", "/grants", nil, nil); strings.Contains(r.body, `id="scan-form"`) {
		t.Errorf("a caseworker of one division is offered the scan")
	}
	if r := cw.do("POST", "/grant-scans", url.Values{"csrf_token": {cw.csrf}}, nil); r.status != 403 {
		t.Errorf("a caseworker of one division scans: %d", r.status)
	}
	city2 := signedIn(t, city, "cwcity")
	if r := city2.do("GET", "/grants", nil, nil); !strings.Contains(r.body, `id="scan-form"`) {
		t.Fatalf("no scan form for a city-wide caseworker")
	}
	created := regexp.MustCompile(`id="scan-created-internship">([0-9,]+)<`)
	sc := city2.do("POST", "/grant-scans", url.Values{"csrf_token": {city2.csrf}, "programme": {"internship"}, "as_of": {"2026-03-01"}}, nil)
	if m := created.FindStringSubmatch(sc.body); sc.status != 200 || m == nil || m[1] == "0" {
		t.Fatalf("scan: %d %v %s", sc.status, m, errorOf(sc.body))
	}
	again := city2.do("POST", "/grant-scans", url.Values{"csrf_token": {city2.csrf}, "programme": {"internship"}}, nil)
	if m := created.FindStringSubmatch(again.body); m == nil || m[1] != "0" {
		t.Errorf("the second scan created %v", m)
	}
	gs, err := city.sup.Grants(sysCtx, support.GrantFilter{Programme: "internship", PersonID: fx.graduate.ID})
	if err != nil || len(gs) != 1 {
		t.Fatalf("the internship's grant: %v %v", gs, err)
	}
	g := gs[0]
	gid := itoa(g.ID)
	// the caseworker's queue: by division and programme, the reason in the reader's language
	q := cw.do("GET", "/grants?programme=internship", nil, nil)
	if q.status != 200 || !strings.Contains(q.body, `id="grant-row-`+gid+`"`) || !strings.Contains(q.body, "离校2年内未就业的高校毕业生（2025年6月30日离校）；按见习6个月计") ||
		!strings.Contains(q.body, `id="queue"`) || !strings.Contains(q.body, `id="batch-form-330402"`) {
		t.Errorf("the queue: %d %s", q.status, errorOf(q.body))
	}
	en := cw.do("GET", "/grants?programme=internship", nil, map[string]string{"Accept-Language": "en"})
	if !strings.Contains(en.body, "a graduate not yet employed within 2 years of leaving school (left 30 Jun 2025); for 6 months of internship") {
		t.Errorf("the reason is not in English")
	}
	if r := cw.do("GET", "/grants?status=nonsense", nil, nil); r.status != 422 {
		t.Errorf("a bad status: %d", r.status)
	}
	x := sheetRows(t, cw.do("GET", "/grants.xlsx?programme=internship&status=all", nil, nil).body)
	if len(x) != 2 || x[0][0] != "#" || x[1][0] != gid || !strings.Contains(x[1][10], "离校2年内") {
		t.Errorf("grants.xlsx: %v", x)
	}
	// the grant's page: reason, source records, trace
	gp := cw.do("GET", "/grants/"+gid, nil, nil)
	if gp.status != 200 || !strings.Contains(gp.body, `id="grant-trace"`) || !strings.Contains(gp.body, `id="source-internship"`) || !strings.Contains(gp.body, "support.internship.host_ratio") ||
		!strings.Contains(gp.body, `id="payee-form"`) || !strings.Contains(gp.body, `id="reject-form"`) {
		t.Errorf("the grant page: %d %s", gp.status, errorOf(gp.body))
	}
	// the employer's agent sees it, found without applying, and may not act on it; the intern does not (it pays the host)
	ag := signedIn(t, city, "agent")
	if r := ag.do("GET", "/employers/"+itoa(fx.host.ID), nil, nil); !strings.Contains(r.body, `id="employer-grants"`) {
		t.Errorf("the employer page has no link to its grants")
	}
	if r := ag.do("GET", "/grants", nil, nil); r.status != 200 || !strings.Contains(r.body, `id="grants-own"`) || !strings.Contains(r.body, `id="grant-row-`+gid+`"`) || strings.Contains(r.body, `name="grant"`) {
		t.Errorf("the agent's grants: %d", r.status)
	}
	if r := ag.do("GET", "/grants/"+gid, nil, map[string]string{"Accept-Language": "en"}); r.status != 200 || !strings.Contains(r.body, "for 6 months of internship") || strings.Contains(r.body, `id="payee-form"`) {
		t.Errorf("the agent's grant page: %d", r.status)
	}
	cz := signedIn(t, city, "intern")
	if r := cz.do("GET", "/grants", nil, nil); r.status != 200 || !strings.Contains(r.body, `id="no-grants"`) {
		t.Errorf("the intern's grants: %d", r.status)
	}
	if r := cz.do("GET", "/grants/"+gid, nil, nil); r.status != 404 {
		t.Errorf("the intern opens the host's grant: %d", r.status)
	}
	// a batch of the grant, prepared by the caseworker
	if r := cw.do("POST", "/grant-batches", url.Values{"csrf_token": {cw.csrf}, "division": {"330402"}, "mode": {"selected"}}, nil); r.status != 422 || !strings.Contains(r.body, "请勾选") {
		t.Errorf("a batch of nothing ticked: %d", r.status)
	}
	b := cw.do("POST", "/grant-batches", url.Values{"csrf_token": {cw.csrf}, "division": {"330402"}, "grant": {gid}, "mode": {"selected"}}, nil)
	bm := regexp.MustCompile(`^/grant-batches/([0-9]+)$`).FindStringSubmatch(b.url)
	if b.status != 200 || bm == nil || !strings.Contains(b.body, `data-status="prepared"`) || strings.Contains(b.body, `id="approve"`) {
		t.Fatalf("prepare: %d %s %s", b.status, b.url, errorOf(b.body))
	}
	batch := b.url
	// the reviewer: a rejection needs a reason; then approves
	rv := signedIn(t, city, "rev402")
	if r := rv.do("GET", "/grant-batches", nil, nil); !strings.Contains(r.body, `href="`+batch+`"`) {
		t.Errorf("the reviewer's batches lack %s", batch)
	}
	if r := rv.do("GET", batch, nil, nil); !strings.Contains(r.body, `id="approve"`) {
		t.Errorf("the reviewer is not offered the approval")
	}
	if r := rv.do("POST", batch+"/reject", url.Values{"csrf_token": {rv.csrf}}, nil); r.status != 422 || !strings.Contains(r.body, "退回批次须填写原因") {
		t.Errorf("a rejection without reason: %d", r.status)
	}
	if r := rv.do("POST", batch+"/approve", url.Values{"csrf_token": {rv.csrf}}, nil); r.status != 200 || !strings.Contains(r.body, `data-status="approved"`) || !strings.Contains(r.body, `id="batch-reviewer"`) {
		t.Errorf("approve: %d %s", r.status, errorOf(r.body))
	}
	// no account yet: nothing to pay, said so
	if r := city2.do("POST", "/grant-runs", url.Values{"csrf_token": {city2.csrf}}, nil); r.status != 422 || !strings.Contains(r.body, "须先登记收款账户") {
		t.Errorf("a payment run without accounts: %d %s", r.status, errorOf(r.body))
	}
	payee := url.Values{"csrf_token": {cw.csrf}, "grant": {gid}, "kind": {"employer"}, "id": {itoa(fx.host.ID)}, "bank": {"嘉兴银行"}, "account": {"12"}, "holder": {fx.host.Name}}
	if r := cw.do("POST", "/payees", payee, nil); r.status != 422 || !strings.Contains(r.body, "账号应为8到32位数字") || !strings.Contains(r.body, `value="嘉兴银行"`) {
		t.Errorf("a bad account: %d %s", r.status, errorOf(r.body))
	}
	payee.Set("account", "6222 0000 1111 2222")
	if r := cw.do("POST", "/payees", payee, nil); r.status != 200 || !strings.Contains(r.body, `id="done"`) {
		t.Errorf("the account: %d %s", r.status, errorOf(r.body))
	}
	// the payment run, its bank file, a bad and a good return
	pay := city2.do("POST", "/grant-runs", url.Values{"csrf_token": {city2.csrf}}, nil)
	rm := regexp.MustCompile(`href="/grant-runs/([0-9]+)/bank.csv" id="bank-csv"`).FindStringSubmatch(pay.body)
	if pay.status != 200 || !strings.Contains(pay.body, `id="pay-done"`) || rm == nil {
		t.Fatalf("pay: %d %s", pay.status, errorOf(pay.body))
	}
	csv := city2.do("GET", "/grant-runs/"+rm[1]+"/bank.csv", nil, nil)
	ref := "SUP-" + rm[1] + "-" + gid
	if csv.status != 200 || !strings.Contains(csv.body, ref+","+fx.host.Name+",嘉兴银行,6222000011112222,") {
		t.Errorf("bank.csv: %d %q", csv.status, csv.body)
	}
	if rows := sheetRows(t, city2.do("GET", "/grant-runs/"+rm[1]+"/bank.xlsx", nil, nil).body); len(rows) < 2 || rows[1][0] != ref {
		t.Errorf("bank.xlsx: %v", rows)
	}
	if r := cw.do("GET", "/grant-runs", nil, nil); r.status != 403 {
		t.Errorf("a caseworker of one division opens the payment runs: %d", r.status)
	}
	if r := city2.uploadFile(t, "/grant-returns", "return.csv", []byte("reference,status,reason\n"+ref+",failed,\n")); r.status != 422 || !strings.Contains(r.body, "失败的行须填写银行给出的原因") {
		t.Errorf("a failed row without reason: %d", r.status)
	}
	bad := "reference,status,reason\n" + ref + ",paid,\nSUP-999-1,paid,\n"
	if r := city2.uploadFile(t, "/grant-returns", "return.csv", []byte(bad)); r.status != 422 || !strings.Contains(r.body, `id="return-errors"`) || !strings.Contains(r.body, `<td class="num">3</td><td>reference</td>`) || !strings.Contains(r.body, "没有该参考号的发放记录") {
		t.Errorf("a bad return: %d %s", r.status, regexp.MustCompile(`(?s)id="return-errors".*?</table>`).FindString(r.body))
	}
	if g, _, _ := city.sup.Grant(sysCtx, g.ID); g.Status != support.Issued {
		t.Errorf("the refused return changed the grant: %s", g.Status)
	}
	good := "reference,status,reason\n" + ref + ",paid,\n"
	if r := city2.uploadFile(t, "/grant-returns", "return.csv", []byte(good)); r.status != 200 || !strings.Contains(r.body, `id="return-done"`) {
		t.Errorf("the return: %d %s", r.status, errorOf(r.body))
	}
	if r := ag.do("GET", "/grants/"+gid, nil, nil); !strings.Contains(r.body, `data-status="paid"`) || !strings.Contains(r.body, ref) {
		t.Errorf("the grant is not shown paid")
	}
	// a loan: the citizen applies; over the limit is refused; a reviewer approves; the subsidy is claimed
	lf := url.Values{"csrf_token": {cz.csrf}, "borrower": {"individual"}, "bank": {"嘉兴银行"}, "guarantor": {"嘉兴市融资担保有限公司"},
		"principal": {"9000000.00"}, "term_months": {"36"}, "contract_rate": {"0.0345"}, "signed": {"2025-10-15"}}
	if r := cz.do("POST", "/loans", lf, nil); r.status != 422 || !strings.Contains(r.body, "贷款超出本项目的额度") {
		t.Errorf("a loan over the limit: %d %s", r.status, errorOf(r.body))
	}
	lf.Set("principal", "200000.00")
	l := cz.do("POST", "/loans", lf, nil)
	if l.status != 200 || !strings.HasPrefix(l.url, "/loans/") || !strings.Contains(l.body, `id="loan-schedule"`) || !strings.Contains(l.body, `data-status="applied"`) {
		t.Fatalf("apply: %d %s %s", l.status, l.url, errorOf(l.body))
	}
	if r := rv.do("POST", l.url+"/approve", url.Values{"csrf_token": {rv.csrf}}, nil); r.status != 200 || !strings.Contains(r.body, `data-status="active"`) {
		t.Errorf("approve the loan: %d %s", r.status, errorOf(r.body))
	}
	if r := cw.do("POST", l.url+"/claim", url.Values{"csrf_token": {cw.csrf}, "through": {"2026-02"}}, nil); r.status != 200 || !strings.Contains(r.body, `id="loan-grants"`) || !strings.Contains(r.body, "借款人承担") {
		t.Errorf("claim the subsidy: %d %s", r.status, errorOf(r.body))
	}
	// four eyes: the caseworker who prepared a batch of the loan's subsidy,
	// made a reviewer since, may not approve it: the page says so, in Chinese
	b3 := cw.do("POST", "/grant-batches", url.Values{"csrf_token": {cw.csrf}, "division": {"330402"}, "programme": {"startup_loan"}, "mode": {"all"}}, nil)
	if b3.status != 200 || !strings.HasPrefix(b3.url, "/grant-batches/") {
		t.Fatalf("prepare the loan's subsidy: %d %s %s", b3.status, b3.url, errorOf(b3.body))
	}
	users, err := city.acc.ListUsers(sysCtx, access.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Name == "cw402" {
			if _, err := city.acc.UpdateUser(sysCtx, u.ID, access.UserInput{Name: "cw402", Role: "reviewer", Divisions: []string{"330402"}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	same := signedIn(t, city, "cw402")
	if p := same.do("GET", b3.url, nil, nil); !strings.Contains(p.body, `id="four-eyes"`) || strings.Contains(p.body, `id="approve"`) {
		t.Errorf("the preparer is offered the approval")
	}
	if r := same.do("POST", b3.url+"/approve", url.Values{"csrf_token": {same.csrf}}, nil); r.status != 403 || !strings.Contains(r.body, "由您经办的事项须由另一位复核人复核") {
		t.Errorf("four eyes: %d %s", r.status, errorOf(r.body))
	}
	// the programme pages, for everyone
	ana := signedIn(t, city, "ana")
	pr := ana.do("GET", "/programmes", nil, map[string]string{"Accept-Language": "en"})
	if pr.status != 200 || !strings.Contains(pr.body, `id="programme-expansion_2025"`) || !strings.Contains(pr.body, "One-time job expansion subsidy (2025)") ||
		!strings.Contains(pr.body, "conf-unverified") || !strings.Contains(pr.body, "support.internship.host_ratio") {
		t.Errorf("programmes: %d %s", pr.status, errorOf(pr.body))
	}
	if r := ana.do("GET", "/grants", nil, nil); r.status != 403 {
		t.Errorf("an analyst lists grants: %d", r.status)
	}
}
