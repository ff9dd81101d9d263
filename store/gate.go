package store

import (
	"context"
	"sync"
	"time"
)

// gate orders the transactions of this process that wait for the one
// writer (SQLite's writer connection, PostgreSQL's audit lock): one at a
// time, and interactive ones (a screen's write, the audit entries of
// views) before batch work (access.Background: the monthly run's rows,
// deletions and bills), each class in arrival order. A batch waiter that
// has waited starveAfter goes next all the same, so that a run under a
// steady stream of writes still advances. database/sql hands its one
// connection to a random waiter, so without the gate a view's entry
// waited behind any number of a run's transactions.
type gate struct {
	mu          sync.Mutex
	busy        bool
	urgent      []*gateTicket
	batch       []*gateTicket
	starveAfter time.Duration
}

// gateTicket is one waiter; its channel is closed when it is let in.
type gateTicket struct {
	in    chan struct{}
	since time.Time
}

// starveAfter is how long a batch transaction waits at most while
// interactive ones keep coming.
const starveAfter = 250 * time.Millisecond

func newGate() *gate { return &gate{starveAfter: starveAfter} }

// enter waits for the gate (batch: behind every interactive waiter) and
// returns the function that leaves it, or ctx's error.
func (g *gate) enter(ctx context.Context, batch bool) (func(), error) {
	g.mu.Lock()
	if !g.busy { // free: nobody waits (next frees it only then)
		g.busy = true
		g.mu.Unlock()
		return g.leave, nil
	}
	t := &gateTicket{in: make(chan struct{}), since: time.Now()}
	if batch {
		g.batch = append(g.batch, t)
	} else {
		g.urgent = append(g.urgent, t)
	}
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
			g.urgent, g.batch = without(g.urgent, t), without(g.batch, t)
		}
		return nil, ctx.Err()
	}
}

// leave lets the next waiter in.
func (g *gate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.next()
}

// next hands the gate to the next waiter, or marks it free; g.mu held.
func (g *gate) next() {
	var t *gateTicket
	switch {
	case len(g.batch) > 0 && (len(g.urgent) == 0 || time.Since(g.batch[0].since) >= g.starveAfter):
		t, g.batch = g.batch[0], g.batch[1:]
	case len(g.urgent) > 0:
		t, g.urgent = g.urgent[0], g.urgent[1:]
	default:
		g.busy = false
		return
	}
	g.busy = true
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
