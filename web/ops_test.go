package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"hrss/access"
	"hrss/registry"
	"hrss/store"
	"hrss/store/storetest"
	"hrss/web"
)

// The operations routes are public: every role (and no sign-in at all)
// gets the probes; /metrics goes to this host's loopback, which is where
// the matrix's test server is.
func init() {
	matrix["GET /healthz"] = cell{in: fixed("/healthz"), ok: everyone}
	matrix["GET /readyz"] = cell{in: fixed("/readyz"), ok: everyone}
	matrix["GET /metrics"] = cell{in: fixed("/metrics"), ok: everyone}
}

// TestProbes: /healthz answers without sign-in (even with a bad token),
// /readyz answers 200 on a current database and 503 naming the rule while
// a key rotation is half done or when the database fails, with the
// request ID in the problem.
func TestProbes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newApp(t, db)
		for _, path := range []string{"/healthz", "/readyz"} {
			for _, tok := range []string{"", "not-a-token"} {
				r := a.do(t, tok, "GET", path, "", nil)
				if r.status != 200 || r.header.Get("X-Request-ID") == "" {
					t.Errorf("GET %s (token %q): %d %s %v", path, tok, r.status, r.body, r.header)
				}
			}
		}
		if _, err := db.StartRekey(context.Background(), []byte("old"), []byte("new"), time.Now()); err != nil {
			t.Fatal(err)
		}
		r := a.do(t, "", "GET", "/readyz", "", map[string]string{"X-Request-ID": "probe-1"})
		if m := r.json(); r.status != 503 || m["rule"] != "ops.rekey" || m["request_id"] != "probe-1" || r.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("readyz during a rotation: %d %s", r.status, r.body)
		}
		if r := a.do(t, "", "GET", "/healthz", "", nil); r.status != 200 {
			t.Errorf("healthz during a rotation: %d", r.status)
		}
	})
	// a database that does not answer: the detail names nothing of it
	h := (&web.Server{DB: brokenDB{}}).Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != 503 || strings.Contains(rec.Body.String(), "10.0.0.5") {
		t.Errorf("broken database: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	(&web.Server{}).Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != 503 {
		t.Errorf("no database: %d %s", rec.Code, rec.Body)
	}
}

type brokenDB struct{}

func (brokenDB) Ready(context.Context) error {
	return errors.New("dial tcp 10.0.0.5:5432: connection refused")
}
func (brokenDB) PoolStats() map[string]sql.DBStats { return nil }
func (brokenDB) Retried() int64                    { return 0 }

