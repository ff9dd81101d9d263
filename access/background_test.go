package access

import (
	"context"
	"testing"
	"time"
)

// TestPacerYield: Yield returns at once without a pacer and with no
// request in flight; it waits for a request in flight and returns as it
// ends; a request's own Yield excepts it; a Yield under a request that
// does not end returns after MaxWait.
func TestPacerYield(t *testing.T) {
	elapsed := func(ctx context.Context) time.Duration {
		start := time.Now()
		Yield(ctx)
		return time.Since(start)
	}
	bg := Background(context.Background())
	if d := elapsed(bg); d > 5*time.Millisecond {
		t.Errorf("without a pacer Yield took %s", d)
	}
	p := &Pacer{MaxWait: time.Second}
	job := WithPacer(bg, p)
	if d := elapsed(job); d > 5*time.Millisecond {
		t.Errorf("with no request in flight Yield took %s", d)
	}
	req, done := p.Enter(context.Background())
	if d := elapsed(Background(req)); d > 5*time.Millisecond {
		t.Errorf("a request's own Yield waited for itself: %s", d)
	}
	time.AfterFunc(50*time.Millisecond, done)
	if d := elapsed(job); d < 40*time.Millisecond || d > 500*time.Millisecond {
		t.Errorf("Yield under a request ending after 50 ms took %s", d)
	}
	p.MaxWait = 30 * time.Millisecond
	_, done = p.Enter(context.Background())
	defer done()
	if d := elapsed(job); d < 25*time.Millisecond || d > 500*time.Millisecond {
		t.Errorf("Yield under a request that goes on took %s, want MaxWait (30 ms)", d)
	}
	if !IsBackground(job) || IsBackground(req) {
		t.Error("IsBackground does not tell batch work from a request")
	}
}
