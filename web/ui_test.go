package web_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hrss/access"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules"
	"hrss/rules/period"
	"hrss/store/storetest"
	"hrss/web"
)

// uiClient is a browser without a browser: a cookie jar that follows
// redirects, remembering the last page's CSRF token.
type uiClient struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

type uiResponse struct {
	status int
	url    string
	body   string
}

func newUIServer(t *testing.T) (*httptest.Server, *registry.Service, *access.Service) {
	t.Helper()
	db := storetest.SQLite(t)
	v, _ := ident.NewVault(make([]byte, 32))
	reg := &registry.Service{Store: db.Registry(), Vault: v, Now: func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }}
	acc := &access.Service{Store: db.Access()}
	params, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&web.Server{Registry: reg, Access: acc, Rules: params}).Handler())
	t.Cleanup(srv.Close)
	return srv, reg, acc
}

func newUIClient(t *testing.T, base string) *uiClient {
	jar, _ := cookiejar.New(nil)
	return &uiClient{t: t, base: base, c: &http.Client{Jar: jar}}
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (u *uiClient) do(method, path string, form url.Values, hdr map[string]string) uiResponse {
	u.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := u.c.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if m := csrfRE.FindSubmatch(b); m != nil {
		u.csrf = string(m[1])
	}
	return uiResponse{res.StatusCode, res.Request.URL.RequestURI(), string(b)}
}

func TestUIScenarios(t *testing.T) {
	srv, reg, acc := newUIServer(t)
	for _, in := range []access.UserInput{
		{Name: "cw402", Role: "caseworker", Divisions: []string{"330402"}, Password: "ui-test-password-1"},
		{Name: "ana", Role: "analyst", Password: "ui-test-password-1"},
	} {
		if _, err := acc.CreateUser(sysCtx, in); err != nil {
			t.Fatal(err)
		}
	}
	inside, err := reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: string(ident.NewResidentID("330402", period.Date{Y: 1980, M: 5, D: 4}, 11)), Name: "测试甲", ResidenceDivision: "330402"})
	if err != nil {
		t.Fatal(err)
	}
	outside, err := reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: string(ident.NewResidentID("330411", period.Date{Y: 1982, M: 6, D: 5}, 12)), Name: "测试乙", ResidenceDivision: "330411"})
	if err != nil {
		t.Fatal(err)
	}
	u := newUIClient(t, srv.URL)
	signIn := func(name string) {
		t.Helper()
		u.do("GET", "/signin", nil, nil)
		r := u.do("POST", "/signin", url.Values{"username": {name}, "password": {"ui-test-password-1"}, "next": {"/persons"}, "csrf_token": {u.csrf}}, nil)
		if r.status != 200 || r.url != "/persons" {
			t.Fatalf("sign in %s: %d %s", name, r.status, r.url)
		}
	}
	steps := []struct {
		name   string
		run    func() uiResponse
		status int
		url    string
		has    []string
		hasNot []string
	}{
		{"signed out: to sign-in, remembering the page", func() uiResponse { return u.do("GET", "/persons?name=x", nil, nil) }, 200, "/signin?next=%2Fpersons%3Fname%3Dx", []string{`id="signin-form"`, `value="/persons?name=x"`}, nil},
		{"API stays JSON", func() uiResponse { return u.do("GET", "/api/v1/persons", nil, nil) }, 401, "/api/v1/persons", []string{`"status":401`}, nil},
		{"wrong password, in English", func() uiResponse {
			return u.do("POST", "/signin", url.Values{"username": {"cw402"}, "password": {"nope"}}, map[string]string{"Accept-Language": "en"})
		}, 401, "/signin", []string{"Wrong user name or password."}, nil},
		{"sign-in from another site", func() uiResponse {
			return u.do("POST", "/signin", url.Values{"username": {"cw402"}, "password": {"ui-test-password-1"}}, map[string]string{"Origin": "https://evil.example"})
		}, 403, "/signin", nil, nil},
		{"sign in", func() uiResponse {
			return u.do("POST", "/signin", url.Values{"username": {"cw402"}, "password": {"ui-test-password-1"}, "next": {"//evil.example/"}}, nil)
		}, 200, "/", []string{`id="who"`, "窗口经办"}, nil},
		{"search by ID number", func() uiResponse { return u.do("GET", "/persons?resident_id="+string(inside.ResidentID), nil, nil) }, 200, "", []string{"测试甲", `<td class="mono">` + inside.ResidentID.Masked() + `</td>`}, nil},
		{"bad ID number, translated", func() uiResponse { return u.do("GET", "/persons?resident_id=330402198005041234", nil, nil) }, 422, "", []string{"公民身份号码校验码不正确"}, nil},
		{"search stays in scope", func() uiResponse { return u.do("GET", "/persons?name=%E6%B5%8B%E8%AF%95", nil, nil) }, 200, "", []string{"测试甲"}, []string{"测试乙"}},
		{"person page", func() uiResponse { return u.do("GET", "/persons/"+itoa(inside.ID)+"?reason=test", nil, nil) }, 200, "", []string{"测试甲", "劳动关系", `href="/pension?person=`}, nil},
		{"out of scope is 404", func() uiResponse { return u.do("GET", "/persons/"+itoa(outside.ID), nil, nil) }, 404, "", []string{"未找到"}, []string{"测试乙"}},
		{"no such person is the same 404", func() uiResponse { return u.do("GET", "/persons/999999", nil, nil) }, 404, "", []string{"未找到"}, nil},
		{"unknown page", func() uiResponse { return u.do("GET", "/nowhere", nil, nil) }, 404, "", nil, nil},
		{"estimate from the record", func() uiResponse {
			return u.do("GET", "/pension?person="+itoa(inside.ID)+"&balance=30000&wage=8000", nil, nil)
		}, 200, "",
			[]string{`id="pension-chart"`, "data-chart=", "/static/vendor/echarts.min.js", "/static/pension.js", "1980-05", "法定退休年龄"}, []string{"<script>"}},
		{"estimate, bad birth month", func() uiResponse { return u.do("GET", "/pension?birth=1980-13&category=male", nil, nil) }, 422, "", []string{"月份格式应为 YYYY-MM", `aria-invalid="true"`}, nil},
		{"parameters", func() uiResponse { return u.do("GET", "/parameters?division=330402", nil, nil) }, 200, "", []string{"pension.calc_base", "conf-unverified"}, nil},
		{"the employment services' parameters, with source and confidence", func() uiResponse { return u.do("GET", "/parameters?division=330402&name=employment.", nil, nil) }, 200, "",
			[]string{"employment.followup_briefing_days", "employment.placement_attribution_days", "employment.match_weight.occupation", "employment.neighbours.330402",
				"330411 330421 330424 330481 330482", "hrss convention (no statutory attribution window)", "人社部发〔2013〕41号", "conf-unverified"}, []string{"pension.calc_base"}},
		{"language switch without CSRF", func() uiResponse {
			return u.do("POST", "/lang", url.Values{"lang": {"en"}, "back": {"/parameters"}}, nil)
		}, 403, "", nil, nil},
		{"language switch", func() uiResponse {
			u.do("GET", "/parameters", nil, nil)
			return u.do("POST", "/lang", url.Values{"lang": {"en"}, "back": {"/parameters"}, "csrf_token": {u.csrf}}, nil)
		}, 200, "/parameters", []string{`<html lang="en">`, "Parameters", "unverified"}, nil},
		{"sign-out without CSRF: a page, in English", func() uiResponse { return u.do("POST", "/signout", url.Values{}, nil) }, 403, "", []string{"The form has expired or comes from elsewhere"}, nil},
		{"sign out", func() uiResponse {
			u.do("GET", "/", nil, nil)
			return u.do("POST", "/signout", url.Values{"csrf_token": {u.csrf}}, nil)
		}, 200, "/signin", []string{"Sign in"}, nil},
		{"signed out for good", func() uiResponse { return u.do("GET", "/persons/"+itoa(inside.ID), nil, nil) }, 200, "/signin?next=%2Fpersons%2F" + itoa(inside.ID), nil, nil},
	}
	for _, s := range steps {
		r := s.run()
		if r.status != s.status || (s.url != "" && r.url != s.url) {
			t.Errorf("%s: %d %s, want %d %s", s.name, r.status, r.url, s.status, s.url)
		}
		for _, h := range s.has {
			if !strings.Contains(r.body, h) {
				t.Errorf("%s: the page lacks %q", s.name, h)
			}
		}
		for _, h := range s.hasNot {
			if strings.Contains(r.body, h) {
				t.Errorf("%s: the page shows %q", s.name, h)
			}
		}
	}
	// an analyst sees no person-level data
	u = newUIClient(t, srv.URL)
	signIn("ana")
	if r := u.do("GET", "/persons/"+itoa(inside.ID), nil, nil); r.status != 403 && r.status != 404 {
		t.Errorf("analyst opens a person: %d", r.status)
	}
}

