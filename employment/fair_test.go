package employment

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func randomFair(r *rand.Rand, nSeekers, nHosts, prefs, slots int) ([]FairSeeker, []FairHost) {
	hosts := make([]FairHost, nHosts)
	for i := range hosts {
		hosts[i] = FairHost{ID: int64(i + 1), Slots: 1 + r.IntN(slots)}
	}
	seekers := make([]FairSeeker, nSeekers)
	for i := range seekers {
		s := FairSeeker{ID: int64(i + 1)}
		for _, h := range r.Perm(nHosts)[:min(prefs, nHosts)] {
			s.Prefs = append(s.Prefs, int64(h+1))
			s.Scores = append(s.Scores, Points(r.IntN(40)*250)) // coarse, so ties happen
		}
		seekers[i] = s
	}
	return seekers, hosts
}

// checkStable fails if a seeker and an employer would both rather have
// each other: the seeker has a free interview or ranks the employer above
// one it got, and the employer has a free slot or prefers the seeker to
// one it holds.
func checkStable(t *testing.T, seekers []FairSeeker, hosts []FairHost, quota int, got []Interview) {
	t.Helper()
	byHost := map[int64][]Interview{}
	bySeeker := map[int64][]Interview{}
	for _, iv := range got {
		byHost[iv.EmployerID] = append(byHost[iv.EmployerID], iv)
		bySeeker[iv.SeekerID] = append(bySeeker[iv.SeekerID], iv)
	}
	slots := map[int64]int{}
	for _, h := range hosts {
		slots[h.ID] = h.Slots
		if len(byHost[h.ID]) > h.Slots {
			t.Fatalf("employer %d over capacity", h.ID)
		}
	}
	for _, s := range seekers {
		mine := bySeeker[s.ID]
		if len(mine) > quota {
			t.Fatalf("seeker %d over quota", s.ID)
		}
		worstRank := 0
		for _, iv := range mine {
			worstRank = max(worstRank, iv.SeekerRank)
		}
		for p, h := range s.Prefs {
			already := false
			for _, iv := range mine {
				already = already || iv.EmployerID == h
			}
			if already || (len(mine) == quota && p+1 > worstRank) {
				continue // the seeker does not want h more than what it has
			}
			me := offer{id: s.ID, score: s.Scores[p]}
			held := byHost[h]
			if len(held) < slots[h] {
				t.Fatalf("blocking pair: seeker %d and employer %d with a free slot", s.ID, h)
			}
			for _, iv := range held {
				if me.beats(offer{id: iv.SeekerID, score: iv.Score}) {
					t.Fatalf("blocking pair: employer %d prefers seeker %d to %d", h, s.ID, iv.SeekerID)
				}
			}
		}
	}
}

func TestDeferredAcceptanceIsStable(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2))
	for trial := 0; trial < 300; trial++ {
		quota := 1 + trial%3
		seekers, hosts := randomFair(r, 5+r.IntN(60), 1+r.IntN(12), 1+r.IntN(6), 4)
		got := DeferredAcceptance(seekers, hosts, quota)
		checkStable(t, seekers, hosts, quota, got)
	}
}

func TestDeferredAcceptanceSchedulesDistinctSlots(t *testing.T) {
	seekers := []FairSeeker{{ID: 1, Prefs: []int64{10, 20}, Scores: []Points{9000, 9000}}, {ID: 2, Prefs: []int64{20, 10}, Scores: []Points{8000, 8000}}}
	got := DeferredAcceptance(seekers, []FairHost{{ID: 10, Slots: 2}, {ID: 20, Slots: 2}}, 2)
	if len(got) != 4 {
		t.Fatalf("got %v", got)
	}
	slots := map[int64]map[int]bool{}
	for _, iv := range got {
		if slots[iv.SeekerID] == nil {
			slots[iv.SeekerID] = map[int]bool{}
		}
		if slots[iv.SeekerID][iv.Slot] || iv.Clash {
			t.Fatalf("seeker %d has two interviews in slot %d: %v", iv.SeekerID, iv.Slot, got)
		}
		slots[iv.SeekerID][iv.Slot] = true
	}
}

func TestDeferredAcceptanceScale(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	seekers, hosts := randomFair(r, 10000, 500, 5, 40)
	start := time.Now()
	got := DeferredAcceptance(seekers, hosts, 1)
	t.Logf("10,000 seekers × 500 employers: %d interviews in %s", len(got), time.Since(start))
}

func TestBatchRespectsCapacity(t *testing.T) {
	vs, g := pool(t, 21, 800)
	var ss []SeekerRegistration
	for i := 0; i < 3000; i++ {
		ss = append(ss, g.Seeker(int64(i+1), int64(i+1), g.Division(), "senior", false, today))
	}
	m := NewMatcher(EmbeddedRules(today), g.Catalog(), today, vs, ss)
	res := m.Batch(BatchOptions{TopN: 5, K: 2, Workers: 3})
	res2 := m.Batch(BatchOptions{TopN: 5, K: 2, Workers: 1})
	if len(res.Entries) != len(res2.Entries) {
		t.Fatal("batch depends on the number of workers")
	}
	load := map[int64]int{}
	for i, e := range res.Entries {
		if e != res2.Entries[i] {
			t.Fatal("batch depends on the number of workers")
		}
		load[e.VacancyID]++
	}
	for id, n := range load {
		v, _ := m.Vacancy(id)
		if n > 2*v.Openings {
			t.Fatalf("vacancy %d in %d lists, capacity %d", id, n, 2*v.Openings)
		}
	}
	c := res.Coverage
	t.Logf("coverage %+v", c)
	if c.Seekers != m.Seekers() || c.VacanciesListed == 0 || c.CoverageBP <= 0 || c.MaxLoadBP > 10000 {
		t.Fatalf("coverage %+v", c)
	}
}

func TestDeferredAcceptanceKeepsBookings(t *testing.T) {
	// Employer 10 has 3 slots, slot 0 booked by a citizen; employer 20 has
	// 2 slots, slot 1 booked by seeker 1, who wants 10 and 30 as well.
	hosts := []FairHost{{ID: 10, Slots: 3, Booked: []int{0}}, {ID: 20, Slots: 2, Booked: []int{1}}, {ID: 30, Slots: 3}}
	seekers := []FairSeeker{
		{ID: 1, Prefs: []int64{10, 30}, Scores: []Points{9000, 9000}, Busy: []int{1}},
		{ID: 2, Prefs: []int64{10, 20}, Scores: []Points{8000, 8000}},
		{ID: 3, Prefs: []int64{10, 20}, Scores: []Points{7000, 7000}},
	}
	got := DeferredAcceptance(seekers, hosts, 2)
	per := map[int64]int{}
	for _, iv := range got {
		per[iv.SeekerID]++
		for _, h := range hosts {
			if h.ID == iv.EmployerID && slices.Contains(h.Booked, iv.Slot) {
				t.Fatalf("interview %+v in a booked slot", iv)
			}
		}
		if iv.SeekerID == 1 && (iv.Slot == 1 || iv.Clash) {
			t.Fatalf("seeker 1's interview %+v clashes with their booking in slot 1", iv)
		}
		if iv.Slot >= 3 {
			t.Fatalf("interview %+v past the employer's slots", iv)
		}
	}
	if per[1] != 1 {
		t.Fatalf("seeker 1 booked one slot and may have one interview more (quota 2), got %d: %v", per[1], got)
	}
	if per[2] != 2 || per[3] != 0 {
		t.Fatalf("employer 10's 2 free slots go to seekers 1 and 2, 20's one to seeker 2: got %v", got)
	}
}
