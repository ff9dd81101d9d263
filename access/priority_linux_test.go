package access_test

import (
	"context"
	"syscall"
	"testing"

	"hrss/access"
)

// threadNice is the nice value of the calling thread.
func threadNice(t *testing.T) int {
	raw, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	if err != nil {
		t.Fatal(err)
	}
	return 20 - raw
}

// TestLoweredRunsBatchWorkNicer: batch work of a Pacer with a Nice runs
// on a thread that much nicer than the caller's; work that is not batch,
// or of a Pacer without one, runs at the caller's priority.
func TestLoweredRunsBatchWorkNicer(t *testing.T) {
	base := threadNice(t)
	if base+5 > 19 {
		t.Skipf("the test runs at nice %d already", base)
	}
	p := &access.Pacer{Nice: 5}
	batch := access.Background(access.WithPacer(context.Background(), p))
	var got int
	access.Lowered(batch, func() { got = threadNice(t) })
	if got != base+5 {
		t.Errorf("batch work at nice %d, want %d", got, base+5)
	}
	done := make(chan int)
	access.Go(batch, func() { done <- threadNice(t) })
	if n := <-done; n != base+5 {
		t.Errorf("a goroutine of batch work at nice %d, want %d", n, base+5)
	}
	for name, ctx := range map[string]context.Context{
		"interactive":   access.WithPacer(context.Background(), p),
		"no nice":       access.Background(access.WithPacer(context.Background(), &access.Pacer{})),
		"without pacer": access.Background(context.Background()),
	} {
		access.Lowered(ctx, func() { got = threadNice(t) })
		if got != base {
			t.Errorf("%s: at nice %d, want %d", name, got, base)
		}
	}
	var inner int
	access.Lowered(batch, func() { access.Unlowered(batch, func() { inner = threadNice(t) }) })
	if inner != base {
		t.Errorf("Unlowered inside batch work at nice %d, want the requests' %d", inner, base)
	}
	if n := threadNice(t); n != base {
		t.Errorf("the caller's thread is at nice %d afterwards, want %d", n, base)
	}
}
