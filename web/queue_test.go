package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"hrss/access"
	"hrss/queue"
	"hrss/registry"
	"hrss/store"
	"hrss/store/storetest"
	"hrss/support"
	"hrss/web"
)

// testQueue is the queue of the test servers: the support scan, a
// month's assessment and its close (newApp makes the insurance service
// first). No worker
// runs in them: a test that needs a job done runs it (queueOf[reg].
// RunOne); cmd/hrss's TestTwoServers runs jobs through real servers.
func testQueue(db *store.DB, reg *registry.Service) *queue.Queue {
	q := &queue.Queue{Store: db.Queue()}
	q.Register(queue.Kind{Name: web.JobSupportScan, Perm: access.RunSupport,
		Run: func(ctx context.Context, _ json.RawMessage, _ *queue.Run) (any, error) {
			return supportOf[reg].Scan(ctx, support.ScanOptions{})
		}})
	if ins := insuranceOf[reg]; ins != nil {
		q.Register(web.AssessmentKind(ins))
		q.Register(web.PeriodCloseKind(ins))
	}
	queueOf[reg] = q
	return q
}

// queueOf finds the queue of a test app by its registry.
var queueOf = map[*registry.Service]*queue.Queue{}

// queued enqueues a scan as the matrix's caseworker and returns its path.
func queued(t *testing.T, w *world) req {
	res := w.a.do(t, w.tokens[access.Caseworker], "POST", "/api/v1/queue", `{"kind":"support_scan"}`, nil)
	var j struct{ ID int64 }
	if res.status != 202 || json.Unmarshal(res.body, &j) != nil {
		t.Fatalf("enqueue: %d %s", res.status, res.body)
	}
	return req{path: fmt.Sprintf("/api/v1/queue/%d", j.ID)}
}

func init() {
	matrix["GET /api/v1/queue"] = cell{in: fixed("/api/v1/queue"), ok: everyone}
	matrix["POST /api/v1/queue"] = cell{ok: []access.Role{access.Caseworker},
		in: func(*testing.T, *world) req { return req{path: "/api/v1/queue", body: `{"kind":"support_scan"}`} }}
	matrix["GET /api/v1/queue/{id}"] = cell{ok: []access.Role{access.Caseworker}, in: queued}
}

// TestQueueAPI: bad input is refused naming the field; a job enqueued is
// listed and shown with its state; an unknown job is 404.
func TestQueueAPI(t *testing.T) {
	a := newApp(t, storetest.SQLite(t))
	a.user(t, access.UserInput{Name: "cwq", Role: string(access.Caseworker), Divisions: []string{access.CityWide}})
	tok := a.signIn(t, "cwq")
	for _, c := range []struct {
		name, method, path, body string
		status                   int
		has                      string
	}{
		{"unknown kind", "POST", "/api/v1/queue", `{"kind":"nope"}`, 422, `"field":"kind"`},
		{"bad args", "POST", "/api/v1/queue", `{"kind":"support_scan","args":[1}`, 422, `"field":"body"`},
		{"enqueue", "POST", "/api/v1/queue", `{"kind":"support_scan"}`, 202, `"state":"queued"`},
		{"list", "GET", "/api/v1/queue?state=queued", "", 200, `"kind":"support_scan"`},
		{"bad state", "GET", "/api/v1/queue?state=done", "", 422, `"field":"state"`},
		{"one", "GET", "/api/v1/queue/1", "", 200, `"created_by":"cwq"`},
		{"none", "GET", "/api/v1/queue/99", "", 404, ""},
	} {
		res := a.do(t, tok, c.method, c.path, c.body, nil)
		if res.status != c.status || !strings.Contains(string(res.body), c.has) {
			t.Errorf("%s: %d %s, want %d with %s", c.name, res.status, res.body, c.status, c.has)
		}
	}
}

// TestRunsScreenShowsTheQueue: the runs screen lists the queue's jobs the
// caller may see, with their kind, state and progress in the reader's
// language, read from the database (so every server shows them); a role
// that may see no kind gets the screen without the section.
func TestRunsScreenShowsTheQueue(t *testing.T) {
	a := newApp(t, storetest.SQLite(t))
	a.user(t, access.UserInput{Name: "cwr", Role: string(access.Caseworker), Divisions: []string{access.CityWide}})
	a.user(t, access.UserInput{Name: "anr", Role: string(access.Analyst)})
	if res := a.do(t, a.signIn(t, "cwr"), "POST", "/api/v1/queue", `{"kind":"support_scan"}`, nil); res.status != 202 {
		t.Fatalf("enqueue: %d %s", res.status, res.body)
	}
	screen := func(name, lang string) string {
		u := newUIClient(t, a.srv.URL)
		u.do("GET", "/signin", nil, nil)
		u.do("POST", "/signin", url.Values{"username": {name}, "password": {"pw-" + name + "-long"}, "csrf_token": {u.csrf}}, nil)
		if lang != "" {
			u.do("POST", "/lang", url.Values{"lang": {lang}, "back": {"/runs"}, "csrf_token": {u.csrf}}, nil)
		}
		r := u.do("GET", "/runs", nil, nil)
		if r.status != 200 {
			t.Fatalf("%s: /runs %d %s", name, r.status, r.body)
		}
		return r.body
	}
	zh := screen("cwr", "")
	for _, has := range []string{`id="queue-jobs"`, `id="job-1"`, "补贴主动发现", "排队中", ">cwr<"} {
		if !strings.Contains(zh, has) {
			t.Errorf("the caseworker's runs screen lacks %q", has)
		}
	}
	if en := screen("cwr", "en"); !strings.Contains(en, "Support programmes&#39; scan") || !strings.Contains(en, "queued") {
		t.Error("the English runs screen does not name the job")
	}
	if strings.Contains(screen("anr", ""), `id="queue-jobs"`) {
		t.Error("an analyst, who may run no job, sees the queue")
	}
}
