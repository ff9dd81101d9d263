package web

import (
	"testing"
	"time"
)

// TestThrottle: a client is refused after maxSignInFailures failures in a
// window, others are not, and the window's end frees it.
func TestThrottle(t *testing.T) {
	var th throttle
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := 0; i < maxSignInFailures; i++ {
		if !th.allow("10.0.0.1", now) {
			t.Fatalf("refused after %d failures", i)
		}
		th.fail("10.0.0.1", now)
	}
	if th.allow("10.0.0.1", now.Add(time.Minute)) {
		t.Fatal("still allowed after the limit")
	}
	if !th.allow("10.0.0.2", now) {
		t.Fatal("another client is refused")
	}
	if !th.allow("10.0.0.1", now.Add(signInWindow)) {
		t.Fatal("still refused after the window")
	}
	th.fail("10.0.0.3", now.Add(signInWindow)) // forgets the stale client
	if len(th.seen) != 1 {
		t.Fatalf("%d clients remembered, want 1", len(th.seen))
	}
}
