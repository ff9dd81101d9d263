package access

import (
	"context"
	"sync"
)

type deferKey struct{}

// Deferred keeps the audit entries of the views of one answer that shows
// several at once (a screen of a person's record, contributions and
// estimate) until Flush appends them: the entries of one Journal in one
// batch, one turn of the writer rather than one a view. Nothing of those
// views may be shown before Flush has returned nil.
type Deferred struct {
	mu      sync.Mutex
	entries []deferredEntry
}

type deferredEntry struct {
	to Appender
	ev TimedEvent
}

// Journaled is an Appender whose entries go through a Journal (every
// store of one database shares its journal): Deferred.Flush appends the
// entries of one journal together.
type Journaled interface {
	AuditJournal() *Journal
}

// DeferViews returns ctx in which ViewAudited keeps each view's entry in
// the returned Deferred instead of appending it at once.
func DeferViews(ctx context.Context) (context.Context, *Deferred) {
	d := &Deferred{}
	return context.WithValue(ctx, deferKey{}, d), d
}

// deferredOf is ctx's Deferred, nil outside DeferViews.
func deferredOf(ctx context.Context) *Deferred {
	d, _ := ctx.Value(deferKey{}).(*Deferred)
	return d
}

func (d *Deferred) add(to Appender, ev TimedEvent) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.entries = append(d.entries, deferredEntry{to, ev})
}

// Flush appends the entries kept, in the order of their views, and
// returns once they are committed: the entries of Appenders sharing a
// Journal in one batch (Journal.AppendAll), any other one by one. It
// keeps nothing: a second Flush appends only the views since.
func (d *Deferred) Flush(ctx context.Context) error {
	d.mu.Lock()
	es := d.entries
	d.entries = nil
	d.mu.Unlock()
	var j *Journal
	var batch []TimedEvent
	for _, e := range es {
		if jd, ok := e.to.(Journaled); ok && (j == nil || jd.AuditJournal() == j) {
			j, batch = jd.AuditJournal(), append(batch, e.ev)
			continue
		}
		if err := appendBatch(ctx, j, batch); err != nil {
			return err
		}
		j, batch = nil, nil
		if jd, ok := e.to.(Journaled); ok {
			j, batch = jd.AuditJournal(), []TimedEvent{e.ev}
			continue
		}
		if err := e.to.AppendAudit(ctx, e.ev.Caller, e.ev.At, e.ev.Event); err != nil {
			return err
		}
	}
	return appendBatch(ctx, j, batch)
}

func appendBatch(ctx context.Context, j *Journal, batch []TimedEvent) error {
	if j == nil {
		return nil
	}
	return j.AppendAll(ctx, batch)
}
