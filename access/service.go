package access

import (
	"context"
	"fmt"
	"strings"
	"time"

	"hrss/rules/fault"
)

// Service signs users in and out, turns secrets into callers, manages
// users and API tokens, and reads and verifies the audit trail. Each
// method runs in one transaction of Store (sign-in in two: the password
// is checked between them, outside any lock).
type Service struct {
	Store Store
	Now   func() time.Time // the service clock; time.Now when nil
	// KnownDivision reports whether a code is a county-level division the
	// bureau serves (users' divisions are checked with it); nil accepts
	// any six-digit code.
	KnownDivision func(code string) bool
	// TOTPKey (32 bytes) seals the second-factor secrets at rest; without
	// it no second factor can be set up or checked.
	TOTPKey []byte
}

// Credentials are what a user signs in with: Code is the one-time code of
// their authenticator, needed when they have a second factor.
type Credentials struct {
	Name     string
	Password string
	Code     string
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return Stamp(s.Now())
	}
	return Stamp(time.Now())
}

// SignIn checks a user name and password (and the one-time code of a
// user with a second factor) and opens a session, returning its secret
// (to send as "Authorization: Bearer SECRET" or in the session cookie)
// and the signed-in caller. A wrong name, password or code, a disabled
// account or a locked one fails with Unauthorized (a missing code with
// rule auth.totp_required); each wrong password or code counts toward the
// lockout (LockoutFor), and every refusal is audited as session.refused.
func (s *Service) SignIn(ctx context.Context, cr Credentials, ip string) (string, Caller, error) {
	now := s.now()
	password := cr.Password
	u, err := s.userByName(ctx, cr.Name)
	if fault.KindOf(err) == fault.NotFound {
		CheckPassword(dummyHash(), password)
		return "", Caller{}, errBadCredentials()
	}
	if err != nil {
		return "", Caller{}, err
	}
	ok, err := CheckPassword(u.PasswordHash, password)
	if err != nil {
		return "", Caller{}, err
	}
	if now.Before(u.LockedUntil) {
		return "", Caller{}, s.refuseLocked(ctx, u, ip, ok, now)
	}
	var secret string
	var c Caller
	var refusal error
	err = s.Store.Update(ctx, func(tx Tx) error {
		secret, c, refusal = "", Caller{}, nil
		cur, err := tx.User(ctx, u.ID)
		if err != nil {
			return err
		}
		c = cur.caller()
		c.IP = clip(ip, 100)
		switch {
		case !ok || cur.Disabled:
			refusal = errBadCredentials()
			return s.refuse(ctx, tx, &cur, c, !ok, now)
		case now.Before(cur.LockedUntil): // failures came in meanwhile
			refusal = errLocked(cur.LockedUntil)
			return nil
		}
		if refusal, err = s.checkSecondFactor(&cur, cr.Code, now); err != nil || refusal != nil {
			if err != nil {
				return err
			}
			return s.refuse(ctx, tx, &cur, c, strings.TrimSpace(cr.Code) != "", now) // a wrong code counts, a missing one not
		}
		secret, err = s.openSession(ctx, tx, &cur, &c, now)
		return err
	})
	if err == nil && refusal != nil {
		return "", Caller{}, refusal
	}
	return secret, c, err
}

func (s *Service) userByName(ctx context.Context, name string) (User, error) {
	var u User
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		u, err = tx.UserByName(ctx, strings.ToLower(strings.TrimSpace(name)))
		return err
	})
	return u, err
}

// refuseLocked audits a sign-in to a locked account and answers it: that
// the account is locked only to someone who gave its password, so that a
// guess learns nothing an unknown name would not tell. The hash was
// checked before, so the answer takes as long as any other.
func (s *Service) refuseLocked(ctx context.Context, u User, ip string, passwordOK bool, now time.Time) error {
	c := u.caller()
	c.IP = clip(ip, 100)
	if err := s.Store.Update(ctx, func(tx Tx) error { return s.refuse(ctx, tx, &u, c, false, now) }); err != nil {
		return err
	}
	if passwordOK {
		return errLocked(u.LockedUntil)
	}
	return errBadCredentials()
}

