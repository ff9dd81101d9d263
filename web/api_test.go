package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"hrss/access"
	"hrss/registry/ident"
	"hrss/rules/period"
	"hrss/store/storetest"
	"hrss/web"
)

// newServer serves a fresh SQLite database and returns the session token
// of a caseworker of the two divisions the scenarios use.
func newServer(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	a := newApp(t, storetest.SQLite(t))
	a.user(t, access.UserInput{Name: "cw1", Role: "caseworker", Divisions: []string{"330402", "330411"}})
	return a.srv, a.signIn(t, "cw1")
}

// call sends a request with a bearer token and decodes the JSON answer into a map.
func call(t *testing.T, srv *httptest.Server, token, method, path, body string) (int, string, map[string]any) {
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
	var m map[string]any
	json.Unmarshal(b, &m)
	return res.StatusCode, res.Header.Get("Content-Type"), m
}

func TestAPIScenarios(t *testing.T) {
	srv, tok := newServer(t)
	id := string(ident.NewResidentID("330402", period.Date{Y: 1995, M: 7, D: 1}, 21))
	code := string(ident.NewCreditCode('9', '1', "330411", 77))
	steps := []struct {
		name, method, path, body string
		status                   int
		check                    func(t *testing.T, m map[string]any)
	}{
		{"create person", "POST", "/api/v1/persons", `{"resident_id":"` + id + `","name":"测试甲","residence_division":"330402"}`, 201,
			func(t *testing.T, m map[string]any) {
				if m["resident_id"] != id || m["sex"] != "male" || m["birth"] != "1995-07-01" { // a caseworker sees the whole number
					t.Errorf("person %v", m)
				}
			}},
		{"bad check character", "POST", "/api/v1/persons", `{"resident_id":"` + id[:17] + flip(id[17]) + `","name":"x","residence_division":"330402"}`, 422, field("resident_id")},
		{"sex contradicts ID", "POST", "/api/v1/persons", `{"resident_id":"` + string(ident.NewResidentID("330402", period.Date{Y: 1995, M: 7, D: 2}, 21)) + `","name":"x","sex":"female","residence_division":"330402"}`, 422, field("sex")},
		{"unknown division", "POST", "/api/v1/persons", `{"resident_id":"` + string(ident.NewResidentID("330402", period.Date{Y: 1995, M: 7, D: 3}, 21)) + `","name":"x","residence_division":"110101"}`, 422, field("residence_division")},
		{"unknown field", "POST", "/api/v1/persons", `{"resident_idd":"x"}`, 422, field("body")},
		{"duplicate", "POST", "/api/v1/persons", `{"resident_id":"` + id + `","name":"测试乙","residence_division":"330402"}`, 409, field("resident_id")},
		{"list by division", "GET", "/api/v1/persons?division=330402&limit=10", "", 200, items(1)},
		{"list by name", "GET", "/api/v1/persons?name=%E6%B5%8B%E8%AF%95", "", 200, items(1)},
		{"list by id number", "GET", "/api/v1/persons?resident_id=" + id, "", 200, items(1)},
		{"bad limit", "GET", "/api/v1/persons?limit=abc", "", 422, field("limit")},
		{"get person", "GET", "/api/v1/persons/1", "", 200, nil},
		{"missing person", "GET", "/api/v1/persons/99", "", 404, nil},
		{"create employer", "POST", "/api/v1/employers", `{"credit_code":"` + code + `","name":"嘉兴某某电子有限公司","industry_section":"C","industry_division":"39","division":"330411","risk_class":2}`, 201, nil},
		{"bad industry", "POST", "/api/v1/employers", `{"credit_code":"` + string(ident.NewCreditCode('9', '1', "330411", 78)) + `","name":"x","industry_section":"C","industry_division":"63","division":"330411","risk_class":2}`, 422, field("industry_division")},
		{"create employment", "POST", "/api/v1/employments", `{"person_id":1,"employer_id":1,"start":"2024-07-01","declared_wage":"8200.00"}`, 201,
			func(t *testing.T, m map[string]any) {
				if m["declared_wage"] != "8200.00" {
					t.Errorf("wage %v", m["declared_wage"])
				}
			}},
		{"float wage refused", "POST", "/api/v1/employments", `{"person_id":1,"employer_id":1,"start":"2030-07-01","declared_wage":8200}`, 422, field("declared_wage")},
		{"person employments", "GET", "/api/v1/persons/1/employments", "", 200, items(1)},
		{"employer employments", "GET", "/api/v1/employers/1/employments", "", 200, items(1)},
		{"flexible", "POST", "/api/v1/flexible-workers", `{"person_id":1,"division":"330402","start":"2025-01-01","base_pct":60}`, 201, nil},
		{"no route", "GET", "/api/v1/nothing", "", 404, nil},
	}
	for _, s := range steps {
		status, ctype, m := call(t, srv, tok, s.method, s.path, s.body)
		if status != s.status {
			t.Fatalf("%s: status %d, want %d (%v)", s.name, status, s.status, m)
		}
		if status >= 400 && ctype != "application/problem+json" {
			t.Errorf("%s: content type %q", s.name, ctype)
		}
		if s.check != nil {
			s.check(t, m)
		}
	}
}

