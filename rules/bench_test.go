package rules_test

import (
	"testing"

	"hrss/rules"
	"hrss/rules/period"
)

// BenchmarkContribution is the per-person formula without a trace.
func BenchmarkContribution(b *testing.B) {
	p, _ := rules.Embedded()
	pop := randomPopulation(b, 1000, 5)
	at := period.New(2025, 6)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := p.Contribution(pop.Input(i%1000, at), false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAssess is the columnar assessment, per row.
func BenchmarkAssess(b *testing.B) {
	p, _ := rules.Embedded()
	pop := randomPopulation(b, 100_000, 5)
	at := period.New(2025, 6)
	var out rules.Assessment
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Assess(pop, at, &out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e5, "ns/row")
}

// BenchmarkAppend is building a population, per row.
func BenchmarkAppend(b *testing.B) {
	src := randomPopulation(b, 100_000, 5)
	persons := make([]rules.Person, src.Len())
	for i := range persons {
		persons[i] = src.Person(i)
	}
	b.ReportAllocs()
	for b.Loop() {
		pop := rules.NewPopulation(len(persons))
		for _, p := range persons {
			if err := pop.Append(p); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e5, "ns/row")
}

// BenchmarkSimulate is a reform simulation, per row.
func BenchmarkSimulate(b *testing.B) {
	base, _ := rules.Embedded()
	reform, _ := base.Overlay("r.yaml", []byte(plusOnePoint))
	pop := randomPopulation(b, 100_000, 5)
	at := period.New(2025, 6)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rules.Simulate(base, reform, pop, at); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e5, "ns/row")
}
