package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"hrss/access"
	"hrss/employment"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/store"
	"hrss/store/storetest"
	"hrss/web"
)

// app is a test server over a real store, with its services.
type app struct {
	srv  *httptest.Server
	reg  *registry.Service
	acc  *access.Service
	jobs *employment.Service
}

var sysCtx = access.WithCaller(context.Background(), access.System)

// newApp serves the API over db with a fixed registry clock.
func newApp(t *testing.T, db *store.DB) *app {
	t.Helper()
	v, _ := ident.NewVault(make([]byte, 32))
	reg := &registry.Service{Store: db.Registry(), Vault: v, Now: func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }}
	acc := &access.Service{Store: db.Access(), TOTPKey: make([]byte, 32)}
	jobs := &employment.Service{Store: db.Jobs(), Now: reg.Now}
	ws := &web.Server{Registry: reg, Access: acc, Jobs: jobs, Insurance: testInsurance(db, reg), Support: testSupport(db, reg), Insight: testInsight(db, reg), DB: db, Queue: testQueue(db, reg)}
	ws.Queue.Observe = ws.ObserveJob // the jobs' metrics, as hrss serve wires them
	srv := httptest.NewServer(ws.Handler())
	t.Cleanup(srv.Close)
	return &app{srv: srv, reg: reg, acc: acc, jobs: jobs}
}

