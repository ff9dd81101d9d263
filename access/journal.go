package access

import (
	"context"
	"sync"
	"time"
)

// Journal appends the audit entries of reads in short write transactions
// of their own, after the snapshot they record: a view of personal data
// reads without holding the writer (SQLite's one connection,
// PostgreSQL's audit lock) and waits for it only to append its entry.
//
// Concurrent appends are committed together (a group commit): while one
// caller's transaction is writing, the entries that arrive queue, and
// the first of them then writes all the queued ones in one transaction,
// chained in the order they arrived. Append returns only once its entry
// is committed (or failed with its batch), so nothing is shown whose
// entry is not in the trail.
type Journal struct {
	update func(ctx context.Context, fn func(AuditTx) error) error

	mu    sync.Mutex
	queue []*pending
	busy  bool // a batch is being written
}

// pending is one entry waiting for its batch. done receives the batch's
// outcome, or lead (true) when this entry is to write the next batch.
type pending struct {
	a     TimedEvent
	done  chan error
	leads chan struct{}
}

// NewJournal returns a Journal that writes each batch by update, one
// read-write transaction that appends to the audit chain.
func NewJournal(update func(ctx context.Context, fn func(AuditTx) error) error) *Journal {
	return &Journal{update: update}
}

// Append appends the entry for ev by c at time at to the audit trail and
// returns once it is committed (see Journal).
func (j *Journal) Append(ctx context.Context, c Caller, at time.Time, ev Event) error {
	return j.AppendAll(ctx, []TimedEvent{{Caller: c, At: at, Event: ev}})
}

// TimedEvent is the entry to append for Event by Caller at time At.
type TimedEvent struct {
	Caller Caller
	At     time.Time
	Event  Event
}

// AppendAll appends es, in order, in one batch (they are queued
// together, so whichever caller writes the batch writes them all) and
// returns once they are committed, or the batch's error.
func (j *Journal) AppendAll(ctx context.Context, es []TimedEvent) error {
	if len(es) == 0 {
		return nil
	}
	ps := make([]*pending, len(es))
	for i, e := range es {
		ps[i] = &pending{a: e, done: make(chan error, 1), leads: make(chan struct{}, 1)}
	}
	j.mu.Lock()
	j.queue = append(j.queue, ps...)
	if j.busy {
		j.mu.Unlock()
		select {
		case err := <-ps[0].done: // the others went in the same batch
			if werr := wait(ps[1:]); err == nil {
				err = werr
			}
			return err
		case <-ps[0].leads:
		}
	} else {
		j.busy = true
		j.mu.Unlock()
	}
	j.writeBatch(ctx)
	return wait(ps)
}

// wait returns the first error of the batch of ps, once each has its outcome.
func wait(ps []*pending) error {
	var first error
	for _, p := range ps {
		if err := <-p.done; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// writeBatch writes every queued entry in one transaction, tells each
// its outcome and hands the writing of the next batch to the first entry
// queued meanwhile (or marks the journal idle). The batch is written
// whatever happens to the leader's request: the others wait for it.
func (j *Journal) writeBatch(ctx context.Context) {
	j.mu.Lock()
	batch := j.queue
	j.queue = nil
	j.mu.Unlock()
	ctx = context.WithoutCancel(ctx)
	as := make([]TimedEvent, len(batch))
	for i, p := range batch {
		as[i] = p.a
	}
	err := j.update(ctx, func(tx AuditTx) error { return RecordAll(ctx, tx, as) })
	for _, p := range batch {
		p.done <- err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.queue) == 0 {
		j.busy = false
		return
	}
	j.queue[0].leads <- struct{}{}
}

// Appender appends the audit entry of a read after the read (Journal).
type Appender interface {
	AppendAudit(ctx context.Context, c Caller, at time.Time, ev Event) error
}

// ViewStore is a domain store that reads in snapshots of transaction
// type T and appends audit entries of its own (a Journal).
type ViewStore[T any] interface {
	View(ctx context.Context, fn func(T) error) error
	Appender
}

// ViewAudited is the one way a view of personal data is audited: read
// runs in a read-only snapshot of s and returns the event it showed, then
// the entry for that event by c at time at is appended (Journal), and
// only once it is committed does ViewAudited return nil. A read that
// fails appends nothing, nor does an event without an action (a read
// that showed no one's data). In a context of DeferViews the entry is
// kept for the Deferred's Flush instead.
func ViewAudited[T any](ctx context.Context, s ViewStore[T], c Caller, at time.Time, read func(T) (Event, error)) error {
	var ev Event
	if err := s.View(ctx, func(tx T) (err error) {
		ev, err = read(tx)
		return err
	}); err != nil || ev.Action == "" {
		return err
	}
	if d := deferredOf(ctx); d != nil {
		d.add(s, TimedEvent{Caller: c, At: at, Event: ev}) // appended by d.Flush
		return nil
	}
	return s.AppendAudit(ctx, c, at, ev)
}

// Queued returns how many appends wait for the next batch.
func (j *Journal) Queued() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.queue)
}
