package queue_test

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hrss/access"
	"hrss/queue"
	"hrss/rules/fault"
	"hrss/store"
	"hrss/store/storetest"
)

// newQueue returns a queue named worker over db with kind "count", which
// counts its runs in runs and reports progress 2 of 3.
func newQueue(db *store.DB, worker string, clk *storetest.Clock, runs *atomic.Int64, maxAttempts int) *queue.Queue {
	q := &queue.Queue{Store: db.Queue(), Worker: worker, Now: clk.Now, Beat: 20 * time.Millisecond, Lease: time.Minute}
	q.Register(queue.Kind{Name: "count", Perm: access.RunSupport, MaxAttempts: maxAttempts,
		Run: func(ctx context.Context, args json.RawMessage, r *queue.Run) (any, error) {
			runs.Add(1)
			r.Report(2, 3, "almost")
			return map[string]int{"attempt": r.Job.Attempts}, nil
		}})
	return q
}

func system() context.Context { return access.WithCaller(context.Background(), access.System) }

// TestQueueRunsOnce: a job enqueued once runs once however many workers
// look for it; a scheduled slot enqueued by two servers is one job.
func TestQueueRunsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := system()
		clk := storetest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		var runs atomic.Int64
		a, b := newQueue(db, "a", clk, &runs, 3), newQueue(db, "b", clk, &runs, 3)
		j, err := a.Enqueue(ctx, "count", nil)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var ran atomic.Int64
		for _, q := range []*queue.Queue{a, b, a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := q.RunOne(ctx)
				if err != nil {
					t.Error(err)
				}
				if ok {
					ran.Add(1)
				}
			}()
		}
		wg.Wait()
		if runs.Load() != 1 || ran.Load() != 1 {
			t.Fatalf("the job ran %d times (%d claims), want once", runs.Load(), ran.Load())
		}
		got, err := b.Job(ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != queue.Succeeded || got.Done != 2 || got.Total != 3 || string(got.Result) != `{"attempt":1}` || got.Attempts != 1 {
			t.Fatalf("job after its run: %+v", got)
		}

		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		for _, q := range []*queue.Queue{a, b} {
			if err := q.Schedule(sctx, "count", time.Hour); err != nil {
				t.Fatal(err)
			}
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			js, err := a.Jobs(ctx, queue.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(js) == 2 || time.Now().After(deadline) {
				if len(js) != 2 || js[0].Key != "2026-03-01T09:00:00Z" || js[0].CreatedBy != "schedule" {
					t.Fatalf("after two servers scheduled the slot: %+v", js)
				}
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		time.Sleep(50 * time.Millisecond) // the schedulers see their end
		js, _ := a.Jobs(ctx, queue.Filter{})
		if len(js) != 2 {
			t.Fatalf("%d jobs, want 2 (one per slot)", len(js))
		}
	})
}

// TestQueueLeaseExpires: a job whose worker died (claimed, never renewed)
// is taken again once its lease ran out, and the dead worker cannot
// record an outcome; with no attempt left it is failed clearly.
func TestQueueLeaseExpires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := system()
		clk := storetest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		var runs atomic.Int64
		for _, max := range []int{2, 1} {
			q := newQueue(db, "survivor", clk, &runs, max)
			j, err := q.Enqueue(ctx, "count", nil)
			if err != nil {
				t.Fatal(err)
			}
			dead, ok, err := db.Queue().Claim(ctx, "dead", []string{"count"}, clk.Now(), clk.Now().Add(time.Minute))
			if err != nil || !ok || dead.ID != j.ID {
				t.Fatalf("claim: %v %v %+v", ok, err, dead)
			}
			if ran, err := q.RunOne(ctx); err != nil || ran {
				t.Fatalf("a job under a live lease was taken again (%v, %v)", ran, err)
			}
			clk.Add(61 * time.Second)
			before := runs.Load()
			ran, err := q.RunOne(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got, err := q.Job(ctx, j.ID)
			if err != nil {
				t.Fatal(err)
			}
			if max == 2 {
				if !ran || runs.Load() != before+1 || got.State != queue.Succeeded || got.Attempts != 2 || got.Worker != "survivor" {
					t.Fatalf("retry after the lease: ran %v, job %+v", ran, got)
				}
			} else {
				if ran || runs.Load() != before || got.State != queue.Failed || got.Error == nil || got.Error.Rule != "queue.lease_expired" {
					t.Fatalf("last attempt's lease ran out: ran %v, job %+v", ran, got)
				}
			}
			held, err := db.Queue().Finish(ctx, j.ID, "dead", 1, queue.Progress{}, queue.Outcome{Result: json.RawMessage(`"late"`)}, clk.Now())
			if err != nil || held {
				t.Fatalf("the dead worker recorded its outcome (%v, %v)", held, err)
			}
		}
	})
}

