package main

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// stats are the figures of one level against one server.
type stats struct {
	mu      sync.Mutex
	kinds   map[string]*kindStats
	elapsed time.Duration
}

// kindStats are one kind's latencies, errors and answers.
type kindStats struct {
	lat    []time.Duration
	errs   int
	first  []string // the first errors
	sizes  []int
	bodies []sample // the first answers, for the floor
}

// sample is a recorded 2xx answer.
type sample struct {
	status int
	ctype  string
	body   []byte
}

const keptSamples = 200

func newStats() *stats { return &stats{kinds: map[string]*kindStats{}} }

func (s *stats) kind(name string) *kindStats {
	k := s.kinds[name]
	if k == nil {
		k = &kindStats{}
		s.kinds[name] = k
	}
	return k
}

// record adds one request: its latency and, on success, its answer.
func (s *stats) record(name string, d time.Duration, ans sample, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.kind(name)
	k.lat = append(k.lat, d)
	if err != nil {
		k.errs++
		if len(k.first) < 3 {
			k.first = append(k.first, err.Error())
		}
		return
	}
	k.sizes = append(k.sizes, len(ans.body))
	if len(k.bodies) < keptSamples {
		k.bodies = append(k.bodies, ans)
	}
}

// median returns the recorded answer whose size is nearest the median
// size of all answers of the kind: what the floor answers.
func (k *kindStats) median() (sample, bool) {
	if len(k.bodies) == 0 {
		return sample{}, false
	}
	sizes := slices.Clone(k.sizes)
	slices.Sort(sizes)
	mid := sizes[len(sizes)/2]
	best := k.bodies[0]
	for _, b := range k.bodies {
		if abs(len(b.body)-mid) < abs(len(best.body)-mid) {
			best = b
		}
	}
	return best, true
}

func abs(n int) int { return max(n, -n) }

// merged is the latencies and errors of the named kinds together.
func (s *stats) merged(names []string) *kindStats {
	out := &kindStats{}
	for _, n := range names {
		if k := s.kinds[n]; k != nil {
			out.lat = append(out.lat, k.lat...)
			out.errs += k.errs
			out.sizes = append(out.sizes, k.sizes...)
		}
	}
	return out
}

// count is the number of requests of the level and its errors.
func (s *stats) count() (n, errs int) {
	for _, k := range s.kinds {
		n += len(k.lat)
		errs += k.errs
	}
	return n, errs
}

// quantiles are the p50, p95 and p99 latencies (nearest rank).
func (k *kindStats) quantiles() [3]time.Duration {
	if k == nil || len(k.lat) == 0 {
		return [3]time.Duration{}
	}
	l := slices.Clone(k.lat)
	slices.Sort(l)
	var q [3]time.Duration
	for i, p := range []float64{0.50, 0.95, 0.99} {
		q[i] = l[min(len(l)-1, int(p*float64(len(l))+0.5))]
	}
	return q
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

// ratio is a/b, or "-" without a floor.
func ratio(a, b time.Duration) string {
	if b <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", float64(a)/float64(b))
}
