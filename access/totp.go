package access

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"

	"hrss/rules/fault"
)

// The optional second factor: time-based one-time codes (RFC 6238 with
// the defaults every authenticator app knows: HMAC-SHA1, 6 digits, 30
// seconds). A user with a secret must give a code at sign-in; a code is
// good within one step of the server's clock, and only once.
const (
	totpPeriod = 30
	totpDigits = 6
)

// TOTPKey is a new second-factor secret, shown once: Secret for typing
// into an authenticator, URI for a QR code.
type TOTPKey struct {
	Secret string `json:"secret"` // base32
	URI    string `json:"uri"`    // otpauth://totp/…
}

// totpCode returns the code of secret at time step.
func totpCode(secret []byte, step int64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	m := hmac.New(sha1.New, secret)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%0*d", totpDigits, v%1_000_000)
}

// matchTOTP returns the time step at which code is secret's code, within
// one step of now and after the step last used; 0 when it is not.
func matchTOTP(secret []byte, code string, now time.Time, last int64) int64 {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	cur := now.Unix() / totpPeriod
	for _, step := range []int64{cur - 1, cur, cur + 1} {
		if step > last && hmac.Equal([]byte(totpCode(secret, step)), []byte(code)) {
			return step
		}
	}
	return 0
}

// newTOTPKey returns a fresh 160-bit secret for user name.
func newTOTPKey(name string) ([]byte, TOTPKey) {
	secret := make([]byte, 20)
	rand.Read(secret)
	enc := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret)
	q := url.Values{"secret": {enc}, "issuer": {"hrss"}, "algorithm": {"SHA1"}, "digits": {fmt.Sprint(totpDigits)}, "period": {fmt.Sprint(totpPeriod)}}
	return secret, TOTPKey{Secret: enc, URI: "otpauth://totp/hrss:" + url.PathEscape(name) + "?" + q.Encode()}
}

// aead returns the cipher that seals second-factor secrets at rest.
func (s *Service) aead() (cipher.AEAD, error) {
	if len(s.TOTPKey) != 32 {
		return nil, &fault.Error{Kind: fault.Internal, Message: "no key for second-factor secrets: set Service.TOTPKey (32 bytes)"}
	}
	block, err := aes.NewCipher(s.TOTPKey)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func (s *Service) sealTOTP(secret []byte, userID int64) ([]byte, error) {
	a, err := s.aead()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, a.NonceSize())
	rand.Read(nonce)
	return a.Seal(nonce, nonce, secret, totpAD(userID)), nil
}

func (s *Service) openTOTP(sealed []byte, userID int64) ([]byte, error) {
	a, err := s.aead()
	if err != nil {
		return nil, err
	}
	if len(sealed) < a.NonceSize() {
		return nil, &fault.Error{Kind: fault.Internal, Message: "second-factor secret is malformed"}
	}
	out, err := a.Open(nil, sealed[:a.NonceSize()], sealed[a.NonceSize():], totpAD(userID))
	if err != nil {
		return nil, &fault.Error{Kind: fault.Internal, Message: "second-factor secret cannot be opened: wrong key?", Err: err}
	}
	return out, nil
}

// totpAD binds a sealed secret to its user: moved to another row, it
// does not open.
func totpAD(userID int64) []byte { return []byte(fmt.Sprintf("hrss-totp:%d", userID)) }

// checkSecondFactor checks code against u's active secret and, when it
// matches, records its step on u (not yet stored). It returns the refusal
// when the code is missing or wrong, and nil for a user without a secret.
func (s *Service) checkSecondFactor(u *User, code string, now time.Time) (refusal error, err error) {
	if len(u.TOTPSecret) == 0 {
		return nil, nil
	}
	if strings.TrimSpace(code) == "" {
		return &fault.Error{Kind: fault.Unauthorized, Field: "code", Rule: "auth.totp_required", Message: "give the one-time code of your authenticator"}, nil
	}
	secret, err := s.openTOTP(u.TOTPSecret, u.ID)
	if err != nil {
		return nil, err
	}
	step := matchTOTP(secret, code, now, u.TOTPStep)
	if step == 0 {
		return errBadCredentials(), nil
	}
	u.TOTPStep = step
	return nil, nil
}

// ProvisionTOTP gives a user a new second-factor secret, active at once,
// and returns it to hand over (an operator enrolling a member of staff);
// the user's sessions end. It needs ManageUsers; NotFound otherwise.
func (s *Service) ProvisionTOTP(ctx context.Context, userID int64) (TOTPKey, error) {
	c, err := Require(ctx, ManageUsers)
	if err != nil {
		return TOTPKey{}, err
	}
	return s.setTOTP(ctx, c, userID, false, "user.totp_provision")
}

