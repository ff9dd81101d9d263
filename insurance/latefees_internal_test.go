package insurance

import (
	"testing"

	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

// TestAllocationOrder: a payment pays the principal, then the late fee,
// and keeps the rest as credit; with contribution.fee_allocation 2 (an
// overlay) the fee comes first; another value is refused naming the
// parameter.
func TestAllocationOrder(t *testing.T) {
	for _, c := range []struct {
		amount, principal, fee money.Fen
		first                  bool
		want                   [3]money.Fen
	}{
		{100, 80, 30, true, [3]money.Fen{80, 20, 0}},
		{100, 80, 30, false, [3]money.Fen{70, 30, 0}},
		{150, 80, 30, true, [3]money.Fen{80, 30, 40}},
		{50, 80, 30, true, [3]money.Fen{50, 0, 0}},
		{50, 0, 30, true, [3]money.Fen{0, 30, 20}},
	} {
		p, f, r := allocate(c.amount, c.principal, c.fee, c.first)
		if [3]money.Fen{p, f, r} != c.want {
			t.Errorf("allocate%v = %v %v %v, want %v", c, p, f, r, c.want)
		}
	}
	base, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	day := period.Date{Y: 2025, M: 3, D: 1}
	if first, err := (&Service{Params: base}).feePrincipalFirst("330402", day); err != nil || !first {
		t.Fatalf("the embedded order: principal first %v, %v", first, err)
	}
	for value, want := range map[string]bool{"2": false, "3": false} {
		over, err := base.Overlay("order.yaml", []byte(`parameters:
  - name: contribution.fee_allocation
    description: test
    unit: tier
    jurisdiction: "330000"
    values:
      - from: 2025-01-01
        value: `+value+`
        reference: test
        confidence: unverified
`))
		if err != nil {
			t.Fatal(err)
		}
		first, err := (&Service{Params: over}).feePrincipalFirst("330402", day)
		if value == "3" {
			if err == nil {
				t.Errorf("fee_allocation 3 accepted")
			}
			continue
		}
		if err != nil || first != want {
			t.Errorf("fee_allocation %s: principal first %v, %v", value, first, err)
		}
	}
}