func TestUIEnrolAndSeparate(t *testing.T) {
	srv, reg, acc := newUIServer(t)
	emp, err := reg.CreateEmployer(sysCtx, registry.EmployerInput{CreditCode: string(ident.NewCreditCode('9', '1', "330402", 5)), Name: "嘉兴测试科技有限公司",
		IndustrySection: "C", IndustryDivision: "39", Division: "330402", RiskClass: 1})
	if err != nil {
		t.Fatal(err)
	}
	rid := string(ident.NewResidentID("330402", period.Date{Y: 1990, M: 2, D: 3}, 31))
	per, err := reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: rid, Name: "测试丙", ResidenceDivision: "330402"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acc.CreateUser(sysCtx, access.UserInput{Name: "agent", Role: "employer_agent", EmployerID: emp.ID, Password: "ui-test-password-1"}); err != nil {
		t.Fatal(err)
	}
	u := newUIClient(t, srv.URL)
	if r := u.do("POST", "/signin", url.Values{"username": {"agent"}, "password": {"ui-test-password-1"}}, nil); r.url != "/employers/"+itoa(emp.ID) {
		t.Fatalf("an agent starts at their employer: %d %s", r.status, r.url)
	}
	enrol := func(rid, start, wage string) uiResponse {
		return u.do("POST", "/employers/"+itoa(emp.ID)+"/employments", url.Values{"csrf_token": {u.csrf}, "resident_id": {rid}, "start": {start},
			"declared_wage": {wage}, "insurances": {"pension", "medical"}}, nil)
	}
	if r := enrol(rid, "2026-02-01", "abc"); r.status != 422 || !strings.Contains(r.body, `value="`+rid+`"`) {
		t.Errorf("bad wage: %d, the form keeps what was typed: %v", r.status, strings.Contains(r.body, rid))
	}
	if r := enrol(string(ident.NewResidentID("330402", period.Date{Y: 1991, M: 2, D: 3}, 31)), "2026-02-01", "7000.00"); r.status != 422 || !strings.Contains(r.body, "未找到对应的登记记录") {
		t.Errorf("an unregistered person: %d", r.status)
	}
	r := enrol(rid, "2026-02-01", "7000.00")
	if r.status != 200 || !strings.Contains(r.url, "done=enrolled") || !strings.Contains(r.body, "测试丙") || !strings.Contains(r.body, "7,000.00 元") {
		t.Fatalf("enrol: %d %s", r.status, r.url)
	}
	es, err := reg.ListEmployments(sysCtx, registry.EmploymentFilter{PersonID: per.ID})
	if err != nil || len(es) != 1 || len(es[0].Insurances) != 2 {
		t.Fatalf("relations after enrolling: %v %v", es, err)
	}
	path := "/employments/" + itoa(es[0].ID) + "/separate"
	if r := u.do("GET", path, nil, nil); r.status != 200 || !strings.Contains(r.body, `id="separate-form"`) {
		t.Fatalf("separate form: %d", r.status)
	}
	if r := u.do("POST", path, url.Values{"csrf_token": {u.csrf}, "end": {"2026-01-01"}, "separation": {"resignation"}}, nil); r.status != 422 || !strings.Contains(r.body, "结束日期应晚于开始日期") {
		t.Errorf("end before start: %d", r.status)
	}
	if r := u.do("POST", path, url.Values{"csrf_token": {u.csrf}, "end": {"2026-02-28"}, "separation": {"resignation"}}, nil); r.status != 200 || !strings.Contains(r.url, "done=separated") {
		t.Errorf("separate: %d %s", r.status, r.url)
	}
	if e, err := reg.Employment(sysCtx, es[0].ID); err != nil || e.End.String() != "2026-02-28" || e.Separation != registry.SepResignation || len(e.Insurances) != 2 {
		t.Errorf("after separating: %+v %v", e, err)
	}
}

