package main

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"sync"
)

// ledger is every write hrss acknowledged (answered 2xx), to be read
// back after the load.
type ledger struct {
	mu       sync.Mutex
	hires    map[int64]hired    // by relation
	wages    map[int64]*wageLog // by relation
	payments map[string]payment // by reference
	declares int                // wage declarations acknowledged
}

// wageLog is what may be a relation's wage now: the last acknowledged,
// or one sent after it whose answer was not 2xx (it may have been
// written all the same).
type wageLog struct {
	acked string
	later []string
}

// payment is one row of an acknowledged collection import.
type payment struct {
	Reference string `json:"reference"`
	Period    string `json:"period"`
	PayerID   int64  `json:"payer_id"`
	Amount    string `json:"amount"`
}

func newLedger() *ledger {
	return &ledger{hires: map[int64]hired{}, wages: map[int64]*wageLog{}, payments: map[string]payment{}}
}

// The recording methods do nothing on a nil ledger (the floor's clients).

func (l *ledger) hired(h hired) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hires[h.ID] = h
	l.wages[h.ID] = &wageLog{acked: h.Wage}
}

func (l *ledger) declaring(id int64, wage string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if w := l.wages[id]; w != nil {
		w.later = append(w.later, wage)
	}
}

func (l *ledger) declared(id int64, wage string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.wages[id] = &wageLog{acked: wage}
	l.declares++
}

func (l *ledger) paid(ps []payment) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, p := range ps {
		l.payments[p.Reference] = p
	}
}

// verify reads back, as the city-wide caseworker, every acknowledged
// hire (its parties and start), its wage (the last acknowledged) and
// every payment of an acknowledged import (its payer, period and
// amount), and returns what is missing or different, at most 20 lines.
func (l *ledger) verify(ctx context.Context, a *api, token string) ([]string, error) {
	var missing []string
	for _, id := range sortedKeys(l.hires) {
		var got hired
		if err := a.json(ctx, "GET", fmt.Sprintf("/api/v1/employments/%d", id), token, nil, &got); err != nil {
			missing = append(missing, fmt.Sprintf("hire %d: %v", id, err))
			continue
		}
		want := l.hires[id]
		if got.PersonID != want.PersonID || got.EmployerID != want.EmployerID || got.Start != want.Start {
			missing = append(missing, fmt.Sprintf("hire %d: person %d, employer %d from %s, not person %d, employer %d from %s", id, got.PersonID, got.EmployerID, got.Start, want.PersonID, want.EmployerID, want.Start))
		}
		if w := l.wages[id]; got.Wage != w.acked && !slices.Contains(w.later, got.Wage) {
			missing = append(missing, fmt.Sprintf("relation %d: declared wage %s, not the acknowledged %s", id, got.Wage, w.acked))
		}
	}
	more, err := l.verifyPayments(ctx, a, token)
	missing = append(missing, more...)
	if len(missing) > 20 {
		missing = append(missing[:20], fmt.Sprintf("… and %d more", len(missing)-20))
	}
	return missing, err
}

// verifyPayments reads the payments of each payer and period the
// acknowledged imports paid.
func (l *ledger) verifyPayments(ctx context.Context, a *api, token string) ([]string, error) {
	groups := map[string][]payment{}
	for _, p := range l.payments {
		key := fmt.Sprintf("period=%s&payer_kind=employer&payer_id=%d", url.QueryEscape(p.Period), p.PayerID)
		groups[key] = append(groups[key], p)
	}
	var missing []string
	for _, key := range sortedKeys(groups) {
		var got struct{ Items []payment }
		if err := a.json(ctx, "GET", "/api/v1/payments?"+key, token, nil, &got); err != nil {
			return missing, err
		}
		have := map[string]payment{}
		for _, p := range got.Items {
			have[p.Reference] = p
		}
		for _, want := range groups[key] {
			g, ok := have[want.Reference]
			switch {
			case !ok:
				missing = append(missing, fmt.Sprintf("payment %s (%s, employer %d, %s yuan): absent", want.Reference, want.Period, want.PayerID, want.Amount))
			case g.Amount != want.Amount:
				missing = append(missing, fmt.Sprintf("payment %s: %s yuan, not the imported %s", want.Reference, g.Amount, want.Amount))
			}
		}
	}
	return missing, nil
}

func sortedKeys[K int64 | string, V any](m map[K]V) []K {
	ks := make([]K, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}