// user creates a user (as the system) with password "pw-"+name.
func (a *app) user(t *testing.T, in access.UserInput) access.User {
	t.Helper()
	in.Password = "pw-" + in.Name + "-long"
	u, err := a.acc.CreateUser(sysCtx, in)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// signIn signs name in through the API and returns the session secret.
func (a *app) signIn(t *testing.T, name string) string {
	t.Helper()
	res := a.do(t, "", "POST", "/api/v1/session", `{"username":"`+name+`","password":"pw-`+name+`-long"}`, nil)
	var v struct{ Token string }
	if res.status != 201 || json.Unmarshal(res.body, &v) != nil || v.Token == "" {
		t.Fatalf("sign in %s: %d %s", name, res.status, res.body)
	}
	return v.Token
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a map.
func (r response) json() map[string]any {
	var m map[string]any
	json.Unmarshal(r.body, &m)
	return m
}

// do sends a request with a bearer token (none if ""), extra headers and cookies.
func (a *app) do(t *testing.T, token, method, path, body string, hdr map[string]string, cookies ...*http.Cookie) response {
	t.Helper()
	req, _ := http.NewRequest(method, a.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, b}
}

func TestSignInAndOut(t *testing.T) {
	a := newApp(t, storetest.SQLite(t))
	a.user(t, access.UserInput{Name: "ana", Role: "analyst"})
	tok := a.signIn(t, "ana")
	if r := a.do(t, tok, "GET", "/api/v1/session", "", nil); r.status != 200 || r.json()["user"].(map[string]any)["role"] != "analyst" {
		t.Fatalf("who am I: %d %s", r.status, r.body)
	}
	for _, c := range []struct {
		name, token, auth string
		status            int
	}{
		{"anonymous", "", "", 401}, {"unknown token", "hrss_s_nope", "", 401}, {"malformed header", "", "Basic abc", 401},
	} {
		r := a.do(t, c.token, "GET", "/api/v1/persons", "", map[string]string{"Authorization": c.auth})
		if c.auth == "" {
			r = a.do(t, c.token, "GET", "/api/v1/persons", "", nil)
		}
		if r.status != c.status || r.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s", c.name, r.status, r.body)
		}
	}
	if r := a.do(t, "", "POST", "/api/v1/session", `{"username":"ana","password":"wrong-password"}`, nil); r.status != 401 || r.json()["rule"] != "auth.credentials" {
		t.Errorf("wrong password: %d %s", r.status, r.body)
	}
	if r := a.do(t, tok, "DELETE", "/api/v1/session", "", nil); r.status != 204 {
		t.Fatalf("sign out: %d %s", r.status, r.body)
	}
	if r := a.do(t, tok, "GET", "/api/v1/session", "", nil); r.status != 401 {
		t.Errorf("signed-out token still works: %d", r.status)
	}
}

func TestCookieSessionNeedsCSRF(t *testing.T) {
	a := newApp(t, storetest.SQLite(t))
	a.user(t, access.UserInput{Name: "cw1", Role: "caseworker", Divisions: []string{"330402"}})
	tok := a.signIn(t, "cw1")
	ck := &http.Cookie{Name: "hrss_session", Value: tok}
	who := a.do(t, "", "GET", "/api/v1/session", "", nil, ck)
	csrf, _ := who.json()["csrf_token"].(string)
	if who.status != 200 || csrf == "" {
		t.Fatalf("cookie session: %d %s", who.status, who.body)
	}
	body := `{"credit_code":"` + string(ident.NewCreditCode('9', '1', "330402", 5)) + `","name":"某公司","industry_section":"C","industry_division":"39","division":"330402","risk_class":2}`
	if r := a.do(t, "", "POST", "/api/v1/employers", body, nil, ck); r.status != 403 || r.json()["rule"] != "auth.csrf" {
		t.Errorf("no CSRF token: %d %s", r.status, r.body)
	}
	if r := a.do(t, "", "POST", "/api/v1/employers", body, map[string]string{"X-CSRF-Token": csrf, "Origin": "https://evil.example"}, ck); r.status != 403 {
		t.Errorf("cross-origin: %d %s", r.status, r.body)
	}
	if r := a.do(t, "", "POST", "/api/v1/employers", body, map[string]string{"X-CSRF-Token": csrf}, ck); r.status != 201 {
		t.Errorf("with CSRF token: %d %s", r.status, r.body)
	}
	// a bearer token needs no CSRF token; a stale cookie is cleared, not an error
	if r := a.do(t, "", "GET", "/api/v1/divisions", "", nil, &http.Cookie{Name: "hrss_session", Value: "hrss_s_stale"}); r.status != 200 || !strings.Contains(r.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("stale cookie: %d %v", r.status, r.header)
	}
}

func TestAPITokenReadOnly(t *testing.T) {
	a := newApp(t, storetest.SQLite(t))
	u := a.user(t, access.UserInput{Name: "bank-cw", Role: "caseworker", Divisions: []string{"330400"}})
	a.user(t, access.UserInput{Name: "admin", Role: "administrator"})
	admin := a.signIn(t, "admin")
	r := a.do(t, admin, "POST", "/api/v1/tokens", `{"user_id":`+itoa(u.ID)+`,"name":"bank sync"}`, nil)
	secret, _ := r.json()["secret"].(string)
	if r.status != 201 || !strings.HasPrefix(secret, "hrss_t_") {
		t.Fatalf("create token: %d %s", r.status, r.body)
	}
	if r := a.do(t, secret, "GET", "/api/v1/employers", "", nil); r.status != 200 {
		t.Errorf("read with token: %d %s", r.status, r.body)
	}
	body := `{"credit_code":"` + string(ident.NewCreditCode('9', '1', "330402", 6)) + `","name":"某公司","industry_section":"C","industry_division":"39","division":"330402","risk_class":2}`
	if r := a.do(t, secret, "POST", "/api/v1/employers", body, nil); r.status != 403 || r.json()["rule"] != "auth.read_only" {
		t.Errorf("write with a read token: %d %s", r.status, r.body)
	}
	id := int64(r.json()["id"].(float64))
	if r := a.do(t, admin, "DELETE", "/api/v1/tokens/"+itoa(id), "", nil); r.status != 200 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if r := a.do(t, secret, "GET", "/api/v1/employers", "", nil); r.status != 401 {
		t.Errorf("revoked token: %d", r.status)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
