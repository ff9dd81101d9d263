package web

import (
	"math"
	"runtime/metrics"
	"testing"
)

// TestRebucket: each runtime bucket lands in the first reported bucket at
// or above its upper bound, the counts cumulative.
func TestRebucket(t *testing.T) {
	h := &metrics.Float64Histogram{
		Buckets: []float64{math.Inf(-1), 0.00001, 0.0004, 0.0011, 0.03, math.Inf(1)},
		Counts:  []uint64{1, 2, 3, 4, 5},
	}
	count, _, b := rebucket(h)
	if count != 15 {
		t.Fatalf("count %d, want 15", count)
	}
	// (-Inf,10µs] and (10µs,400µs] ≤ 0.5 ms; (0.4,1.1 ms] ≤ 2.5 ms; (1.1,30 ms] ≤ 50 ms; (30 ms,+Inf) beyond every bound
	for le, want := range map[float64]uint64{.00005: 1, .0005: 3, .001: 3, .0025: 6, .02: 6, .05: 10, 1: 10} {
		if b[le] != want {
			t.Errorf("le %g: %d, want %d", le, b[le], want)
		}
	}
}
