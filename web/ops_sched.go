package web

import (
	"math"
	"runtime/metrics"

	"github.com/prometheus/client_golang/prometheus"
)

// schedCollector reports two of the Go runtime's histograms in buckets
// fine enough to read a 20 ms goal against (the Go collector of the
// Prometheus library re-buckets them by powers of ten): how long
// runnable goroutines waited for a processor, which is how batch work on
// the same processors shows in the requests' latency, and the
// collector's stop-the-world pauses.
type schedCollector struct{}

// schedHistograms are the runtime metrics schedCollector reports, each
// with the name it is reported under.
var schedHistograms = []struct {
	runtime string
	desc    *prometheus.Desc
}{
	{"/sched/latencies:seconds", prometheus.NewDesc("hrss_sched_latency_seconds",
		"Time goroutines spent runnable before they ran (Go runtime /sched/latencies:seconds), re-bucketed.", nil, nil)},
	{"/sched/pauses/total/gc:seconds", prometheus.NewDesc("hrss_gc_pause_seconds",
		"Stop-the-world pauses of the garbage collector (Go runtime /sched/pauses/total/gc:seconds), re-bucketed.", nil, nil)},
}

// schedBuckets are the upper bounds schedCollector reports.
var schedBuckets = []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01, .02, .05, .1, .25, 1}

func (schedCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, h := range schedHistograms {
		ch <- h.desc
	}
}

func (schedCollector) Collect(ch chan<- prometheus.Metric) {
	samples := make([]metrics.Sample, len(schedHistograms))
	for i, h := range schedHistograms {
		samples[i].Name = h.runtime
	}
	metrics.Read(samples)
	for i, s := range samples {
		if s.Value.Kind() != metrics.KindFloat64Histogram {
			continue // not in this Go version
		}
		count, sum, buckets := rebucket(s.Value.Float64Histogram())
		ch <- prometheus.MustNewConstHistogram(schedHistograms[i].desc, count, sum, buckets)
	}
}

// rebucket adds each of h's buckets to the first of schedBuckets at or
// above its upper bound (a bucket is never split, so a count is never
// put below where it could be), and estimates the sum from the buckets'
// lower bounds, which is what the runtime's histograms give.
func rebucket(h *metrics.Float64Histogram) (uint64, float64, map[float64]uint64) {
	out := make(map[float64]uint64, len(schedBuckets))
	for _, b := range schedBuckets {
		out[b] = 0
	}
	var count uint64
	var sum float64
	for i, n := range h.Counts {
		if n == 0 {
			continue
		}
		count += n
		lo, hi := h.Buckets[i], h.Buckets[i+1]
		if !math.IsInf(lo, 0) {
			sum += lo * float64(n)
		}
		for _, b := range schedBuckets {
			if hi <= b {
				out[b] += n
				break
			}
		}
	}
	// cumulative, as Prometheus wants
	var run uint64
	for _, b := range schedBuckets {
		run += out[b]
		out[b] = run
	}
	return count, sum, out
}
