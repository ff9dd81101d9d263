package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"

	"hrss/access"
	"hrss/registry"
	"hrss/sheet"
	"hrss/store"
	"hrss/store/storetest"
)

// supCity is the city of the support programmes' API scenario: hosts H1
// and H2 (330402) each with an intern who graduated in 2025 and served
// an internship in the second half of 2025, an employer X (330411), and
// a founder (330402) who graduated in 2023 and has run a business since
// December 2024. The test app's clock is 2026-03-01.
type supCity struct {
	a                         *app
	h1, h2, x                 registry.Employer
	intern1, intern2, founder int64
	tok                       map[string]string
	grants                    []int64 // the internship grants, H1's first
	startup, batch, run, run2 int64
	refs                      []string // the references of the first run, H1's first
	ref, ctype                string   // the re-issue's reference; a multipart form's content type
}

// newSupCity registers the city as the system and signs in its users:
// city (a city-wide caseworker), cw (a caseworker of 330402), rv (a
// reviewer of 330402), agent (H1's agent), founder and intern (citizens),
// ana (an analyst).
func newSupCity(t *testing.T, db *store.DB) *supCity {
	t.Helper()
	c := &supCity{a: newApp(t, db), tok: map[string]string{}}
	reg := c.a.reg
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	c.h1, err = reg.CreateEmployer(sysCtx, employerIn(7101, "见习甲单位有限公司", "330402"))
	must(err)
	c.h2, err = reg.CreateEmployer(sysCtx, employerIn(7102, "见习乙单位有限公司", "330402"))
	must(err)
	c.x, err = reg.CreateEmployer(sysCtx, employerIn(7103, "秀洲某单位有限公司", "330411"))
	must(err)
	c.intern1 = supGraduate(t, reg, 1, "2025-06-30")
	c.intern2 = supGraduate(t, reg, 2, "2025-06-30")
	c.founder = supGraduate(t, reg, 3, "2023-06-30")
	_, err = reg.EnrolFlexible(sysCtx, registry.FlexibleInput{PersonID: c.founder, Division: "330402", Start: "2024-12-01", BasePct: 60})
	must(err)
	users := []access.UserInput{
		{Name: "city", Role: "caseworker", Divisions: []string{access.CityWide}},
		{Name: "cwk", Role: "caseworker", Divisions: []string{"330402"}},
		{Name: "rvw", Role: "reviewer", Divisions: []string{"330402"}},
		{Name: "agent", Role: "employer_agent", EmployerID: c.h1.ID},
		{Name: "founder", Role: "citizen", PersonID: c.founder},
		{Name: "intern", Role: "citizen", PersonID: c.intern1},
		{Name: "ana", Role: "analyst"},
	}
	for _, u := range users {
		c.a.user(t, u)
		c.tok[u.Name] = c.a.signIn(t, u.Name)
	}
	return c
}

// supGraduate registers a bachelor of 330402 who graduated on grad.
func supGraduate(t *testing.T, reg *registry.Service, n int, grad string) int64 {
	t.Helper()
	p, err := reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: rid("330402", 2002, 700+2*n), Name: fmt.Sprintf("毕业生%d", n), ResidenceDivision: "330402",
		Education: "bachelor", Graduation: &registry.GraduationInput{School: "嘉兴大学", Major: "会计学", Degree: "bachelor", Date: grad}})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// supStep is one request of the scenario: as a user, with a path and
// body that may depend on what earlier steps found, the status wanted
// and a check of the answer.
type supStep struct {
	name, as, method string
	path             func(c *supCity) string
	body             func(c *supCity) string
	hdr              func(c *supCity) map[string]string
	status           int
	check            func(t *testing.T, c *supCity, res response)
}

func supAt(p string) func(*supCity) string { return func(*supCity) string { return p } }

func supText(b string) func(*supCity) string { return func(*supCity) string { return b } }

// TestSupportAPIScenario drives the support programmes over HTTP: bad
// input is refused naming the field; internships are recorded; the scan
// finds the hosts' and the founder's grants, once; each caller sees what
// is theirs; a caseworker prepares a batch that only a reviewer approves;
// payees are recorded and a payment run makes the bank's file (CSV and
// Excel); the bank's return with an unknown reference is refused naming
// its row, the right one fails one row; the failed grant is re-issued
// once its payee is corrected, and is paid; the invariants hold.
func TestSupportAPIScenario(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newSupCity(t, db)
		for _, s := range supScenario() {
			c.step(t, s)
		}
	})
}

// step makes one step's request and checks its answer.
func (c *supCity) step(t *testing.T, s supStep) {
	t.Helper()
	body := ""
	if s.body != nil {
		body = s.body(c)
	}
	var hdr map[string]string
	if s.hdr != nil {
		hdr = s.hdr(c)
	}
	res := c.a.do(t, c.tok[s.as], s.method, s.path(c), body, hdr)
	if res.status != s.status {
		t.Fatalf("%s: status %d, want %d: %s", s.name, res.status, s.status, res.body)
	}
	if res.status >= 400 && res.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("%s: content type %q", s.name, res.header.Get("Content-Type"))
	}
	if s.check != nil {
		s.check(t, c, res)
	}
}

