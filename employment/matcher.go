package employment

import (
	"slices"
	"sort"
	"sync"

	"hrss/registry"
	"hrss/rules"
	"hrss/rules/period"
)

// Matcher ranks open vacancies for seekers and seekers for vacancies. It
// is built once from a catalog, the vacancies open on a day and the
// active seekers, and is then read-only: safe for concurrent use.
//
// A query scans the candidates tier by tier through the occupation code
// hierarchy (same occupation, same minor, medium and major category, then
// the rest) and stops as soon as no candidate in the remaining tiers can
// beat the N-th best: the result is exactly that of scoring every
// candidate, in the same order (score descending, ties by ID ascending).
type Matcher struct {
	cat      *Catalog
	today    period.Date
	rules    rules.EmploymentRules
	sc       scoring
	vacs     []vacProfile // sorted by (key, id)
	vacIdx   tierIndex
	vacByID  map[int64]int32
	vacRows  []Vacancy // aligned with vacs
	newest   []int32   // vacancy positions by valid_from descending, then id
	seeks    []seekProfile
	seekIdx  tierIndex
	seekByID map[int64]int32
	seekRows []SeekerRegistration // aligned with seeks
	pool     sync.Pool
}

// NewMatcher compiles the vacancies open on today and the active seekers
// (either list may be empty), to be scored by the weights and
// neighbouring divisions of r. Entries whose codes are not in cat still
// match, as unrelated occupations and unknown skills.
func NewMatcher(r rules.EmploymentRules, cat *Catalog, today period.Date, vacancies []Vacancy, seekers []SeekerRegistration) *Matcher {
	m := &Matcher{cat: cat, today: today, rules: r, sc: newScoring(r), vacByID: map[int64]int32{}, seekByID: map[int64]int32{}}
	m.addVacancies(vacancies)
	m.addSeekers(seekers)
	return m
}

func (m *Matcher) addVacancies(vs []Vacancy) {
	for _, v := range vs {
		if v.OpenOn(m.today) {
			m.vacRows = append(m.vacRows, v)
		}
	}
	sort.Slice(m.vacRows, func(i, j int) bool {
		a, b := m.vacRows[i].Occupation.key(), m.vacRows[j].Occupation.key()
		return a < b || a == b && m.vacRows[i].ID < m.vacRows[j].ID
	})
	m.vacs = make([]vacProfile, len(m.vacRows))
	for i := range m.vacRows {
		m.vacs[i] = m.compileVacancy(&m.vacRows[i])
		m.vacByID[m.vacRows[i].ID] = int32(i)
		m.vacIdx.add(m.vacs[i].key, int32(i))
	}
	m.vacIdx.sort(func(i int32) int64 { return m.vacs[i].id })
	m.newest = make([]int32, len(m.vacs))
	for i := range m.newest {
		m.newest[i] = int32(i)
	}
	slices.SortFunc(m.newest, func(a, b int32) int {
		va, vb := &m.vacRows[a], &m.vacRows[b]
		if c := vb.ValidFrom.Compare(va.ValidFrom); c != 0 {
			return c
		}
		return cmpID(va.ID, vb.ID)
	})
}

func (m *Matcher) addSeekers(ss []SeekerRegistration) {
	for _, s := range ss {
		if s.Status == Active && !s.OptOut {
			m.seekRows = append(m.seekRows, s)
		}
	}
	slices.SortFunc(m.seekRows, func(a, b SeekerRegistration) int { return cmpID(a.ID, b.ID) })
	m.seeks = make([]seekProfile, len(m.seekRows))
	for i := range m.seekRows {
		m.seeks[i] = m.compileSeeker(&m.seekRows[i])
		m.seekByID[m.seekRows[i].ID] = int32(i)
		for _, k := range m.seeks[i].keys {
			m.seekIdx.add(k, int32(i))
		}
		if len(m.seeks[i].keys) == 0 {
			m.seekIdx.add(0, int32(i))
		}
	}
	m.seekIdx.sort(func(i int32) int64 { return m.seeks[i].id })
}

