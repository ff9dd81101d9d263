package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestGateOrder: while the writer is held, an interactive waiter that
// came after two batch waiters is let in first, then the batch ones in
// their order; a batch waiter that has waited starveAfter goes before an
// interactive one; a waiter whose context ends leaves the queue, and one
// let in as it ends passes its turn on.
func TestGateOrder(t *testing.T) {
	g := newGate()
	g.starveAfter = time.Hour
	ctx := context.Background()
	leave, err := g.enter(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	order := make(chan string, 3)
	wait := func(name string, batch bool) {
		go func() {
			l, err := g.enter(ctx, batch)
			if err != nil {
				t.Error(name, err)
				return
			}
			order <- name
			l()
		}()
		for g.waiting() < len(name) { // each name one letter longer: queued in this order
			time.Sleep(time.Millisecond)
		}
	}
	wait("b", true)
	wait("bb", true)
	wait("iii", false)
	leave()
	for _, want := range []string{"iii", "b", "bb"} {
		if got := <-order; got != want {
			t.Fatalf("let in %s, want %s", got, want)
		}
	}

	g.starveAfter = 20 * time.Millisecond
	leave, _ = g.enter(ctx, false)
	wait("b", true)
	time.Sleep(30 * time.Millisecond)
	wait("ii", false)
	leave()
	for _, want := range []string{"b", "ii"} {
		if got := <-order; got != want {
			t.Fatalf("after starving: let in %s, want %s", got, want)
		}
	}

	leave, _ = g.enter(ctx, false)
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { _, err := g.enter(cctx, false); done <- err }()
	for g.waiting() < 1 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) || g.waiting() != 0 {
		t.Fatalf("a cancelled waiter: %v, %d still waiting", err, g.waiting())
	}
	leave()
	if l, err := g.enter(ctx, true); err != nil {
		t.Fatal("the gate is not free after the last left:", err)
	} else {
		l()
	}
}

func (g *gate) waiting() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.urgent) + len(g.batch)
}
