package insurance

import (
	"context"
	"time"

	"hrss/rules/fault"
	"hrss/rules/period"
)

// A month's close (Close) credits the personal accounts of every paid
// bill of the period: at a city's size millions of rows, too many for one
// transaction (write conflicts, predicate locks on PostgreSQL). So it runs
// in three steps, each its own transaction or transactions:
//
//  1. the period is marked closing (PeriodClosing), after the same checks
//     as before (assessed, no live run): from then on no run touches it
//     (Final), and a bill of it paid in full credits its accounts at once,
//     as for a closed period;
//  2. the accounts are credited in chunks of about CloseChunk persons, in
//     payer order (employers, then flexible workers, by ID): each chunk
//     credits a range of payers and records, in the same transaction, the
//     last payer it credited (PeriodState.Credited), so a chunk committed
//     is never done again and one rolled back is done whole by the next;
//  3. the period is marked closed and the close audited.
//
// A close stopped anywhere (a crash, an error, a cancelled context) is
// continued by the next Close of the period, which ends as a clean close
// would: the credits' key (person, period, kind, relation, source) makes
// a payer credited twice (by a payment and by its chunk) a no-op.

// CloseOptions tune Close.
type CloseOptions struct {
	// Progress, when set, is called after each chunk with the persons
	// whose bills' accounts are done and the period's billed persons.
	Progress func(done, total int)
}

// payerOrder is the order in which the close goes through the payers.
var payerOrder = []PayerKind{PayerEmployer, PayerFlexible}

// Close closes period p: it will never be re-assessed (corrections add
// adjustments instead), and the personal accounts of its paid bills are
// credited, in chunks (above). It fails with NotFound for a period never
// assessed and Conflict while a run holds it; a failure while crediting
// leaves the period closing, and closing it again continues. Closing a
// closed period does nothing.
func (s *Service) Close(ctx context.Context, p period.YearMonth, opt CloseOptions) (PeriodState, error) {
	c, err := authorize(ctx, actBatch, "")
	if err != nil {
		return PeriodState{}, err
	}
	st, err := s.beginClose(ctx, p)
	if err != nil || st.Status == PeriodClosed {
		return st, err
	}
	if err := s.creditClosing(ctx, st, opt.Progress); err != nil {
		return st, err
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		if st, err = tx.Period(ctx, p); err != nil || st.Status == PeriodClosed {
			return err // another close of p finished first
		}
		st.Status, st.ClosedAt, st.ClosedBy, st.Credited = PeriodClosed, s.now(), c.Actor(), PayerRef{}
		if err := tx.PutPeriod(ctx, st); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "insurance.period.close", "period/"+p.String())
	})
	return st, err
}

// CheckClose makes, reading only, the checks Close makes before it
// writes anything: the caller runs the bureau's batch jobs (a city-wide
// caseworker; Forbidden otherwise), the period was assessed (NotFound)
// and no live run holds it (Conflict). It returns the period's state: a
// closing or closed period passes (closing it continues, or does
// nothing). A server calls it to refuse a close at once before it
// queues one; the queued Close checks again when it starts.
func (s *Service) CheckClose(ctx context.Context, p period.YearMonth) (PeriodState, error) {
	if _, err := authorize(ctx, actBatch, ""); err != nil {
		return PeriodState{}, err
	}
	var st PeriodState
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		st, _, err = s.closable(ctx, tx, p, s.now())
		return err
	})
	return st, err
}

// closable reads period p in tx and fails unless it may be closed at
// now: NotFound for a period never assessed, Conflict while a run's lock
// was renewed within LockTTL. stale is the lock of a run that stopped,
// which the close removes (nil when none).
func (s *Service) closable(ctx context.Context, tx Tx, p period.YearMonth, now time.Time) (st PeriodState, stale *RunLock, err error) {
	if st, err = tx.Period(ctx, p); err != nil {
		return st, nil, err
	}
	if st.Status == "" || st.CurrentRun == 0 {
		return st, nil, fault.NotFoundf("period %s has not been assessed", p)
	}
	if st.Status.Final() {
		return st, nil, nil
	}
	l, held, err := tx.Lock(ctx, p)
	switch {
	case err != nil || !held:
		return st, nil, err
	case now.Sub(l.Heartbeat) < s.lockTTL():
		return st, nil, fault.Conflictf("period", "assessment.run_in_progress", "run %d of period %s is in progress; close it afterwards", l.Run, p)
	}
	return st, &l, nil
}

