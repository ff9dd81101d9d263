package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"hrss/access"
	"hrss/insight"
	"hrss/insurance"
	"hrss/registry"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// rawKey finds a catalogue key shown as itself (a text missing from the
// catalogue) among the indicators' keys.
var rawKey = regexp.MustCompile(`>[^<]*\b(insight\.(status|rule|kind|unit|direction|what|sign|tab|chart)\.[a-z_]+|indicator\.[a-z_0-9]+(\.definition)?)\b`)

// TestAPIInsight runs the indicators' API over a small city: the year's
// indicators with their definitions, a target set (and a breakdown that
// does not add up refused with its rule), the drill-down for the
// division's staff (a person living elsewhere listed without the name)
// and refused to an analyst, the monthly report as JSON and Excel.
func TestAPIInsight(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newApp(t, db)
		a.user(t, access.UserInput{Name: "ana", Role: "analyst"})
		a.user(t, access.UserInput{Name: "cw402", Role: "caseworker", Divisions: []string{"330402"}})
		ana, cw := a.signIn(t, "ana"), a.signIn(t, "cw402")
		e, err := a.reg.CreateEmployer(sysCtx, employerIn(7001, "指标单位有限公司", "330402"))
		if err != nil {
			t.Fatal(err)
		}
		local, err := a.reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: rid("330402", 1990, 21), Name: "本区新人", ResidenceDivision: "330402"})
		if err != nil {
			t.Fatal(err)
		}
		away, err := a.reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: rid("330411", 1991, 23), Name: "外区新人", ResidenceDivision: "330411"})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []int64{local.ID, away.ID} {
			if _, err := a.reg.CreateEmployment(sysCtx, registry.EmploymentInput{PersonID: p, EmployerID: e.ID, Start: "2026-02-10", DeclaredWage: "6000.00"}); err != nil {
				t.Fatal(err)
			}
		}
		r := a.do(t, ana, "GET", "/api/v1/indicators?year=2026&indicator=new_urban_jobs,registered_unemployment_rate", "", nil)
		var got struct {
			Year       int
			Items      []insight.Row
			Indicators []insight.Indicator
		}
		if r.status != 200 || json.Unmarshal(r.body, &got) != nil || got.Year != 2026 || len(got.Items) != 16 || len(got.Indicators) != 2 {
			t.Fatalf("indicators: %d %s", r.status, r.body)
		}
		if x := apiRow(got.Items, "new_urban_jobs", "330402"); x.Value != "2" || x.ByMonth["2026-02"] != "2" || x.Target != nil || x.Status != insight.NoTarget {
			t.Errorf("new urban jobs of 330402: %+v", x)
		}
		if got.Indicators[0].Definition == "" || got.Indicators[0].Source == "" {
			t.Errorf("no definition: %+v", got.Indicators[0])
		}
		if r := a.do(t, ana, "GET", "/api/v1/indicators?year=1999", "", nil); r.status != 422 || r.json()["rule"] != "indicators.year" {
			t.Errorf("year 1999: %d %s", r.status, r.body)
		}
		if r := a.do(t, ana, "GET", "/api/v1/indicators?indicator=nope", "", nil); r.status != 422 || r.json()["rule"] != "indicator.known" {
			t.Errorf("unknown indicator: %d %s", r.status, r.body)
		}
		if r := a.do(t, cw, "GET", "/api/v1/indicators?division=330411", "", nil); r.status != 403 {
			t.Errorf("a caseworker of 330402 reads 330411: %d %s", r.status, r.body)
		}
		// targets: the city's, then a division's above it refused
		put := func(tok, div, value string) response {
			return a.do(t, tok, "PUT", "/api/v1/targets", fmt.Sprintf(`{"year":2026,"indicator":"new_urban_jobs","division":"%s","value":"%s"}`, div, value), nil)
		}
		if r := put(cw, "330400", "10"); r.status != 403 {
			t.Errorf("a caseworker sets a target: %d %s", r.status, r.body)
		}
		if r := put(ana, "330400", "10"); r.status != 200 || r.json()["value"] != "10" || r.json()["set_by"] != "ana" {
			t.Fatalf("set a target: %d %s", r.status, r.body)
		}
		if r := put(ana, "330402", "11"); r.status != 422 || r.json()["rule"] != "target.breakdown" || r.json()["field"] != "value" {
			t.Errorf("a breakdown above the city's: %d %s", r.status, r.body)
		}
		if r := put(ana, "330402", "x"); r.status != 422 || r.json()["rule"] != "target.count" {
			t.Errorf("a count that is not a number: %d %s", r.status, r.body)
		}
		if r := a.do(t, ana, "PUT", "/api/v1/targets", `{"year":2026,"indicator":"new_urban_jobs","division":"330400","value":"10","extra":1}`, nil); r.status != 422 {
			t.Errorf("an unknown field: %d %s", r.status, r.body)
		}
		ts := a.do(t, cw, "GET", "/api/v1/targets?year=2026", "", nil)
		if items, _ := ts.json()["items"].([]any); ts.status != 200 || len(items) != 1 {
			t.Errorf("targets: %d %s", ts.status, ts.body)
		}
		r = a.do(t, ana, "GET", "/api/v1/indicators?year=2026&division=330400&indicator=new_urban_jobs", "", nil)
		if json.Unmarshal(r.body, &got) != nil || len(got.Items) != 1 || got.Items[0].Target == nil || *got.Items[0].Target != "10" || got.Items[0].Status == insight.NoTarget ||
			!strings.Contains(got.Items[0].Rule, "insight.status_tolerance") {
			t.Errorf("the city's new urban jobs against the target: %s", r.body)
		}
		// the drill-down: the division's staff see the persons, by name only those living in their divisions
		d := a.do(t, cw, "GET", "/api/v1/indicators/new_urban_jobs/records?division=330402&period=2026-02", "", nil)
		var recs struct{ Items []insight.Record }
		if d.status != 200 || json.Unmarshal(d.body, &recs) != nil || len(recs.Items) != 2 {
			t.Fatalf("records: %d %s", d.status, d.body)
		}
		for _, x := range recs.Items {
			if x.PersonID == local.ID && (x.Name != local.Name || x.OutOfReach) || x.PersonID == away.ID && (x.Name != "" || !x.OutOfReach) {
				t.Errorf("record %+v", x)
			}
		}
		if strings.Contains(string(d.body), away.Name) {
			t.Errorf("the list names a person living outside the caller's divisions: %s", d.body)
		}
		if r := a.do(t, ana, "GET", "/api/v1/indicators/new_urban_jobs/records?division=330402&period=2026-02", "", nil); r.status != 403 || r.json()["rule"] != "insight.records_staff" {
			t.Errorf("an analyst drills down: %d %s", r.status, r.body)
		}
		if r := a.do(t, cw, "GET", "/api/v1/indicators/new_urban_jobs/records?division=330411&period=2026-02", "", nil); r.status != 404 {
			t.Errorf("another division's list: %d %s", r.status, r.body)
		}
		if r := a.do(t, cw, "GET", "/api/v1/indicators/contribution_income/records?division=330402&period=2026-02", "", nil); r.status != 422 || r.json()["rule"] != "indicator.records" {
			t.Errorf("an amount's list: %d %s", r.status, r.body)
		}
		if r := a.do(t, cw, "GET", "/api/v1/indicators/new_urban_jobs/records?division=330402", "", nil); r.status != 422 || r.json()["field"] != "period" {
			t.Errorf("no period: %d %s", r.status, r.body)
		}
		// the monthly report
		rep := a.do(t, ana, "GET", "/api/v1/reports/monthly?period=2026-02", "", nil)
		var rp insight.Report
		if rep.status != 200 || json.Unmarshal(rep.body, &rp) != nil || len(rp.Rows) != 8 || len(rp.Columns) != len(insight.ReportColumns) ||
			rp.Rows[0].Division != "330402" || rp.Rows[0].Month[0] != "2" || rp.Rows[7].Division != "330400" || rp.Rows[7].Month[0] != "2" {
			t.Errorf("report: %d %s", rep.status, rep.body)
		}
		if r := a.do(t, cw, "GET", "/api/v1/reports/monthly?period=2026-02", "", nil); r.status != 403 || r.json()["rule"] != "insight.report_city" {
			t.Errorf("a caseworker of one division reads the report: %d %s", r.status, r.body)
		}
		if r := a.do(t, ana, "GET", "/api/v1/reports/monthly?period=2026-13", "", nil); r.status != 422 || r.json()["rule"] != "period.format" {
			t.Errorf("a bad month: %d %s", r.status, r.body)
		}
		x := a.do(t, ana, "GET", "/api/v1/reports/monthly.xlsx?period=2026-02", "", nil)
		rows := sheetRows(t, string(x.body))
		if x.status != 200 || x.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || len(rows) != 9 ||
			rows[0][0] != "区划代码 division" || rows[8][0] != "330400" || rows[1][2] != "2" {
			t.Errorf("report.xlsx: %d %v", x.status, rows)
		}
	})
}