func TestUIUpload(t *testing.T) {
	srv, reg, acc := newUIServer(t)
	emp, err := reg.CreateEmployer(sysCtx, registry.EmployerInput{CreditCode: string(ident.NewCreditCode('9', '1', "330402", 6)), Name: "嘉兴导入测试有限公司",
		IndustrySection: "C", IndustryDivision: "39", Division: "330402", RiskClass: 1})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var persons []registry.Person
	for i := 0; i < 3; i++ {
		rid := string(ident.NewResidentID("330402", period.Date{Y: 1985 + i, M: 3, D: 9}, 40+i))
		p, err := reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: rid, Name: "导入" + itoa(int64(i)), ResidenceDivision: "330402"})
		if err != nil {
			t.Fatal(err)
		}
		ids, persons = append(ids, rid), append(persons, p)
	}
	old, err := reg.CreateEmployment(sysCtx, registry.EmploymentInput{PersonID: persons[0].ID, EmployerID: emp.ID, Start: "2025-01-01", DeclaredWage: "5000.00"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acc.CreateUser(sysCtx, access.UserInput{Name: "agent", Role: "employer_agent", EmployerID: emp.ID, Password: "ui-test-password-1"}); err != nil {
		t.Fatal(err)
	}
	u := newUIClient(t, srv.URL)
	u.do("POST", "/signin", url.Values{"username": {"agent"}, "password": {"ui-test-password-1"}}, nil)
	if pg := u.do("GET", "/employers/"+itoa(emp.ID), nil, nil); !strings.Contains(pg.body, `id="upload-form"`) {
		t.Errorf("the employer page has no upload form")
	}
	path := "/employers/" + itoa(emp.ID) + "/employees/upload"
	tpl := sheetRows(t, u.do("GET", "/employers/"+itoa(emp.ID)+"/employees-template.xlsx", nil, nil).body)
	if len(tpl) != 2 || tpl[0][0] != "公民身份号码" {
		t.Errorf("template: %v", tpl)
	}
	bad := [][]any{
		{ids[0], "2025-01-01", "6000.00", ""},                                                                  // 2: wage change, fine
		{ids[1], "2026/2/1", "7000", "养老,医疗"},                                                                  // 3: enrol, fine
		{ids[2][:17] + "0", "2026-02-01", "7000", ""},                                                          // 4: check character (unless 0 is right)
		{string(ident.NewResidentID("330402", period.Date{Y: 1999, M: 1, D: 1}, 9)), "2026-02-01", "7000", ""}, // 5: not registered
		{ids[1], "2026-02-30", "abc", "dental"},                                                                // 6: duplicate of row 3
		{},                                                                                                     // 7: blank, skipped
		{ids[2], "2026-02-31", "-5", "dental"},                                                                 // 8: date, wage, insurance
	}
	if ids[2][17] == '0' {
		bad[2][0] = ids[2][:17] + "1"
	}
	r := u.upload(t, path, xlsxOf(t, bad))
	if r.status != 422 || !strings.Contains(r.body, `id="upload-refused"`) {
		t.Fatalf("bad file: %d", r.status)
	}
	for _, want := range []string{"<td class=\"num\">4</td><td>A</td><td>公民身份号码：公民身份号码校验码不正确。",
		"<td class=\"num\">5</td><td>A</td>", "<td class=\"num\">6</td><td>A</td><td>公民身份号码：同一人在文件中出现多次。",
		"<td class=\"num\">8</td><td>B</td>", "<td class=\"num\">8</td><td>C</td>", "<td class=\"num\">8</td><td>D</td>"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if strings.Contains(r.body, "<td class=\"num\">7</td>") || strings.Contains(r.body, "<td class=\"num\">2</td>") {
		t.Errorf("the report blames a good or blank row")
	}
	if e, _ := reg.Employment(sysCtx, old.ID); e.DeclaredWage.String() != "5000.00" {
		t.Errorf("a refused file changed a wage: %s", e.DeclaredWage)
	}
	r = u.upload(t, path, xlsxOf(t, bad[:2]))
	if r.status != 200 || !strings.Contains(r.body, "已登记参保 1 人，更新申报工资 1 人，未变 0 人。") {
		t.Fatalf("good file: %d %s", r.status, r.body[strings.Index(r.body, "<main>"):])
	}
	if e, _ := reg.Employment(sysCtx, old.ID); e.DeclaredWage.String() != "6000.00" {
		t.Errorf("wage after the upload: %s", e.DeclaredWage)
	}
	es, _ := reg.ListEmployments(sysCtx, registry.EmploymentFilter{PersonID: persons[1].ID})
	if len(es) != 1 || es[0].Start.String() != "2026-02-01" || len(es[0].Insurances) != 2 {
		t.Errorf("enrolled: %+v", es)
	}
	if r := u.upload(t, path, []byte("not a spreadsheet")); r.status != 422 || !strings.Contains(r.body, "不是有效的 .xlsx 文件") {
		t.Errorf("not xlsx: %d", r.status)
	}
}

// xlsxOf builds an employees file: a header and rows.
func xlsxOf(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetRow("Sheet1", "A1", &[]any{"公民身份号码", "开始日期", "申报工资", "险种"})
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if len(row) > 0 {
			f.SetSheetRow("Sheet1", cell, &row)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// upload posts a file as the form field "file" with the CSRF token.
func (u *uiClient) upload(t *testing.T, path string, data []byte) uiResponse {
	t.Helper()
	return u.uploadFile(t, path, "employees.xlsx", data)
}

// uploadFile posts a file named name as the form field "file".
func (u *uiClient) uploadFile(t *testing.T, path, name string, data []byte) uiResponse {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", u.csrf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", u.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := u.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return uiResponse{res.StatusCode, res.Request.URL.RequestURI(), string(b)}
}

// TestUIAudit answers "who looked at this person" on the auditor's screen,
// with the reason the search form asked for; others may not open it.
func TestUIAudit(t *testing.T) {
	srv, reg, acc := newUIServer(t)
	per, err := reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: string(ident.NewResidentID("330402", period.Date{Y: 1980, M: 5, D: 4}, 11)), Name: "测试甲", ResidenceDivision: "330402"})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []access.UserInput{{Name: "cw402", Role: "caseworker", Divisions: []string{"330402"}}, {Name: "aud", Role: "auditor"}} {
		in.Password = "ui-test-password-1"
		if _, err := acc.CreateUser(sysCtx, in); err != nil {
			t.Fatal(err)
		}
	}
	cw := newUIClient(t, srv.URL)
	cw.do("POST", "/signin", url.Values{"username": {"cw402"}, "password": {"ui-test-password-1"}}, nil)
	cw.do("GET", "/persons/"+itoa(per.ID)+"?reason=%E5%92%A8%E8%AF%A2%E7%99%BB%E8%AE%B0", nil, nil) // 咨询登记
	if r := cw.do("GET", "/audit", nil, nil); r.status != 403 {
		t.Errorf("a caseworker opens the audit trail: %d", r.status)
	}
	a := newUIClient(t, srv.URL)
	a.do("POST", "/signin", url.Values{"username": {"aud"}, "password": {"ui-test-password-1"}}, nil)
	r := a.do("GET", "/audit?person_id="+itoa(per.ID), nil, nil)
	if r.status != 200 || !strings.Contains(r.body, "person.view") || !strings.Contains(r.body, "cw402") || !strings.Contains(r.body, "咨询登记") {
		t.Errorf("who looked: %d", r.status)
	}
	if v := a.do("GET", "/audit?verify=1", nil, nil); !strings.Contains(v.body, "日志链完整") {
		t.Errorf("verify: %d", v.status)
	}
	x := sheetRows(t, a.do("GET", "/audit.xlsx?person_id="+itoa(per.ID), nil, nil).body)
	if len(x) < 2 || x[1][4] != "person.view" || x[1][8] != "咨询登记" {
		t.Errorf("audit.xlsx: %v", x)
	}
}

// TestUIUsers: an administrator creates a user with a generated password
// shown once, the user signs in with it, is disabled and cannot.
func TestUIUsers(t *testing.T) {
	srv, _, acc := newUIServer(t)
	if _, err := acc.CreateUser(sysCtx, access.UserInput{Name: "admin", Role: "administrator", Password: "ui-test-password-1"}); err != nil {
		t.Fatal(err)
	}
	a := newUIClient(t, srv.URL)
	a.do("POST", "/signin", url.Values{"username": {"admin"}, "password": {"ui-test-password-1"}}, nil)
	if r := a.do("POST", "/users", url.Values{"csrf_token": {a.csrf}, "name": {"newcw"}, "role": {"caseworker"}}, nil); r.status != 422 || !strings.Contains(r.body, "窗口经办和复核须指定办理范围") {
		t.Errorf("a caseworker without divisions: %d", r.status)
	}
	r := a.do("POST", "/users", url.Values{"csrf_token": {a.csrf}, "name": {"newcw"}, "role": {"caseworker"}, "divisions": {"330402", "330411"}}, nil)
	m := regexp.MustCompile(`<code class="mono">([^<]+)</code>`).FindStringSubmatch(r.body)
	if r.status != 200 || m == nil {
		t.Fatalf("create: %d", r.status)
	}
	u := newUIClient(t, srv.URL)
	if s := u.do("POST", "/signin", url.Values{"username": {"newcw"}, "password": {m[1]}}, nil); s.status != 200 || !strings.Contains(s.body, "新吴") && !strings.Contains(s.body, "南湖区") {
		t.Errorf("the new user signs in: %d", s.status)
	}
	us, _ := acc.ListUsers(sysCtx, access.UserFilter{})
	var id int64
	for _, x := range us {
		if x.Name == "newcw" {
			id = x.ID
		}
	}
	a.do("GET", "/users", nil, nil)
	if r := a.do("POST", "/users/"+itoa(id)+"/disable", url.Values{"csrf_token": {a.csrf}}, nil); r.status != 200 || !strings.Contains(r.body, "已停用") {
		t.Errorf("disable: %d", r.status)
	}
	if s := newUIClient(t, srv.URL).do("POST", "/signin", url.Values{"username": {"newcw"}, "password": {m[1]}}, nil); s.status != 401 {
		t.Errorf("a disabled user signs in: %d", s.status)
	}
	if r := u.do("GET", "/users", nil, nil); r.status != 403 && !strings.Contains(r.url, "/signin") {
		t.Errorf("a caseworker opens the users screen: %d %s", r.status, r.url)
	}
}

// TestUITOTP: a caseworker sets up their second factor on the account
// screen, and then signing in needs its code.
func TestUITOTP(t *testing.T) {
	srv, _, acc := newUIServer(t)
	acc.TOTPKey = make([]byte, 32)
	if _, err := acc.CreateUser(sysCtx, access.UserInput{Name: "cw402", Role: "caseworker", Divisions: []string{"330402"}, Password: "ui-test-password-1"}); err != nil {
		t.Fatal(err)
	}
	u := newUIClient(t, srv.URL)
	u.do("POST", "/signin", url.Values{"username": {"cw402"}, "password": {"ui-test-password-1"}}, nil)
	u.do("GET", "/account", nil, nil)
	b := u.do("POST", "/account/totp", url.Values{"csrf_token": {u.csrf}}, nil)
	m := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(b.body)
	if b.status != 200 || m == nil {
		t.Fatalf("begin: %d", b.status)
	}
	if r := u.do("POST", "/account/totp/confirm", url.Values{"csrf_token": {u.csrf}, "code": {"000000"}}, nil); r.status != 422 || !strings.Contains(r.body, "动态验证码不正确") {
		t.Errorf("a wrong code: %d", r.status)
	}
	if r := u.do("POST", "/account/totp/confirm", url.Values{"csrf_token": {u.csrf}, "code": {totpCode(m[1], time.Now())}}, nil); r.status != 200 || !strings.Contains(r.body, `id="done"`) {
		t.Fatalf("confirm: %d %s", r.status, r.url)
	}
	v := newUIClient(t, srv.URL)
	if r := v.do("POST", "/signin", url.Values{"username": {"cw402"}, "password": {"ui-test-password-1"}}, nil); r.status != 401 || !strings.Contains(r.body, "请输入动态验证码") {
		t.Errorf("sign-in without the code: %d", r.status)
	}
	if r := v.do("POST", "/signin", url.Values{"username": {"cw402"}, "password": {"ui-test-password-1"}, "code": {totpCode(m[1], time.Now().Add(30*time.Second))}}, nil); r.status != 200 || !strings.Contains(r.body, `id="who"`) {
		t.Errorf("sign-in with the code: %d %s", r.status, errorOf(r.body))
	}
}

// totpCode is the RFC 6238 code (SHA-1, 30 s, 6 digits) of a base32 secret.
func totpCode(secret string, at time.Time) string {
	key, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(secret, "="))
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(at.Unix()/30))
	h := hmac.New(sha1.New, key)
	h.Write(msg[:])
	sum := h.Sum(nil)
	o := sum[len(sum)-1] & 0x0f
	n := (binary.BigEndian.Uint32(sum[o:o+4]) & 0x7fffffff) % 1_000_000
	return fmt.Sprintf("%06d", n)
}

