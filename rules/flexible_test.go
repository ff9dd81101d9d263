package rules

import (
	"testing"

	"hrss/rules/period"
)

func TestFlexibleBase(t *testing.T) {
	p, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	at := period.New(2025, 3)
	floor, ceil, err := p.BaseLimits("330402", at)
	if err != nil {
		t.Fatal(err)
	}
	lo, err := p.FlexibleBase("330402", at, 60)
	if err != nil {
		t.Fatal(err)
	}
	hi, err := p.FlexibleBase("330402", at, 300)
	if err != nil {
		t.Fatal(err)
	}
	if lo < floor || hi != ceil || lo >= hi {
		t.Fatalf("60%% → %s, 300%% → %s; limits %s-%s", lo, hi, floor, ceil)
	}
	mid, _ := p.FlexibleBase("330402", at, 100)
	if mid*3 != hi {
		t.Fatalf("100%% → %s is not a third of 300%% → %s", mid, hi)
	}
	if _, err := p.FlexibleBase("330402", at, 59); err == nil {
		t.Fatal("59% accepted")
	}
}