// stepUntil runs the scenario's steps up to the payment run, stopping
// before the step named stop, which it returns.
func (c *supCity) stepUntil(t *testing.T, stop string) supStep {
	t.Helper()
	for _, part := range [][]supStep{supScanSteps(), supSeeSteps(), supBatchSteps(), supPaySteps()} {
		for _, s := range part {
			if s.name == stop {
				return s
			}
			c.step(t, s)
		}
	}
	t.Fatalf("no step %q", stop)
	return supStep{}
}

func supScenario() []supStep {
	var steps []supStep
	for _, part := range [][]supStep{supScanSteps(), supSeeSteps(), supBatchSteps(), supPaySteps(), supReturnSteps()} {
		steps = append(steps, part...)
	}
	return steps
}

func supScanSteps() []supStep {
	return []supStep{
		{"bad date", "city", "POST", supAt("/api/v1/support/scans"), supText(`{"as_of":"2026-02-30"}`), nil, 422, supProblem("as_of", "date.format")},
		{"unknown programme", "city", "POST", supAt("/api/v1/support/scans"), supText(`{"programme":"no_such"}`), nil, 422, supProblem("programme", "programme.known")},
		{"a loan is applied for, not scanned", "city", "POST", supAt("/api/v1/support/scans"), supText(`{"programme":"startup_loan"}`), nil, 422, supProblem("programme", "support.scan_loan")},
		{"unknown field", "city", "POST", supAt("/api/v1/support/scans"), supText(`{"asof":"2026-02-15"}`), nil, 422, supProblem("body", "json.syntax")},
		{"a division's caseworker does not scan the city", "cwk", "POST", supAt("/api/v1/support/scans"), supText(`{}`), nil, 403, nil},
		{"internship of H1", "cwk", "POST", supAt("/api/v1/internships"), func(c *supCity) string {
			return fmt.Sprintf(`{"employer_id":%d,"person_id":%d,"start":"2025-07-01","end":"2025-12-31","allowance":"2600.00"}`, c.h1.ID, c.intern1)
		}, nil, 201, supHas("allowance", "2600.00")},
		{"internship of H2", "cwk", "POST", supAt("/api/v1/internships"), func(c *supCity) string {
			return fmt.Sprintf(`{"employer_id":%d,"person_id":%d,"start":"2025-07-01","end":"2025-12-31","allowance":"2600.00"}`, c.h2.ID, c.intern2)
		}, nil, 201, nil},
		{"internship with a bad start", "cwk", "POST", supAt("/api/v1/internships"), func(c *supCity) string {
			return fmt.Sprintf(`{"employer_id":%d,"person_id":%d,"start":"2025-13-01","end":"2025-12-31","allowance":"2600.00"}`, c.h1.ID, c.intern1)
		}, nil, 422, supProblem("start", "internship.start")},
		{"internship with a bad allowance", "cwk", "POST", supAt("/api/v1/internships"), func(c *supCity) string {
			return fmt.Sprintf(`{"employer_id":%d,"person_id":%d,"start":"2025-07-01","end":"2025-12-31","allowance":2600}`, c.h1.ID, c.intern1)
		}, nil, 422, supProblem("allowance", "json.type")},
		{"internship of another division's host", "cwk", "POST", supAt("/api/v1/internships"), func(c *supCity) string {
			return fmt.Sprintf(`{"employer_id":%d,"person_id":%d,"start":"2025-07-01","end":"2025-12-31","allowance":"2600.00"}`, c.x.ID, c.intern1)
		}, nil, 404, nil},
		{"scan", "city", "POST", supAt("/api/v1/support/scans"), supText(`{"as_of":"2026-02-15"}`), nil, 201, func(t *testing.T, c *supCity, res response) {
			var sc struct {
				AsOf        string `json:"as_of"`
				Created     int
				ByProgramme map[string]struct {
					Created int
					Amount  string
				} `json:"by_programme"`
			}
			json.Unmarshal(res.body, &sc)
			in, st := sc.ByProgramme["internship"], sc.ByProgramme["startup_subsidy"]
			if sc.AsOf != "2026-02-15" || sc.Created != 3 || in.Created != 2 || in.Amount != "17928.00" || st.Created != 1 || st.Amount != "5000.00" {
				t.Errorf("scan %s", res.body)
			}
		}},
		{"a second scan finds nothing new", "city", "POST", supAt("/api/v1/support/scans"), supText(`{"as_of":"2026-02-15"}`), nil, 201, supHas("created", 0.0)},
		{"scans", "city", "GET", supAt("/api/v1/support/scans?limit=5"), nil, nil, 200, supItems(2)},
		{"scans need the city", "cwk", "GET", supAt("/api/v1/support/scans"), nil, nil, 403, nil},
	}
}

