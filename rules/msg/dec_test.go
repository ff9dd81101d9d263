package msg

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// TestDecStringAsDecimal: DecText writes what Decimal.String writes, for
// coefficients and exponents of every size, both signs, zeros included.
func TestDecTextAsDecimal(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 300_000; i++ {
		c := new(big.Int).SetUint64(r.Uint64() >> r.IntN(64))
		switch r.IntN(8) {
		case 0: // beyond int64
			c.Mul(c, new(big.Int).SetUint64(r.Uint64()))
		case 1: // trailing zeros
			c.Mul(c, big.NewInt([]int64{10, 100, 1000, 1_000_000}[r.IntN(4)]))
		case 2:
			c.SetInt64(0)
		}
		if r.IntN(2) == 0 {
			c.Neg(c)
		}
		d := decimal.NewFromBigInt(c, int32(r.IntN(30)-24))
		if got, want := DecText(d), d.String(); got != want {
			t.Fatalf("DecText(%s e%d) = %q, want %q", c, d.Exponent(), got, want)
		}
	}
	for _, s := range []string{"0", "0.0", "1", "-1", "0.16", "0.075", "0.0084", "1.2", "1.50", "100", "0.000001", "-0.5", "25.08"} {
		d := decimal.RequireFromString(s)
		if got, want := DecText(d), d.String(); got != want {
			t.Errorf("DecText(%s) = %q, want %q", s, got, want)
		}
	}
}
