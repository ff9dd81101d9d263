package access

import (
	"context"
	"fmt"
	"strings"
	"time"

	"hrss/rules/fault"
)

// MaxPage is the largest page a list returns; DefaultPage the size when
// the caller gives none.
const (
	MaxPage     = 1000
	DefaultPage = 50
)

func clampPage(p Page) (Page, error) {
	if p.Limit < 0 || p.Limit > MaxPage {
		return p, fault.Invalidf("limit", "page.limit", "limit %d must lie between 1 and %d", p.Limit, MaxPage)
	}
	if p.After < 0 {
		return p, fault.Invalidf("after", "page.after", "after must not be negative")
	}
	if p.Limit == 0 {
		p.Limit = DefaultPage
	}
	return p, nil
}

// CreateUser validates in and creates the user with its password hashed.
// It needs ManageUsers and fails with Invalid for a bad field (the
// employer or person must exist), and Conflict if the name is taken.
func (s *Service) CreateUser(ctx context.Context, in UserInput) (User, error) {
	c, err := Require(ctx, ManageUsers)
	if err != nil {
		return User{}, err
	}
	u, err := in.parse(s.KnownDivision)
	if err != nil {
		return User{}, err
	}
	if err := CheckPasswordRules(in.Password); err != nil {
		return User{}, err
	}
	u.PasswordHash = HashPassword(in.Password)
	now := s.now()
	u.CreatedAt, u.UpdatedAt = now, now
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := checkReferences(ctx, tx, u); err != nil {
			return err
		}
		if err := tx.InsertUser(ctx, &u); err != nil {
			return nameTaken(err, u.Name)
		}
		return Record(ctx, tx, c, now, Event{Action: "user.create", Object: userObject(u.ID)})
	})
	return u, err
}

// UpdateUser replaces the user's role, scope and state with in, its
// password when in.Password is not empty, and removes its second factor
// when in.ResetTOTP. It unlocks the account, and
// signs the user out everywhere when the role, scope, password or
// disabled state changes. It needs ManageUsers; NotFound, Invalid or
// Conflict (name taken, or the user changed since in.UpdatedAt) otherwise.
func (s *Service) UpdateUser(ctx context.Context, id int64, in UserInput) (User, error) {
	c, err := Require(ctx, ManageUsers)
	if err != nil {
		return User{}, err
	}
	u, err := in.parse(s.KnownDivision)
	if err != nil {
		return User{}, err
	}
	if in.Password != "" {
		if err := CheckPasswordRules(in.Password); err != nil {
			return User{}, err
		}
		u.PasswordHash = HashPassword(in.Password)
	}
	now := s.now()
	var out User
	err = s.Store.Update(ctx, func(tx Tx) error {
		old, err := tx.User(ctx, id)
		if err != nil {
			return err
		}
		if err := UnchangedSince(in.UpdatedAt, old.UpdatedAt, "user", old.Name); err != nil {
			return err
		}
		next := u
		next.ID, next.CreatedAt, next.UpdatedAt = id, old.CreatedAt, Touched(old.UpdatedAt, now)
		if next.PasswordHash == "" {
			next.PasswordHash = old.PasswordHash
		}
		if !in.ResetTOTP {
			next.TOTPSecret, next.TOTPPending, next.TOTPStep = old.TOTPSecret, old.TOTPPending, old.TOTPStep
		}
		if err := checkReferences(ctx, tx, next); err != nil {
			return err
		}
		if err := tx.UpdateUser(ctx, &next); err != nil {
			return nameTaken(err, next.Name)
		}
		if scopeChanged(old, next) {
			if err := tx.DeleteUserSessions(ctx, id); err != nil {
				return err
			}
		}
		out = next
		return Record(ctx, tx, c, now, Event{Action: "user.update", Object: userObject(id)})
	})
	return out, err
}

// scopeChanged reports whether the change from a to b must sign the user out.
func scopeChanged(a, b User) bool {
	return a.Role != b.Role || strings.Join(a.Divisions, ",") != strings.Join(b.Divisions, ",") ||
		a.EmployerID != b.EmployerID || a.PersonID != b.PersonID || a.PasswordHash != b.PasswordHash || b.Disabled ||
		len(a.TOTPSecret) != len(b.TOTPSecret)
}

// checkReferences checks that the employer or person a user acts for exists.
func checkReferences(ctx context.Context, tx Tx, u User) error {
	if u.EmployerID != 0 {
		if ok, err := tx.EmployerExists(ctx, u.EmployerID); err != nil || !ok {
			return refErr(err, "employer_id", u.EmployerID)
		}
	}
	if u.PersonID != 0 {
		if ok, err := tx.PersonExists(ctx, u.PersonID); err != nil || !ok {
			return refErr(err, "person_id", u.PersonID)
		}
	}
	return nil
}

func refErr(err error, field string, id int64) error {
	if err != nil {
		return err
	}
	return fault.Invalidf(field, "reference.exists", "there is no record with id %d", id)
}