func flip(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}

func field(name string) func(t *testing.T, m map[string]any) {
	return func(t *testing.T, m map[string]any) {
		t.Helper()
		if m["field"] != name || m["rule"] == "" || m["detail"] == "" {
			t.Errorf("problem %v does not name field %q and a rule", m, name)
		}
	}
}

func items(n int) func(t *testing.T, m map[string]any) {
	return func(t *testing.T, m map[string]any) {
		t.Helper()
		if l, _ := m["items"].([]any); len(l) != n {
			t.Errorf("got %v, want %d items", m, n)
		}
	}
}

// TestOpenAPIMatchesRoutes proves that the published document describes
// exactly the routes the server answers: every documented operation is
// served (not 404/405 from the mux) and every served route is documented.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	srv, _ := newServer(t)
	res, err := http.Get(srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for op := range ops {
			if op == "parameters" {
				continue
			}
			documented = append(documented, strings.ToUpper(op)+" "+path)
		}
	}
	sort.Strings(documented)
	served := web.RoutePatterns()
	sort.Strings(served)
	if strings.Join(documented, "\n") != strings.Join(served, "\n") {
		t.Fatalf("OpenAPI document and routes differ:\ndocumented:\n%s\n\nserved:\n%s", strings.Join(documented, "\n"), strings.Join(served, "\n"))
	}
	// and each documented operation reaches a handler (a mux miss is a
	// problem with rule not_found and "no route" in its detail)
	for _, op := range documented {
		method, path, _ := strings.Cut(op, " ")
		path = strings.ReplaceAll(path, "{id}", "1")
		req, _ := http.NewRequestWithContext(context.Background(), method, srv.URL+path, bytes.NewReader([]byte("{}")))
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode == 405 || strings.Contains(string(b), "no route") {
			t.Errorf("%s is documented but not served (%d %s)", op, r.StatusCode, b)
		}
	}
}

// TestSignInThrottled: after many failed sign-ins from one address, the
// API answers 429 naming the rule, even for a right password, until the
// window passes (per-IP, on top of the per-account lockout).
func TestSignInThrottled(t *testing.T) {
	srv, _ := newServer(t)
	post := func(body string) (int, map[string]any) {
		res, err := http.Post(srv.URL+"/api/v1/session", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		json.NewDecoder(res.Body).Decode(&m)
		return res.StatusCode, m
	}
	for i := 0; i < 20; i++ {
		if status, m := post(`{"username":"nobody` + string(rune('a'+i)) + `","password":"wrong-password"}`); status != 401 {
			t.Fatalf("attempt %d: %d %v", i, status, m)
		}
	}
	if status, m := post(`{"username":"cw1","password":"wrong-password"}`); status != 429 || m["rule"] != "auth.throttled" {
		t.Fatalf("after 20 failures: %d %v", status, m)
	}
}
