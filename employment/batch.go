package employment

import (
	"runtime"
	"slices"
	"sync"
)

// BatchOptions configures a capacity-aware batch run.
type BatchOptions struct {
	Division string // only seekers registered in this division; "" for all
	TopN     int    // recommendations per seeker (default 10)
	K        int    // capacity factor: a vacancy appears in at most K × openings lists (default 3)
	Workers  int    // parallel searches (default: the number of CPUs)
}

// BatchEntry is one recommendation of a batch run.
type BatchEntry struct {
	SeekerID  int64  `json:"seeker_id"`
	VacancyID int64  `json:"vacancy_id"`
	Rank      int    `json:"rank"`
	Score     Points `json:"score"`
}

// Coverage reports how a batch run spread its recommendations.
type Coverage struct {
	Division           string `json:"division,omitempty"`
	TopN               int    `json:"top_n"`
	K                  int    `json:"k"`
	Seekers            int    `json:"seekers"`             // seekers matched
	SeekersFull        int    `json:"seekers_full"`        // with TopN recommendations
	SeekersNone        int    `json:"seekers_none"`        // with none
	Recommendations    int    `json:"recommendations"`     // entries in all lists
	Vacancies          int    `json:"vacancies"`           // open vacancies considered
	VacanciesListed    int    `json:"vacancies_listed"`    // in at least one list
	VacanciesSaturated int    `json:"vacancies_saturated"` // in K × openings lists
	CoverageBP         int    `json:"coverage_bp"`         // VacanciesListed / Vacancies in basis points
	MaxLoadBP          int    `json:"max_load_bp"`         // the highest lists / (K × openings) of any vacancy, basis points (≤ 10000)
	Rounds             int    `json:"rounds"`
}

// BatchResult is the outcome of a batch run: the lists, seeker by seeker
// in ID order and each best first, and the coverage report.
type BatchResult struct {
	Entries  []BatchEntry `json:"entries"`
	Coverage Coverage     `json:"coverage"`
}

// maxRounds bounds the rounds of a batch run.
const maxRounds = 6

// Batch recommends up to TopN open vacancies to every active seeker of
// the division (opted-out seekers excluded), such that no vacancy is in
// more than K × openings lists. Each round every seeker still short of
// TopN proposes its best unsaturated vacancies; proposals are granted in
// order of score (ties by seeker ID, then vacancy ID) while the vacancy
// has capacity; saturated vacancies drop out of the next round's
// searches. The result is deterministic whatever the number of workers.
func (m *Matcher) Batch(opt BatchOptions) BatchResult {
	opt = batchDefaults(opt)
	b := newBatchRun(m, opt)
	for b.round() {
	}
	return b.result()
}

func batchDefaults(opt BatchOptions) BatchOptions {
	if opt.TopN <= 0 {
		opt.TopN = 10
	}
	if opt.K <= 0 {
		opt.K = 3
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.NumCPU()
	}
	return opt
}

type batchRun struct {
	m         *Matcher
	opt       BatchOptions
	seekers   []int32 // positions in m.seeks
	lists     [][]hit // per seeker (aligned with seekers)
	exhausted []bool
	load      []int32 // per vacancy position
	capacity  []int32
	blocked   []bool
	rounds    int
}

func newBatchRun(m *Matcher, opt BatchOptions) *batchRun {
	b := &batchRun{m: m, opt: opt, load: make([]int32, len(m.vacs)), capacity: make([]int32, len(m.vacs)), blocked: make([]bool, len(m.vacs))}
	for i := range m.seeks {
		if opt.Division == "" || m.seekRows[i].Division == opt.Division {
			b.seekers = append(b.seekers, int32(i))
		}
	}
	b.lists = make([][]hit, len(b.seekers))
	b.exhausted = make([]bool, len(b.seekers))
	for i := range m.vacRows {
		b.capacity[i] = int32(opt.K * max(1, m.vacRows[i].Openings-m.vacRows[i].Filled))
	}
	return b
}

