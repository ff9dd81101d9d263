package web_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"hrss/access"
	"hrss/queue"
	"hrss/rules/fault"
	"hrss/store"
	"hrss/store/storetest"
	"hrss/support"
	"hrss/web"
)

// workerQueue is a queue named worker over db as a server wires it (the
// caller read again when a job starts) with kinds k.
func workerQueue(db *store.DB, acc *access.Service, worker string, clk *storetest.Clock, k ...queue.Kind) *queue.Queue {
	q := &queue.Queue{Store: db.Queue(), Worker: worker, Now: clk.Now, Beat: 20 * time.Millisecond, Lease: time.Minute, Recheck: acc.Recheck}
	for _, k := range k {
		q.Register(k)
	}
	return q
}

// callerOf is the context of the caller a secret stands for.
func callerOf(t *testing.T, acc *access.Service, secret string) context.Context {
	t.Helper()
	c, err := acc.Authenticate(context.Background(), secret, "192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	return access.WithCaller(context.Background(), c)
}

// TestGrantPaymentJobRetried: a grant payment run queued as a job whose
// worker died after the run committed (it never recorded the outcome) is
// taken again by another worker once the lease ran out, which reports
// that run and pays no one twice; the audit trail names the user who
// queued it, from where.
func TestGrantPaymentJobRetried(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newSupCity(t, db)
		c.stepUntil(t, "a division's caseworker does not pay")
		svc := supportOf[c.a.reg]
		kind := web.GrantPaymentKind(svc)
		clk := storetest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		live := workerQueue(db, c.a.acc, "live", clk, kind)
		ctx := callerOf(t, c.a.acc, c.tok["city"])
		j, err := live.Enqueue(ctx, web.JobGrantPayment, nil)
		if err != nil {
			t.Fatal(err)
		}
		if j.MaxAttempts < 2 {
			t.Fatalf("the grant payment run is tried %d times at most: not retried", j.MaxAttempts)
		}

		// the worker that dies: it claims the job, makes the run, and
		// stops before recording the outcome
		now := clk.Now()
		claimed, ok, err := db.Queue().Claim(context.Background(), "dead", []string{web.JobGrantPayment}, now, now.Add(time.Minute))
		if err != nil || !ok || claimed.ID != j.ID {
			t.Fatalf("claim %+v %v %v", claimed, ok, err)
		}
		first, err := kind.Run(access.WithCaller(context.Background(), claimed.Caller), claimed.Args, &queue.Run{Job: claimed})
		if err != nil {
			t.Fatal(err)
		}
		run := first.(support.PayReport).Run
		if run.Rows != 2 {
			t.Fatalf("the first attempt's run: %+v", run)
		}

		clk.Add(2 * time.Minute)
		if ran, err := live.RunOne(context.Background()); err != nil || !ran {
			t.Fatalf("the second attempt was not claimed: %v %v", ran, err)
		}
		got, err := live.Job(ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		var rep support.PayReport
		if got.State != queue.Succeeded || got.Attempts != 2 || json.Unmarshal(got.Result, &rep) != nil || !rep.Repeated || rep.Run.ID != run.ID {
			t.Fatalf("the second attempt: %+v %s", got, got.Result)
		}
		runs, err := svc.Runs(ctx)
		if err != nil || len(runs) != 1 {
			t.Fatalf("%d payment runs, want 1: %v", len(runs), err)
		}
		pays := 0
		for _, g := range c.grants {
			rows, err := grantPayments(db, g)
			if err != nil {
				t.Fatal(err)
			}
			pays += len(rows)
		}
		if pays != 2 {
			t.Fatalf("%d payments of the two grants, want 2", pays)
		}
		for _, action := range []string{"queue.enqueue", "support.pay"} {
			es, err := c.a.acc.ListAudit(sysCtx, access.AuditFilter{Action: action, Limit: 10})
			if err != nil || len(es) != 1 || es[0].Actor != "city" || es[0].IP != "192.0.2.7" {
				t.Fatalf("the audit entries of %s: %+v %v", action, es, err)
			}
		}
	})
}

