// Package money holds hrss's one money type, Fen (an exact count of fen,
// 1/100 yuan), and the decimal type used where fractional factors
// (rates, indices, years, divisors) enter a computation.
//
// It lives under rules/ because rules/ is the lowest layer of hrss and may
// import no other hrss package; every other package imports it from here.
//
// Rounding is never implicit: every conversion from a decimal back to fen
// names its rounding mode, and callers name the rule that requires it.
package money

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Fen is an amount of money in fen (分), exact. 100 fen make one yuan.
type Fen int64

// Dec is the decimal type for fractional factors. It is shopspring's
// arbitrary-precision decimal; never binary floating point.
type Dec = decimal.Decimal

// Yuan returns n whole yuan as Fen.
func Yuan(n int64) Fen { return Fen(n * 100) }

// ErrSyntax is wrapped by every parse failure of an amount.
var ErrSyntax = errors.New("not an amount in yuan with at most two decimals")

// Parse reads an amount in yuan such as "6500", "6500.5" or "-12.34".
// It accepts at most two decimals, no exponent, no thousands separators
// and no surrounding space; anything else fails wrapping ErrSyntax.
func Parse(s string) (Fen, error) {
	if s == "" {
		return 0, fmt.Errorf("%w: empty", ErrSyntax)
	}
	neg := false
	body := s
	if body[0] == '-' || body[0] == '+' {
		neg = body[0] == '-'
		body = body[1:]
	}
	whole, frac, hasDot := strings.Cut(body, ".")
	if whole == "" || !allDigits(whole) || (hasDot && (frac == "" || len(frac) > 2 || !allDigits(frac))) {
		return 0, fmt.Errorf("%w: %q", ErrSyntax, s)
	}
	if len(whole) > 15 {
		return 0, fmt.Errorf("%w: %q is too large", ErrSyntax, s)
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := w*100 + f
	if neg {
		v = -v
	}
	return Fen(v), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats f in yuan with exactly two decimals, e.g. "3017.70".
func (f Fen) String() string {
	v := int64(f)
	if v == math.MinInt64 { // -v overflows: the one value not formatted below
		return fmt.Sprintf("-%d.%02d", v/100, v%100)
	}
	var buf [24]byte
	b := buf[:0]
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/100, 10)
	c := v % 100
	return string(append(b, '.', byte('0'+c/10), byte('0'+c%10)))
}

// MarshalJSON writes f as a JSON string with two decimals ("3064.27").
func (f Fen) MarshalJSON() ([]byte, error) { return []byte(`"` + f.String() + `"`), nil }

// UnmarshalJSON reads a JSON string in yuan (two decimals at most).
func (f *Fen) UnmarshalJSON(b []byte) error {
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return fmt.Errorf("%w: amounts are JSON strings such as \"6500.00\"", ErrSyntax)
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// Dec returns f in yuan as a decimal.
func (f Fen) Dec() Dec { return decimal.New(int64(f), -2) }

// RoundHalfUp converts an amount in yuan to fen, rounding half away from
// zero (half-up for the positive amounts money takes).
func RoundHalfUp(yuan Dec) Fen {
	s := yuan.Shift(2) // in fen
	// The usual amount, a coefficient of at most 18 digits and at most 18
	// decimals, is rounded in int64 arithmetic; the rest by the decimal
	// type. Both round half away from zero.
	if e := s.Exponent(); e <= 0 && e >= -18 && s.NumDigits() <= 18 {
		c, p := s.CoefficientInt64(), pow10[-e]
		q, r := c/p, c%p
		switch {
		case r >= (p+1)/2: // p/2 for p >= 10; never for p = 1, whose r is 0
			q++
		case r <= -(p+1)/2:
			q--
		}
		return Fen(q)
	}
	return Fen(s.Round(0).IntPart())
}

// MulHalfUp returns f × d rounded half-up to the fen (half away from
// zero): RoundHalfUp(f.Dec().Mul(d)), in int64 arithmetic when the
// product fits, as it does for an amount times a rate or a factor, and
// by the decimal type otherwise.
func (f Fen) MulHalfUp(d Dec) Fen {
	e := d.Exponent()
	if e > 0 || e < -18 || d.NumDigits() > 18 || f == math.MinInt64 {
		return RoundHalfUp(f.Dec().Mul(d))
	}
	c, a := d.CoefficientInt64(), int64(f) // f × d is a·c × 10^e fen
	neg := (a < 0) != (c < 0)
	hi, lo := bits.Mul64(uint64(max(a, -a)), uint64(max(c, -c)))
	if hi != 0 || lo > math.MaxInt64 {
		return RoundHalfUp(f.Dec().Mul(d))
	}
	p := uint64(pow10[-e])
	q, r := lo/p, lo%p
	if r >= (p+1)/2 { // p/2 for p >= 10; never for p = 1, whose r is 0
		q++
	}
	if neg {
		return -Fen(q)
	}
	return Fen(q)
}

// pow10[i] is 10^i.
var pow10 = func() (t [19]int64) {
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * 10
	}
	return t
}()

// RoundUpToJiao converts an amount in yuan to fen, rounding up to the next
// 0.1 yuan (见分进角), as Zhejiang rounds the monthly pension total.
func RoundUpToJiao(yuan Dec) Fen { return Fen(yuan.RoundCeil(1).Shift(2).IntPart()) }

// MulRatePPM multiplies f by a rate given in parts per million and rounds
// half-up to the fen. It is the integer fast path for contribution lines:
// exact for |f| < 9.2e12 fen.
func (f Fen) MulRatePPM(ppm int64) Fen {
	p := int64(f) * ppm
	if p >= 0 {
		return Fen((p + 500_000) / 1_000_000)
	}
	return Fen(-((-p + 500_000) / 1_000_000))
}

// ParseDec reads a plain decimal such as "0.6977" or "25.08" (no exponent).
func ParseDec(s string) (Dec, error) {
	if s == "" || strings.ContainsAny(s, "eE ") {
		return Dec{}, fmt.Errorf("%q is not a plain decimal number", s)
	}
	return decimal.NewFromString(s)
}

// MustDec is ParseDec for constants in code and tests; it panics on error.
func MustDec(s string) Dec {
	d, err := ParseDec(s)
	if err != nil {
		panic(err)
	}
	return d
}
