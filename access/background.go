package access

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

type backgroundKey struct{}

// Background marks ctx as batch work that no one waits for at a screen
// (the monthly run, the queue's jobs): the store serves the interactive
// work waiting for the same writer first (store's writer gate).
func Background(ctx context.Context) context.Context {
	return context.WithValue(ctx, backgroundKey{}, true)
}

// IsBackground reports whether ctx is batch work (Background).
func IsBackground(ctx context.Context) bool {
	b, _ := ctx.Value(backgroundKey{}).(bool)
	return b
}

// Pacer lets batch work give way to interactive requests on processors
// they share: the server counts the requests it is answering (Enter),
// and batch work calls Yield between its steps, which waits until none
// is in flight (the request that started the batch work excepted), at
// most MaxWait, so that the batch work still advances under a steady
// load. The pacer travels in the context (Enter, WithPacer).
type Pacer struct {
	// MaxWait bounds one Yield; 0 is DefaultYield.
	MaxWait time.Duration
	// Nice, when above 0, lowers the scheduling priority of the threads
	// batch work runs on by that much (Go, Lowered; 1-19 as nice(1)).
	Nice int

	n       atomic.Int64  // requests in flight (read without the lock by Yield's fast path)
	mu      sync.Mutex    // guards changed
	changed chan struct{} // closed, and replaced, when a request ends
}

// DefaultYield is a Pacer's longest wait in one Yield.
const DefaultYield = 20 * time.Millisecond

type (
	pacerKey   struct{} // the *Pacer of the context
	countedKey struct{} // the *Pacer that counts the context's request
)

// WithPacer returns ctx carrying p, for batch work started outside a
// request (the queue's jobs): its Yields wait for p's requests.
func WithPacer(ctx context.Context, p *Pacer) context.Context {
	return context.WithValue(ctx, pacerKey{}, p)
}

// Enter counts a request in flight until the returned function is
// called; the returned context carries p and marks the request as
// counted (a Yield in it excepts it).
func (p *Pacer) Enter(ctx context.Context) (context.Context, func()) {
	p.n.Add(1)
	ctx = context.WithValue(WithPacer(ctx, p), countedKey{}, p)
	return ctx, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.n.Add(-1)
		if p.changed != nil {
			close(p.changed)
			p.changed = nil
		}
	}
}

// Yield waits until no request but ctx's own is in flight on ctx's
// Pacer, at most its MaxWait, or until ctx ends; without a Pacer, or
// with no request in flight, it returns at once (a load of a counter:
// batch loops call it every few thousand rows).
func Yield(ctx context.Context) {
	p, _ := ctx.Value(pacerKey{}).(*Pacer)
	if p == nil {
		return
	}
	self := int64(0)
	if ctx.Value(countedKey{}) == p {
		self = 1
	}
	if p.n.Load() <= self {
		return
	}
	wait := p.MaxWait
	if wait <= 0 {
		wait = DefaultYield
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		p.mu.Lock()
		if p.n.Load() <= self {
			p.mu.Unlock()
			return
		}
		if p.changed == nil {
			p.changed = make(chan struct{})
		}
		ch := p.changed
		p.mu.Unlock()
		select {
		case <-ch:
		case <-t.C:
			return
		case <-ctx.Done():
			return
		}
	}
}
