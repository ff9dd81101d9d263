package demo

import (
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"hrss/rules/period"
)

// Randomness is drawn from streams: one PCG per (aspect, index), seeded
// from the configured seed, so that person i's demographics depend only on
// the seed and i, not on the batch size or on what was drawn for other
// persons. A later generator (contribution history, job seekers,
// vacancies) takes a new aspect and leaves every existing row unchanged.
type aspect uint64

const (
	aspectEmployer aspect = iota + 1
	aspectPerson
	aspectCareer
	aspectSchools
	// New aspects go here, at the end, so that existing streams stay put.
)

// stream is one reseedable random source.
type stream struct {
	pcg rand.PCG
	*rand.Rand
}

func newStream() *stream {
	s := &stream{}
	s.Rand = rand.New(&s.pcg)
	return s
}

// reset positions s at the start of the stream for (seed, a, index).
func (s *stream) reset(seed uint64, a aspect, index uint64) {
	s.pcg.Seed(splitmix(seed^splitmix(uint64(a))), splitmix(index+uint64(a)<<56))
}

// splitmix is the SplitMix64 finaliser: a bijective mix of x.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// chance reports true with probability p.
func (s *stream) chance(p float64) bool { return s.Float64() < p }

// between returns a uniform integer in [lo, hi].
func (s *stream) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + s.IntN(hi-lo+1)
}

// lognormal returns median × e^(sigma·z) for a standard normal z.
func (s *stream) lognormal(median, sigma float64) float64 {
	return median * math.Exp(sigma*s.NormFloat64())
}

// table draws indices with probability proportional to their weights.
type table struct{ cum []float64 }

func newTable(weights []float64) table {
	cum := make([]float64, len(weights))
	t := 0.0
	for i, w := range weights {
		if w > 0 {
			t += w
		}
		cum[i] = t
	}
	return table{cum}
}

func tableOf[T any](ws []weighted[T]) table {
	w := make([]float64, len(ws))
	for i, x := range ws {
		w[i] = x.w
	}
	return newTable(w)
}

// empty reports whether the table has no positive weight.
func (t table) empty() bool { return len(t.cum) == 0 || t.cum[len(t.cum)-1] <= 0 }

// pick returns an index drawn from t, which must not be empty.
func (t table) pick(s *stream) int {
	x := s.Float64() * t.cum[len(t.cum)-1]
	i := sort.SearchFloat64s(t.cum, x)
	for i < len(t.cum)-1 && t.cum[i] <= x { // skip zero weights at x
		i++
	}
	return i
}

// pickOf draws from a weighted list.
func pickOf[T any](s *stream, ws []weighted[T]) T {
	x := s.Float64() * totalWeight(ws)
	for _, w := range ws {
		if x < w.w {
			return w.v
		}
		x -= w.w
	}
	return ws[len(ws)-1].v
}

func totalWeight[T any](ws []weighted[T]) float64 {
	t := 0.0
	for _, w := range ws {
		t += w.w
	}
	return t
}

// day is a date as a count of days since 1970-01-01: the generator's
// internal form of dates, cheap to add and compare.
type day int32

func dayOf(d period.Date) day { return day(d.Time().Unix() / 86400) }

func (d day) date() period.Date { return period.FromTime(time.Unix(int64(d)*86400, 0).UTC()) }

// addMonths returns the date n months after d (the day clipped to the
// month's length).
func addMonths(d period.Date, n int) period.Date {
	m := d.Month().Add(n)
	dd := min(d.D, period.DaysIn(m.Year(), m.Month()))
	return period.Date{Y: m.Year(), M: m.Month(), D: dd}
}

// addYears returns the date n years after d (29 February becomes 28).
func addYears(d period.Date, n int) period.Date { return addMonths(d, 12*n) }

// months converts a number of months to days (30.44 a month).
func months(n float64) day { return day(n * 30.44) }

// yearFrac returns the year of d as a fraction (2024.5 is mid-2024).
func yearFrac(d day) float64 { return 1970 + float64(d)/365.2425 }