func mustJob(t *testing.T, q *queue.Queue, id int64) queue.Job {
	t.Helper()
	j, err := q.Store.Job(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func grantPayments(db *store.DB, grant int64) (out []support.Payment, err error) {
	err = db.Support().View(sysCtx, func(tx support.Tx) error {
		out, err = tx.PayRows(sysCtx, 0, grant)
		return err
	})
	return out, err
}

// TestQueuedJobRunsAsTheUserNow: a job runs as the user who queued it,
// read again when it starts, on whichever server: as them (the audit
// trail names them) while they may; refused, having done nothing, when
// they were disabled or their API token revoked in between, or their
// role no longer reaches the work (a city-wide caseworker narrowed to a
// division may not scan the city).
func TestQueuedJobRunsAsTheUserNow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newApp(t, db)
		svc := supportOf[a.reg]
		scan := queue.Kind{Name: web.JobSupportScan, Perm: access.RunSupport,
			Run: func(ctx context.Context, _ json.RawMessage, _ *queue.Run) (any, error) {
				return svc.Scan(ctx, support.ScanOptions{})
			}}
		clk := storetest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		one, other := workerQueue(db, a.acc, "one", clk, scan), workerQueue(db, a.acc, "other", clk, scan)
		users := map[string]access.User{}
		for _, n := range []string{"stays", "leaves", "narrowed", "tokened"} {
			users[n] = a.user(t, access.UserInput{Name: n, Role: string(access.Caseworker), Divisions: []string{access.CityWide}})
		}
		tok, secret, err := a.acc.CreateToken(sysCtx, access.TokenInput{UserID: users["tokened"].ID, Name: "batch", Scope: "write"})
		if err != nil {
			t.Fatal(err)
		}
		queued := map[string]queue.Job{}
		for n := range users {
			s := secret
			if n != "tokened" {
				s = a.signIn(t, n)
			}
			if queued[n], err = one.Enqueue(callerOf(t, a.acc, s), web.JobSupportScan, nil); err != nil {
				t.Fatal(err)
			}
		}
		// between the asking and the running
		change := func(n string, in access.UserInput) {
			in.Name, in.Role = n, string(access.Caseworker)
			if _, err := a.acc.UpdateUser(sysCtx, users[n].ID, in); err != nil {
				t.Fatal(err)
			}
		}
		change("leaves", access.UserInput{Divisions: []string{access.CityWide}, Disabled: true})
		change("narrowed", access.UserInput{Divisions: []string{"330402"}})
		if _, err := a.acc.RevokeToken(sysCtx, tok.ID); err != nil {
			t.Fatal(err)
		}
		for range users {
			if ran, err := other.RunOne(context.Background()); err != nil || !ran {
				t.Fatalf("run: %v %v", ran, err)
			}
		}
		want := map[string]string{"stays": "", "leaves": "auth.disabled", "narrowed": "forbidden", "tokened": "auth.revoked"}
		for n, rule := range want {
			j, err := other.Store.Job(context.Background(), queued[n].ID)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case rule == "" && j.State != queue.Succeeded:
				t.Errorf("%s's job: %s %+v", n, j.State, j.Error)
			case rule != "" && (j.State != queue.Failed || j.Error == nil || j.Error.Rule != rule || j.Error.Kind != fault.Forbidden):
				t.Errorf("%s's job: %s %+v, want refused with %s", n, j.State, j.Error, rule)
			}
		}
		// each refusal is in the audit trail: who, which job, why
		refused, err := a.acc.ListAudit(sysCtx, access.AuditFilter{Action: "queue.refused", Limit: 10})
		if err != nil || len(refused) != 3 {
			t.Fatalf("the refusals audited: %+v %v (want three)", refused, err)
		}
		for _, e := range refused {
			n := ""
			for name, u := range users {
				if u.ID == e.UserID {
					n = name
				}
			}
			if want[n] == "" || e.Object != "queue_jobs/"+strconv.FormatInt(queued[n].ID, 10)+" "+web.JobSupportScan+": "+want[n]+": "+mustJob(t, other, queued[n].ID).Error.Message || e.IP != "192.0.2.7" {
				t.Errorf("a refusal audited as %+v", e)
			}
		}
		scans, err := a.acc.ListAudit(sysCtx, access.AuditFilter{Action: "support.scan", Limit: 10})
		if err != nil || len(scans) != 1 || scans[0].Actor != "stays" || scans[0].UserID != users["stays"].ID || scans[0].IP != "192.0.2.7" {
			t.Fatalf("the scans audited: %+v %v (want one, by stays)", scans, err)
		}
	})
}
