package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"hrss/access"
	"hrss/insurance"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// closeJob is the answer of the close route and of the queue's job route.
type closeJob struct {
	ID       int64           `json:"id"`
	Kind     string          `json:"kind"`
	Args     json.RawMessage `json:"args"`
	State    string          `json:"state"`
	Done     int64           `json:"done"`
	Total    int64           `json:"total"`
	Percent  int             `json:"percent"`
	Repeated bool            `json:"repeated"`
	Result   struct {
		Period   string `json:"period"`
		Status   string `json:"status"`
		ClosedBy string `json:"closed_by"`
	} `json:"result"`
	Error *struct{ Rule string } `json:"error"`
}

// jobOf decodes a job answered with status want.
func jobOf(t *testing.T, res response, want int) closeJob {
	t.Helper()
	var j closeJob
	if res.status != want || json.Unmarshal(res.body, &j) != nil {
		t.Fatalf("%d %s, want %d with a job", res.status, res.body, want)
	}
	return j
}

// closeQueued closes period through the API as token's caller and runs
// the job it queued as a worker would, returning the job as done.
func closeQueued(t *testing.T, a *app, token, period string) closeJob {
	t.Helper()
	j := jobOf(t, a.do(t, token, "POST", "/api/v1/periods/"+period+"/close", "", nil), 202)
	if ran, err := queueOf[a.reg].RunOne(context.Background()); err != nil || !ran {
		t.Fatalf("the close job was not run: %v %v", ran, err)
	}
	return jobOf(t, a.do(t, token, "GET", fmt.Sprintf("/api/v1/queue/%d", j.ID), "", nil), 200)
}

// TestCloseAPI: the close of a month is queued (202, the job, its
// Location) and answered at once; what would stop it at its start is
// refused before anything is queued (a bad period or key naming the
// field, a period never assessed, a live run, a second close of the same
// period, a caller who may not run the batch jobs); the same
// Idempotency-Key answers the first job (200, repeated) and, given for
// another period, is refused; a second server shows the job's progress
// and, once a worker ran it, its result; the close is audited as the
// caller, and the closed period is closed again to no effect.
func TestCloseAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.insFix(t) // 2025-01 assessed
		w.a.user(t, access.UserInput{Name: "close-cw", Role: "caseworker", Divisions: []string{access.CityWide}})
		w.a.user(t, access.UserInput{Name: "close-aud", Role: "auditor"})
		city := w.a.signIn(t, "close-cw")
		refused := func(token, path string, hdr map[string]string, status int, rule string) {
			t.Helper()
			res := w.a.do(t, token, "POST", path, "", hdr)
			if res.status != status || res.json()["rule"] != rule {
				t.Fatalf("POST %s %v: %d %s, want %d %s", path, hdr, res.status, res.body, status, rule)
			}
		}
		refused(city, "/api/v1/periods/2025-13/close", nil, 422, "period.format")
		refused(city, "/api/v1/periods/2024-06/close", nil, 404, "not_found")
		refused(w.tokens[access.Caseworker], "/api/v1/periods/2025-01/close", nil, 403, "forbidden")
		refused(city, "/api/v1/periods/2025-01/close", map[string]string{"Idempotency-Key": "with space"}, 422, "request.key")

		// a run holding the period: refused with the run's conflict
		svc := insuranceOf[w.a.reg]
		lock := insurance.RunLock{Period: period.New(2025, 1), Run: 99, Heartbeat: svc.NowTime()}
		setLock := func(put bool) {
			t.Helper()
			err := svc.Store.Update(context.Background(), func(tx insurance.Tx) error {
				if put {
					return tx.PutLock(context.Background(), lock)
				}
				return tx.DeleteLock(context.Background(), lock.Period, lock.Run)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		setLock(true)
		refused(city, "/api/v1/periods/2025-01/close", nil, 409, "assessment.run_in_progress")
		setLock(false)
		if js := w.a.do(t, city, "GET", "/api/v1/queue?kind=period_close", "", nil); strings.TrimSpace(string(js.body)) != `{"items":[]}` {
			t.Fatalf("a refused close queued a job: %s", js.body)
		}

		key := map[string]string{"Idempotency-Key": "close-2025-01"}
		res := w.a.do(t, city, "POST", "/api/v1/periods/2025-01/close", "", key)
		j := jobOf(t, res, 202)
		if j.Kind != "period_close" || j.State != "queued" || string(j.Args) != `{"period":"2025-01"}` || j.Repeated ||
			res.header.Get("Location") != fmt.Sprintf("/api/v1/queue/%d", j.ID) {
			t.Fatalf("the queued close: %s (Location %q)", res.body, res.header.Get("Location"))
		}
		again := jobOf(t, w.a.do(t, city, "POST", "/api/v1/periods/2025-01/close", "", key), 200)
		if again.ID != j.ID || !again.Repeated {
			t.Fatalf("the repeat with the same key: %+v, want job %d repeated", again, j.ID)
		}
		refused(city, "/api/v1/periods/2025-01/close", nil, 409, "close.queued")
		refused(city, "/api/v1/periods/2025-01/close", map[string]string{"Idempotency-Key": "another"}, 409, "close.queued")

		// another server over the same database shows the job, queued,
		// then done once a worker of the first ran it
		other := newApp(t, db)
		path := fmt.Sprintf("/api/v1/queue/%d", j.ID)
		if seen := jobOf(t, other.do(t, city, "GET", path, "", nil), 200); seen.State != "queued" {
			t.Fatalf("the other server shows the job %s", seen.State)
		}
		if ran, err := queueOf[w.a.reg].RunOne(context.Background()); err != nil || !ran {
			t.Fatalf("the close job was not run: %v %v", ran, err)
		}
		done := jobOf(t, other.do(t, city, "GET", path, "", nil), 200)
		if done.State != "succeeded" || done.Percent != 100 || done.Total == 0 || done.Done != done.Total ||
			done.Result.Period != "2025-01" || done.Result.Status != "closed" || done.Result.ClosedBy != "close-cw" {
			t.Fatalf("the close job done: %+v", done)
		}
		var ps struct{ Items []insurance.PeriodState }
		json.Unmarshal(w.a.do(t, city, "GET", "/api/v1/periods", "", nil).body, &ps)
		if len(ps.Items) != 1 || ps.Items[0].Status != insurance.PeriodClosed {
			t.Fatalf("periods after the close: %+v", ps.Items)
		}

		// the key given for another period's close is refused; the same
		// key again answers the finished job
		if _, err := svc.Assess(sysCtx, period.New(2025, 2), insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
		refused(city, "/api/v1/periods/2025-02/close", key, 422, "request.key")
		if rep := jobOf(t, w.a.do(t, city, "POST", "/api/v1/periods/2025-01/close", "", key), 200); rep.ID != j.ID || rep.State != "succeeded" {
			t.Fatalf("the key again after the close: %+v", rep)
		}

		// audited as the caller: the job queued and the period closed
		aud := w.a.signIn(t, "close-aud")
		for _, action := range []string{"queue.enqueue", "insurance.period.close"} {
			var page struct{ Items []access.Entry }
			json.Unmarshal(w.a.do(t, aud, "GET", "/api/v1/audit?action="+action, "", nil).body, &page)
			if len(page.Items) != 1 || page.Items[0].Actor != "close-cw" {
				t.Errorf("audit of %s: %+v", action, page.Items)
			}
		}

		// closing a closed period again queues a job that does nothing
		if st := closeQueued(t, w.a, city, "2025-01"); st.State != "succeeded" || st.Result.Status != "closed" {
			t.Fatalf("the closed period closed again: %+v", st)
		}
	})
}
