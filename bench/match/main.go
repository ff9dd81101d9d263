// Command match benchmarks the employment services' matching engine and
// prints its figures: top-10 for one seeker among 100,000 open vacancies
// with explanations (p50, p99), a capacity-aware batch of 100,000 seekers
// × 50,000 vacancies (time, peak memory), and deferred acceptance for
// 10,000 seekers × 500 employers. The data are the synthetic city's
// (employment.Synth), deterministic for -seed.
//
//	go run ./bench/match [-vacancies 100000] [-queries 2000] [-batch-seekers 100000] [-batch-vacancies 50000]
//
// The side-by-side comparison with bleve is the separate module
// bench/bleve (kept out of the hrss binary and the main go.mod).
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"hrss/employment"
	"hrss/registry"
	"hrss/rules/period"
)

var today = period.Date{Y: 2026, M: 6, D: 15}

func main() {
	seed := flag.Uint64("seed", 1, "seed of the synthetic data")
	nVac := flag.Int("vacancies", 100_000, "open vacancies for the one-seeker query")
	nQ := flag.Int("queries", 2000, "seekers queried (latency sample)")
	bSeek := flag.Int("batch-seekers", 100_000, "seekers of the batch run")
	bVac := flag.Int("batch-vacancies", 50_000, "vacancies of the batch run")
	daSeek := flag.Int("da-seekers", 10_000, "seekers of the job fair")
	daEmp := flag.Int("da-employers", 500, "employers of the job fair")
	flag.Parse()
	fmt.Printf("hrss matching benchmark · %s · %d CPUs · seed %d\n\n", runtime.Version(), runtime.NumCPU(), *seed)
	single(*seed, *nVac, *nQ)
	batch(*seed, *bSeek, *bVac)
	fair(*seed, *daSeek, *daEmp)
	fmt.Printf("\npeak resident memory of the whole run (VmHWM): %s\n", peakRSS())
}

// Vacancies returns n synthetic open vacancies.
func vacancies(g *employment.Synth, n int) []employment.Vacancy {
	vs := make([]employment.Vacancy, n)
	for i := range vs {
		vs[i] = g.Vacancy(int64(i+1), int64(i%20000+1), g.Division(), today)
	}
	return vs
}

// seekers returns n seekers: half drawn from vacancies' profiles with
// noise, half from the population's occupations.
func seekers(g *employment.Synth, vs []employment.Vacancy, n int) []employment.SeekerRegistration {
	ss := make([]employment.SeekerRegistration, n)
	for i := range ss {
		if i%2 == 0 {
			ss[i] = g.SeekerFor(vs[g.Rand().IntN(len(vs))], int64(i+1))
		} else {
			ss[i] = g.Seeker(int64(i+1), int64(i+1), g.Division(), registry.EducationLevels[2+i%5], i%3 == 0, today)
		}
		ss[i].OptOut = false
	}
	return ss
}

func single(seed uint64, nVac, nQ int) {
	g := employment.NewSynth(seed)
	vs := vacancies(g, nVac)
	start := time.Now()
	m := employment.NewMatcher(employment.EmbeddedRules(today), g.Catalog(), today, vs, nil)
	build := time.Since(start)
	ss := seekers(g, vs, nQ)
	for _, s := range ss[:min(50, len(ss))] { // warm up
		m.ForSeeker(s, 10, employment.LangZH)
	}
	lat := make([]time.Duration, len(ss))
	examined := 0
	for i, s := range ss {
		t0 := time.Now()
		ms, st := m.ForSeeker(s, 10, employment.LangZH)
		lat[i] = time.Since(t0)
		examined += st.Examined
		if len(ms) > 0 && ms[0].Explanation == "" {
			panic("no explanation")
		}
	}
	p50, p99, mean := stats(lat)
	fmt.Printf("one seeker, top 10 of %d open vacancies, explanations (zh-CN and en) included\n", m.Vacancies())
	fmt.Printf("  index build          %s\n", build.Round(time.Millisecond))
	fmt.Printf("  queries              %d\n", len(ss))
	fmt.Printf("  latency p50          %s   (target ≤ 5 ms)\n", p50)
	fmt.Printf("  latency p99          %s   (target ≤ 20 ms)\n", p99)
	fmt.Printf("  latency mean         %s\n", mean)
	fmt.Printf("  candidates examined  %d per query on average (of %d; the tiered search stops early)\n\n", examined/len(ss), m.Vacancies())
}

