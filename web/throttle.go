package web

import (
	"context"
	"sync"
	"time"

	"hrss/access"
	"hrss/rules/fault"
)

// Sign-ins are throttled per client IP on top of the per-account lockout
// (access): a client that fails maxSignInFailures times within
// signInWindow is refused until the window has passed, whatever names it
// tries, so that guessing across many accounts is slow too.
const (
	maxSignInFailures = 20
	signInWindow      = 10 * time.Minute
)

// throttle counts failed sign-ins per client IP in fixed windows. The zero
// value is ready; it is safe for concurrent use and forgets a client once
// its window has passed.
type throttle struct {
	mu   sync.Mutex
	seen map[string]*window
}

type window struct {
	start    time.Time
	failures int
}

// allow reports whether ip may try to sign in at now.
func (t *throttle) allow(ip string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.seen[ip]
	return w == nil || now.Sub(w.start) >= signInWindow || w.failures < maxSignInFailures
}

// fail counts a failed sign-in of ip at now, and forgets stale clients.
func (t *throttle) fail(ip string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen == nil {
		t.seen = map[string]*window{}
	}
	for k, w := range t.seen {
		if now.Sub(w.start) >= signInWindow {
			delete(t.seen, k)
		}
	}
	w := t.seen[ip]
	if w == nil {
		w = &window{start: now}
		t.seen[ip] = w
	}
	w.failures++
}

// signIn is the one sign-in path of the API and the screens: the per-IP
// throttle, then access's SignIn (per-account lockout, audit). A refused
// client gets a Throttled error (HTTP 429) without its password checked.
func (s *Server) signIn(ctx context.Context, cr access.Credentials, ip string) (string, access.Caller, error) {
	now := time.Now()
	if !s.signins.allow(ip, now) {
		return "", access.Caller{}, &fault.Error{Kind: fault.Throttled, Rule: "auth.throttled", Message: "too many failed sign-ins from this address; try again in a few minutes"}
	}
	secret, c, err := s.Access.SignIn(ctx, cr, ip)
	if fault.KindOf(err) == fault.Unauthorized {
		s.signins.fail(ip, now)
	}
	return secret, c, err
}
