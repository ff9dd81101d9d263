package access

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"hrss/rules/fault"
)

// HashParams are the argon2id cost parameters of new password hashes.
// Stored hashes carry their own parameters, so raising these later only
// affects new and changed passwords.
type HashParams struct {
	Time    uint32 // passes over memory
	Memory  uint32 // KiB
	Threads uint8
	KeyLen  uint32 // bytes of output
	SaltLen uint32 // bytes of salt
}

// DefaultHashParams follow RFC 9106's second recommended option scaled to
// a server (64 MiB, 3 passes): about 60 ms on one core of a current CPU.
var DefaultHashParams = HashParams{Time: 3, Memory: 64 * 1024, Threads: 2, KeyLen: 32, SaltLen: 16}

// hashSlots bounds the password hashes computed at once, so that a burst
// of sign-ins cannot take 64 MiB each without limit.
var hashSlots = make(chan struct{}, 4)

// Password length limits, in characters.
const (
	MinPassword = 10
	MaxPassword = 128
)

// CheckPasswordRules returns an Invalid error (field "password") when pw
// is too short, too long or not text.
func CheckPasswordRules(pw string) error {
	n := utf8.RuneCountInString(pw)
	if !utf8.ValidString(pw) || n < MinPassword || n > MaxPassword {
		return fault.Invalidf("password", "password.length", "a password must be between %d and %d characters", MinPassword, MaxPassword)
	}
	return nil
}

// HashPassword returns the PHC-format argon2id hash of pw with a fresh
// random salt: $argon2id$v=19$m=65536,t=3,p=2$SALT$HASH.
func HashPassword(pw string) string {
	return hashWith(DefaultHashParams, pw)
}

func hashWith(p HashParams, pw string) string {
	salt := make([]byte, p.SaltLen)
	rand.Read(salt)
	key := derive(p, pw, salt)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, enc.EncodeToString(salt), enc.EncodeToString(key))
}

func derive(p HashParams, pw string, salt []byte) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
}

// CheckPassword reports whether pw matches the PHC-format argon2id hash
// encoded. It fails (with an Internal error) only if encoded is malformed.
func CheckPassword(encoded, pw string) (bool, error) {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false, err
	}
	got := derive(p, pw, salt)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// parseHash reads a PHC-format argon2id hash.
func parseHash(encoded string) (HashParams, []byte, []byte, error) {
	var p HashParams
	bad := func(why string) (HashParams, []byte, []byte, error) {
		return p, nil, nil, &fault.Error{Kind: fault.Internal, Message: "stored password hash is malformed: " + why}
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return bad("not $argon2id$…")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return bad("version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return bad("parameters")
	}
	if p.Memory < 8*uint32(p.Threads) || p.Memory > 4<<20 || p.Time < 1 || p.Time > 100 || p.Threads < 1 {
		return bad("parameters out of range")
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return bad("salt")
	}
	key, err := enc.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return bad("key")
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// dummyHash is checked against when a sign-in names no user, so that an
// unknown name takes as long as a wrong password.
var dummyHash = sync.OnceValue(func() string { return HashPassword("hrss dummy password for timing") })

// Lockout policy: after LockAfter failed sign-ins in a row, the account is
// locked for LockBase, doubling with each further failure up to LockMax.
// A successful sign-in clears the count.
const (
	LockAfter = 5
	LockBase  = time.Minute
	LockMax   = time.Hour
)

// LockoutFor returns how long an account is locked after failed
// consecutive failed sign-ins: 0 below LockAfter, then LockBase doubling
// per failure, at most LockMax.
func LockoutFor(failed int) time.Duration {
	if failed < LockAfter {
		return 0
	}
	n := failed - LockAfter
	if n >= 16 {
		return LockMax
	}
	return min(LockBase<<n, LockMax)
}

// passwordAlphabet has no look-alike characters (0/O, 1/l/I).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// RandomPassword returns a password of n characters drawn uniformly from
// an alphabet without look-alikes, with crypto/rand.
func RandomPassword(n int) string {
	const limit = 256 - 256%len(passwordAlphabet) // reject above this: no modulo bias
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		rand.Read(buf)
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, passwordAlphabet[int(c)%len(passwordAlphabet)])
			}
		}
	}
	return string(out)
}
