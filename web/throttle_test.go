package web

import (
	"context"
	"testing"
	"time"
)

// TestThrottle: the memory counter refuses a client after
// maxSignInFailures failures in a window, others not, frees it when the
// window has passed and forgets stale clients. (The database's counter
// is tested across two servers in cmd/hrss's TestTwoServers.)
func TestThrottle(t *testing.T) {
	var m memoryCounter
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	count := func(ip string, at time.Time) int {
		n, _ := m.SignInFailures(ctx, ip, at.Add(-signInWindow))
		return n
	}
	for i := 0; i < maxSignInFailures; i++ {
		if n := count("10.0.0.1", now); n != i {
			t.Fatalf("%d failures counted after %d", n, i)
		}
		m.AddSignInFailure(ctx, "10.0.0.1", now, now.Add(-signInWindow))
	}
	if count("10.0.0.1", now.Add(time.Minute)) < maxSignInFailures {
		t.Fatal("not at the limit after it")
	}
	if count("10.0.0.2", now) != 0 {
		t.Fatal("another client is counted")
	}
	if count("10.0.0.1", now.Add(signInWindow)) != 0 {
		t.Fatal("still counted after the window")
	}
	later := now.Add(signInWindow)
	m.AddSignInFailure(ctx, "10.0.0.3", later, later.Add(-signInWindow)) // forgets the stale client
	if len(m.seen) != 1 {
		t.Fatalf("%d clients remembered, want 1", len(m.seen))
	}
}