// refuse records a failed sign-in of u: one more failure toward the
// lockout when count (a wrong password or code), and an audit entry.
func (s *Service) refuse(ctx context.Context, tx Tx, u *User, c Caller, count bool, now time.Time) error {
	if count {
		u.FailedAttempts++
		if d := LockoutFor(u.FailedAttempts); d > 0 {
			u.LockedUntil = now.Add(d)
		}
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
	}
	return Record(ctx, tx, c, now, Event{Action: "session.refused", Object: userObject(u.ID)})
}

// openSession clears u's failures, stores a new session and audits it.
func (s *Service) openSession(ctx context.Context, tx Tx, u *User, c *Caller, now time.Time) (string, error) {
	if u.FailedAttempts != 0 || !u.LockedUntil.IsZero() || len(u.TOTPSecret) > 0 {
		u.FailedAttempts, u.LockedUntil = 0, time.Time{} // and the second factor's step is kept
		if err := tx.UpdateUser(ctx, u); err != nil {
			return "", err
		}
	}
	if err := tx.DeleteStaleSessions(ctx, now, now.Add(-IdleTimeout)); err != nil {
		return "", err
	}
	secret, hash := newSecret(sessionPrefix)
	sess := Session{UserID: u.ID, TokenHash: hash, CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(SessionTTL), IP: c.IP}
	if err := tx.InsertSession(ctx, &sess); err != nil {
		return "", err
	}
	c.SessionID = sess.ID
	return secret, Record(ctx, tx, *c, now, Event{Action: "session.create", Object: fmt.Sprintf("session/%d", sess.ID)})
}

func errLocked(until time.Time) *fault.Error {
	return &fault.Error{Kind: fault.Unauthorized, Rule: "auth.locked",
		Message: "too many failed sign-ins: the account is locked until " + until.Format(time.RFC3339)}
}

// SignOut ends the session whose secret is given, as the caller of ctx.
// An unknown secret is not an error: the session is gone either way.
func (s *Service) SignOut(ctx context.Context, secret string) error {
	c, err := Current(ctx)
	if err != nil {
		return err
	}
	if !IsSessionToken(secret) {
		return fault.Invalidf("token", "auth.not_session", "this is an API token: an administrator revokes it")
	}
	now := s.now()
	return s.Store.Update(ctx, func(tx Tx) error {
		sess, err := tx.SessionByHash(ctx, HashSecret(secret))
		if fault.KindOf(err) == fault.NotFound {
			return nil
		}
		if err != nil {
			return err
		}
		if err := tx.DeleteSession(ctx, sess.ID); err != nil {
			return err
		}
		return Record(ctx, tx, c, now, Event{Action: "session.end", Object: fmt.Sprintf("session/%d", sess.ID)})
	})
}

// Authenticate returns the caller a session or API token secret stands
// for, with ip as where the request came from. It fails with Unauthorized
// for an unknown, expired, idle, revoked or disabled one.
func (s *Service) Authenticate(ctx context.Context, secret, ip string) (Caller, error) {
	now := s.now()
	var c Caller
	var touch func(Tx) error
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		if IsSessionToken(secret) {
			c, touch, err = s.sessionCaller(ctx, tx, secret, now)
		} else if strings.HasPrefix(secret, tokenPrefix) {
			c, touch, err = s.tokenCaller(ctx, tx, secret, now)
		} else {
			err = errSessionEnded()
		}
		return err
	})
	if err == nil && touch != nil {
		err = s.Store.Update(ctx, touch)
	}
	if err != nil {
		return Caller{}, err
	}
	c.IP = clip(ip, 100)
	return c, nil
}