// selfTOTPCaller returns the caller that may change their own second
// factor: a user signed in with their password (a session), never an API
// token (a token's holder must not be able to take over the sign-in).
func selfTOTPCaller(ctx context.Context) (Caller, error) {
	c, err := Current(ctx)
	if err != nil || c.UserID == 0 {
		return Caller{}, errNoCaller()
	}
	if c.TokenID != 0 || c.ReadOnly {
		return Caller{}, &fault.Error{Kind: fault.Forbidden, Rule: "auth.totp_session", Message: "a second factor is set up or removed from a signed-in session, not with an API token"}
	}
	return c, nil
}

// BeginTOTP starts the caller's own enrolment: it returns a new secret
// that becomes the caller's second factor once ConfirmTOTP sees a code of
// it. It fails with Unauthorized without a signed-in user, Forbidden for
// an API token, and Conflict when a second factor is already active (a
// stolen session must not replace it: DisableTOTP needs a current code,
// or an administrator resets it with hrss user totp --reset).
func (s *Service) BeginTOTP(ctx context.Context) (TOTPKey, error) {
	c, err := selfTOTPCaller(ctx)
	if err != nil {
		return TOTPKey{}, err
	}
	var active bool
	if err := s.Store.View(ctx, func(tx Tx) error {
		u, err := tx.User(ctx, c.UserID)
		active = len(u.TOTPSecret) > 0
		return err
	}); err != nil {
		return TOTPKey{}, err
	}
	if active {
		return TOTPKey{}, fault.Conflictf("code", "totp.active", "a second factor is active; an administrator resets it before a new one is enrolled")
	}
	return s.setTOTP(ctx, c, c.UserID, true, "user.totp_begin")
}

// setTOTP stores a new secret for a user, pending or active.
func (s *Service) setTOTP(ctx context.Context, c Caller, userID int64, pending bool, action string) (TOTPKey, error) {
	var key TOTPKey
	err := s.Store.Update(ctx, func(tx Tx) error {
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		var secret []byte
		secret, key = newTOTPKey(u.Name)
		sealed, err := s.sealTOTP(secret, u.ID)
		if err != nil {
			return err
		}
		if pending {
			u.TOTPPending = sealed
		} else {
			u.TOTPSecret, u.TOTPPending, u.TOTPStep = sealed, nil, 0
			if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
				return err
			}
		}
		u.UpdatedAt = s.now()
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return err
		}
		return Record(ctx, tx, c, s.now(), Event{Action: action, Object: userObject(u.ID)})
	})
	return key, err
}

// ConfirmTOTP makes the caller's pending secret their second factor when
// code is one of its codes. It fails with Invalid (field "code") for a
// wrong code or no enrolment begun, and like BeginTOTP for the caller.
func (s *Service) ConfirmTOTP(ctx context.Context, code string) error {
	return s.ownTOTP(ctx, code, "user.totp_enable", func(u *User) ([]byte, int64, error) {
		if len(u.TOTPPending) == 0 {
			return nil, 0, fault.Invalidf("code", "totp.not_begun", "begin the enrolment of a second factor first")
		}
		return u.TOTPPending, 0, nil
	}, func(u *User, step int64) { u.TOTPSecret, u.TOTPPending, u.TOTPStep = u.TOTPPending, nil, step })
}

// DisableTOTP removes the caller's active second factor (and any
// enrolment begun) when code is a current code of it, not used before.
// It fails with Invalid (field "code") for a wrong or used code or when no
// second factor is active, and like BeginTOTP for the caller.
func (s *Service) DisableTOTP(ctx context.Context, code string) error {
	return s.ownTOTP(ctx, code, "user.totp_disable", func(u *User) ([]byte, int64, error) {
		if len(u.TOTPSecret) == 0 {
			return nil, 0, fault.Invalidf("code", "totp.not_active", "no second factor is active")
		}
		return u.TOTPSecret, u.TOTPStep, nil
	}, func(u *User, _ int64) { u.TOTPSecret, u.TOTPPending, u.TOTPStep = nil, nil, 0 })
}

// ownTOTP changes the caller's own second factor in one transaction:
// secret picks the sealed secret code must match (and the last step
// used), change applies the change once it does, and action is audited.
func (s *Service) ownTOTP(ctx context.Context, code, action string, secret func(*User) ([]byte, int64, error), change func(*User, int64)) error {
	c, err := selfTOTPCaller(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	return s.Store.Update(ctx, func(tx Tx) error {
		u, err := tx.User(ctx, c.UserID)
		if err != nil {
			return err
		}
		sealed, last, err := secret(&u)
		if err != nil {
			return err
		}
		open, err := s.openTOTP(sealed, u.ID)
		if err != nil {
			return err
		}
		step := matchTOTP(open, code, now, last)
		if step == 0 {
			return fault.Invalidf("code", "totp.code", "this is not a current code of the second factor")
		}
		change(&u, step)
		u.UpdatedAt = now
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return err
		}
		return Record(ctx, tx, c, now, Event{Action: action, Object: userObject(u.ID)})
	})
}
