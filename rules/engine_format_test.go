package rules_test

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"hrss/rules/money"
	"hrss/rules/period"
)

// The per-person path formats amounts, months and dates and rounds
// decimals to the fen for every step of a trace; these tests pin the fast
// forms to what fmt and the decimal type give.

// TestFenStringAsSprintf: Fen.String writes what "%s%d.%02d" of the sign
// and magnitude wrote, for every size of amount.
func TestFenStringAsSprintf(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	vals := []int64{0, 1, -1, 9, 10, 99, 100, -100, 101, -101, 12345, math.MaxInt64, math.MinInt64 + 1, math.MinInt64}
	for i := 0; i < 100_000; i++ {
		vals = append(vals, r.Int64()>>r.IntN(63)*(1-2*int64(r.IntN(2))))
	}
	for _, v := range vals {
		sign, m := "", v
		if m < 0 {
			sign, m = "-", -m
		}
		if got, want := money.Fen(v).String(), fmt.Sprintf("%s%d.%02d", sign, m/100, m%100); got != want {
			t.Fatalf("Fen(%d).String() = %q, want %q", v, got, want)
		}
	}
}

// TestPeriodStringsAsSprintf: YearMonth.String and Date.String write what
// "%04d-%02d" and "%04d-%02d-%02d" wrote, real months or not.
func TestPeriodStringsAsSprintf(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 100_000; i++ {
		p := period.YearMonth(r.Int32N(200_000) - 100_000)
		if got, want := p.String(), fmt.Sprintf("%04d-%02d", p.Year(), p.Month()); got != want {
			t.Fatalf("YearMonth(%d).String() = %q, want %q", int32(p), got, want)
		}
		d := period.Date{Y: r.IntN(24_000) - 2_000, M: r.IntN(140) - 20, D: r.IntN(140) - 20}
		want := fmt.Sprintf("%04d-%02d-%02d", d.Y, d.M, d.D)
		if d.IsZero() {
			want = ""
		}
		if got := d.String(); got != want {
			t.Fatalf("%#v.String() = %q, want %q", d, got, want)
		}
	}
}

// TestRoundHalfUpAsDecimal: RoundHalfUp gives what the decimal type's own
// rounding gives, for coefficients and exponents of every size, both signs.
func TestRoundHalfUpAsDecimal(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for i := 0; i < 200_000; i++ {
		c := new(big.Int).SetUint64(r.Uint64() >> r.IntN(64))
		if r.IntN(8) == 0 { // beyond int64
			c.Mul(c, new(big.Int).SetUint64(r.Uint64()))
		}
		if r.IntN(2) == 0 {
			c.Neg(c)
		}
		if r.IntN(4) == 0 { // ending in 5, the halves
			c.Mul(c, big.NewInt(10)).Add(c, big.NewInt(5*int64(c.Sign()|1)))
		}
		d := decimal.NewFromBigInt(c, int32(r.IntN(30)-24))
		want := d.Shift(2).Round(0)
		if !want.BigInt().IsInt64() {
			continue // beyond an amount in fen
		}
		if got := money.RoundHalfUp(d); int64(got) != want.IntPart() {
			t.Fatalf("RoundHalfUp(%s) = %d, want %s", d, got, want)
		}
	}
}

// TestMulHalfUpAsDecimal: Fen.MulHalfUp gives RoundHalfUp(f.Dec().Mul(d))
// for amounts and factors of every size, both signs.
func TestMulHalfUpAsDecimal(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	fens := []int64{0, 1, -1, 50, -50, math.MaxInt64, math.MinInt64, math.MinInt64 + 1}
	for i := 0; i < 200_000; i++ {
		f := int64(r.Uint64()>>r.IntN(64)) * (1 - 2*int64(r.IntN(2)))
		if i < len(fens) {
			f = fens[i]
		}
		c := new(big.Int).SetUint64(r.Uint64() >> r.IntN(64))
		if r.IntN(8) == 0 {
			c.Mul(c, new(big.Int).SetUint64(r.Uint64()))
		}
		if r.IntN(2) == 0 {
			c.Neg(c)
		}
		d := decimal.NewFromBigInt(c, int32(r.IntN(24)-20))
		want := money.Fen(f).Dec().Mul(d).Shift(2).Round(0)
		if !want.BigInt().IsInt64() {
			continue // beyond an amount in fen
		}
		if got := money.Fen(f).MulHalfUp(d); int64(got) != want.IntPart() {
			t.Fatalf("Fen(%d).MulHalfUp(%s) = %d, want %s", f, d, got, want)
		}
	}
}
