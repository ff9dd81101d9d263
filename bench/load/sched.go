package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// histogram is a cumulative Prometheus histogram read from the server's
// /metrics: the upper bounds of its buckets and the count at or below
// each.
type histogram struct {
	le  []float64
	cum []float64
}

// schedMetrics are the server's Go scheduler histograms: how long
// runnable goroutines waited for a processor (hrss_sched_latency_seconds, web.schedCollector)
// and the stop-the-world pauses of the collector
// (hrss_gc_pause_seconds).
var schedMetrics = []string{"hrss_sched_latency_seconds", "hrss_gc_pause_seconds"}

// scrape reads the named histograms from the server's /metrics (served to
// loopback without a token).
func (s *server) scrape(ctx context.Context, names []string) (map[string]histogram, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", s.base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	out := map[string]histogram{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		for _, n := range names {
			if le, v, ok := bucketLine(sc.Text(), n); ok {
				h := out[n]
				h.le, h.cum = append(h.le, le), append(h.cum, v)
				out[n] = h
			}
		}
	}
	return out, sc.Err()
}

// bucketLine parses `NAME_bucket{le="X"} V`.
func bucketLine(line, name string) (le, v float64, ok bool) {
	rest, found := strings.CutPrefix(line, name+`_bucket{le="`)
	if !found {
		return 0, 0, false
	}
	bound, count, found := strings.Cut(rest, `"} `)
	if !found {
		return 0, 0, false
	}
	if bound == "+Inf" {
		le = math.Inf(1)
	} else if le, ok = parseFloat(bound); !ok {
		return 0, 0, false
	}
	v, ok = parseFloat(count)
	return le, v, ok
}

func parseFloat(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil
}

// since is h less an earlier reading of the same histogram: what was
// observed between the two.
func (h histogram) since(before histogram) histogram {
	d := histogram{le: h.le, cum: append([]float64(nil), h.cum...)}
	if len(before.cum) == len(h.cum) {
		for i := range d.cum {
			d.cum[i] -= before.cum[i]
		}
	}
	return d
}

// quantile is the upper bound of the bucket holding quantile q (the
// histogram's resolution), 0 when it is empty.
func (h histogram) quantile(q float64) time.Duration {
	if len(h.cum) == 0 || h.cum[len(h.cum)-1] == 0 {
		return 0
	}
	want := q * h.cum[len(h.cum)-1]
	for i, c := range h.cum {
		if c >= want {
			if math.IsInf(h.le[i], 1) && i > 0 {
				return time.Duration(h.le[i-1] * float64(time.Second))
			}
			return time.Duration(h.le[i] * float64(time.Second))
		}
	}
	return 0
}

// schedLine describes the scheduler's latencies and the collector's
// pauses between two scrapes.
func schedLine(before, after map[string]histogram) string {
	lat := after[schedMetrics[0]].since(before[schedMetrics[0]])
	gc := after[schedMetrics[1]].since(before[schedMetrics[1]])
	if len(lat.cum) == 0 {
		return "scheduler latencies not served"
	}
	return fmt.Sprintf("goroutines waited for a processor p50/p99/p99.9 %s/%s/%s ms; collector pauses p99 %s ms (%d pauses)",
		ms(lat.quantile(.5)), ms(lat.quantile(.99)), ms(lat.quantile(.999)), ms(gc.quantile(.99)), int(gc.total()))
}

func (h histogram) total() float64 {
	if len(h.cum) == 0 {
		return 0
	}
	return h.cum[len(h.cum)-1]
}
