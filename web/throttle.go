package web

import (
	"context"
	"log/slog"
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

// SignInCounter keeps the failed sign-ins per client address in fixed
// windows. *store.DB implements it in the database, so that every server
// of one database counts the same failures (a client spreading its
// guesses over several servers is refused as soon as on one).
type SignInCounter interface {
	// SignInFailures returns the failures of ip in its window, 0 when
	// its window started at or before since.
	SignInFailures(ctx context.Context, ip string, since time.Time) (int, error)
	// AddSignInFailure counts one failure of ip at now, in a new window
	// when its window started at or before since.
	AddSignInFailure(ctx context.Context, ip string, now, since time.Time) error
}

// memoryCounter is the SignInCounter of a Server without a database (the
// handler tests): one process's memory. It forgets a client once its
// window has passed.
type memoryCounter struct {
	mu   sync.Mutex
	seen map[string]*window
}

type window struct {
	start    time.Time
	failures int
}

func (m *memoryCounter) SignInFailures(_ context.Context, ip string, since time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if w := m.seen[ip]; w != nil && w.start.After(since) {
		return w.failures, nil
	}
	return 0, nil
}

func (m *memoryCounter) AddSignInFailure(_ context.Context, ip string, now, since time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen == nil {
		m.seen = map[string]*window{}
	}
	for k, w := range m.seen {
		if !w.start.After(since) {
			delete(m.seen, k)
		}
	}
	w := m.seen[ip]
	if w == nil {
		w = &window{start: now}
		m.seen[ip] = w
	}
	w.failures++
	return nil
}

// signInCounter returns the Server's SignIns, or its memory counter.
func (s *Server) signInCounter() SignInCounter {
	if s.SignIns != nil {
		return s.SignIns
	}
	return &s.signins
}

// signIn is the one sign-in path of the API and the screens: the per-IP
// throttle, then access's SignIn (per-account lockout, audit). A refused
// client gets a Throttled error (HTTP 429) without its password checked.
// A counter that cannot be read refuses the sign-in (Internal): the
// throttle never opens by failing.
func (s *Server) signIn(ctx context.Context, cr access.Credentials, ip string) (string, access.Caller, error) {
	now := time.Now().UTC()
	since := now.Add(-signInWindow)
	counter := s.signInCounter()
	n, err := counter.SignInFailures(ctx, ip, since)
	if err != nil {
		return "", access.Caller{}, err
	}
	if n >= maxSignInFailures {
		return "", access.Caller{}, &fault.Error{Kind: fault.Throttled, Rule: "auth.throttled", Message: "too many failed sign-ins from this address; try again in a few minutes"}
	}
	secret, c, err := s.Access.SignIn(ctx, cr, ip)
	if fault.KindOf(err) == fault.Unauthorized {
		if cerr := counter.AddSignInFailure(context.WithoutCancel(ctx), ip, now, since); cerr != nil {
			slog.ErrorContext(ctx, "sign-in throttle: count a failure", "err", cerr)
		}
	}
	return secret, c, err
}
