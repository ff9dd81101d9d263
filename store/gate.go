package store

import (
	"context"
	"sync"
	"time"
)

// gate orders the transactions of this process that wait for the one
// writer (SQLite's writer connection, PostgreSQL's audit lock): one at a
// time, the audit entries of views (the journal's batch: a few
// statements that answer every read waiting) first, then interactive
// writes (a screen's write), then batch work (access.Background: the
// monthly run's rows, deletions and bills), each class in arrival order.
// A journal batch goes ahead of the writes waiting, but not twice in a
// row while one waits, so neither class starves the other: a read waits
// for at most one write before its entry's batch, not for the whole
// queue of writes (50 clients' hires and declarations kept reads
// waiting 0.3-1.4 s on PostgreSQL). A batch waiter that has waited
// starveAfter goes next all the same, so that a run under a steady
// stream of writes still advances. database/sql hands its one connection
// to a random waiter, so without the gate a view's entry waited behind
// any number of a run's transactions.
type gate struct {
	mu          sync.Mutex
	busy        bool
	lastViews   bool // the turn now or last held was the journal's
	views       []*gateTicket
	urgent      []*gateTicket
	batch       []*gateTicket
	starveAfter time.Duration
}

// turnClass is what a transaction waiting for the writer is.
type turnClass int

const (
	turnBatch  turnClass = iota // batch work (access.Background)
	turnUrgent                  // an interactive write
	turnViews                   // a batch of the journal: the entries of views
)

// gateTicket is one waiter; its channel is closed when it is let in.
type gateTicket struct {
	in    chan struct{}
	since time.Time
	class turnClass
}

// starveAfter is how long a batch transaction waits at most while
// interactive ones keep coming.
const starveAfter = 250 * time.Millisecond

func newGate() *gate { return &gate{starveAfter: starveAfter} }

// enter waits for the gate in its class's turn (gate) and returns the
// function that leaves it, or ctx's error.
func (g *gate) enter(ctx context.Context, class turnClass) (func(), error) {
	g.mu.Lock()
	if !g.busy { // free: nobody waits (next frees it only then)
		g.busy, g.lastViews = true, class == turnViews
		g.mu.Unlock()
		return g.leave, nil
	}
	t := &gateTicket{in: make(chan struct{}), since: time.Now(), class: class}
	q := g.queue(class)
	*q = append(*q, t)
	g.mu.Unlock()
	select {
	case <-t.in:
		return g.leave, nil
	case <-ctx.Done():
		g.mu.Lock()
		defer g.mu.Unlock()
		select {
		case <-t.in: // let in meanwhile: pass the turn on
			g.next()
		default:
			*q = without(*q, t)
		}
		return nil, ctx.Err()
	}
}

func (g *gate) queue(class turnClass) *[]*gateTicket {
	switch class {
	case turnViews:
		return &g.views
	case turnUrgent:
		return &g.urgent
	}
	return &g.batch
}

// leave lets the next waiter in.
func (g *gate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.next()
}

// next hands the gate to the next waiter, or marks it free; g.mu held.
func (g *gate) next() {
	interactive := len(g.views) > 0 || len(g.urgent) > 0
	var q *[]*gateTicket
	switch {
	case len(g.batch) > 0 && (!interactive || time.Since(g.batch[0].since) >= g.starveAfter):
		q = &g.batch
	case len(g.views) > 0 && (len(g.urgent) == 0 || !g.lastViews):
		q = &g.views
	case len(g.urgent) > 0:
		q = &g.urgent
	default:
		g.busy = false
		return
	}
	t := (*q)[0]
	*q = (*q)[1:]
	g.busy, g.lastViews = true, t.class == turnViews
	close(t.in)
}

func without(q []*gateTicket, t *gateTicket) []*gateTicket {
	for i, x := range q {
		if x == t {
			return append(q[:i:i], q[i+1:]...)
		}
	}
	return q
}