// proposal is a seeker's bid for a vacancy in one round.
type proposal struct {
	seeker int32 // index into batchRun.seekers
	h      hit
}

// round runs one round and reports whether another may grant more.
func (b *batchRun) round() bool {
	if b.rounds == maxRounds {
		return false
	}
	b.rounds++
	props := b.propose()
	slices.SortFunc(props, func(x, y proposal) int {
		if x.h.score != y.h.score {
			return int(y.h.score - x.h.score)
		}
		if c := cmpID(b.m.seeks[b.seekers[x.seeker]].id, b.m.seeks[b.seekers[y.seeker]].id); c != 0 {
			return c
		}
		return cmpID(x.h.id, y.h.id)
	})
	granted := 0
	for _, p := range props {
		v := p.h.item
		if len(b.lists[p.seeker]) >= b.opt.TopN || b.blocked[v] {
			continue
		}
		b.lists[p.seeker] = append(b.lists[p.seeker], p.h)
		granted++
		if b.load[v]++; b.load[v] >= b.capacity[v] {
			b.blocked[v] = true
		}
	}
	return granted > 0
}

// propose searches, in parallel, the next candidates of every seeker
// still short of TopN.
func (b *batchRun) propose() []proposal {
	var pending []int32
	for i := range b.seekers {
		if !b.exhausted[i] && len(b.lists[i]) < b.opt.TopN {
			pending = append(pending, int32(i))
		}
	}
	out := make([][]proposal, b.opt.Workers)
	var wg sync.WaitGroup
	for w := 0; w < b.opt.Workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for j := w; j < len(pending); j += b.opt.Workers {
				out[w] = append(out[w], b.candidates(pending[j])...)
			}
		}(w)
	}
	wg.Wait()
	var all []proposal
	for _, o := range out {
		all = append(all, o...)
	}
	return all
}

// candidates returns seeker i's best unsaturated vacancies not yet in its
// list: twice as many as it still needs.
func (b *batchRun) candidates(i int32) []proposal {
	have := b.lists[i]
	ask := 2*(b.opt.TopN-len(have)) + len(have)
	var st Stats
	hits := b.m.searchVacancies(&b.m.seeks[b.seekers[i]], ask, b.blocked, &st)
	if len(hits) < ask {
		b.exhausted[i] = true // every candidate has been seen
	}
	var out []proposal
	for _, h := range hits {
		if !slices.ContainsFunc(have, func(x hit) bool { return x.item == h.item }) {
			out = append(out, proposal{i, h})
		}
	}
	return out
}

func (b *batchRun) result() BatchResult {
	c := Coverage{Division: b.opt.Division, TopN: b.opt.TopN, K: b.opt.K, Seekers: len(b.seekers), Vacancies: len(b.m.vacs), Rounds: b.rounds}
	var entries []BatchEntry
	for i, l := range b.lists {
		slices.SortFunc(l, func(x, y hit) int {
			if x.score != y.score {
				return int(y.score - x.score)
			}
			return cmpID(x.id, y.id)
		})
		switch len(l) {
		case b.opt.TopN:
			c.SeekersFull++
		case 0:
			c.SeekersNone++
		}
		for r, h := range l {
			entries = append(entries, BatchEntry{SeekerID: b.m.seeks[b.seekers[i]].id, VacancyID: h.id, Rank: r + 1, Score: h.score})
		}
	}
	c.Recommendations = len(entries)
	for v, n := range b.load {
		if n > 0 {
			c.VacanciesListed++
		}
		if b.blocked[v] {
			c.VacanciesSaturated++
		}
		c.MaxLoadBP = max(c.MaxLoadBP, int(n)*full/int(b.capacity[v]))
	}
	if c.Vacancies > 0 {
		c.CoverageBP = c.VacanciesListed * full / c.Vacancies
	}
	slices.SortFunc(entries, func(x, y BatchEntry) int {
		if c := cmpID(x.SeekerID, y.SeekerID); c != 0 {
			return c
		}
		return x.Rank - y.Rank
	})
	return BatchResult{Entries: entries, Coverage: c}
}