// nameTaken turns a uniqueness conflict on insert into one naming the field.
func nameTaken(err error, name string) error {
	if fault.KindOf(err) == fault.Conflict {
		return fault.Conflictf("name", "user.name_unique", "the user name %q is taken", name)
	}
	return err
}

// User returns the user with the given ID; it needs ManageUsers.
func (s *Service) User(ctx context.Context, id int64) (User, error) {
	if _, err := Require(ctx, ManageUsers); err != nil {
		return User{}, err
	}
	var u User
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		u, err = tx.User(ctx, id)
		return err
	})
	return u, err
}

// UserByName returns the user with the given sign-in name; it needs ManageUsers.
func (s *Service) UserByName(ctx context.Context, name string) (User, error) {
	if _, err := Require(ctx, ManageUsers); err != nil {
		return User{}, err
	}
	return s.userByName(ctx, name)
}

// ListUsers lists users in ID order; it needs ManageUsers.
func (s *Service) ListUsers(ctx context.Context, f UserFilter) ([]User, error) {
	if _, err := Require(ctx, ManageUsers); err != nil {
		return nil, err
	}
	var err error
	if f.Page, err = clampPage(f.Page); err != nil {
		return nil, err
	}
	if f.Role != "" {
		if f.Role, err = ParseRole(string(f.Role)); err != nil {
			return nil, err
		}
	}
	var out []User
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.ListUsers(ctx, f)
		return err
	})
	return out, err
}

// TokenInput is what an administrator gives to create an API token.
type TokenInput struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`            // what it is for
	Scope  string `json:"scope,omitempty"` // read (default) or write
	Days   int    `json:"days,omitempty"`  // lifetime, DefaultTokenDays when 0
}

func (in TokenInput) parse(now time.Time) (Token, error) {
	t := Token{UserID: in.UserID, Name: strings.TrimSpace(in.Name), CreatedAt: now}
	var err error
	if t.Scope, err = ParseTokenScope(in.Scope); err != nil {
		return t, err
	}
	if t.Name == "" || len(t.Name) > 100 {
		return t, fault.Invalidf("name", "token.name", "a token needs a name of at most 100 bytes saying what it is for")
	}
	days := in.Days
	if days == 0 {
		days = DefaultTokenDays
	}
	if days < 1 || days > MaxTokenDays {
		return t, fault.Invalidf("days", "token.days", "a token lives between 1 and %d days, not %d", MaxTokenDays, in.Days)
	}
	t.ExpiresAt = now.AddDate(0, 0, days)
	return t, nil
}

// CreateToken creates an API token for a user and returns it with its
// secret, shown this once. It needs ManageUsers; Invalid for a bad field
// or an unknown or disabled user.
func (s *Service) CreateToken(ctx context.Context, in TokenInput) (Token, string, error) {
	c, err := Require(ctx, ManageUsers)
	if err != nil {
		return Token{}, "", err
	}
	now := s.now()
	t, err := in.parse(now)
	if err != nil {
		return Token{}, "", err
	}
	var secret string
	err = s.Store.Update(ctx, func(tx Tx) error {
		u, err := tx.User(ctx, t.UserID)
		if err != nil || u.Disabled {
			return refErr(nil, "user_id", t.UserID)
		}
		secret, t.TokenHash = newSecret(tokenPrefix)
		if err := tx.InsertToken(ctx, &t); err != nil {
			return err
		}
		return Record(ctx, tx, c, now, Event{Action: "token.create", Object: fmt.Sprintf("token/%d", t.ID)})
	})
	return t, secret, err
}

// RevokeToken revokes an API token at once. It needs ManageUsers;
// NotFound for an unknown token. Revoking twice keeps the first time.
func (s *Service) RevokeToken(ctx context.Context, id int64) (Token, error) {
	c, err := Require(ctx, ManageUsers)
	if err != nil {
		return Token{}, err
	}
	now := s.now()
	var t Token
	err = s.Store.Update(ctx, func(tx Tx) (err error) {
		if t, err = tx.Token(ctx, id); err != nil {
			return err
		}
		if !t.RevokedAt.IsZero() {
			return nil
		}
		t.RevokedAt = now
		if err := tx.UpdateToken(ctx, &t); err != nil {
			return err
		}
		return Record(ctx, tx, c, now, Event{Action: "token.revoke", Object: fmt.Sprintf("token/%d", id)})
	})
	return t, err
}

// ListTokens lists API tokens (never their secrets) in ID order; it needs ManageUsers.
func (s *Service) ListTokens(ctx context.Context, f TokenFilter) ([]Token, error) {
	if _, err := Require(ctx, ManageUsers); err != nil {
		return nil, err
	}
	var err error
	if f.Page, err = clampPage(f.Page); err != nil {
		return nil, err
	}
	var out []Token
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.ListTokens(ctx, f)
		return err
	})
	return out, err
}
