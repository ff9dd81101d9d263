package insurance_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"hrss/insurance"
	"hrss/rules/fault"
)

// TestInterruptedCloseEndsAsCleanClose closes the same month of the same
// city in two databases: cleanly in one; in the other the close is
// stopped after two chunks (its context cancelled), the bill of an
// employer whose chunk is done is paid while the period is closing (and
// must credit at once), and the close is run again.
// Both end with the same credits, hrss check passes at every step, and
// the closing period refuses a run as a closed one does.
func TestInterruptedCloseEndsAsCleanClose(t *testing.T) {
	closeTwins(t, func(t *testing.T, p string, a, b *city, clean, cut string) {
		payEmployers(t, a, p, func(id int64) bool { return id == 1 })

		ctx, cancel := context.WithCancel(system())
		var seen [][2]int
		_, err := b.svc.Close(ctx, ym(p), insurance.CloseOptions{Progress: func(done, total int) {
			if seen = append(seen, [2]int{done, total}); len(seen) == 3 {
				cancel()
			}
		}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the interrupted close: %v, want context.Canceled", err)
		}
		if st := periodState(t, b.svc, ym(p)); st.Status != insurance.PeriodClosing {
			t.Fatalf("after the interrupted close: %+v, want closing", st)
		}
		if got := len(credits(t, cut)); got == 0 || got >= len(credits(t, clean)) {
			t.Fatalf("the interrupted close credited %d rows, want some of %d", got, len(credits(t, clean)))
		}
		mustCheck(t, b.svc)
		if _, err := b.svc.Assess(system(), ym(p), insurance.AssessOptions{}); fault.KindOf(err) != fault.Conflict {
			t.Fatalf("re-running a closing period: %v, want Conflict as for a closed one", err)
		}
		payEmployers(t, b, p, func(id int64) bool { return id == 1 }) // its chunk is done: credited at once, as for a closed period
		mustCheck(t, b.svc)

		var resumed [][2]int
		st, err := b.svc.Close(system(), ym(p), insurance.CloseOptions{Progress: func(done, total int) { resumed = append(resumed, [2]int{done, total}) }})
		if err != nil || st.Status != insurance.PeriodClosed || st.ClosedBy == "" {
			t.Fatalf("the close run again: %+v, %v", st, err)
		}
		if len(seen) != 3 || seen[2][0] == 0 || resumed[0] != seen[2] || resumed[len(resumed)-1][0] != resumed[0][1] {
			t.Fatalf("progress %v then %v: the second close must go on from the first's last chunk to the end", seen, resumed)
		}
		if want, got := credits(t, clean), credits(t, cut); !slices.Equal(got, want) {
			t.Fatalf("credits after the interrupted close and its re-run:\n%s\nafter a clean close:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		mustCheck(t, b.svc)
		if _, err := b.svc.Assess(system(), ym(p), insurance.AssessOptions{}); fault.KindOf(err) != fault.Conflict {
			t.Fatalf("re-running the closed period: %v, want Conflict", err)
		}
	})
}

// TestCloseChunkFailureRollsBackWhole fails a close inside its third
// chunk, after the chunk's credits were written and before its last
// payer is recorded (the store's PutPeriod fails): the chunk is rolled
// back whole, the two before it stand, and the close run again ends with
// a clean close's credits.
func TestCloseChunkFailureRollsBackWhole(t *testing.T) {
	closeTwins(t, func(t *testing.T, p string, a, b *city, clean, cut string) {
		healthy := b.svc.Store
		b.svc.Store = &failingStore{Store: healthy, failAt: 3}
		if _, err := b.svc.Close(system(), ym(p), insurance.CloseOptions{}); !errors.Is(err, errInjected) {
			t.Fatalf("the close failing in its third chunk: %v", err)
		}
		b.svc.Store = healthy
		// Chunk 1 is employer 1 (unpaid: no credit), 2 employer 2, 3 employer 3 (rolled back).
		if st := periodState(t, b.svc, ym(p)); st.Status != insurance.PeriodClosing || st.Credited != (insurance.PayerRef{Kind: insurance.PayerEmployer, ID: 2}) {
			t.Fatalf("after the failed chunk: %+v, want closing with employer 2 credited last", st)
		}
		var want []string
		for _, c := range credits(t, clean) {
			if f := strings.Fields(c); f[2] == "1" && f[5] == "2" {
				want = append(want, c)
			}
		}
		if got := credits(t, cut); len(want) == 0 || !slices.Equal(got, want) {
			t.Fatalf("after the failed chunk the credits are\n%s\nwant employer 2's only:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		mustCheck(t, b.svc)
		if _, err := b.svc.Close(system(), ym(p), insurance.CloseOptions{}); err != nil {
			t.Fatal(err)
		}
		if want, got := credits(t, clean), credits(t, cut); !slices.Equal(got, want) {
			t.Fatalf("credits after the failed close and its re-run:\n%s\nafter a clean close:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		mustCheck(t, b.svc)
	})
}

var errInjected = errors.New("injected failure")

// failingStore is a store whose transactions fail at the failAt-th
// recording of a closing period's progress, once the chunk's credits are
// written.
type failingStore struct {
	insurance.Store
	failAt, puts int
}

func (s *failingStore) UpdateChunk(ctx context.Context, fn func(insurance.Tx) error) error {
	return s.Store.UpdateChunk(ctx, func(tx insurance.Tx) error { return fn(failingTx{tx, s}) })
}

type failingTx struct {
	insurance.Tx
	s *failingStore
}

func (t failingTx) PutPeriod(ctx context.Context, st insurance.PeriodState) error {
	if st.Status == insurance.PeriodClosing && st.Credited.ID != 0 {
		if t.s.puts++; t.s.puts == t.s.failAt {
			return errInjected
		}
	}
	return t.Tx.PutPeriod(ctx, st)
}

// closeTwins runs test, on each engine, over two databases holding the
// same city with period p assessed and paid in part (closeCity): a
// closed cleanly, b not yet closed.
func closeTwins(t *testing.T, test func(t *testing.T, p string, a, b *city, clean, cut string)) {
	clean, cut := engines(t), engines(t)
	for name := range clean {
		t.Run(name, func(t *testing.T) {
			p := "2025-03"
			a, b := closeCity(t, clean[name], p), closeCity(t, cut[name], p)
			if _, err := a.svc.Close(system(), ym(p), insurance.CloseOptions{}); err != nil {
				t.Fatal(err)
			}
			test(t, p, a, b, clean[name], cut[name])
		})
	}
}

// closeCity is a city of dsn with period p assessed and the bills of its
// employers 2 to 4 paid, closed a few persons (one employer) a chunk.
func closeCity(t *testing.T, dsn, p string) *city {
	t.Helper()
	c := newCity(t, openDSN(t, dsn), 60)
	c.svc.CloseChunk = 7
	if _, err := c.svc.Assess(system(), ym(p), insurance.AssessOptions{}); err != nil {
		t.Fatal(err)
	}
	payEmployers(t, c, p, func(id int64) bool { return id >= 2 })
	return c
}

// credits lists the account credits of dsn, in key order, without the
// time they were written.
func credits(t *testing.T, dsn string) []string {
	t.Helper()
	rows, err := openRaw(t, dsn).Query(`SELECT person_id, period, kind, relation_id, source, payer_id, base, amount, unemployment, book_year
		FROM ins_credits ORDER BY person_id, period, kind, relation_id, source`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var person, per, kind, rel, payer, base, amount, unemp, year int64
		var source string
		if err := rows.Scan(&person, &per, &kind, &rel, &source, &payer, &base, &amount, &unemp, &year); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d %d %d %d %s %d %d %d %d %d", person, per, kind, rel, source, payer, base, amount, unemp, year))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