func apiRow(rows []insight.Row, name, div string) insight.Row {
	for _, r := range rows {
		if r.Name == name && r.Division == div {
			return r
		}
	}
	return insight.Row{}
}

// TestUIInsight runs the indicators' screens over a generated city with
// two months assessed: the overview without and with a target, the form's
// errors translated (a value that is not a count, a breakdown that does
// not add up, shown with the breakdown), an indicator's page with its
// charts' data, its table and the drill-down links for the division's
// staff only, the list with its person links, the analyst refused the
// list, the monthly report and every Excel download; each indicator's
// definition in both languages.
func TestUIInsight(t *testing.T) {
	city := newBrowserCity(t)
	local, away := insightHires(t, city)
	for _, p := range []period.YearMonth{period.New(2026, 1), period.New(2026, 2)} {
		if _, err := city.ins.Assess(sysCtx, p, insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, in := range []access.UserInput{
		{Name: "ana", Role: "analyst"}, {Name: "cwcity", Role: "caseworker", Divisions: []string{"330400"}},
		{Name: "czn", Role: "citizen", PersonID: city.inside.ID},
	} {
		in.Password = city.password
		if _, err := city.acc.CreateUser(sysCtx, in); err != nil {
			t.Fatal(err)
		}
	}
	ana := signedIn(t, city, "ana")
	ov := ana.do("GET", "/indicators", nil, nil)
	if ov.status != 200 || !strings.Contains(ov.body, `id="overview"`) || !strings.Contains(ov.body, `id="no-targets"`) || !strings.Contains(ov.body, `id="row-new_urban_jobs"`) ||
		!strings.Contains(ov.body, "城镇新增就业人数") || !strings.Contains(ov.body, `href="/targets?year=2026"`) || !strings.Contains(ov.body, `id="tab-report"`) {
		t.Fatalf("overview: %d %s", ov.status, errorOf(ov.body))
	}
	if m := rawKey.FindString(ov.body); m != "" {
		t.Errorf("the overview shows a key: %s", m)
	}
	for _, q := range []string{"year=1999", "year=abc"} {
		if r := ana.do("GET", "/indicators?"+q, nil, nil); r.status != 422 || !strings.Contains(r.body, "年度应为2000年至今年之间的年份") {
			t.Errorf("%s: %d %s", q, r.status, errorOf(r.body))
		}
	}
	// the target form: a count that is not one, then the city's target
	tf := ana.do("GET", "/targets?indicator=new_urban_jobs", nil, nil)
	if tf.status != 200 || !strings.Contains(tf.body, `id="target-form"`) || !strings.Contains(tf.body, `id="breakdown"`) {
		t.Fatalf("targets: %d %s", tf.status, errorOf(tf.body))
	}
	form := url.Values{"csrf_token": {ana.csrf}, "year": {"2026"}, "indicator": {"new_urban_jobs"}, "division": {"330400"}, "value": {"many"}}
	if r := ana.do("POST", "/targets", form, nil); r.status != 422 || !strings.Contains(r.body, "人数应为不小于0的整数") || !strings.Contains(r.body, `value="many"`) {
		t.Errorf("a bad count: %d %s", r.status, errorOf(r.body))
	}
	form.Set("value", "300")
	set := ana.do("POST", "/targets", form, nil)
	if set.status != 200 || !strings.HasPrefix(set.url, "/indicators?") || !strings.Contains(set.body, `id="done"`) || !strings.Contains(set.body, `id="progress-chart"`) ||
		!strings.Contains(set.body, "/static/insight.js") || !strings.Contains(set.body, `id="target-new_urban_jobs">300<`) {
		t.Fatalf("set the target: %d %s %s", set.status, set.url, errorOf(set.body))
	}
	if m := regexp.MustCompile(`id="status-new_urban_jobs"><span class="tag status status-([a-z_]+)" title="([^"]+)"`).FindStringSubmatch(set.body); m == nil || m[1] == "no_target" ||
		!strings.Contains(html.UnescapeString(m[2]), "目标 × 已过年度的") {
		t.Errorf("the status and its rule: %v", m)
	}
	form.Set("division", "330402")
	form.Set("value", "301")
	br := ana.do("POST", "/targets", form, nil)
	if br.status != 422 || !strings.Contains(br.body, "各区县目标与全市目标对不上") || !strings.Contains(br.body, `id="breakdown-city">300<`) {
		t.Errorf("a breakdown above the city's: %d %s", br.status, errorOf(br.body))
	}
	if r := ana.do("POST", "/targets", form, map[string]string{"Accept-Language": "en"}); !strings.Contains(r.body, "The divisions&#39; targets do not add up to the city&#39;s") {
		t.Errorf("the breakdown's error in English: %s", errorOf(r.body))
	}
	if x := sheetRows(t, ana.do("GET", "/targets.xlsx?year=2026", nil, nil).body); len(x) != 2 || x[1][0] != "城镇新增就业人数" || x[1][2] != "300" || x[1][3] != "ana" {
		t.Errorf("targets.xlsx: %v", x)
	}
	if x := sheetRows(t, ana.do("GET", "/indicators.xlsx?year=2026&division=330400", nil, nil).body); len(x) != len(insight.Catalogue)+1 || x[1][0] != "城镇新增就业人数" || x[1][3] != "300" {
		t.Errorf("indicators.xlsx: %v", x[:min(2, len(x))])
	}
	// an indicator's page, for the analyst: charts, the table, no list
	ip := ana.do("GET", "/indicators/contribution_billed?year=2026", nil, nil)
	if ip.status != 200 || !strings.Contains(ip.body, `id="trend-chart"`) || !strings.Contains(ip.body, `id="divisions-chart"`) || !strings.Contains(ip.body, `id="line-330483"`) ||
		!strings.Contains(ip.body, "2026年2月") || !strings.Contains(ip.body, "<h1>核定应缴</h1>") || strings.Contains(ip.body, `class="drill"`) {
		t.Errorf("an indicator's page: %d %s", ip.status, errorOf(ip.body))
	}
	bills, err := city.ins.Bills(sysCtx, insurance.BillFilter{Period: period.New(2026, 2)})
	if err != nil {
		t.Fatal(err)
	}
	var due money.Fen
	for _, b := range bills {
		due += b.Due
	}
	if !strings.Contains(ip.body, `>`+zhMoney(due)+`<`) {
		t.Errorf("the city's billed of 2026-02 (%s) is not in the table", due)
	}
	tx := sheetRows(t, ana.do("GET", "/indicators/contribution_billed/table.xlsx?year=2026", nil, nil).body)
	if len(tx) != 9 || tx[0][2] != "2026年2月" || tx[1][0] != "嘉兴市" || fen(t, tx[1][2]) != due {
		t.Errorf("table.xlsx: %v", tx[:min(2, len(tx))])
	}
	np := ana.do("GET", "/indicators/new_urban_jobs?year=2026", nil, nil)
	if !strings.Contains(np.body, `id="aggregates-note"`) || strings.Contains(np.body, `class="drill"`) {
		t.Errorf("the analyst is offered the lists")
	}
	refused := ana.do("GET", "/indicators/new_urban_jobs/records?division=330402&period=2026-02", nil, nil)
	if refused.status != 403 || !strings.Contains(refused.body, "人员名单仅供本区县的经办和复核人员查看") {
		t.Errorf("an analyst's list: %d %s", refused.status, errorOf(refused.body))
	}
	if r := ana.do("GET", "/indicators/nope", nil, nil); r.status != 404 {
		t.Errorf("no such indicator: %d", r.status)
	}
	// the division's caseworker: their division only, the cells lead to the lists
	cw := signedIn(t, city, "cw402")
	cp := cw.do("GET", "/indicators/new_urban_jobs?year=2026", nil, nil)
	if cp.status != 200 || !strings.Contains(cp.body, `id="line-330402"`) || strings.Contains(cp.body, `id="line-330411"`) || strings.Contains(cp.body, `id="line-330400"`) {
		t.Fatalf("the caseworker's page: %d %s", cp.status, errorOf(cp.body))
	}
	links := regexp.MustCompile(`href="(/indicators/new_urban_jobs/records\?division=330402&amp;period=2026-0[0-9])" class="drill">([0-9,-]+)<`).FindAllStringSubmatch(cp.body, -1)
	if len(links) < 2 {
		t.Fatalf("the drill-down links: %v", links)
	}
	drilled := false
	for _, l := range links {
		if l[2] == "0" {
			continue
		}
		path := html.UnescapeString(l[1])
		list := cw.do("GET", path, nil, nil)
		n, _ := strconv.Atoi(l[2])
		if list.status != 200 || !strings.Contains(list.body, `id="records"`) || !strings.Contains(list.body, fmt.Sprintf(`id="drill-count">%d<`, n)) {
			t.Errorf("%s: %d %s", path, list.status, errorOf(list.body))
			continue
		}
		for _, m := range regexp.MustCompile(`href="(/persons/[0-9]+)" class="person"`).FindAllStringSubmatch(list.body, -1) {
			if r := cw.do("GET", m[1], nil, nil); r.status != 200 {
				t.Errorf("the list's person %s: %d", m[1], r.status)
			}
		}
		if strings.HasSuffix(path, "2026-02") && (!strings.Contains(list.body, `id="person-`+itoa(local.ID)+`"`) || strings.Contains(list.body, away.Name) ||
			!strings.Contains(list.body, "#"+itoa(away.ID)) || !strings.Contains(list.body, `id="drill-hidden"`)) {
			t.Errorf("the list of 2026-02 lacks %s, or names %s who lives elsewhere", local.Name, away.Name)
		}
		x := sheetRows(t, cw.do("GET", strings.Replace(path, "/records?", "/records.xlsx?", 1), nil, nil).body)
		if len(x) != strings.Count(list.body, "<tr") || x[0][0] != "人员编号" {
			t.Errorf("records.xlsx: %d rows, the page %d", len(x), strings.Count(list.body, "<tr"))
		}
		drilled = true
		break
	}
	if !drilled {
		t.Errorf("no month of 330402 has a new urban job: %v", links)
	}
	if r := cw.do("GET", "/indicators/new_urban_jobs/records?division=330411&period=2026-02", nil, nil); r.status != 404 {
		t.Errorf("another division's list: %d", r.status)
	}
	if r := cw.do("GET", "/reports/monthly?period=2026-02", nil, nil); r.status != 403 || !strings.Contains(r.body, "统计月报涵盖全部区县") {
		t.Errorf("a caseworker of one division opens the report: %d %s", r.status, errorOf(r.body))
	}
	if strings.Contains(cw.do("GET", "/indicators", nil, nil).body, `id="tab-report"`) {
		t.Errorf("a caseworker of one division is offered the report")
	}
	// the monthly report, for city-wide staff: printable, with its Excel
	cc := signedIn(t, city, "cwcity")
	rp := cc.do("GET", "/reports/monthly?period=2026-02", nil, nil)
	if rp.status != 200 || !strings.Contains(rp.body, `id="report-table"`) || !strings.Contains(rp.body, `id="report-330400"`) || !strings.Contains(rp.body, `id="print"`) ||
		!strings.Contains(rp.body, `href="/reports/monthly.xlsx?period=2026-02"`) {
		t.Errorf("the report: %d %s", rp.status, errorOf(rp.body))
	}
	rx := sheetRows(t, cc.do("GET", "/reports/monthly.xlsx?period=2026-02", nil, nil).body)
	if len(rx) != 9 || rx[8][0] != "330400" {
		t.Fatalf("report.xlsx: %v", rx)
	}
	for col := 2; col < len(rx[0]); col++ {
		if strings.Contains(rx[0][col], "率") {
			continue // rates do not add up
		}
		var sum money.Fen
		for _, row := range rx[1:8] {
			sum += fen(t, row[col])
		}
		if city := fen(t, rx[8][col]); sum != city {
			t.Errorf("report column %q: the divisions add up to %s, the city says %s", rx[0][col], sum, city)
		}
	}
	if r := cc.do("GET", "/reports/monthly?period=2026-13", nil, nil); r.status != 422 {
		t.Errorf("a bad month: %d", r.status)
	}
	// the definitions, in both languages; and no key shown as itself
	for _, ind := range insight.Catalogue {
		en := ana.do("GET", "/indicators/"+ind.Name, nil, map[string]string{"Accept-Language": "en"})
		if en.status != 200 || !strings.Contains(html.UnescapeString(en.body), ind.Definition) || !strings.Contains(html.UnescapeString(en.body), "<h1>"+ind.EN+"</h1>") {
			t.Errorf("%s in English: %d %s", ind.Name, en.status, errorOf(en.body))
		}
		zh := ana.do("GET", "/indicators/"+ind.Name, nil, nil)
		if zh.status != 200 || strings.Contains(html.UnescapeString(zh.body), ind.Definition) || !strings.Contains(html.UnescapeString(zh.body), "<h1>"+ind.ZH+"</h1>") {
			t.Errorf("%s in Chinese: %d", ind.Name, zh.status)
		}
		for _, b := range []string{en.body, zh.body} {
			if m := rawKey.FindString(b); m != "" {
				t.Errorf("%s shows a key: %s", ind.Name, m)
			}
		}
	}
	// roles without aggregates are refused
	cz := signedIn(t, city, "czn")
	if r := cz.do("GET", "/indicators", nil, nil); r.status != 403 || strings.Contains(r.body, `id="overview"`) {
		t.Errorf("a citizen opens the indicators: %d", r.status)
	}
	if r := cz.do("GET", "/targets", nil, nil); r.status != 403 {
		t.Errorf("a citizen opens the targets: %d", r.status)
	}
}

// insightHires records two new urban jobs of 330402 in 2026-02 in the
// browser city: a new person of 330402 and one living in 330411, both
// hired on 2026-02-10 by an employer of 330402.
func insightHires(t *testing.T, city browserCity) (local, away registry.Person) {
	t.Helper()
	es, err := city.reg.FindEmployers(sysCtx, registry.EmployerQuery{Division: "330402", Page: registry.Page{Limit: 1}})
	if err != nil || len(es) == 0 {
		t.Fatal("no employer", err)
	}
	for i, div := range []string{"330402", "330411"} {
		p, err := city.reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: rid(div, 1999, 901+2*i), Name: []string{"指标甲", "指标乙"}[i], ResidenceDivision: div})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := city.reg.CreateEmployment(sysCtx, registry.EmploymentInput{PersonID: p.ID, EmployerID: es[0].ID, Start: "2026-02-10", DeclaredWage: "6000.00"}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			local = p
		} else {
			away = p
		}
	}
	return local, away
}

// fen reads a figure of a sheet (a count or an amount, perhaps without
// its trailing zeros) as fen.
func fen(t *testing.T, s string) money.Fen {
	t.Helper()
	d, err := money.ParseDec(s)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return money.Fen(d.Shift(2).IntPart())
}

// zhMoney writes an amount as the Chinese screens do: "1,234.56 元".
func zhMoney(f money.Fen) string {
	s := strconv.FormatInt(int64(f)/100, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return fmt.Sprintf("%s.%02d 元", s, int64(f)%100)
}