// beginClose marks p closing in one short transaction and returns its
// state (closed already: nothing to do; closing already: a close to
// continue).
func (s *Service) beginClose(ctx context.Context, p period.YearMonth) (st PeriodState, err error) {
	now := s.now()
	err = s.Store.Update(ctx, func(tx Tx) error {
		var stale *RunLock
		if st, stale, err = s.closable(ctx, tx, p, now); err != nil || st.Status.Final() {
			return err
		}
		if stale != nil {
			if err := tx.DeleteLock(ctx, p, stale.Run); err != nil {
				return err
			}
		}
		st.Status, st.Credited = PeriodClosing, PayerRef{}
		return tx.PutPeriod(ctx, st)
	})
	return st, err
}

// creditClosing credits, chunk after chunk, the accounts of the paid
// bills of closing period st from where its close stands, reporting
// progress after each chunk.
func (s *Service) creditClosing(ctx context.Context, st PeriodState, progress func(done, total int)) error {
	var done, total int
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		done, total, err = tx.BilledPersons(ctx, st.Period, st.CurrentRun, st.Credited)
		return err
	})
	if err != nil {
		return err
	}
	for {
		if progress != nil {
			progress(done, total)
		}
		n, more, err := s.creditChunk(ctx, st.Period)
		if err != nil || !more {
			return err
		}
		done += n
	}
}

// creditChunk credits the next chunk of closing period p in one
// transaction (Store.UpdateChunk) and returns its persons, or more false
// once every payer is done (or p is no longer closing: another close
// finished it).
func (s *Service) creditChunk(ctx context.Context, p period.YearMonth) (persons int, more bool, err error) {
	err = s.Store.UpdateChunk(ctx, func(tx Tx) error {
		persons, more = 0, false
		st, err := tx.Period(ctx, p)
		if err != nil || st.Status != PeriodClosing {
			return err
		}
		r, n, err := s.nextChunk(ctx, tx, st)
		if err != nil || n == 0 {
			return err
		}
		if err := s.creditPayers(ctx, tx, st, r); err != nil {
			return err
		}
		st.Credited = PayerRef{r.Kind, r.Last}
		persons, more = n, true
		return tx.PutPeriod(ctx, st)
	})
	return persons, more, err
}

// nextChunk finds the payers after st.Credited, of one kind, whose bills
// hold about CloseChunk persons (at least one payer), and their persons;
// none (0) when every payer is done.
func (s *Service) nextChunk(ctx context.Context, tx Tx, st PeriodState) (PayerRange, int, error) {
	limit := s.closeChunk()
	for _, kind := range payerOrder {
		if kind < st.Credited.Kind {
			continue
		}
		var after int64
		if kind == st.Credited.Kind {
			after = st.Credited.ID
		}
		payers, err := tx.BillPayers(ctx, st.Period, st.CurrentRun, kind, after, limit)
		if err != nil || len(payers) == 0 {
			if err != nil {
				return PayerRange{}, 0, err
			}
			continue
		}
		r, n := PayerRange{Kind: kind, First: payers[0].ID}, 0
		for _, b := range payers {
			r.Last, n = b.ID, n+b.Persons
			if n >= limit {
				break
			}
		}
		return r, max(n, 1), nil
	}
	return PayerRange{}, 0, nil
}

func (s *Service) closeChunk() int {
	if s.CloseChunk > 0 {
		return s.CloseChunk
	}
	return 5_000
}

// postCredits credits the personal accounts of the paid bills of one
// payer of period p once p is closing or closed (Final): each row and
// adjustment of a fully paid bill is recorded once as a paid
// contribution month. An open period credits nothing (its close will).
func (s *Service) postCredits(ctx context.Context, tx Tx, p period.YearMonth, only PayerRef) error {
	st, err := tx.Period(ctx, p)
	if err != nil || !st.Status.Final() {
		return err
	}
	return s.creditPayers(ctx, tx, st, PayerRange{Kind: only.Kind, First: only.ID, Last: only.ID})
}

// creditPayers credits the accounts of the fully paid bills of the
// payers r of period st, booked in the period's year, or once that
// year's accounts are closed in this year (at least the next).
func (s *Service) creditPayers(ctx context.Context, tx Tx, st PeriodState, r PayerRange) error {
	year := st.Period.Year()
	if closed, err := tx.YearClosed(ctx, year); err != nil {
		return err
	} else if closed {
		year = max(s.today().Y, st.Period.Year()+1)
	}
	return tx.PostPaidCredits(ctx, st.Period, st.CurrentRun, r, year, s.now())
}
