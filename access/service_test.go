package access_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"hrss/access"
	"hrss/rules/fault"
	"hrss/store"
	"hrss/store/storetest"
)

// clock is a settable service clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

var sys = access.WithCaller(context.Background(), access.System)

// TestMain makes password hashing cheap: the tests hash often, and the
// production cost is tested by TestHashPassword alone.
func TestMain(m *testing.M) {
	access.DefaultHashParams = access.HashParams{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32, SaltLen: 16}
	os.Exit(m.Run())
}

func newService(t *testing.T, db *store.DB) (*access.Service, *clock) {
	t.Helper()
	c := &clock{time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC)}
	return &access.Service{Store: db.Access(), Now: c.now, TOTPKey: make([]byte, 32)}, c
}

func addUser(t *testing.T, s *access.Service, name, role string, divisions ...string) access.User {
	t.Helper()
	u, err := s.CreateUser(sys, access.UserInput{Name: name, Role: role, Divisions: divisions, Password: "secret-" + name})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func wantRule(t *testing.T, err error, k fault.Kind, rule string) {
	t.Helper()
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Kind != k || (rule != "" && fe.Rule != rule) {
		t.Fatalf("got %v; want kind %d rule %q", err, k, rule)
	}
}

func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		u := addUser(t, s, "Wang.Cw", "caseworker", "330411", "330402", "330402")
		if u.Name != "wang.cw" || strings.Join(u.Divisions, ",") != "330402,330411" || u.PasswordHash == "" {
			t.Fatalf("created %+v", u)
		}
		_, err := s.CreateUser(sys, access.UserInput{Name: "wang.cw", Role: "analyst", Password: "0123456789"})
		wantRule(t, err, fault.Conflict, "user.name_unique")
		bad := []access.UserInput{
			{Name: "x", Role: "analyst", Password: "0123456789"},
			{Name: "ok-name", Role: "system", Password: "0123456789"},
			{Name: "ok-name", Role: "caseworker", Password: "0123456789"},
			{Name: "ok-name", Role: "caseworker", Divisions: []string{"33040"}, Password: "0123456789"},
			{Name: "ok-name", Role: "analyst", Divisions: []string{"330402"}, Password: "0123456789"},
			{Name: "ok-name", Role: "employer_agent", Password: "0123456789"},
			{Name: "ok-name", Role: "employer_agent", EmployerID: 999, Password: "0123456789"},
			{Name: "ok-name", Role: "citizen", PersonID: 999, Password: "0123456789"},
			{Name: "ok-name", Role: "analyst", Password: "short"},
		}
		for _, in := range bad {
			if _, err := s.CreateUser(sys, in); fault.KindOf(err) != fault.Invalid {
				t.Errorf("%+v: got %v, want Invalid", in, err)
			}
		}
		// only administrators (and the system) manage users
		cw := access.WithCaller(context.Background(), access.Caller{UserID: u.ID, Name: u.Name, Role: access.Caseworker})
		_, err = s.ListUsers(cw, access.UserFilter{})
		wantRule(t, err, fault.Forbidden, "auth.permission")
		_, err = s.ListUsers(context.Background(), access.UserFilter{})
		wantRule(t, err, fault.Unauthorized, "auth.required")
		list, err := s.ListUsers(sys, access.UserFilter{Role: access.Caseworker})
		if err != nil || len(list) != 1 {
			t.Fatalf("list %v %v", list, err)
		}
	})
}

