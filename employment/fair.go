package employment

import (
	"container/heap"
	"slices"
)

// FairSeeker is a seeker at a job fair: the employers it wants an
// interview with, best first, and each employer's score of the seeker
// (its best match score over the employer's vacancies at the fair).
type FairSeeker struct {
	ID     int64
	Prefs  []int64  // employer IDs, best first
	Scores []Points // aligned with Prefs: how that employer rates the seeker
	Busy   []int    // slots the seeker booked themselves (FairBooking): no interview is put there, and each counts against the quota
}

// FairHost is an employer at a job fair with its interview slots.
type FairHost struct {
	ID     int64
	Slots  int
	Booked []int // slots citizens booked (FairBooking): kept, and given to nobody else
}

// free returns the slots of h not booked by citizens.
func (h FairHost) free() int { return max(0, h.Slots-len(h.Booked)) }

// Interview is one allocated interview slot.
type Interview struct {
	SeekerID   int64  `json:"seeker_id"`
	EmployerID int64  `json:"employer_id"`
	SeekerRank int    `json:"seeker_rank"` // position of the employer in the seeker's preferences, from 1
	Score      Points `json:"score"`       // the employer's score of the seeker
	Slot       int    `json:"slot"`        // 0-based slot of the employer's schedule
	Clash      bool   `json:"clash,omitempty"`
}

// DeferredAcceptance allocates interview slots by seeker-proposing
// deferred acceptance (Gale–Shapley) with capacities: each employer holds
// at most Slots seekers, each seeker at most quota interviews. Employers
// prefer higher scores, ties by lower seeker ID. The result is stable: no
// seeker and employer would both rather have each other than what they
// got, and it is the best stable allocation for every seeker. Slots
// booked by citizens are the hosts' Booked and the seekers' Busy: they
// lower the employer's capacity and the seeker's quota, and no interview
// is put in them. Interviews are listed by employer ID, then slot; slots
// follow the employer's preference, moved so that a seeker's interviews
// and booking fall in distinct slots where the schedule allows (Clash
// marks those it could not move).
func DeferredAcceptance(seekers []FairSeeker, hosts []FairHost, quota int) []Interview {
	quota = max(1, quota)
	hostIdx := make(map[int64]int, len(hosts))
	held := make([]heldHeap, len(hosts))
	for i, h := range hosts {
		hostIdx[h.ID] = i
	}
	next := make([]int, len(seekers))
	count := make([]int, len(seekers))
	free := make([]int, 0, len(seekers))
	for i := len(seekers) - 1; i >= 0; i-- {
		free = append(free, i)
	}
	for len(free) > 0 {
		s := free[len(free)-1]
		free = free[:len(free)-1]
		for count[s] < quota-len(seekers[s].Busy) && next[s] < len(seekers[s].Prefs) {
			p := next[s]
			next[s]++
			h, ok := hostIdx[seekers[s].Prefs[p]]
			if !ok || hosts[h].free() <= 0 {
				continue
			}
			o := offer{seeker: s, id: seekers[s].ID, score: seekers[s].Scores[p], rank: p + 1}
			count[s]++
			if held[h].Len() < hosts[h].free() {
				heap.Push(&held[h], o)
				continue
			}
			worst := held[h].items[0]
			if !o.beats(worst) {
				count[s]--
				continue
			}
			held[h].items[0] = o
			heap.Fix(&held[h], 0)
			count[worst.seeker]--
			free = append(free, worst.seeker)
		}
	}
	return schedule(seekers, hosts, held)
}

type offer struct {
	seeker int
	id     int64
	score  Points
	rank   int
}

// beats reports whether the employer prefers o to p.
func (o offer) beats(p offer) bool { return o.score > p.score || o.score == p.score && o.id < p.id }

// heldHeap keeps an employer's held offers with the worst on top.
type heldHeap struct{ items []offer }

func (h heldHeap) Len() int           { return len(h.items) }
func (h heldHeap) Less(i, j int) bool { return h.items[j].beats(h.items[i]) }
func (h heldHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *heldHeap) Push(x any)        { h.items = append(h.items, x.(offer)) }
func (h *heldHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// schedule turns the held offers into interviews with slots.
func schedule(seekers []FairSeeker, hosts []FairHost, held []heldHeap) []Interview {
	order := make([]int, len(hosts))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmpID(hosts[a].ID, hosts[b].ID) })
	busy := map[int64]map[int]bool{} // seeker → slots taken
	for _, s := range seekers {
		for _, slot := range s.Busy {
			if busy[s.ID] == nil {
				busy[s.ID] = map[int]bool{}
			}
			busy[s.ID][slot] = true
		}
	}
	var out []Interview
	for _, h := range order {
		offers := slices.Clone(held[h].items)
		slices.SortFunc(offers, func(a, b offer) int {
			if a.beats(b) {
				return -1
			}
			return 1
		})
		taken := make([]bool, hosts[h].Slots)
		for _, b := range hosts[h].Booked {
			if b >= 0 && b < len(taken) {
				taken[b] = true
			}
		}
		for _, o := range offers {
			slot, clash := pickSlot(taken, busy[o.id])
			taken[slot] = true
			if busy[o.id] == nil {
				busy[o.id] = map[int]bool{}
			}
			busy[o.id][slot] = true
			out = append(out, Interview{SeekerID: o.id, EmployerID: hosts[h].ID, SeekerRank: o.rank, Score: o.score, Slot: slot, Clash: clash})
		}
	}
	slices.SortFunc(out, func(a, b Interview) int {
		if c := cmpID(a.EmployerID, b.EmployerID); c != 0 {
			return c
		}
		return a.Slot - b.Slot
	})
	return out
}

// pickSlot returns the first free slot the seeker is not busy in, or the
// first free slot with clash set.
func pickSlot(taken []bool, busy map[int]bool) (int, bool) {
	first := -1
	for i, t := range taken {
		if t {
			continue
		}
		if !busy[i] {
			return i, false
		}
		if first < 0 {
			first = i
		}
	}
	return first, true
}
