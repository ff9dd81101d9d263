package queue_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"hrss/access"
	"hrss/queue"
	"hrss/rules/fault"
	"hrss/store"
	"hrss/store/storetest"
)

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