func TestSignInLockout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, clk := newService(t, db)
		addUser(t, s, "li.rev", "reviewer", "330402")
		ctx := context.Background()
		_, _, err := s.SignIn(ctx, access.Credentials{Name: "nobody", Password: "secret-nobody"}, "10.0.0.9")
		wantRule(t, err, fault.Unauthorized, "auth.credentials")
		for range access.LockAfter {
			_, _, err := s.SignIn(ctx, access.Credentials{Name: "li.rev", Password: "wrong password"}, "10.0.0.9")
			wantRule(t, err, fault.Unauthorized, "auth.credentials")
		}
		// locked now: even the right password is refused, until the lock
		// ends; only the right password learns that the account is locked
		_, _, err = s.SignIn(ctx, access.Credentials{Name: "li.rev", Password: "secret-li.rev"}, "10.0.0.9")
		wantRule(t, err, fault.Unauthorized, "auth.locked")
		_, _, err = s.SignIn(ctx, access.Credentials{Name: "li.rev", Password: "a guess"}, "10.0.0.9")
		wantRule(t, err, fault.Unauthorized, "auth.credentials")
		clk.advance(access.LockBase + time.Second)
		// one more failure doubles the lock
		_, _, err = s.SignIn(ctx, access.Credentials{Name: "li.rev", Password: "wrong again"}, "10.0.0.9")
		wantRule(t, err, fault.Unauthorized, "auth.credentials")
		clk.advance(access.LockBase + time.Second)
		_, _, err = s.SignIn(ctx, access.Credentials{Name: "li.rev", Password: "secret-li.rev"}, "10.0.0.9")
		wantRule(t, err, fault.Unauthorized, "auth.locked")
		clk.advance(access.LockBase)
		secret, c, err := s.SignIn(ctx, access.Credentials{Name: "LI.REV", Password: "secret-li.rev"}, "10.0.0.9")
		if err != nil || c.Role != access.Reviewer || !strings.HasPrefix(secret, "hrss_s_") {
			t.Fatalf("sign in after the lock: %q %+v %v", secret, c, err)
		}
		u, _ := s.UserByName(sys, "li.rev")
		if u.FailedAttempts != 0 || !u.LockedUntil.IsZero() {
			t.Errorf("a successful sign-in must clear the failures: %+v", u)
		}
		// every refusal (the locked ones too) and the sign-in are audited
		es, err := s.ListAudit(sys, access.AuditFilter{UserID: u.ID})
		if err != nil || len(es) != access.LockAfter+5 || es[0].Action != "session.create" || es[1].Action != "session.refused" || es[0].IP != "10.0.0.9" {
			t.Fatalf("audit %+v %v", es, err)
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, clk := newService(t, db)
		u := addUser(t, s, "zhao.cw", "caseworker", "330402")
		ctx := context.Background()
		secret, _, err := s.SignIn(ctx, access.Credentials{Name: "zhao.cw", Password: "secret-zhao.cw"}, "")
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.Authenticate(ctx, secret, "10.1.1.1")
		if err != nil || c.UserID != u.ID || c.Role != access.Caseworker || c.Divisions[0] != "330402" || c.IP != "10.1.1.1" || c.SessionID == 0 {
			t.Fatalf("authenticate: %+v %v", c, err)
		}
		_, err = s.Authenticate(ctx, secret+"x", "")
		wantRule(t, err, fault.Unauthorized, "auth.session")
		// activity keeps the session alive up to its absolute end
		for elapsed := time.Duration(0); elapsed < access.SessionTTL-access.IdleTimeout; elapsed += 20 * time.Minute {
			clk.advance(20 * time.Minute)
			if _, err := s.Authenticate(ctx, secret, ""); err != nil {
				t.Fatalf("after %v of activity: %v", elapsed, err)
			}
		}
		clk.t = clk.t.Add(access.SessionTTL) // far past the end
		_, err = s.Authenticate(ctx, secret, "")
		wantRule(t, err, fault.Unauthorized, "auth.session")

		// idle timeout
		secret, _, _ = s.SignIn(ctx, access.Credentials{Name: "zhao.cw", Password: "secret-zhao.cw"}, "")
		clk.advance(access.IdleTimeout + time.Second)
		_, err = s.Authenticate(ctx, secret, "")
		wantRule(t, err, fault.Unauthorized, "auth.session")

		// sign out revokes at once
		secret, c, _ = s.SignIn(ctx, access.Credentials{Name: "zhao.cw", Password: "secret-zhao.cw"}, "")
		if err := s.SignOut(access.WithCaller(ctx, c), secret); err != nil {
			t.Fatal(err)
		}
		_, err = s.Authenticate(ctx, secret, "")
		wantRule(t, err, fault.Unauthorized, "auth.session")

		// disabling the user ends their sessions
		secret, _, _ = s.SignIn(ctx, access.Credentials{Name: "zhao.cw", Password: "secret-zhao.cw"}, "")
		if _, err := s.UpdateUser(sys, u.ID, access.UserInput{Name: "zhao.cw", Role: "caseworker", Divisions: []string{"330402"}, Disabled: true}); err != nil {
			t.Fatal(err)
		}
		_, err = s.Authenticate(ctx, secret, "")
		wantRule(t, err, fault.Unauthorized, "auth.session")
		_, _, err = s.SignIn(ctx, access.Credentials{Name: "zhao.cw", Password: "secret-zhao.cw"}, "")
		wantRule(t, err, fault.Unauthorized, "auth.credentials")
	})
}