// TestQueueProgressAndAccess: a running job's progress is stored while it
// runs and seen through another queue over the same database; a caller
// without the kind's permission can neither enqueue it nor see it; a
// failure keeps its rule.
func TestQueueProgressAndAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := system()
		release := make(chan struct{})
		q := &queue.Queue{Store: db.Queue(), Worker: "w", Beat: 10 * time.Millisecond}
		q.Register(queue.Kind{Name: "slow", Perm: access.RunSupport,
			Check: func(args json.RawMessage) error {
				var a struct{ N int64 }
				if err := json.Unmarshal(args, &a); err != nil || a.N <= 0 {
					return fault.Invalidf("n", "test.n", "n must be a positive number")
				}
				return nil
			},
			Run: func(ctx context.Context, args json.RawMessage, r *queue.Run) (any, error) {
				r.Report(1, 4, "first")
				<-release
				return nil, fault.Conflictf("period", "test.conflict", "taken")
			}})
		other := &queue.Queue{Store: db.Queue()}
		other.Register(queue.Kind{Name: "slow", Perm: access.RunSupport, Run: func(context.Context, json.RawMessage, *queue.Run) (any, error) { return nil, nil }})
		if _, err := q.Enqueue(ctx, "slow", json.RawMessage(`{"n":0}`)); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("bad arguments: %v", err)
		}
		if _, err := q.Enqueue(ctx, "nope", nil); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("unknown kind: %v", err)
		}
		analyst := access.WithCaller(context.Background(), access.Caller{UserID: 7, Name: "ana", Role: access.Analyst})
		if _, err := q.Enqueue(analyst, "slow", json.RawMessage(`{"n":1}`)); fault.KindOf(err) != fault.Forbidden {
			t.Fatalf("an analyst enqueued: %v", err)
		}
		j, err := q.Enqueue(ctx, "slow", json.RawMessage(`{"n":1}`))
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { q.RunOne(ctx); close(done) }()
		deadline := time.Now().Add(10 * time.Second)
		for {
			got, err := other.Job(ctx, j.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.State == queue.Running && got.Done == 1 && got.Total == 4 && got.Note == "first" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("progress never seen from the other queue: %+v", got)
			}
			time.Sleep(10 * time.Millisecond)
		}
		close(release)
		<-done
		got, _ := other.Job(ctx, j.ID)
		if got.State != queue.Failed || got.Error == nil || got.Error.Rule != "test.conflict" || got.Error.Fault().Kind != fault.Conflict {
			t.Fatalf("failed job: %+v %+v", got, got.Error)
		}
		if _, err := q.Job(analyst, j.ID); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("an analyst sees a support job: %v", err)
		}
		if js, err := q.Jobs(analyst, queue.Filter{}); err != nil || len(js) != 0 {
			t.Fatalf("an analyst lists %d jobs (%v)", len(js), err)
		}
	})
}

// TestQueueRecheckTransient: a job whose caller cannot be read again
// when it starts (the database unreachable) is not failed: it is left to
// its lease and tried again once the lease ran out, running then; on its
// last attempt the error is recorded. A refusal fails it at once.
func TestQueueRecheckTransient(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clk := storetest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		var runs atomic.Int64
		var answer atomic.Value // the error Recheck answers with, or a nil *fault.Error
		q := newQueue(db, "w", clk, &runs, 2)
		q.Recheck = func(_ context.Context, c access.Caller) (access.Caller, error) {
			if err := answer.Load().(*fault.Error); err != nil {
				return c, err
			}
			return c, nil
		}
		ann := access.WithCaller(context.Background(), access.Caller{UserID: 5, Name: "ann", Role: access.Caseworker, Divisions: []string{access.CityWide}})
		lost := &fault.Error{Kind: fault.Unavailable, Rule: "store.connection_lost", Message: "the connection to the database was lost"}
		job := func(id int64) queue.Job {
			t.Helper()
			j, err := q.Store.Job(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			return j
		}
		runOne := func() {
			t.Helper()
			if ran, err := q.RunOne(context.Background()); err != nil || !ran {
				t.Fatalf("nothing claimed: %v %v", ran, err)
			}
		}

		// the database lost while the first attempt reads ann: tried again
		j, err := q.Enqueue(ann, "count", nil)
		if err != nil {
			t.Fatal(err)
		}
		answer.Store(lost)
		runOne()
		if got := job(j.ID); got.State != queue.Running || got.Attempts != 1 || got.Error != nil || runs.Load() != 0 {
			t.Fatalf("after a transient failure to read the caller: %s attempt %d %+v, %d runs", got.State, got.Attempts, got.Error, runs.Load())
		}
		answer.Store((*fault.Error)(nil))
		clk.Add(2 * time.Minute)
		runOne()
		if got := job(j.ID); got.State != queue.Succeeded || got.Attempts != 2 || runs.Load() != 1 {
			t.Fatalf("the second attempt: %s attempt %d %+v, %d runs", got.State, got.Attempts, got.Error, runs.Load())
		}

		// lost on every attempt: the last records the error
		j, err = q.Enqueue(ann, "count", nil)
		if err != nil {
			t.Fatal(err)
		}
		answer.Store(lost)
		runOne()
		clk.Add(2 * time.Minute)
		runOne()
		if got := job(j.ID); got.State != queue.Failed || got.Attempts != 2 || got.Error == nil || got.Error.Rule != "store.connection_lost" || runs.Load() != 1 {
			t.Fatalf("lost on both attempts: %s attempt %d %+v, %d runs", got.State, got.Attempts, got.Error, runs.Load())
		}

		// a refusal is final at the first attempt
		j, err = q.Enqueue(ann, "count", nil)
		if err != nil {
			t.Fatal(err)
		}
		answer.Store(&fault.Error{Kind: fault.Forbidden, Rule: "auth.disabled", Message: "user ann, who asked for this, is disabled or removed: it is not done"})
		runOne()
		if got := job(j.ID); got.State != queue.Failed || got.Attempts != 1 || got.Error == nil || got.Error.Rule != "auth.disabled" || runs.Load() != 1 {
			t.Fatalf("refused: %s attempt %d %+v, %d runs", got.State, got.Attempts, got.Error, runs.Load())
		}
	})
}
