package rules_test

import (
	"testing"

	"hrss/rules"
	"hrss/rules/period"
)

// BenchmarkContributionTrace is the per-person formula with its trace, as
// caseworkers' screens and the what-if's samples call it.
func BenchmarkContributionTrace(b *testing.B) {
	p, _ := rules.Embedded()
	pop := randomPopulation(b, 1000, 5)
	at := period.New(2025, 6)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := p.Contribution(pop.Input(i%1000, at), true); err != nil {
			b.Fatal(err)
		}
	}
}