func cmpID(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Vacancies returns the number of open vacancies m ranks.
func (m *Matcher) Vacancies() int { return len(m.vacs) }

// Seekers returns the number of active seekers m ranks.
func (m *Matcher) Seekers() int { return len(m.seeks) }

// Vacancy returns the open vacancy with the given ID.
func (m *Matcher) Vacancy(id int64) (Vacancy, bool) {
	i, ok := m.vacByID[id]
	if !ok {
		return Vacancy{}, false
	}
	return m.vacRows[i], true
}

func (m *Matcher) compileVacancy(v *Vacancy) vacProfile {
	p := vacProfile{id: v.ID, key: v.Occupation.key(), edu: int8(v.Education.Rank()), exp: int8(min(v.Experience, 100)),
		div: divOf(v.Division), salMin: int64(v.SalaryMin), salMax: int64(v.SalaryMax)}
	for _, code := range v.Skills {
		i, ok := m.cat.skillIndex[code]
		w := int32(2)
		if ok {
			w = int32(m.cat.skills[i].Weight)
		} else {
			i = -1 // an unknown skill nobody has
		}
		p.skills = append(p.skills, skillRef{int32(i), w})
		p.reqW += int64(w)
	}
	return p
}

func divOf(code string) int8 {
	if i, ok := divIndex[code]; ok {
		return i
	}
	return -1
}

func (m *Matcher) compileSeeker(s *SeekerRegistration) seekProfile {
	p := seekProfile{id: s.ID, edu: int8(s.Education.Rank()), exp: int8(min(s.Experience, 100)), div: divOf(s.Division),
		city: s.Mobility == MobilityCity, salMin: int64(s.SalaryMin)}
	for _, c := range s.Occupations {
		if k := c.key(); k != 0 && !slices.Contains(p.keys, k) {
			p.keys = append(p.keys, k)
		}
	}
	p.skills = make([]uint64, (len(m.cat.skills)+63)/64)
	for _, code := range s.Skills {
		if i, ok := m.cat.skillIndex[code]; ok && p.skills[i>>6]&(1<<(uint(i)&63)) == 0 {
			p.skills[i>>6] |= 1 << (uint(i) & 63)
			p.skillW += int64(m.cat.skills[i].Weight)
		}
	}
	if p.div >= 0 {
		p.accepted = 1 << uint(p.div)
	}
	for _, d := range s.Divisions {
		if i := divOf(d); i >= 0 {
			p.accepted |= 1 << uint(i)
		}
	}
	return p
}

// tierIndex lists items by occupation key so that every level of the
// hierarchy is a contiguous range.
type tierIndex struct {
	keys  []occKey
	items []int32
}

func (t *tierIndex) add(k occKey, item int32) {
	t.keys = append(t.keys, k)
	t.items = append(t.items, item)
}

func (t *tierIndex) sort(id func(int32) int64) {
	idx := make([]int, len(t.keys))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool {
		ka, kb := t.keys[idx[a]], t.keys[idx[b]]
		return ka < kb || ka == kb && id(t.items[idx[a]]) < id(t.items[idx[b]])
	})
	keys, items := make([]occKey, len(idx)), make([]int32, len(idx))
	for i, j := range idx {
		keys[i], items[i] = t.keys[j], t.items[j]
	}
	t.keys, t.items = keys, items
}

// span returns the range of entries whose key shares k's prefix at level p.
func (t *tierIndex) span(k occKey, p Proximity) (int, int) {
	sh := p.shift()
	lo := occKey(uint64(k>>sh) << sh)
	hi := uint64(k>>sh+1) << sh
	a := sort.Search(len(t.keys), func(i int) bool { return t.keys[i] >= lo })
	b := sort.Search(len(t.keys), func(i int) bool { return uint64(t.keys[i]) >= hi })
	return a, b
}

// scratch is the per-query memory: a visit stamp per item.
type scratch struct {
	stamp []uint32
	epoch uint32
}

func (m *Matcher) getScratch(n int) *scratch {
	sc, _ := m.pool.Get().(*scratch)
	if sc == nil || len(sc.stamp) < n {
		sc = &scratch{stamp: make([]uint32, n)}
	}
	sc.epoch++
	if sc.epoch == 0 {
		clear(sc.stamp)
		sc.epoch = 1
	}
	return sc
}

// hit is a scored candidate.
type hit struct {
	item  int32
	id    int64
	score Points
}

func better(a, b hit) bool { return a.score > b.score || a.score == b.score && a.id < b.id }

// topList keeps the n best hits, best first.
type topList struct {
	n    int
	hits []hit
}

func (t *topList) full() bool { return len(t.hits) == t.n }

func (t *topList) worst() Points { return t.hits[len(t.hits)-1].score }

func (t *topList) offer(h hit) {
	if t.full() && !better(h, t.hits[len(t.hits)-1]) {
		return
	}
	i := sort.Search(len(t.hits), func(i int) bool { return better(h, t.hits[i]) })
	if !t.full() {
		t.hits = append(t.hits, hit{})
	}
	copy(t.hits[i+1:], t.hits[i:])
	t.hits[i] = h
}

// occBound is the most occupation points a candidate in tier p can get.
func (sc *scoring) occBound(p Proximity) Points { return part(sc.w.Occupation, occFraction[p]) }

// Stats counts what a query examined and why candidates were refused.
type Stats struct {
	Candidates int          `json:"candidates"` // open vacancies (or active seekers) in the pool
	Examined   int          `json:"examined"`   // scored or refused before the search could stop
	Refused    map[Rule]int `json:"refused"`    // refusals among the examined, by hard filter
	refused    [5]int
}

func (st *Stats) finish() {
	st.Refused = map[Rule]int{}
	for i, r := range ruleList {
		if n := st.refused[i+1]; n > 0 {
			st.Refused[r] = n
		}
	}
}

// search walks idx tier by tier from keys and returns the n best items by
// eval (which returns ok=false for a refused pair and the rule broken).
// blocked items are skipped.
func (m *Matcher) search(idx *tierIndex, keys []occKey, n int, blocked []bool, st *Stats, eval func(item int32) (hit, int)) []hit {
	top := topList{n: n, hits: make([]hit, 0, n)}
	if n <= 0 || len(idx.items) == 0 {
		return nil
	}
	sc := m.getScratch(max(len(m.vacs), len(m.seeks)))
	defer m.pool.Put(sc)
	visit := func(a, b int) {
		for i := a; i < b; i++ {
			it := idx.items[i]
			if sc.stamp[it] == sc.epoch || (blocked != nil && blocked[it]) {
				continue
			}
			sc.stamp[it] = sc.epoch
			st.Examined++
			h, rule := eval(it)
			if rule != 0 {
				st.refused[rule]++
				continue
			}
			top.offer(h)
		}
	}
	for p := SameOccupation; p < Unrelated; p++ {
		for _, k := range keys {
			a, b := idx.span(k, p)
			visit(a, b)
		}
		if top.full() && top.worst() > m.sc.occBound(p+1)+m.sc.rest {
			return top.hits
		}
	}
	visit(0, len(idx.items))
	return top.hits
}

// eduRank returns the rank of an education level for the profiles.
func eduRank(e registry.Education) int8 { return int8(e.Rank()) }
