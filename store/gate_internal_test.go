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
	leave, err := g.enter(ctx, turnBatch)
	if err != nil {
		t.Fatal(err)
	}
	order := make(chan string, 3)
	wait := func(name string, class turnClass) {
		go func() {
			l, err := g.enter(ctx, class)
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
	wait("b", turnBatch)
	wait("bb", turnBatch)
	wait("iii", turnUrgent)
	leave()
	for _, want := range []string{"iii", "b", "bb"} {
		if got := <-order; got != want {
			t.Fatalf("let in %s, want %s", got, want)
		}
	}

	g.starveAfter = 20 * time.Millisecond
	leave, _ = g.enter(ctx, turnUrgent)
	wait("b", turnBatch)
	time.Sleep(30 * time.Millisecond)
	wait("ii", turnUrgent)
	leave()
	for _, want := range []string{"b", "ii"} {
		if got := <-order; got != want {
			t.Fatalf("after starving: let in %s, want %s", got, want)
		}
	}

	leave, _ = g.enter(ctx, turnUrgent)
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { _, err := g.enter(cctx, turnUrgent); done <- err }()
	for g.waiting() < 1 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) || g.waiting() != 0 {
		t.Fatalf("a cancelled waiter: %v, %d still waiting", err, g.waiting())
	}
	leave()
	if l, err := g.enter(ctx, turnBatch); err != nil {
		t.Fatal("the gate is not free after the last left:", err)
	} else {
		l()
	}
}

func (g *gate) waiting() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.views) + len(g.urgent) + len(g.batch)
}

// TestGateViewsFirst: the journal's batch (turnViews) that came after
// two interactive writes goes before them, but not twice in a row while
// a write waits: views, write, views, write; a journal's batch after a
// journal's turn goes first when no write waits.
func TestGateViewsFirst(t *testing.T) {
	g := newGate()
	g.starveAfter = time.Hour
	ctx := context.Background()
	order := make(chan string, 8)
	wait := func(name string, class turnClass) {
		go func() {
			l, err := g.enter(ctx, class)
			if err != nil {
				t.Error(name, err)
				return
			}
			order <- name
			l()
		}()
		for g.waiting() < len(name) {
			time.Sleep(time.Millisecond)
		}
	}
	expect := func(want ...string) {
		t.Helper()
		for _, w := range want {
			if got := <-order; got != w {
				t.Fatalf("let in %s, want %s", got, w)
			}
		}
	}
	leave, _ := g.enter(ctx, turnUrgent)
	wait("w", turnUrgent)
	wait("ww", turnUrgent)
	wait("vvv", turnViews)
	leave()
	expect("vvv", "w", "ww")

	leave, _ = g.enter(ctx, turnViews) // the journal holds it: a write waiting goes before its next batch
	wait("w", turnUrgent)
	wait("vv", turnViews)
	wait("www", turnUrgent)
	leave()
	expect("w", "vv", "www")

	leave, _ = g.enter(ctx, turnViews)
	wait("b", turnBatch)
	wait("vv", turnViews)
	leave()
	expect("vv", "b")
}