func supSeeSteps() []supStep {
	return []supStep{
		{"bad status", "cwk", "GET", supAt("/api/v1/grants?status=owed"), nil, nil, 422, supProblem("status", "query.status")},
		{"unknown programme filter", "cwk", "GET", supAt("/api/v1/grants?programme=no_such"), nil, nil, 422, supProblem("programme", "programme.known")},
		{"bad person filter", "cwk", "GET", supAt("/api/v1/grants?person_id=x"), nil, nil, 422, supProblem("person_id", "query.integer")},
		{"the caseworker's queue", "cwk", "GET", supAt("/api/v1/grants?programme=internship&status=pending"), nil, nil, 200, func(t *testing.T, c *supCity, res response) {
			gs := supGrantsOf(t, res)
			if len(gs) != 2 || gs[0].EmployerID != c.h1.ID || gs[0].Amount != "8964.00" || gs[0].Status != "pending" || gs[0].PersonName == "" {
				t.Fatalf("queue %s", res.body)
			}
			c.grants = []int64{gs[0].ID, gs[1].ID}
		}},
		{"a page of one", "cwk", "GET", supAt("/api/v1/grants?programme=internship&limit=1"), nil, nil, 200, func(t *testing.T, c *supCity, res response) {
			if m := res.json(); len(m["items"].([]any)) != 1 || m["next_after"] != float64(c.grants[0]) {
				t.Errorf("page %s", res.body)
			}
		}},
		{"the host's agent reads its grant with the rule's trace", "agent", "GET", func(c *supCity) string { return "/api/v1/grants/" + itoa(c.grants[0]) }, nil, nil, 200,
			func(t *testing.T, c *supCity, res response) {
				var d struct {
					Grant struct {
						Reason struct{ Key string }
						Trace  []struct{ Kind, Name string }
						Source struct {
							InternshipID int64 `json:"internship_id"`
						}
					}
					Payments []any
				}
				json.Unmarshal(res.body, &d)
				if d.Grant.Reason.Key == "" || len(d.Grant.Trace) == 0 || d.Grant.Source.InternshipID == 0 || d.Payments == nil {
					t.Errorf("grant %s", res.body)
				}
			}},
		{"the agent does not see another host's grant", "agent", "GET", func(c *supCity) string { return "/api/v1/grants/" + itoa(c.grants[1]) }, nil, nil, 404, nil},
		{"the agent lists its own", "agent", "GET", supAt("/api/v1/grants"), nil, nil, 200, func(t *testing.T, c *supCity, res response) {
			if gs := supGrantsOf(t, res); len(gs) != 1 || gs[0].ID != c.grants[0] {
				t.Errorf("agent's grants %s", res.body)
			}
		}},
		{"the founder sees their subsidy without applying", "founder", "GET", supAt("/api/v1/grants"), nil, nil, 200, func(t *testing.T, c *supCity, res response) {
			gs := supGrantsOf(t, res)
			if len(gs) != 1 || gs[0].Programme != "startup_subsidy" || gs[0].PersonID != c.founder || gs[0].Amount != "5000.00" {
				t.Fatalf("founder's grants %s", res.body)
			}
			c.startup = gs[0].ID
		}},
		{"an intern does not see the host's subsidy", "intern", "GET", supAt("/api/v1/grants"), nil, nil, 200, supItems(0)},
		{"an intern does not read it", "intern", "GET", func(c *supCity) string { return "/api/v1/grants/" + itoa(c.grants[0]) }, nil, nil, 404, nil},
		{"an analyst reads no grant", "ana", "GET", supAt("/api/v1/grants"), nil, nil, 403, nil},
		{"an analyst reads totals", "ana", "GET", supAt("/api/v1/support/totals?programme=internship"), nil, nil, 200, func(t *testing.T, c *supCity, res response) {
			if !strings.Contains(string(res.body), `{"programme":"internship","division":"330402","status":"pending","grants":2,"amount":"17928.00"}`) {
				t.Errorf("totals %s", res.body)
			}
		}},
		{"programmes with their sources", "ana", "GET", supAt("/api/v1/programmes?at=2025-07-01&division=330402"), nil, nil, 200, func(t *testing.T, c *supCity, res response) {
			if s := string(res.body); !strings.Contains(s, `"code":"internship"`) || !strings.Contains(s, `"name":"support.internship.host_ratio","value":"0.6"`) || !strings.Contains(s, `"confidence":"unverified"`) {
				t.Errorf("programmes %s", res.body)
			}
		}},
		{"one programme", "founder", "GET", supAt("/api/v1/programmes/startup_subsidy"), nil, nil, 200, supHas("beneficiary", "person")},
		{"no such programme", "founder", "GET", supAt("/api/v1/programmes/no_such"), nil, nil, 404, nil},
		{"programmes of a bad day", "founder", "GET", supAt("/api/v1/programmes?at=2025-7-1"), nil, nil, 422, supProblem("at", "date.format")},
		{"programmes of a bad division", "founder", "GET", supAt("/api/v1/programmes?division=33"), nil, nil, 422, supProblem("division", "division.code")},
	}
}