// TestUIRegister: a caseworker registers a person and an employer at the
// counter; bad numbers are refused naming the field, in Chinese.
func TestUIRegister(t *testing.T) {
	srv, _, acc := newUIServer(t)
	if _, err := acc.CreateUser(sysCtx, access.UserInput{Name: "cw402", Role: "caseworker", Divisions: []string{"330402"}, Password: "ui-test-password-1"}); err != nil {
		t.Fatal(err)
	}
	u := newUIClient(t, srv.URL)
	u.do("POST", "/signin", url.Values{"username": {"cw402"}, "password": {"ui-test-password-1"}}, nil)
	u.do("GET", "/persons/new", nil, nil)
	rid := string(ident.NewResidentID("330402", period.Date{Y: 2001, M: 9, D: 9}, 77))
	bad := rid[:17] + flip(rid[17])
	if r := u.do("POST", "/persons", url.Values{"csrf_token": {u.csrf}, "resident_id": {bad}, "name": {"登记甲"}, "residence_division": {"330402"}}, nil); r.status != 422 ||
		!strings.Contains(r.body, "公民身份号码校验码不正确") || !strings.Contains(r.body, `value="登记甲"`) || !strings.Contains(r.body, `aria-invalid="true"`) {
		t.Errorf("bad check character: %d", r.status)
	}
	r := u.do("POST", "/persons", url.Values{"csrf_token": {u.csrf}, "resident_id": {rid}, "name": {"登记甲"}, "residence_division": {"330402"},
		"school": {"嘉兴学院"}, "major": {"软件工程"}, "degree": {"bachelor"}, "graduated": {"2025-06-30"}}, nil)
	if r.status != 200 || !strings.HasPrefix(r.url, "/persons/") || !strings.Contains(r.body, "登记甲") || !strings.Contains(r.body, "2001年9月9日") {
		t.Fatalf("register a person: %d %s %s", r.status, r.url, errorOf(r.body))
	}
	if r := u.do("POST", "/persons", url.Values{"csrf_token": {u.csrf}, "resident_id": {rid}, "name": {"登记乙"}, "residence_division": {"330402"}}, nil); r.status != 409 || !strings.Contains(r.body, "该公民身份号码已登记") {
		t.Errorf("duplicate: %d", r.status)
	}
	code := string(ident.NewCreditCode('9', '1', "330402", 901))
	u.do("GET", "/employers/new", nil, nil)
	if r := u.do("POST", "/employers", url.Values{"csrf_token": {u.csrf}, "credit_code": {code}, "name": {"嘉兴登记有限公司"}, "division": {"330402"}, "industry": {"C-63"}, "risk_class": {"2"}}, nil); r.status != 422 {
		t.Errorf("industry division of another section: %d", r.status)
	}
	e := u.do("POST", "/employers", url.Values{"csrf_token": {u.csrf}, "credit_code": {code}, "name": {"嘉兴登记有限公司"}, "division": {"330402"}, "industry": {"C-39"}, "risk_class": {"2"}}, nil)
	if e.status != 200 || !strings.HasPrefix(e.url, "/employers/") || !strings.Contains(e.body, "嘉兴登记有限公司") {
		t.Fatalf("register an employer: %d %s %s", e.status, e.url, errorOf(e.body))
	}
	if s := u.do("GET", "/employers?name=%E5%98%89%E5%85%B4", nil, nil); !strings.Contains(s.body, "嘉兴登记有限公司") {
		t.Errorf("the employer search does not find it")
	}
}
