package access

import (
	"context"
	"runtime"
)

// Lowered runs fn and returns when it has: when ctx is batch work
// (Background) whose Pacer has a Nice, on an operating-system thread of
// its own whose scheduling priority is lowered by Nice (Go), else in
// place. fn must not panic (the queue runs its jobs under recover
// inside fn).
func Lowered(ctx context.Context, fn func()) {
	if niceOf(ctx) == 0 {
		fn()
		return
	}
	done := make(chan struct{})
	Go(ctx, func() {
		defer close(done)
		fn()
	})
	<-done
}

// Go runs fn in a goroutine of its own; when ctx is batch work whose
// Pacer has a Nice, the goroutine runs on a thread of its own at a lower
// priority, so that the kernel gives the processors to the threads
// answering requests first and to it what they leave (Yield gives way
// only at the batch work's own steps, and the Go scheduler takes a
// processor from a goroutine only after 10 ms). The thread ends with the
// goroutine: it is never handed back to the runtime with its priority
// lowered.
func Go(ctx context.Context, fn func()) {
	nice := niceOf(ctx)
	go func() {
		if nice > 0 {
			runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
			lowerThread(nice)
		}
		fn()
	}()
}

// niceOf is the Nice of ctx's Pacer when ctx is batch work, else 0.
func niceOf(ctx context.Context) int {
	if !IsBackground(ctx) {
		return 0
	}
	if p, _ := ctx.Value(pacerKey{}).(*Pacer); p != nil {
		return p.Nice
	}
	return 0
}

// Unlowered runs fn at the requests' priority and returns when it has:
// on a goroutine of its own, which never runs on a lowered thread, when
// ctx's batch work runs lowered (Go, Lowered), else in place. Batch work
// runs so what the requests wait for: its turn of the one writer, which
// a lowered thread would hold many times longer whenever the requests
// keep the processors busy (a priority inversion). A panic in fn is
// raised again in the caller.
func Unlowered(ctx context.Context, fn func()) {
	if niceOf(ctx) == 0 {
		fn()
		return
	}
	var p any
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { p = recover() }()
		fn()
	}()
	<-done
	if p != nil {
		panic(p)
	}
}