func supBatchSteps() []supStep {
	return []supStep{
		{"a batch of another division", "cwk", "POST", supAt("/api/v1/grant-batches"), supText(`{"division":"330411"}`), nil, 404, nil},
		{"a batch of an unknown programme", "cwk", "POST", supAt("/api/v1/grant-batches"), supText(`{"division":"330402","programme":"no_such"}`), nil, 422, supProblem("programme", "programme.known")},
		{"a reviewer does not prepare", "rvw", "POST", supAt("/api/v1/grant-batches"), supText(`{"division":"330402","programme":"internship"}`), nil, 403, nil},
		{"the caseworker prepares the internships", "cwk", "POST", supAt("/api/v1/grant-batches"), supText(`{"division":"330402","programme":"internship"}`), nil, 201, func(t *testing.T, c *supCity, res response) {
			m := res.json()
			if m["grants"] != 2.0 || m["total"] != "17928.00" || m["status"] != "prepared" || m["preparer"] != "cwk" {
				t.Fatalf("batch %s", res.body)
			}
			c.batch = int64(m["id"].(float64))
		}},
		{"the batch with its grants", "rvw", "GET", func(c *supCity) string { return "/api/v1/grant-batches/" + itoa(c.batch) }, nil, nil, 200, func(t *testing.T, c *supCity, res response) {
			var d struct {
				Batch  struct{ ID int64 }
				Grants []struct{ Status string }
			}
			json.Unmarshal(res.body, &d)
			if d.Batch.ID != c.batch || len(d.Grants) != 2 || d.Grants[0].Status != "prepared" {
				t.Errorf("batch %s", res.body)
			}
		}},
		{"the batches to review", "rvw", "GET", supAt("/api/v1/grant-batches?status=prepared"), nil, nil, 200, supItems(1)},
		{"a bad batch status", "rvw", "GET", supAt("/api/v1/grant-batches?status=pending"), nil, nil, 422, supProblem("status", "query.status")},
		{"the preparer does not approve", "cwk", "POST", func(c *supCity) string { return "/api/v1/grant-batches/" + itoa(c.batch) + "/approve" }, nil, nil, 403, nil},
		{"a rejection needs a reason", "rvw", "POST", func(c *supCity) string { return "/api/v1/grant-batches/" + itoa(c.batch) + "/reject" }, supText(`{"reason":" "}`), nil, 422, supProblem("reason", "batch.reason")},
		{"another user, a reviewer, approves", "rvw", "POST", func(c *supCity) string { return "/api/v1/grant-batches/" + itoa(c.batch) + "/approve" }, nil, nil, 200, func(t *testing.T, c *supCity, res response) {
			if m := res.json(); m["status"] != "approved" || m["reviewer"] != "rvw" {
				t.Errorf("approved %s", res.body)
			}
		}},
		{"approved once", "rvw", "POST", func(c *supCity) string { return "/api/v1/grant-batches/" + itoa(c.batch) + "/approve" }, nil, nil, 409, nil},
		{"the founder's grant is rejected with a reason", "rvw", "POST", func(c *supCity) string { return "/api/v1/grants/" + itoa(c.startup) + "/reject" }, supText(`{"reason":"business closed, per the market regulator"}`), nil, 200, supHas("status", "rejected")},
		{"an approved grant is not rejected", "cwk", "POST", func(c *supCity) string { return "/api/v1/grants/" + itoa(c.grants[0]) + "/reject" }, supText(`{"reason":"x"}`), nil, 409, nil},
	}
}

func supPaySteps() []supStep {
	payee := func(id func(c *supCity) int64) func(*supCity) string {
		return func(c *supCity) string { return "/api/v1/payees/employer/" + itoa(id(c)) }
	}
	h1 := func(c *supCity) int64 { return c.h1.ID }
	h2 := func(c *supCity) int64 { return c.h2.ID }
	return []supStep{
		{"no account, nothing to pay", "city", "POST", supAt("/api/v1/grant-payments"), nil, nil, 422, supProblem("", "pay.nothing")},
		{"a bad account", "cwk", "PUT", payee(h1), supText(`{"bank":"嘉兴银行","account":"6222-0000","holder":"见习甲单位有限公司"}`), nil, 422, supProblem("account", "payee.account")},
		{"a bad kind", "cwk", "PUT", func(c *supCity) string { return "/api/v1/payees/company/" + itoa(c.h1.ID) }, supText(`{"bank":"嘉兴银行","account":"62220000000001","holder":"x"}`), nil, 422, supProblem("kind", "payee.kind")},
		{"another division's payee", "cwk", "PUT", func(c *supCity) string { return "/api/v1/payees/employer/" + itoa(c.x.ID) }, supText(`{"bank":"嘉兴银行","account":"62220000000001","holder":"x"}`), nil, 404, nil},
		{"H1's account", "cwk", "PUT", payee(h1), supText(`{"bank":"嘉兴银行","account":"6222 0000 0000 0001","holder":"见习甲单位有限公司"}`), nil, 200, supHas("account", "6222000000000001")},
		{"H2's account", "cwk", "PUT", payee(h2), supText(`{"bank":"嘉兴银行","account":"6222000000000002","holder":"见习乙单位有限公司"}`), nil, 200, nil},
		{"a division's caseworker does not pay", "cwk", "POST", supAt("/api/v1/grant-payments"), nil, nil, 403, nil},
		{"the payment run", "city", "POST", supAt("/api/v1/grant-payments"), nil, nil, 201, func(t *testing.T, c *supCity, res response) {
			var rep struct {
				Run struct {
					ID, Rows int64
					Total    string
				}
			}
			json.Unmarshal(res.body, &rep)
			if rep.Run.Rows != 2 || rep.Run.Total != "17928.00" {
				t.Fatalf("run %s", res.body)
			}
			c.run = rep.Run.ID
		}},
		{"the runs", "city", "GET", supAt("/api/v1/grant-payments"), nil, nil, 200, supItems(1)},
		{"the bank file", "city", "GET", func(c *supCity) string { return "/api/v1/grant-payments/" + itoa(c.run) + "/bank-file" }, nil, nil, 200, func(t *testing.T, c *supCity, res response) {
			rows := supBankRows(t, res, "text/csv; charset=utf-8", fmt.Sprintf(`attachment; filename=grant-payments-%d.csv`, c.run))
			c.refs = []string{rows[1][0], rows[2][0]}
			if len(rows) != 3 || rows[1][1] != "见习甲单位有限公司" || rows[1][3] != "6222000000000001" || rows[1][4] != "8964.00" || rows[1][6] != itoa(c.grants[0]) {
				t.Errorf("bank file %q", rows)
			}
		}},
		{"the bank file in Excel", "city", "GET", func(c *supCity) string { return "/api/v1/grant-payments/" + itoa(c.run) + "/bank-file?format=xlsx" }, nil, nil, 200, func(t *testing.T, c *supCity, res response) {
			rows := supBankRows(t, res, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fmt.Sprintf(`attachment; filename=grant-payments-%d.xlsx`, c.run))
			if len(rows) != 3 || rows[1][0] != c.refs[0] || rows[2][4] != "8964.00" {
				t.Errorf("bank workbook %q", rows)
			}
		}},
		{"the bank file in a bad format", "city", "GET", func(c *supCity) string { return "/api/v1/grant-payments/" + itoa(c.run) + "/bank-file?format=pdf" }, nil, nil, 422, supProblem("format", "bank_file.format")},
		{"no such run", "city", "GET", supAt("/api/v1/grant-payments/999/bank-file"), nil, nil, 404, nil},
		{"issued", "cwk", "GET", func(c *supCity) string { return "/api/v1/grants/" + itoa(c.grants[1]) }, nil, nil, 200, func(t *testing.T, c *supCity, res response) {
			if s := string(res.body); !strings.Contains(s, `"status":"issued"`) || !strings.Contains(s, c.refs[1]) {
				t.Errorf("issued grant %s", res.body)
			}
		}},
	}
}

