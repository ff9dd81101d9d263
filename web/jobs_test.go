package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"hrss/access"
	"hrss/employment"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/period"
	"hrss/store/storetest"
	"hrss/web"
)

// jobsServer serves a fresh SQLite database with the employment services
// and returns a caseworker's session token for Nanhu (330402).
func jobsServer(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	db := storetest.SQLite(t)
	v, _ := ident.NewVault(make([]byte, 32))
	clock := func() time.Time { return time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC) }
	reg := &registry.Service{Store: db.Registry(), Vault: v, Now: clock}
	acc := &access.Service{Store: db.Access()}
	jobs := &employment.Service{Store: db.Jobs(), Now: clock}
	srv := httptest.NewServer((&web.Server{Registry: reg, Access: acc, Jobs: jobs}).Handler())
	t.Cleanup(srv.Close)
	sys := access.WithCaller(context.Background(), access.System)
	if _, err := acc.CreateUser(sys, access.UserInput{Name: "jobs-cw", Role: "caseworker", Divisions: []string{"330402"}, Password: "pw-jobs-cw-long"}); err != nil {
		t.Fatal(err)
	}
	res, err := http.Post(srv.URL+"/api/v1/session", "application/json", strings.NewReader(`{"username":"jobs-cw","password":"pw-jobs-cw-long"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var s struct{ Token string }
	if json.NewDecoder(res.Body).Decode(&s); s.Token == "" {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
	return srv, s.Token
}

func jobsCall(t *testing.T, srv *httptest.Server, token, method, path, body string) (int, any) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var v any
	json.Unmarshal(b, &v)
	return res.StatusCode, v
}

func TestJobsAPIScenario(t *testing.T) {
	srv, tok := jobsServer(t)
	pid := string(ident.NewResidentID("330402", period.Date{Y: 2002, M: 5, D: 1}, 31))
	code := string(ident.NewCreditCode('9', '1', "330402", 91))
	steps := []struct {
		name, method, path, body string
		status                   int
		check                    func(t *testing.T, v map[string]any)
	}{
		{"graduate", "POST", "/api/v1/persons", `{"resident_id":"` + pid + `","name":"毕业生甲","residence_division":"330402","education":"bachelor","graduation":{"school":"嘉兴学院","major":"软件工程","degree":"bachelor","date":"2025-06-30"}}`, 201, nil},
		{"employer", "POST", "/api/v1/employers", `{"credit_code":"` + code + `","name":"嘉兴某某软件有限公司","industry_section":"I","industry_division":"65","division":"330402","risk_class":1}`, 201, nil},
		{"bad occupation", "POST", "/api/v1/vacancies", `{"employer_id":1,"title":"Go开发","occupation":"2-02-10","salary_min":"9000.00","salary_max":"15000.00","openings":2,"valid_to":"2026-08-31"}`, 422, jobsField("occupation")},
		{"vacancy", "POST", "/api/v1/vacancies", `{"employer_id":1,"title":"Go开发","occupation":"2-02-10-03","skills":["go","sql"],"education":"bachelor","salary_min":"9000.00","salary_max":"15000.00","openings":2,"valid_to":"2026-08-31"}`, 201, nil},
		{"seeker", "POST", "/api/v1/seekers", `{"person_id":1,"occupations":["2-02-10-03"],"skills":["go","linux"],"salary_min":"10000.00"}`, 201,
			func(t *testing.T, v map[string]any) {
				if v["graduate"] != true || v["division"] != "330402" {
					t.Errorf("seeker %v", v)
				}
			}},
		{"list seekers", "GET", "/api/v1/seekers?division=330402", "", 200, jobsItems(1)},
		{"out of division", "GET", "/api/v1/seekers?division=330411", "", 404, nil},
		{"matches", "GET", "/api/v1/seekers/1/matches?top=5&lang=en", "", 200,
			func(t *testing.T, v map[string]any) {
				items := v["items"].([]any)
				m := items[0].(map[string]any)
				c := m["components"].(map[string]any)
				why, _ := m["why"].([]any)
				occ, _ := why[1].(map[string]any)
				if len(items) != 1 || m["vacancy_id"] != 1.0 || c["occupation"] != "30.00" || !strings.HasPrefix(m["explanation"].(string), "Score ") ||
					len(why) != 7 || occ["key"] != "match.occupation" || !strings.HasPrefix(fmt.Sprint(occ["text"]), "occupation 30.00/30 (same occupation") {
					t.Errorf("matches %v", v)
				}
			}},
		{"vacancy matches", "GET", "/api/v1/vacancies/1/matches", "", 200, jobsItems(1)},
		{"explain", "GET", "/api/v1/seekers/1/explain?vacancy_id=1", "", 200, nil},
		{"recommend", "POST", "/api/v1/seekers/1/recommendations", "", 201, jobsItems(1)},
		{"follow-up list", "GET", "/api/v1/graduates?division=330402", "", 200,
			func(t *testing.T, v map[string]any) {
				fu := v["items"].([]any)[0].(map[string]any)
				if fu["complete"] != false || fu["overdue"] != true {
					t.Errorf("follow-up %v", fu)
				}
			}},
		{"job lead", "POST", "/api/v1/services", `{"person_id":1,"kind":"job_lead","vacancy_id":1}`, 201, nil},
		{"job lead without vacancy", "POST", "/api/v1/services", `{"person_id":1,"kind":"job_lead"}`, 422, jobsField("vacancy_id")},
		{"fair", "POST", "/api/v1/fairs", `{"name":"高校毕业生专场招聘会","division":"330402","date":"2026-06-20"}`, 201, nil},
		{"join fair", "POST", "/api/v1/fairs/1/employers", `{"employer_id":1,"slots":5,"vacancy_ids":[1]}`, 200, nil},
		{"register for fair", "POST", "/api/v1/fairs/1/registrations", `{"seeker_id":1,"preferences":[1]}`, 200, nil},
		{"allocate", "POST", "/api/v1/fairs/1/allocation", "", 200,
			func(t *testing.T, v map[string]any) {
				if v["seekers_with_interview"] != 1.0 {
					t.Errorf("allocation %v", v)
				}
			}},
		{"hire", "POST", "/api/v1/employments", `{"person_id":1,"employer_id":1,"start":"2026-06-15","declared_wage":"11000.00"}`, 201, nil},
		{"placement", "POST", "/api/v1/employments/1/placement", "", 200,
			func(t *testing.T, v map[string]any) {
				p, _ := v["placement"].(map[string]any)
				if v["placed"] != true || p["source"] != "job_lead" {
					t.Errorf("placement %v", v)
				}
			}},
		{"placements", "GET", "/api/v1/placements", "", 200, jobsItems(1)},
		{"occupations", "GET", "/api/v1/occupations", "", 200, nil},
		{"indicators", "GET", "/api/v1/employment-indicators?from=2026-01-01", "", 200,
			func(t *testing.T, v map[string]any) {
				city := v["city"].(map[string]any)
				if len(v["divisions"].([]any)) != 1 || city["open_vacancies"] != 1.0 || city["placements"].(map[string]any)["job_lead"] != 1.0 {
					t.Errorf("indicators %v", v)
				}
			}},
		{"sync is the scheduler's (System only)", "POST", "/api/v1/employment-sync", "", 403, nil},
	}
	for _, s := range steps {
		status, v := jobsCall(t, srv, tok, s.method, s.path, s.body)
		if status != s.status {
			t.Fatalf("%s: status %d, want %d (%v)", s.name, status, s.status, v)
		}
		if m, ok := v.(map[string]any); ok && s.check != nil {
			s.check(t, m)
		}
	}
}

func jobsField(name string) func(t *testing.T, m map[string]any) {
	return func(t *testing.T, m map[string]any) {
		t.Helper()
		if m["field"] != name || m["rule"] == "" {
			t.Errorf("problem %v does not name field %q and a rule", m, name)
		}
	}
}

func jobsItems(n int) func(t *testing.T, m map[string]any) {
	return func(t *testing.T, m map[string]any) {
		t.Helper()
		if l, _ := m["items"].([]any); len(l) != n {
			t.Errorf("got %v, want %d items", m, n)
		}
	}
}
