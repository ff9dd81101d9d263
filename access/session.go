package access

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"

	"hrss/rules/fault"
)

// Session is a signed-in browser or API client. Only the SHA-256 of its
// token is stored: a stolen database does not sign anyone in.
type Session struct {
	ID        int64
	UserID    int64
	TokenHash []byte
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time // absolute end, whatever the activity
	IP        string    // where it was signed in from
}

// Session lifetimes: a session ends SessionTTL after sign-in, or after
// IdleTimeout without a request, whichever comes first. LastSeen is
// written at most every touchEvery, so that reads stay reads.
const (
	SessionTTL  = 12 * time.Hour
	IdleTimeout = 30 * time.Minute
	touchEvery  = time.Minute
)

// Token is a revocable API token for another system (tax bureau, bank,
// provincial reporting): it acts as its user, within that user's role and
// scope, narrowed by Scope. Only the SHA-256 of its secret is stored.
type Token struct {
	ID        int64      `json:"id"`
	UserID    int64      `json:"user_id"`
	Name      string     `json:"name"` // what the token is for, e.g. "tax-bureau-sync"
	Scope     TokenScope `json:"scope"`
	TokenHash []byte     `json:"-"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	LastUsed  time.Time  `json:"last_used,omitzero"`
	RevokedAt time.Time  `json:"revoked_at,omitzero"`
}

// TokenScope narrows what an API token may do within its user's role.
type TokenScope string

// The token scopes.
const (
	ScopeRead  TokenScope = "read"  // reads only
	ScopeWrite TokenScope = "write" // reads and writes
)

// ParseTokenScope reads a token scope; "" means read. It fails with
// Invalid (field "scope") otherwise.
func ParseTokenScope(s string) (TokenScope, error) {
	switch TokenScope(strings.TrimSpace(s)) {
	case "", ScopeRead:
		return ScopeRead, nil
	case ScopeWrite:
		return ScopeWrite, nil
	}
	return "", fault.Invalidf("scope", "token.scope", "%q is not a token scope (read, write)", s)
}

// Token lifetimes: a token expires after the days asked, at most MaxTokenDays.
const (
	DefaultTokenDays = 90
	MaxTokenDays     = 366
)

// The prefixes of secrets tell sessions from API tokens, and let secret
// scanners recognise a leaked one.
const (
	sessionPrefix = "hrss_s_"
	tokenPrefix   = "hrss_t_"
)

// newSecret returns a fresh secret with prefix (256 random bits) and its hash.
func newSecret(prefix string) (string, []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	s := prefix + base64.RawURLEncoding.EncodeToString(b)
	return s, HashSecret(s)
}

// HashSecret returns the SHA-256 of a session or API token secret, as
// stored. The secrets are random and long, so a fast hash suffices.
func HashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// IsSessionToken reports whether secret has the form of a session token
// (as opposed to an API token).
func IsSessionToken(secret string) bool { return strings.HasPrefix(secret, sessionPrefix) }

// CSRFToken returns the anti-forgery token of the session whose secret is
// given: browser forms and scripts send it back (form field or header),
// which a cross-site page cannot do because it cannot read the secret.
func CSRFToken(sessionSecret string) string {
	h := sha256.Sum256([]byte("hrss-csrf\x00" + sessionSecret))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// errBadCredentials is the one answer to a wrong name or password.
func errBadCredentials() *fault.Error {
	return &fault.Error{Kind: fault.Unauthorized, Rule: "auth.credentials", Message: "wrong user name or password"}
}

// errSessionEnded is the answer to an unknown, expired or revoked secret.
func errSessionEnded() *fault.Error {
	return &fault.Error{Kind: fault.Unauthorized, Rule: "auth.session", Message: "the session or token is unknown, expired or revoked; sign in again"}
}