func supReturnSteps() []supStep {
	grant := func(i int) func(c *supCity) string {
		return func(c *supCity) string { return "/api/v1/grants/" + itoa(c.grants[i]) }
	}
	return []supStep{
		{"a return with an unknown reference names its row", "city", "POST", supAt("/api/v1/grant-returns"), func(c *supCity) string {
			return supReturnCSV(c.refs[0]+",paid,", c.refs[1]+",failed,account closed", "SUP-999-1,paid,")
		}, supCSVType, 422, func(t *testing.T, c *supCity, res response) {
			if m := res.json(); m["row"] != 4.0 || m["column"] != "reference" || m["field"] != "reference" || !strings.Contains(fmt.Sprint(m["detail"]), "SUP-999-1") {
				t.Errorf("problem %s", res.body)
			}
		}},
		{"a refused file changes nothing", "cwk", "GET", grant(0), nil, nil, 200, supHasIn("grant", "status", "issued")},
		{"a division's caseworker takes no return", "cwk", "POST", supAt("/api/v1/grant-returns?name=r.csv"), supText(supReturnCSV()), supCSVType, 403, nil},
		{"the bank's return, an Excel upload, one row failed", "city", "POST", supAt("/api/v1/grant-returns"), func(c *supCity) string {
			return c.upload(supReturnXLSX(c.refs[0]+",paid,", c.refs[1]+",failed,account closed"))
		}, func(c *supCity) map[string]string { return map[string]string{"Content-Type": c.ctype} }, 201, func(t *testing.T, c *supCity, res response) {
			if m := res.json(); m["paid"] != 1.0 || m["failed"] != 1.0 || m["amount_paid"] != "8964.00" {
				t.Errorf("return %s", res.body)
			}
		}},
		{"the same return again, a raw workbook", "city", "POST", supAt("/api/v1/grant-returns"), func(c *supCity) string {
			return supReturnXLSX(c.refs[0]+",paid,", c.refs[1]+",failed,account closed")
		}, func(*supCity) map[string]string {
			return map[string]string{"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
		}, 201,
			func(t *testing.T, c *supCity, res response) {
				if m := res.json(); m["already"] != 2.0 || m["paid"] != 0.0 {
					t.Errorf("second return %s", res.body)
				}
			}},
		{"paid", "agent", "GET", grant(0), nil, nil, 200, supHasIn("grant", "status", "paid")},
		{"failed", "cwk", "GET", grant(1), nil, nil, 200, func(t *testing.T, c *supCity, res response) {
			if s := string(res.body); !strings.Contains(s, `"status":"failed"`) || !strings.Contains(s, `"failure":"account closed"`) {
				t.Errorf("failed grant %s", res.body)
			}
		}},
		{"no re-issue before the account is corrected", "city", "POST", supAt("/api/v1/grant-payments"), nil, nil, 422, supProblem("", "pay.nothing")},
		{"H2's corrected account", "cwk", "PUT", func(c *supCity) string { return "/api/v1/payees/employer/" + itoa(c.h2.ID) },
			supText(`{"bank":"嘉兴农商银行","account":"6228000000000002","holder":"见习乙单位有限公司"}`), nil, 200, nil},
		{"the re-issue", "city", "POST", supAt("/api/v1/grant-payments"), nil, nil, 201, func(t *testing.T, c *supCity, res response) {
			var rep struct {
				Run struct{ ID, Rows, Reissues int64 }
			}
			json.Unmarshal(res.body, &rep)
			if rep.Run.Rows != 1 || rep.Run.Reissues != 1 {
				t.Fatalf("re-issue %s", res.body)
			}
			c.run2 = rep.Run.ID
		}},
		{"the re-issue's bank file", "city", "GET", func(c *supCity) string { return "/api/v1/grant-payments/" + itoa(c.run2) + "/bank-file?format=csv" }, nil, nil, 200,
			func(t *testing.T, c *supCity, res response) {
				rows := supBankRows(t, res, "text/csv; charset=utf-8", fmt.Sprintf(`attachment; filename=grant-payments-%d.csv`, c.run2))
				if len(rows) != 2 || rows[1][0] != fmt.Sprintf("SUP-%d-%d-2", c.run2, c.grants[1]) || rows[1][3] != "6228000000000002" {
					t.Fatalf("re-issue file %q", rows)
				}
				c.ref = rows[1][0]
			}},
		{"the re-issue's return", "city", "POST", func(c *supCity) string { return "/api/v1/grant-returns?name=return-2.csv" }, func(c *supCity) string {
			return supReturnCSV(c.ref + ",成功,")
		}, supCSVType, 201, supHas("paid", 1.0)},
		{"paid after the re-issue", "cwk", "GET", grant(1), nil, nil, 200, func(t *testing.T, c *supCity, res response) {
			var d struct {
				Grant    struct{ Status string }
				Payments []struct{ Status string }
			}
			json.Unmarshal(res.body, &d)
			if d.Grant.Status != "paid" || len(d.Payments) != 2 || d.Payments[0].Status != "failed" || d.Payments[1].Status != "paid" {
				t.Errorf("grant after the re-issue %s", res.body)
			}
		}},
		{"the totals", "cwk", "GET", supAt("/api/v1/support/totals?programme=internship&division=330402"), nil, nil, 200, func(t *testing.T, c *supCity, res response) {
			if !strings.Contains(string(res.body), `"status":"paid","grants":2,"amount":"17928.00"`) {
				t.Errorf("totals %s", res.body)
			}
		}},
		{"the invariants hold", "city", "GET", supAt("/api/v1/support/check"), nil, nil, 200, func(t *testing.T, c *supCity, res response) {
			if m := res.json(); m["ok"] != true || len(m["results"].([]any)) != 3 {
				t.Errorf("check %s", res.body)
			}
		}},
		{"the check needs the city", "cwk", "GET", supAt("/api/v1/support/check"), nil, nil, 403, nil},
	}
}

func supCSVType(*supCity) map[string]string { return map[string]string{"Content-Type": "text/csv"} }

// supReturnCSV is a bank return file of rows "reference,status,reason".
func supReturnCSV(rows ...string) string {
	return "reference,status,reason\n" + strings.Join(append(rows, ""), "\n")
}

// supReturnXLSX is supReturnCSV as an Excel workbook.
func supReturnXLSX(rows ...string) string {
	var cells [][]string
	for _, r := range rows {
		cells = append(cells, strings.Split(r, ","))
	}
	b, err := sheet.XLSX("returns", []string{"reference", "status", "reason"}, cells)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// upload wraps file as the part "file" of a multipart form named
// return.xlsx and keeps the form's content type in c.ctype.
func (c *supCity) upload(file string) string {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "return.xlsx")
	fw.Write([]byte(file))
	mw.Close()
	c.ctype = mw.FormDataContentType()
	return buf.String()
}

// supBankRows checks a bank file's headers and returns its rows.
func supBankRows(t *testing.T, res response, ctype, disposition string) [][]string {
	t.Helper()
	if res.header.Get("Content-Type") != ctype || res.header.Get("Content-Disposition") != disposition {
		t.Errorf("bank file headers %v", res.header)
	}
	name := "bank.csv"
	if strings.Contains(ctype, "spreadsheetml") {
		name = "bank.xlsx"
	}
	rows, err := sheet.Read(name, res.body, "bank")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != "reference,holder,bank,account,amount,programme,grant" {
		t.Fatalf("bank file header %q", rows)
	}
	return rows
}

// supGrant is what the scenario reads of a grant.
type supGrant struct {
	ID         int64
	Programme  string
	PersonID   int64  `json:"person_id"`
	PersonName string `json:"person_name"`
	EmployerID int64  `json:"employer_id"`
	Amount     string
	Status     string
}

func supGrantsOf(t *testing.T, res response) []supGrant {
	t.Helper()
	var l struct{ Items []supGrant }
	if err := json.Unmarshal(res.body, &l); err != nil {
		t.Fatal(err)
	}
	return l.Items
}

// supProblem checks a problem names field (when given) and rule.
func supProblem(field, rule string) func(*testing.T, *supCity, response) {
	return func(t *testing.T, _ *supCity, res response) {
		t.Helper()
		m := res.json()
		if (field != "" && m["field"] != field) || m["rule"] != rule || m["detail"] == "" {
			t.Errorf("problem %s, want field %q rule %q", res.body, field, rule)
		}
	}
}

// supHas checks one top-level value of the answer.
func supHas(key string, want any) func(*testing.T, *supCity, response) {
	return func(t *testing.T, _ *supCity, res response) {
		t.Helper()
		if got := res.json()[key]; got != want {
			t.Errorf("%s = %v, want %v: %s", key, got, want, res.body)
		}
	}
}

// supHasIn checks a value one object down.
func supHasIn(obj, key string, want any) func(*testing.T, *supCity, response) {
	return func(t *testing.T, _ *supCity, res response) {
		t.Helper()
		if o, _ := res.json()[obj].(map[string]any); o[key] != want {
			t.Errorf("%s.%s = %v, want %v: %s", obj, key, o[key], want, res.body)
		}
	}
}

func supItems(n int) func(*testing.T, *supCity, response) {
	return func(t *testing.T, _ *supCity, res response) {
		t.Helper()
		if l, _ := res.json()["items"].([]any); len(l) != n {
			t.Errorf("%d items, want %d: %s", len(l), n, res.body)
		}
	}
}

// TestSupportLoansAPI drives a guaranteed loan over HTTP: the founder
// applies for themselves (not for another, not outside the terms, not
// with a bad date), a reviewer approves it, a caseworker records a month
// in default and the bank's claim, whose months become grants paid to
// the lending bank by the same batch, approval and payment run.
func TestSupportLoansAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newSupCity(t, db)
		for _, s := range supLoanSteps() {
			c.step(t, s)
		}
	})
}