// sessionCaller reads the session of secret and its user; touch, when not
// nil, records the session as seen now.
func (s *Service) sessionCaller(ctx context.Context, tx Tx, secret string, now time.Time) (Caller, func(Tx) error, error) {
	sess, err := tx.SessionByHash(ctx, HashSecret(secret))
	if err != nil {
		return Caller{}, nil, ended(err)
	}
	if !now.Before(sess.ExpiresAt) || !now.Before(sess.LastSeen.Add(IdleTimeout)) {
		return Caller{}, nil, errSessionEnded()
	}
	u, err := activeUser(ctx, tx, sess.UserID)
	if err != nil {
		return Caller{}, nil, err
	}
	c := u.caller()
	c.SessionID = sess.ID
	var touch func(Tx) error
	if now.Sub(sess.LastSeen) >= touchEvery {
		touch = func(tx Tx) error { return tx.TouchSession(ctx, sess.ID, now) }
	}
	return c, touch, nil
}

// tokenCaller reads the API token of secret and its user.
func (s *Service) tokenCaller(ctx context.Context, tx Tx, secret string, now time.Time) (Caller, func(Tx) error, error) {
	t, err := tx.TokenByHash(ctx, HashSecret(secret))
	if err != nil {
		return Caller{}, nil, ended(err)
	}
	if !t.RevokedAt.IsZero() || !now.Before(t.ExpiresAt) {
		return Caller{}, nil, errSessionEnded()
	}
	u, err := activeUser(ctx, tx, t.UserID)
	if err != nil {
		return Caller{}, nil, err
	}
	c := u.caller()
	c.TokenID, c.ReadOnly = t.ID, t.Scope != ScopeWrite
	var touch func(Tx) error
	if now.Sub(t.LastUsed) >= touchEvery {
		touch = func(tx Tx) error {
			cur, err := tx.Token(ctx, t.ID)
			if err != nil {
				return err
			}
			cur.LastUsed = now
			return tx.UpdateToken(ctx, &cur)
		}
	}
	return c, touch, nil
}

// activeUser reads a user and refuses a disabled one.
func activeUser(ctx context.Context, tx Tx, id int64) (User, error) {
	u, err := tx.User(ctx, id)
	if err != nil {
		return u, ended(err)
	}
	if u.Disabled {
		return u, errSessionEnded()
	}
	return u, nil
}

// ended maps NotFound to the session-ended error.
func ended(err error) error {
	if fault.KindOf(err) == fault.NotFound {
		return errSessionEnded()
	}
	return err
}

func userObject(id int64) string { return fmt.Sprintf("user/%d", id) }

// Recheck returns the caller c, who asked for something earlier (a job
// of the queue, run later and perhaps on another server), as their user
// is now: the current role, divisions, employer and person, with c's
// address, reason, token and its scope, so that the work is authorised
// and audited as that user today. System passes unchanged. It fails with
// Forbidden when the user was removed or disabled since (rule
// auth.disabled) or the API token c used was revoked (auth.revoked): an
// administrator who stops a user or a token stops their queued work too.
// A session that ended does not: signing out is not withdrawing a request.
func (s *Service) Recheck(ctx context.Context, c Caller) (Caller, error) {
	if c.IsSystem() {
		return c, nil
	}
	var now Caller
	err := s.Store.View(ctx, func(tx Tx) error {
		u, err := tx.User(ctx, c.UserID)
		if fault.KindOf(err) == fault.NotFound || (err == nil && u.Disabled) {
			return &fault.Error{Kind: fault.Forbidden, Rule: "auth.disabled", Message: "user " + c.Name + ", who asked for this, is disabled or removed: it is not done"}
		}
		if err != nil {
			return err
		}
		if c.TokenID != 0 {
			t, err := tx.Token(ctx, c.TokenID)
			if err != nil && fault.KindOf(err) != fault.NotFound {
				return err
			}
			if err != nil || !t.RevokedAt.IsZero() {
				return &fault.Error{Kind: fault.Forbidden, Rule: "auth.revoked", Message: "the API token user " + c.Name + " asked for this with is revoked: it is not done"}
			}
		}
		now = u.caller()
		return nil
	})
	now.TokenID, now.ReadOnly, now.IP, now.Reason = c.TokenID, c.ReadOnly, c.IP, c.Reason
	return now, err
}
