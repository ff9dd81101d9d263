package access

import (
	"encoding/base32"
	"testing"
	"time"
)

// TestTOTPVectors checks the codes against RFC 6238 Appendix B (SHA-1),
// whose 8-digit codes end in these 6 digits.
func TestTOTPVectors(t *testing.T) {
	secret := []byte("12345678901234567890")
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1234567890: "005924", 2000000000: "279037"} {
		if got := totpCode(secret, unix/totpPeriod); got != want {
			t.Errorf("T=%d: %s, want %s", unix, got, want)
		}
	}
}

func TestMatchTOTP(t *testing.T) {
	secret := []byte("12345678901234567890")
	now := time.Unix(1234567890, 0)
	step := now.Unix() / totpPeriod
	cases := []struct {
		code string
		last int64
		want int64
	}{
		{totpCode(secret, step), 0, step},
		{totpCode(secret, step-1), 0, step - 1}, // clock drift, one step
		{totpCode(secret, step+1), 0, step + 1},
		{totpCode(secret, step-2), 0, 0},  // too old
		{totpCode(secret, step), step, 0}, // used already
		{totpCode(secret, step), step - 1, step},
		{" " + totpCode(secret, step)[:3] + " " + totpCode(secret, step)[3:], 0, step}, // typed with spaces
		{"", 0, 0}, {"000000x", 0, 0},
	}
	for _, c := range cases {
		if got := matchTOTP(secret, c.code, now, c.last); got != c.want {
			t.Errorf("code %q after step %d: %d, want %d", c.code, c.last, got, c.want)
		}
	}
}

func TestTOTPKeyAndSealing(t *testing.T) {
	secret, k := newTOTPKey("wang.cw")
	dec, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(k.Secret)
	if err != nil || string(dec) != string(secret) || len(secret) != 20 {
		t.Fatalf("key %+v", k)
	}
	if want := "otpauth://totp/hrss:wang.cw?algorithm=SHA1&digits=6&issuer=hrss&period=30&secret=" + k.Secret; k.URI != want {
		t.Errorf("uri %s", k.URI)
	}
	s := &Service{TOTPKey: make([]byte, 32)}
	sealed, err := s.sealTOTP(secret, 7)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.openTOTP(sealed, 7); err != nil || string(got) != string(secret) {
		t.Fatalf("open: %v", err)
	}
	if _, err := s.openTOTP(sealed, 8); err == nil {
		t.Error("a secret moved to another user opens")
	}
	if _, err := (&Service{}).sealTOTP(secret, 7); err == nil {
		t.Error("sealed without a key")
	}
}