func supLoanBody(person func(c *supCity) int64, principal, term, signed string) func(*supCity) string {
	return func(c *supCity) string {
		return fmt.Sprintf(`{"borrower":"individual","person_id":%d,"bank":"嘉兴银行","guarantor":"嘉兴市融资担保有限公司","principal":%s,"term_months":%s,"contract_rate":"0.0345","signed":%s}`,
			person(c), principal, term, signed)
	}
}

func supLoanSteps() []supStep {
	founder := func(c *supCity) int64 { return c.founder }
	intern := func(c *supCity) int64 { return c.intern1 }
	loan := func(tail string) func(c *supCity) string {
		return func(c *supCity) string { return "/api/v1/loans/" + itoa(c.startup) + tail }
	}
	return []supStep{
		{"a bad contract date", "founder", "POST", supAt("/api/v1/loans"), supLoanBody(founder, `"200000.00"`, "24", `"2025-06-31"`), nil, 422, supProblem("signed", "loan.signed")},
		{"a principal as a number", "founder", "POST", supAt("/api/v1/loans"), supLoanBody(founder, `200000`, "24", `"2025-06-10"`), nil, 422, supProblem("principal", "json.type")},
		{"above the limit", "founder", "POST", supAt("/api/v1/loans"), supLoanBody(founder, `"600000.00"`, "24", `"2025-06-10"`), nil, 422, supProblem("principal", "loan.not_eligible")},
		{"for another person", "founder", "POST", supAt("/api/v1/loans"), supLoanBody(intern, `"200000.00"`, "24", `"2025-06-10"`), nil, 403, nil},
		{"a reviewer does not apply", "rvw", "POST", supAt("/api/v1/loans"), supLoanBody(founder, `"200000.00"`, "24", `"2025-06-10"`), nil, 403, nil},
		{"the founder applies", "founder", "POST", supAt("/api/v1/loans"), supLoanBody(founder, `"200000.00"`, "24", `"2025-06-10"`), nil, 201, func(t *testing.T, c *supCity, res response) {
			m := res.json()
			terms, _ := m["terms"].(map[string]any)
			if m["status"] != "applied" || m["principal"] != "200000.00" || terms["borrower_rate"] != "0.015" || terms["subsidy_rate"] != "0.0195" {
				t.Fatalf("loan %s", res.body)
			}
			c.startup = int64(m["id"].(float64))
		}},
		{"the founder's loans", "founder", "GET", supAt("/api/v1/loans"), nil, nil, 200, supItems(1)},
		{"an agent does not see it", "agent", "GET", loan(""), nil, nil, 404, nil},
		{"a bad loan status", "cwk", "GET", supAt("/api/v1/loans?status=open"), nil, nil, 422, supProblem("status", "query.status")},
		{"the caseworker does not approve", "cwk", "POST", loan("/approve"), nil, nil, 403, nil},
		{"a rejection needs a reason", "rvw", "POST", loan("/reject"), supText(`{"reason":""}`), nil, 422, supProblem("reason", "loan.reason")},
		{"the reviewer approves", "rvw", "POST", loan("/approve"), nil, nil, 200, supHas("status", "active")},
		{"a bad month", "cwk", "POST", loan("/defaults"), supText(`{"period":"2025-8"}`), nil, 422, supProblem("period", "period.format")},
		{"a month outside the loan", "cwk", "POST", loan("/defaults"), supText(`{"period":"2025-05"}`), nil, 422, supProblem("period", "loan.default_period")},
		{"August in default", "cwk", "POST", loan("/defaults"), supText(`{"period":"2025-08"}`), nil, 200, func(t *testing.T, c *supCity, res response) {
			if d, _ := res.json()["defaults"].([]any); len(d) != 1 || d[0] != "2025-08" {
				t.Errorf("defaults %s", res.body)
			}
		}},
		{"a claim of months not ended", "cwk", "POST", loan("/claims"), supText(`{"through":"2026-04"}`), nil, 422, supProblem("through", "loan.claim_future")},
		{"the bank's claim through September", "cwk", "POST", loan("/claims"), supText(`{"through":"2025-09"}`), nil, 201, func(t *testing.T, c *supCity, res response) {
			gs := supGrantsOf(t, res)
			if len(gs) != 2 || gs[0].Programme != "startup_loan" || gs[0].Status != "pending" { // August, in default, has no subsidy
				t.Fatalf("claim %s", res.body)
			}
		}},
		{"claimed once", "cwk", "POST", loan("/claims"), supText(`{"through":"2025-09"}`), nil, 201, supItems(0)},
		{"the schedule", "founder", "GET", loan(""), nil, nil, 200, func(t *testing.T, c *supCity, res response) {
			var d struct {
				Loan     struct{ Status string }
				Schedule []struct {
					Period    string
					InDefault bool `json:"in_default"`
					Claimable string
					Subsidy   string
				}
			}
			json.Unmarshal(res.body, &d)
			if d.Loan.Status != "active" || len(d.Schedule) != 24 || d.Schedule[1].Period != "2025-08" || !d.Schedule[1].InDefault ||
				d.Schedule[1].Claimable != "0.00" || d.Schedule[0].Claimable != d.Schedule[0].Subsidy || d.Schedule[0].Claimable == "0.00" {
				t.Errorf("schedule %s", res.body)
			}
		}},
		{"the loan's grants", "cwk", "GET", func(c *supCity) string { return "/api/v1/grants?loan_id=" + itoa(c.startup) }, nil, nil, 200, supItems(2)},
		{"the claims in a batch", "cwk", "POST", supAt("/api/v1/grant-batches"), supText(`{"division":"330402","programme":"startup_loan"}`), nil, 201, func(t *testing.T, c *supCity, res response) {
			if res.json()["grants"] != 2.0 {
				t.Fatalf("batch %s", res.body)
			}
			c.batch = int64(res.json()["id"].(float64))
		}},
		{"approved", "rvw", "POST", func(c *supCity) string { return "/api/v1/grant-batches/" + itoa(c.batch) + "/approve" }, nil, nil, 200, nil},
		{"the lending bank's account", "cwk", "PUT", func(c *supCity) string { return "/api/v1/payees/bank/" + itoa(c.startup) },
			supText(`{"bank":"嘉兴银行","account":"1204000000009999","holder":"嘉兴银行贴息专户"}`), nil, 200, supHas("kind", "bank")},
		{"paid to the bank", "city", "POST", supAt("/api/v1/grant-payments"), nil, nil, 201, func(t *testing.T, c *supCity, res response) {
			var rep struct{ Run struct{ ID, Rows int64 } }
			json.Unmarshal(res.body, &rep)
			if rep.Run.Rows != 2 {
				t.Fatalf("run %s", res.body)
			}
			c.run = rep.Run.ID
		}},
		{"the bank file names the bank", "city", "GET", func(c *supCity) string { return "/api/v1/grant-payments/" + itoa(c.run) + "/bank-file" }, nil, nil, 200,
			func(t *testing.T, c *supCity, res response) {
				rows := supBankRows(t, res, "text/csv; charset=utf-8", fmt.Sprintf("attachment; filename=grant-payments-%d.csv", c.run))
				if len(rows) != 3 || rows[1][1] != "嘉兴银行贴息专户" || rows[1][5] != "startup_loan" {
					t.Errorf("bank file %q", rows)
				}
			}},
	}
}

