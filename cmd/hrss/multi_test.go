package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"hrss/access"
	"hrss/queue"
	"hrss/store"
	"hrss/store/storetest"
	"hrss/support"
)

// TestTwoServers starts two real `hrss serve` processes, built from this
// tree, on one PostgreSQL schema (a small demo city) and proves that they
// behave as one: the scheduled scan runs once; a monthly run queued
// through one is seen, with its progress and outcome, from the other; a
// month's benefit payment run queued through each runs once and pays no
// one twice; the scheduled employment sync runs once;
// the matcher of one serves fresh results after a write through the
// other; the sign-in throttle counts the failures sent to both; and the
// X-Forwarded-For header names the client only on the server that
// trusts the proxy; a run started from one server's runs screen is
// followed on the other's; the scheduled late fee billing runs once for
// its slot. It needs HRSS_TEST_POSTGRES (CI sets it).
func TestTwoServers(t *testing.T) {
	base := storetest.Postgres(t)
	if base == "" {
		t.Skip("HRSS_TEST_POSTGRES is not set: the two servers need one PostgreSQL")
	}
	dsn := storetest.PostgresSchema(t, base)
	dir := t.TempDir()
	bin := filepath.Join(dir, "hrss")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	key := filepath.Join(dir, "hrss.key")
	hrss := func(args ...string) string {
		out, err := exec.Command(bin, append([]string{"--db", dsn, "--key-file", key}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("hrss %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	hrss("demo", "--persons", "400", "--months", "2", "--no-serve")
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	acc := &access.Service{Store: db.Access()}
	if _, err := acc.CreateUser(systemContext(context.Background()), access.UserInput{Name: "two-cw", Role: string(access.Caseworker),
		Divisions: []string{access.CityWide}, Password: "pw-two-cw-long"}); err != nil {
		t.Fatal(err)
	}

	before, err := (&support.Service{Store: db.Support()}).Scans(systemContext(context.Background()), 100) // the demo's own
	if err != nil {
		t.Fatal(err)
	}

	a := startServer(t, bin, dsn, key, "--trusted-proxy", "127.0.0.1/32")
	b := startServer(t, bin, dsn, key)
	tok := a.signIn(t, "two-cw", "pw-two-cw-long", "", 201)

	// the scheduled scan: both servers schedule the slot, one job runs it
	var scans []map[string]any
	waitFor(t, "the scheduled scan", func() bool {
		scans = b.items(t, tok, "/api/v1/queue?kind=support_scan")
		return len(scans) > 0 && scans[0]["state"] == "succeeded"
	})
	time.Sleep(2 * time.Second) // room for a second run, were there one
	if scans = a.items(t, tok, "/api/v1/queue?kind=support_scan"); len(scans) != 1 {
		t.Fatalf("%d scan jobs for one slot: %v", len(scans), scans)
	}
	if s := a.items(t, tok, "/api/v1/support/scans"); len(s) != len(before)+1 {
		t.Fatalf("%d scans recorded, want %d (the demo's and the slot's): %v", len(s), len(before)+1, s)
	}

	// the scheduled late fee billing: one job for the slot, its billing
	// recorded with its lines
	var fees []map[string]any
	waitFor(t, "the scheduled late fee billing", func() bool {
		fees = b.items(t, tok, "/api/v1/queue?kind=late_fees")
		return len(fees) > 0 && fees[0]["state"] == "succeeded"
	})
	if fees = a.items(t, tok, "/api/v1/queue?kind=late_fees"); len(fees) != 1 {
		t.Fatalf("%d late fee jobs for one slot: %v", len(fees), fees)
	}
	if res, _ := fees[0]["result"].(map[string]any); res == nil || res["id"] == nil || res["as_of"] == nil {
		t.Fatalf("the late fee job's result: %v", fees[0])
	}

	// a monthly run queued through a, followed through b
	period := time.Now().UTC().AddDate(0, -1, 0).Format("2006-01")
	var job map[string]any
	a.call(t, tok, "POST", "/api/v1/queue", `{"kind":"assessment","args":{"period":"`+period+`"}}`, 202, &job)
	id := int64(job["id"].(float64))
	waitFor(t, "the queued run", func() bool {
		b.call(t, tok, "GET", fmt.Sprintf("/api/v1/queue/%d", id), "", 200, &job)
		return job["state"] == "succeeded" || job["state"] == "failed"
	})
	if job["state"] != "succeeded" || job["attempts"].(float64) != 1 || job["total"].(float64) == 0 || job["done"] != job["total"] || job["worker"] == "" {
		t.Fatalf("the run as b sees it: %v", job)
	}
	if res, _ := job["result"].(map[string]any); res == nil || res["rows"] != job["total"] {
		t.Fatalf("the run's summary: %v", job["result"])
	}

	// this month's unemployment benefit payment run (the demo paid the
	// months before) queued through b, run once and followed through a;
	// queued again through a, it pays no one twice
	month := time.Now().UTC().Format("2006-01")
	pay := func(through, follow *server) map[string]any {
		var j map[string]any
		through.call(t, tok, "POST", "/api/v1/queue", `{"kind":"benefit_payment_run","args":{"kind":"unemployment","period":"`+month+`"}}`, 202, &j)
		id := int64(j["id"].(float64))
		waitFor(t, "the queued payment run", func() bool {
			follow.call(t, tok, "GET", fmt.Sprintf("/api/v1/queue/%d", id), "", 200, &j)
			return j["state"] == "succeeded" || j["state"] == "failed"
		})
		if j["state"] != "succeeded" || j["attempts"].(float64) != 1 {
			t.Fatalf("the payment run as %s sees it: %v", follow.url, j)
		}
		res, _ := j["result"].(map[string]any)
		return res
	}
	first, again := pay(b, a), pay(a, b)
	if first["payments"].(float64) == 0 || first["id"] != again["id"] || again["added"].(float64) != 0 || again["payments"] != first["payments"] {
		t.Fatalf("the period's payment run queued twice: %v then %v", first, again)
	}

	// the scheduled employment sync (System's kind): one job for the slot
	waitFor(t, "the scheduled employment sync", func() bool {
		js, err := db.Queue().Jobs(context.Background(), queue.Filter{Kinds: []string{"employment_sync"}, Limit: 10})
		return err == nil && len(js) > 0 && js[0].State == queue.Succeeded
	})
	if js, err := db.Queue().Jobs(context.Background(), queue.Filter{Kinds: []string{"employment_sync"}, Limit: 10}); err != nil || len(js) != 1 || js[0].Attempts != 1 {
		t.Fatalf("the sync's jobs for one slot: %+v %v", js, err)
	}

	// a monthly run started from a's runs screen (its form enqueues the
	// job), followed on b's: the progress and summary are the queue's
	ui := newBrowser(t)
	ui.do(t, "POST", a.url+"/signin", url.Values{"username": {"two-cw"}, "password": {"pw-two-cw-long"}})
	ui.do(t, "GET", a.url+"/runs", nil)
	started := ui.do(t, "POST", a.url+"/runs", url.Values{"csrf_token": {ui.csrf}, "period": {period}})
	if !regexp.MustCompile(`^/runs/[0-9]+$`).MatchString(started.path) {
		t.Fatalf("the runs screen's form led to %s", started.path)
	}
	var progress struct {
		Finished bool   `json:"finished"`
		Percent  int    `json:"percent"`
		Done     int    `json:"done"`
		Error    string `json:"error"`
	}
	waitFor(t, "the run started from the runs screen", func() bool {
		json.Unmarshal([]byte(ui.do(t, "GET", b.url+started.path+"/progress", nil).body), &progress)
		return progress.Finished
	})
	if progress.Error != "" || progress.Percent != 100 || progress.Done == 0 {
		t.Fatalf("the screen's run as b shows it: %+v", progress)
	}
	if page := ui.do(t, "GET", b.url+started.path, nil); !strings.Contains(page.body, `id="run-summary"`) {
		t.Fatalf("b's page of the screen's run shows no summary")
	}

	// the matcher: b's cached matches change when a closes the top vacancy
	seekers := b.items(t, tok, "/api/v1/seekers?status=active&limit=50")
	var seeker, top int64
	for _, s := range seekers {
		var m struct {
			Items []struct {
				VacancyID int64 `json:"vacancy_id"`
			}
		}
		b.call(t, tok, "GET", fmt.Sprintf("/api/v1/seekers/%d/matches?top=3", int64(s["id"].(float64))), "", 200, &m)
		if len(m.Items) > 0 {
			seeker, top = int64(s["id"].(float64)), m.Items[0].VacancyID
			break
		}
	}
	if seeker == 0 {
		t.Fatal("no seeker of the demo city has a match")
	}
	a.call(t, tok, "POST", fmt.Sprintf("/api/v1/vacancies/%d/close", top), "", 200, nil)
	var m struct {
		Items []struct {
			VacancyID int64 `json:"vacancy_id"`
		}
	}
	b.call(t, tok, "GET", fmt.Sprintf("/api/v1/seekers/%d/matches?top=3", seeker), "", 200, &m)
	for _, x := range m.Items {
		if x.VacancyID == top {
			t.Fatalf("b still recommends vacancy %d, closed through a", top)
		}
	}

	// the trusted proxy: a (trusting loopback) counts the forwarded
	// client, b counts its peer whatever the header says (unknown names
	// fail without locking an account)
	for i := 0; i < maxFailures(); i++ {
		a.signIn(t, "nobody-here", "wrong", "203.0.113.7", 401)
	}
	a.signIn(t, "two-cw", "pw-two-cw-long", "203.0.113.7", 429)
	a.signIn(t, "nobody-here", "wrong", "203.0.113.8", 401)
	b.signIn(t, "nobody-here", "wrong", "203.0.113.7", 401) // b's peer is 127.0.0.1: one failure of it

	// the throttle across servers: failures of 127.0.0.1 sent to both
	for i := 1; i < maxFailures(); i++ {
		[]*server{a, b}[i%2].signIn(t, "nobody-here", "wrong", "", 401) // without the header a counts its peer too
	}
	b.signIn(t, "two-cw", "pw-two-cw-long", "", 429)
	a.signIn(t, "two-cw", "pw-two-cw-long", "", 429)
}

// maxFailures is the throttle's limit (web's maxSignInFailures).
func maxFailures() int { return 20 }

// server is one `hrss serve` process.
type server struct{ url string }

// startServer starts `hrss serve` on a free port with the given flags, a
// scan and a sync every hour; it is stopped when the test ends.
func startServer(t *testing.T, bin, dsn, key string, flags ...string) *server {
	t.Helper()
	args := append([]string{"--db", dsn, "--key-file", key, "serve", "--addr", "127.0.0.1:0", "--scan-every", "1h", "--sync-every", "1h"}, flags...)
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logf, _ := os.Create(filepath.Join(t.TempDir(), "serve.log"))
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("server log:\n%s", b)
		}
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	_, rest, ok := strings.Cut(line, " on http://")
	if err != nil || !ok {
		t.Fatalf("serve printed %q (%v)", line, err)
	}
	go io.Copy(io.Discard, out)
	addr, _, _ := strings.Cut(rest, "/")
	return &server{url: "http://" + addr}
}

// call sends a request with the bearer token and decodes the answer
// into v, failing unless the status is want.
func (s *server) call(t *testing.T, tok, method, path, body string, want int, v any) {
	t.Helper()
	req, _ := http.NewRequest(method, s.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s%s: %d %s, want %d", method, s.url, path, res.StatusCode, b, want)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
}

// items GETs a list and returns its items.
func (s *server) items(t *testing.T, tok, path string) []map[string]any {
	t.Helper()
	var l struct{ Items []map[string]any }
	s.call(t, tok, "GET", path, "", 200, &l)
	return l.Items
}

// signIn signs in through the API, forwarded for xff when set, failing
// unless the status is want; it returns the session token on success.
func (s *server) signIn(t *testing.T, name, password, xff string, want int) string {
	t.Helper()
	req, _ := http.NewRequest("POST", s.url+"/api/v1/session", strings.NewReader(`{"username":"`+name+`","password":"`+password+`"}`))
	req.Header.Set("Content-Type", "application/json")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var v struct{ Token string }
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("sign in at %s (forwarded for %q): %d %s, want %d", s.url, xff, res.StatusCode, b, want)
	}
	json.Unmarshal(b, &v)
	return v.Token
}

// browser is a client of the screens with a cookie jar (a session
// cookie is good on every server: sessions are in the database), which
// keeps the last page's CSRF token.
type browser struct {
	c    *http.Client
	csrf string
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{c: &http.Client{Jar: jar}}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// page is a screen's answer after redirects: its path and body.
type page struct{ path, body string }

// do sends a request (a form when form is set), failing unless the
// answer, after redirects, is 200.
func (u *browser) do(t *testing.T, method, to string, form url.Values) page {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, to, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := u.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("%s %s: %d %s", method, to, res.StatusCode, b)
	}
	if m := csrfField.FindSubmatch(b); m != nil {
		u.csrf = string(m[1])
	}
	return page{res.Request.URL.Path, string(b)}
}

// waitFor polls cond every 100 ms for up to a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen within a minute", what)
		}
	}
}
