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

// assessQueued assesses period through the API as token's caller, runs
// the job it queued as a worker would and returns the job's result, the
// run's summary, failing unless the job succeeded.
func assessQueued(t *testing.T, a *app, token, period string) insurance.Summary {
	t.Helper()
	j := jobOf(t, a.do(t, token, "POST", "/api/v1/assessments", `{"period":"`+period+`"}`, nil), 202)
	if ran, err := queueOf[a.reg].RunOne(context.Background()); err != nil || !ran {
		t.Fatalf("the assessment job was not run: %v %v", ran, err)
	}
	res := a.do(t, token, "GET", fmt.Sprintf("/api/v1/queue/%d", j.ID), "", nil)
	var done struct {
		State  string
		Result insurance.Summary
	}
	if res.status != 200 || json.Unmarshal(res.body, &done) != nil || done.State != "succeeded" {
		t.Fatalf("the assessment job of %s: %d %s", period, res.status, res.body)
	}
	return done.Result
}

// TestAssessAPI: a month's assessment is queued (202, the job, its
// Location) and answered at once; what would stop it at its start is
// refused before anything is queued (a bad period or key naming the
// field, a closed period, a live run unless taken over, a second run of
// the same period, a caller who may not run the batch jobs); the same
// Idempotency-Key answers the first job (200, repeated) and, given for
// another period, is refused; a second server shows the job and, once a
// worker ran it, its result: the run's summary, the period's current run.
func TestAssessAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.insFix(t) // 2025-01 assessed
		w.a.user(t, access.UserInput{Name: "assess-cw", Role: "caseworker", Divisions: []string{access.CityWide}})
		city := w.a.signIn(t, "assess-cw")
		post := func(token, body string, hdr map[string]string) response {
			return w.a.do(t, token, "POST", "/api/v1/assessments", body, hdr)
		}
		refused := func(token, body string, hdr map[string]string, status int, rule string) {
			t.Helper()
			if res := post(token, body, hdr); res.status != status || res.json()["rule"] != rule {
				t.Fatalf("POST %s %v: %d %s, want %d %s", body, hdr, res.status, res.body, status, rule)
			}
		}
		refused(city, `{"period":"2025-13"}`, nil, 422, "period.format")
		refused(city, `{}`, nil, 422, "period.format")
		refused(city, `{"period":"2025-02","extra":1}`, nil, 422, "json.syntax")
		refused(w.tokens[access.Caseworker], `{"period":"2025-02"}`, nil, 403, "forbidden")
		refused(city, `{"period":"2025-02"}`, map[string]string{"Idempotency-Key": "with space"}, 422, "request.key")

		// a run holding the period: refused with the run's conflict,
		// queued when taken over
		svc := insuranceOf[w.a.reg]
		lock := insurance.RunLock{Period: period.New(2025, 1), Run: 99, Heartbeat: svc.NowTime()}
		if err := svc.Store.Update(context.Background(), func(tx insurance.Tx) error { return tx.PutLock(context.Background(), lock) }); err != nil {
			t.Fatal(err)
		}
		refused(city, `{"period":"2025-01"}`, nil, 409, "assessment.run_in_progress")
		if js := w.a.do(t, city, "GET", "/api/v1/queue?kind=assessment", "", nil); strings.TrimSpace(string(js.body)) != `{"items":[]}` {
			t.Fatalf("a refused assessment queued a job: %s", js.body)
		}
		over := jobOf(t, post(city, `{"period":"2025-01","takeover":true}`, nil), 202)
		if string(over.Args) != `{"period":"2025-01","takeover":true}` {
			t.Fatalf("the takeover's job: %s", over.Args)
		}
		if ran, err := queueOf[w.a.reg].RunOne(context.Background()); err != nil || !ran {
			t.Fatalf("the takeover was not run: %v %v", ran, err)
		}

		key := map[string]string{"Idempotency-Key": "assess-2025-02"}
		res := post(city, `{"period":"2025-02"}`, key)
		j := jobOf(t, res, 202)
		if j.Kind != "assessment" || j.State != "queued" || string(j.Args) != `{"period":"2025-02"}` || j.Repeated ||
			res.header.Get("Location") != fmt.Sprintf("/api/v1/queue/%d", j.ID) {
			t.Fatalf("the queued assessment: %s (Location %q)", res.body, res.header.Get("Location"))
		}
		again := jobOf(t, post(city, `{"period":"2025-02"}`, key), 200)
		if again.ID != j.ID || !again.Repeated {
			t.Fatalf("the repeat with the same key: %+v, want job %d repeated", again, j.ID)
		}
		refused(city, `{"period":"2025-02"}`, nil, 409, "assessment.queued")
		refused(city, `{"period":"2025-02"}`, map[string]string{"Idempotency-Key": "another"}, 409, "assessment.queued")
		refused(city, `{"period":"2025-03"}`, key, 422, "request.key")

		// another server over the same database shows the job, queued,
		// then done once a worker of the first ran it
		other := newApp(t, db)
		path := fmt.Sprintf("/api/v1/queue/%d", j.ID)
		if seen := jobOf(t, other.do(t, city, "GET", path, "", nil), 200); seen.State != "queued" {
			t.Fatalf("the other server shows the job %s", seen.State)
		}
		if ran, err := queueOf[w.a.reg].RunOne(context.Background()); err != nil || !ran {
			t.Fatalf("the assessment job was not run: %v %v", ran, err)
		}
		done := other.do(t, city, "GET", path, "", nil)
		var out struct {
			State   string
			Percent int
			Done    int64
			Result  insurance.Summary
		}
		if json.Unmarshal(done.body, &out); out.State != "succeeded" || out.Percent != 100 || out.Done == 0 ||
			out.Result.Period != period.New(2025, 2) || out.Result.Rows == 0 || out.Result.Total <= 0 || int64(out.Result.Rows) != out.Done {
			t.Fatalf("the assessment job done: %s", done.body)
		}
		var ps struct{ Items []insurance.PeriodState }
		json.Unmarshal(w.a.do(t, city, "GET", "/api/v1/periods", "", nil).body, &ps)
		if len(ps.Items) != 2 {
			t.Fatalf("periods after the run: %+v", ps.Items)
		}
		for _, st := range ps.Items {
			if st.Period == period.New(2025, 2) && (st.Status != insurance.PeriodOpen || st.CurrentRun != out.Result.Run) {
				t.Fatalf("2025-02 after the run: %+v, want open at run %d", st, out.Result.Run)
			}
		}
		if rep := jobOf(t, post(city, `{"period":"2025-02"}`, key), 200); rep.ID != j.ID || rep.State != "succeeded" {
			t.Fatalf("the key again after the run: %+v", rep)
		}

		// a closed period is refused at once; the key of the run done
		// before the close still answers that run
		closeQueued(t, w.a, city, "2025-02")
		refused(city, `{"period":"2025-02"}`, nil, 409, "assessment.period_closed")
		refused(city, `{"period":"2025-02"}`, map[string]string{"Idempotency-Key": "new"}, 409, "assessment.period_closed")
		if rep := jobOf(t, post(city, `{"period":"2025-02"}`, key), 200); rep.ID != j.ID || !rep.Repeated || rep.State != "succeeded" {
			t.Fatalf("the key again after the close: %+v", rep)
		}
	})
}