// TestMetrics: /metrics serves request latency by route pattern (no IDs
// in labels), jobs by outcome and the pools, to loopback only, to a
// forwarded request not, and with the token from anywhere.
func TestMetrics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newApp(t, db)
		a.user(t, access.UserInput{Name: "ops.cw", Role: "caseworker", Divisions: []string{"330400"}})
		tok := a.signIn(t, "ops.cw")
		p, err := a.reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: rid("330402", 1980, 21), Name: "度量", ResidenceDivision: "330402"})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if r := a.do(t, tok, "GET", "/api/v1/persons/"+id(p.ID), "", nil); r.status != 200 {
				t.Fatalf("person: %d %s", r.status, r.body)
			}
		}
		a.do(t, tok, "GET", "/api/v1/persons/987654", "", nil)
		if r := a.do(t, "", "POST", "/api/v1/assessments", `{"period":"2025-01"}`, nil); r.status != 401 {
			t.Fatalf("anonymous assessment: %d %s", r.status, r.body)
		}
		assessQueued(t, a, tok, "2025-01") // the job's metrics are the worker's, not the request's
		r := a.do(t, "", "GET", "/metrics", "", nil)
		if r.status != 200 {
			t.Fatalf("metrics from loopback: %d %s", r.status, r.body)
		}
		body := string(r.body)
		for _, want := range []string{
			`hrss_http_request_duration_seconds_count{method="GET",route="GET /api/v1/persons/{id}",status="200"} 3`,
			`hrss_http_request_duration_seconds_count{method="GET",route="GET /api/v1/persons/{id}",status="404"} 1`,
			`hrss_job_duration_seconds_count{job="assessment",outcome="ok"} 1`,
			`hrss_job_last_success_timestamp_seconds{job="assessment"}`,
			`hrss_http_requests_in_flight 1`,
			`go_goroutines`,
			`hrss_sched_latency_seconds_bucket{le="0.02"}`,
			`hrss_gc_pause_seconds_bucket{le="0.001"}`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		if strings.Contains(body, `job="assessment",outcome="refused"`) {
			t.Errorf("the anonymous request refused was counted as a job:\n%s", grep(body, `job="assessment"`))
		}
		pools := map[store.Engine]string{store.SQLite: `hrss_db_open_connections{pool="write"}`, store.Postgres: `hrss_db_open_connections{pool="pool"}`}
		if !strings.Contains(body, pools[db.Engine()]) || !strings.Contains(body, "hrss_db_wait_count_total") || !strings.Contains(body, "hrss_db_retries_total ") {
			t.Errorf("no pool metrics in\n%s", grep(body, "hrss_db_"))
		}
		if regexp.MustCompile(`route="[^"]*/[0-9]+`).MatchString(body) || strings.Contains(body, "987654") {
			t.Errorf("a raw path in a label:\n%s", grep(body, "route="))
		}
		if r := a.do(t, "", "GET", "/metrics", "", map[string]string{"X-Forwarded-For": "203.0.113.9"}); r.status != 403 || r.json()["rule"] != "ops.metrics" {
			t.Errorf("forwarded: %d %s", r.status, r.body)
		}
	})

	s := &web.Server{MetricsToken: "s3cret-scraper-token"}
	h := s.Handler()
	remote := func(auth string) int {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.RemoteAddr = "203.0.113.5:4711"
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if c := remote(""); c != 403 {
		t.Errorf("remote without token: %d", c)
	}
	if c := remote("Bearer wrong"); c != 403 {
		t.Errorf("remote with a wrong token: %d", c)
	}
	if c := remote("Bearer s3cret-scraper-token"); c != 200 {
		t.Errorf("remote with the token: %d", c)
	}
	s.ObserveJob(web.JobSupportScan, time.Now().Add(-2*time.Second), nil)
	s.ObserveJob(web.JobSupportScan, time.Now(), errors.New("disk full"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil)) // httptest's peer is 192.0.2.1: not loopback
	if rec.Code != 403 {
		t.Errorf("non-loopback peer: %d", rec.Code)
	}
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.RemoteAddr = "127.0.0.1:5000"
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	for _, want := range []string{`hrss_job_duration_seconds_count{job="support_scan",outcome="ok"} 1`, `hrss_job_duration_seconds_count{job="support_scan",outcome="failed"} 1`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestRequestIDs: a sane incoming X-Request-ID is kept, anything else is
// replaced by a fresh one; the ID is in the response header, in the
// problem of an error and in the JSON log line of the request.
func TestRequestIDs(t *testing.T) {
	var logs bytes.Buffer
	a := newApp(t, storetest.SQLite(t))
	a.user(t, access.UserInput{Name: "ops.cw", Role: "caseworker", Divisions: []string{"330402"}})
	tok := a.signIn(t, "ops.cw")
	// the same services behind a server that logs its requests as serve's does
	logged := httptest.NewServer((&web.Server{Registry: a.reg, Access: a.acc, RequestLog: slog.New(web.LogHandler(slog.NewJSONHandler(&logs, nil)))}).Handler())
	defer logged.Close()
	a.srv = logged
	hex := regexp.MustCompile(`^[0-9a-f]{24}$`)
	for _, c := range []struct{ in, want string }{
		{"abc-123.x:y_z", "abc-123.x:y_z"},
		{"", ""},
		{"bad id with spaces", ""},
		{strings.Repeat("a", 65), ""},
		{"<script>", ""},
	} {
		hdr := map[string]string{}
		if c.in != "" {
			hdr["X-Request-ID"] = c.in
		}
		r := a.do(t, tok, "GET", "/api/v1/persons/424242", "", hdr)
		got := r.header.Get("X-Request-ID")
		if c.want != "" && got != c.want || c.want == "" && !hex.MatchString(got) {
			t.Errorf("incoming %q: X-Request-ID %q", c.in, got)
		}
		if m := r.json(); r.status != 404 || m["request_id"] != got {
			t.Errorf("incoming %q: problem %d %s lacks request_id %q", c.in, r.status, r.body, got)
		}
	}
	found := false
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if m["msg"] == "request" && m["request_id"] == "abc-123.x:y_z" {
			found = true
			if m["route"] != "GET /api/v1/persons/{id}" || m["status"] != float64(404) || m["user"] != "ops.cw" || m["path"] != "/api/v1/persons/424242" {
				t.Errorf("request log line %s", line)
			}
		}
	}
	if !found {
		t.Errorf("no request log line with the request ID in\n%s", logs.String())
	}
	// a browser route and a page: the header too
	res, err := http.Get(a.srv.URL + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if !hex.MatchString(res.Header.Get("X-Request-ID")) {
		t.Errorf("sign-in page: X-Request-ID %q", res.Header.Get("X-Request-ID"))
	}
}