// TestSupportFourEyes: a caseworker who prepared a batch and recorded a
// loan application, made a reviewer since, approves neither (403
// auth.four_eyes); another reviewer approves both.
func TestSupportFourEyes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newSupCity(t, db)
		internship := func(c *supCity) string {
			return fmt.Sprintf(`{"employer_id":%d,"person_id":%d,"start":"2025-07-01","end":"2025-12-31","allowance":"2600.00"}`, c.h1.ID, c.intern1)
		}
		steps := append([]supStep{}, supStep{"internship", "cwk", "POST", supAt("/api/v1/internships"), internship, nil, 201, nil}, supStep{"scan", "city", "POST", supAt("/api/v1/support/scans"), supText(`{"programme":"internship"}`), nil, 201, nil},
			supStep{"prepared by cwk", "cwk", "POST", supAt("/api/v1/grant-batches"), supText(`{"division":"330402"}`), nil, 201, func(t *testing.T, c *supCity, res response) {
				c.batch = int64(res.json()["id"].(float64))
			}},
			supStep{"applied for by cwk", "cwk", "POST", supAt("/api/v1/loans"), supLoanBody(func(c *supCity) int64 { return c.founder }, `"100000.00"`, "12", `"2025-06-10"`), nil, 201,
				func(t *testing.T, c *supCity, res response) { c.startup = int64(res.json()["id"].(float64)) }})
		for _, s := range steps {
			c.step(t, s)
		}
		u, err := c.a.acc.UserByName(sysCtx, "cwk")
		if err == nil {
			u, err = c.a.acc.UpdateUser(sysCtx, u.ID, access.UserInput{Name: "cwk", Role: "reviewer", Divisions: []string{"330402"}})
		}
		if err != nil || u.Role != access.Reviewer {
			t.Fatalf("cwk made a reviewer: %+v %v", u, err)
		}
		c.tok["cwk"] = c.a.signIn(t, "cwk")
		for _, s := range []supStep{
			{"the preparer, now a reviewer, does not approve", "cwk", "POST", func(c *supCity) string { return "/api/v1/grant-batches/" + itoa(c.batch) + "/approve" }, nil, nil, 403, supProblem("", "auth.four_eyes")},
			{"nor the loan they recorded", "cwk", "POST", func(c *supCity) string { return "/api/v1/loans/" + itoa(c.startup) + "/approve" }, nil, nil, 403, supProblem("", "auth.four_eyes")},
			{"another reviewer approves the batch", "rvw", "POST", func(c *supCity) string { return "/api/v1/grant-batches/" + itoa(c.batch) + "/approve" }, nil, nil, 200, supHas("status", "approved")},
			{"and the loan", "rvw", "POST", func(c *supCity) string { return "/api/v1/loans/" + itoa(c.startup) + "/approve" }, nil, nil, 200, supHas("status", "active")},
		} {
			c.step(t, s)
		}
	})
}