func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, clk := newService(t, db)
		u := addUser(t, s, "tax-bureau", "analyst")
		ctx := context.Background()
		tok, secret, err := s.CreateToken(sys, access.TokenInput{UserID: u.ID, Name: "tax sync", Days: 30})
		if err != nil || tok.Scope != access.ScopeRead || !strings.HasPrefix(secret, "hrss_t_") {
			t.Fatalf("create: %+v %q %v", tok, secret, err)
		}
		c, err := s.Authenticate(ctx, secret, "")
		if err != nil || !c.ReadOnly || c.TokenID != tok.ID || c.Role != access.Analyst {
			t.Fatalf("authenticate: %+v %v", c, err)
		}
		_, err = access.Require(access.WithCaller(ctx, c), access.ReadAggregates)
		if err != nil {
			t.Fatal(err)
		}
		// a read token cannot sign out (it is no session) nor write
		wantRule(t, s.SignOut(access.WithCaller(ctx, c), secret), fault.Invalid, "auth.not_session")
		w := c
		w.Role = access.Administrator
		_, err = access.Require(access.WithCaller(ctx, w), access.ManageUsers)
		wantRule(t, err, fault.Forbidden, "auth.read_only")
		// expiry
		clk.advance(31 * 24 * time.Hour)
		_, err = s.Authenticate(ctx, secret, "")
		wantRule(t, err, fault.Unauthorized, "auth.session")
		// revocation
		tok, secret, _ = s.CreateToken(sys, access.TokenInput{UserID: u.ID, Name: "tax sync 2", Scope: "write"})
		if c, err := s.Authenticate(ctx, secret, ""); err != nil || c.ReadOnly {
			t.Fatalf("write token: %+v %v", c, err)
		}
		if _, err := s.RevokeToken(sys, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.Authenticate(ctx, secret, "")
		wantRule(t, err, fault.Unauthorized, "auth.session")
		list, err := s.ListTokens(sys, access.TokenFilter{UserID: u.ID})
		if err != nil || len(list) != 2 || list[1].RevokedAt.IsZero() {
			t.Fatalf("tokens %+v %v", list, err)
		}
		_, _, err = s.CreateToken(sys, access.TokenInput{UserID: u.ID, Name: "x", Days: 1000})
		wantRule(t, err, fault.Invalid, "token.days")
	})
}

func TestAuditChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		r, err := s.VerifyAudit(sys)
		if err != nil || r.Breach != nil || r.Entries != 0 {
			t.Fatalf("empty trail: %+v %v", r, err)
		}
		addUser(t, s, "auditor1", "auditor")
		addUser(t, s, "admin1", "administrator")
		ctx := context.Background()
		_, c, err := s.SignIn(ctx, access.Credentials{Name: "auditor1", Password: "secret-auditor1"}, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		actx := access.WithReason(access.WithCaller(ctx, c), "annual review")
		es, err := s.ListAudit(actx, access.AuditFilter{Limit: 2})
		if err != nil || len(es) != 2 || es[0].Seq != 3 || es[0].Action != "session.create" || es[1].Action != "user.create" {
			t.Fatalf("newest first: %+v %v", es, err)
		}
		es, _ = s.ListAudit(actx, access.AuditFilter{Before: 2})
		if len(es) != 1 || es[0].Seq != 1 || es[0].Actor != "system" || es[0].Role != access.RoleSystem {
			t.Fatalf("page before 2: %+v", es)
		}
		r, err = s.VerifyAudit(actx)
		if err != nil || r.Breach != nil || r.Entries != 5 || r.Head.Seq != 5 {
			t.Fatalf("verify: %+v %v", r, err)
		}
		last, _ := s.ListAudit(actx, access.AuditFilter{Limit: 1})
		if last[0].Reason != "annual review" || last[0].Object != "audit" || last[0].IP != "192.0.2.1" {
			t.Errorf("the auditor's own question is audited with the reason: %+v", last[0])
		}
		_, err = s.VerifyAudit(access.WithCaller(ctx, access.Caller{Role: access.Administrator}))
		wantRule(t, err, fault.Forbidden, "auth.permission")
	})
}

// code returns the current one-time code of a base32 secret.
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	return access.TOTPCodeForTest(secret, at)
}

func TestSecondFactor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, clk := newService(t, db)
		u := addUser(t, s, "qian.rev", "reviewer", "330402")
		ctx := context.Background()
		k, err := s.ProvisionTOTP(sys, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		cr := access.Credentials{Name: "qian.rev", Password: "secret-qian.rev"}
		_, _, err = s.SignIn(ctx, cr, "")
		wantRule(t, err, fault.Unauthorized, "auth.totp_required")
		cr.Code = "000000"
		if code(t, k.Secret, clk.t) == cr.Code {
			cr.Code = "000001"
		}
		_, _, err = s.SignIn(ctx, cr, "")
		wantRule(t, err, fault.Unauthorized, "auth.credentials")
		cr.Code = code(t, k.Secret, clk.t)
		if _, c, err := s.SignIn(ctx, cr, ""); err != nil || c.UserID != u.ID {
			t.Fatalf("with the code: %v", err)
		}
		_, _, err = s.SignIn(ctx, cr, "")
		wantRule(t, err, fault.Unauthorized, "auth.credentials") // a code is good once
		got, _ := s.User(sys, u.ID)
		if !got.TOTP || got.FailedAttempts != 1 {
			t.Errorf("user %+v: the wrong code counts, the missing one not", got)
		}
		// an administrator removes it
		if _, err := s.UpdateUser(sys, u.ID, access.UserInput{Name: u.Name, Role: "reviewer", Divisions: u.Divisions, ResetTOTP: true}); err != nil {
			t.Fatal(err)
		}
		_, c, err := s.SignIn(ctx, access.Credentials{Name: "qian.rev", Password: "secret-qian.rev"}, "")
		if err != nil {
			t.Fatal(err)
		}
		// the user enrols again on their own: begin, then confirm with a code
		me := access.WithCaller(ctx, c)
		k, err = s.BeginTOTP(me)
		if err != nil {
			t.Fatal(err)
		}
		wantRule(t, s.ConfirmTOTP(me, "12345x"), fault.Invalid, "totp.code")
		clk.advance(time.Minute)
		if err := s.ConfirmTOTP(me, code(t, k.Secret, clk.t)); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Minute)
		cr.Code = code(t, k.Secret, clk.t)
		if _, _, err := s.SignIn(ctx, cr, ""); err != nil {
			t.Fatalf("after enrolling: %v", err)
		}
		// a session (stolen, say) cannot replace an active second factor
		_, err = s.BeginTOTP(me)
		wantRule(t, err, fault.Conflict, "totp.active")
	})
}