func batch(seed uint64, nSeek, nVac int) {
	g := employment.NewSynth(seed + 1)
	vs := vacancies(g, nVac)
	ss := seekers(g, vs, nSeek)
	runtime.GC()
	start := time.Now()
	m := employment.NewMatcher(employment.EmbeddedRules(today), g.Catalog(), today, vs, ss)
	res := m.Batch(employment.BatchOptions{TopN: 10, K: 3})
	el := time.Since(start)
	c := res.Coverage
	fmt.Printf("batch: %d seekers × %d vacancies, top 10 each, K = 3\n", c.Seekers, c.Vacancies)
	fmt.Printf("  time                 %s   (target ≤ 60 s; index build included)\n", el.Round(time.Millisecond))
	fmt.Printf("  recommendations      %d (%d seekers with 10, %d with none), %d rounds\n", c.Recommendations, c.SeekersFull, c.SeekersNone, c.Rounds)
	fmt.Printf("  vacancy coverage     %d.%02d%% listed, %d saturated at 3 × openings, max load %d.%02d%% of capacity\n",
		c.CoverageBP/100, c.CoverageBP%100, c.VacanciesSaturated, c.MaxLoadBP/100, c.MaxLoadBP%100)
	fmt.Printf("  peak memory          %s resident so far (target ≤ 2 GiB)\n\n", peakRSS())
}

func fair(seed uint64, nSeek, nEmp int) {
	r := rand.New(rand.NewPCG(seed, 99))
	hosts := make([]employment.FairHost, nEmp)
	slots := 0
	for i := range hosts {
		hosts[i] = employment.FairHost{ID: int64(i + 1), Slots: 10 + r.IntN(31)}
		slots += hosts[i].Slots
	}
	ss := make([]employment.FairSeeker, nSeek)
	for i := range ss {
		s := employment.FairSeeker{ID: int64(i + 1)}
		for _, h := range r.Perm(nEmp)[:5+r.IntN(6)] {
			s.Prefs = append(s.Prefs, int64(h+1))
			s.Scores = append(s.Scores, employment.Points(r.IntN(10001)))
		}
		ss[i] = s
	}
	var best time.Duration
	var ivs []employment.Interview
	for range 5 {
		start := time.Now()
		ivs = employment.DeferredAcceptance(ss, hosts, 3)
		if el := time.Since(start); best == 0 || el < best {
			best = el
		}
	}
	clashes := 0
	for _, iv := range ivs {
		if iv.Clash {
			clashes++
		}
	}
	fmt.Printf("job fair: deferred acceptance, %d seekers (5-10 ranked employers, up to 3 interviews) × %d employers (%d slots)\n", nSeek, nEmp, slots)
	fmt.Printf("  time                 %s best of 5   (target ≤ 1 s)\n", best.Round(time.Microsecond))
	fmt.Printf("  interviews           %d (%d time clashes)\n", len(ivs), clashes)
}

func stats(lat []time.Duration) (p50, p99, mean time.Duration) {
	s := slices.Clone(lat)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	q := func(p int) time.Duration { return s[min(len(s)-1, len(s)*p/100)] }
	return q(50).Round(time.Microsecond), q(99).Round(time.Microsecond), (sum / time.Duration(len(s))).Round(time.Microsecond)
}

// peakRSS reads the peak resident set size of this process (Linux).
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")), "%d", &kb)
			return fmt.Sprintf("%d MiB", kb/1024)
		}
	}
	return "unknown"
}
