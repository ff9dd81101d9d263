package money

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

func TestParseAndString(t *testing.T) {
	cases := []struct {
		in   string
		want Fen
		out  string
	}{
		{"6500", 650000, "6500.00"}, {"6500.5", 650050, "6500.50"}, {"0.01", 1, "0.01"},
		{"-12.34", -1234, "-12.34"}, {"+3", 300, "3.00"}, {"0", 0, "0.00"}, {"007.10", 710, "7.10"},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if err != nil || got != c.want || got.String() != c.out {
			t.Errorf("Parse(%q) = %d (%s), %v; want %d (%s)", c.in, got, got, err, c.want, c.out)
		}
	}
	for _, bad := range []string{"", "1.234", "1e3", "1,000", " 1", "1.", ".5", "--1", "abc", "1.2.3", "9999999999999999"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestJSON(t *testing.T) {
	b, _ := json.Marshal(struct{ A Fen }{306427})
	if string(b) != `{"A":"3064.27"}` {
		t.Fatal(string(b))
	}
	var v struct{ A Fen }
	if err := json.Unmarshal([]byte(`{"A":"12.30"}`), &v); err != nil || v.A != 1230 {
		t.Fatal(v, err)
	}
	if err := json.Unmarshal([]byte(`{"A":12.3}`), &v); err == nil {
		t.Fatal("a JSON number was accepted as money")
	}
}

func TestRounding(t *testing.T) {
	cases := []struct {
		yuan       string
		halfUp, up Fen
	}{
		{"3017.66", 301766, 301770}, {"3017.70", 301770, 301770}, {"3017.701", 301770, 301780},
		{"1769.125", 176913, 176920}, {"1769.1249", 176912, 176920}, {"0.005", 1, 10}, {"0.004", 0, 10},
	}
	for _, c := range cases {
		d := MustDec(c.yuan)
		if got := RoundHalfUp(d); got != c.halfUp {
			t.Errorf("RoundHalfUp(%s) = %s, want %s", c.yuan, got, c.halfUp)
		}
		if got := RoundUpToJiao(d); got != c.up {
			t.Errorf("RoundUpToJiao(%s) = %s, want %s", c.yuan, got, c.up)
		}
	}
}

// TestMulRatePPMProperty: the integer fast path agrees with exact decimal
// arithmetic rounded half-up, for random amounts and rates.
func TestMulRatePPMProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		f := Fen(r.Int64N(1e10))
		ppm := r.Int64N(1_000_001)
		want := RoundHalfUp(f.Dec().Mul(decimal.New(ppm, -6)))
		if got := f.MulRatePPM(ppm); got != want {
			t.Fatalf("%s × %d ppm = %s, want %s", f, ppm, got, want)
		}
		if got := (-f).MulRatePPM(ppm); got != -want {
			t.Fatalf("-%s × %d ppm = %s, want %s", f, ppm, got, -want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"6500.00", "-1.5", "0", "1e3", "1.234", "+0.01", "", "9999999999999.99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		back, err := Parse(v.String())
		if err != nil || back != v {
			t.Fatalf("%q → %d → %q → %d, %v", s, v, v.String(), back, err)
		}
		if !v.Dec().Equal(decimal.RequireFromString(s)) {
			t.Fatalf("%q parsed as %s", s, v)
		}
	})
}
