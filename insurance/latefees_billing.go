package insurance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"hrss/access"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// BillLateFees bills every bill's late fee due to asOf given every
// payment known that the lines billed before do not hold: a line no
// longer due (a payment dated back into its days, a credit re-matched, a
// re-assessment or correction of the principal) is reversed and its days
// billed again as due (see LateFee), then the fee accrued since the last
// line (or the due date) is billed, one line per stretch of an unchanged
// unpaid principal, with the rate, its legal source and confidence, the
// days and the rounding rule. So the lines of a bill add up to the fee
// due on its days, and a second billing on the same date bills nothing.
// Late fee paid beyond the fee billed once a correction lowered it
// becomes the payer's credit (FeeCredit). The lines are owed with their
// bill: a collection pays them after the principal (the order
// contribution.fee_allocation says). It needs a city-wide caseworker;
// asOf may not be after today nor before the last billing's date.
//
// The billing is batch work (access.Background) and commits in chunks of
// Service.FeeChunk bills of one period and payer kind, in key order: a
// bill's fee reads that bill's principal, payments, lines, credits and
// mark only, each chunk reads and writes its bills in one transaction,
// so the lines are those one transaction would bill. Each chunk renews
// the billing's heartbeat and advances its cursor: a billing
// interrupted (a crash, a lost database) is running until the next one
// takes it over once its heartbeat is Service.LockTTL old and bills its
// remaining chunks first, to its own date (at most 30 s: the job
// queue's next attempt, a lease of 1 min after a worker died, takes it
// over); a billing whose heartbeat is
// fresh is in progress and refuses another (Conflict). Billing a bill
// twice bills nothing the second time, so a chunk retried whole is
// harmless. The returned run's Fees are the lines this call billed.
func (s *Service) BillLateFees(ctx context.Context, asOf period.Date) (FeeRun, error) {
	c, err := authorize(ctx, actBatch, "")
	if err != nil {
		return FeeRun{}, err
	}
	if asOf.IsZero() {
		return FeeRun{}, fault.Invalidf("as_of", "late_fees.as_of", "the date is required (YYYY-MM-DD)")
	}
	if s.today().Before(asOf) {
		return FeeRun{}, fault.Invalidf("as_of", "late_fees.future", "late fees cannot be billed ahead of today (%s is after %s)", asOf, s.today())
	}
	ctx = access.Background(ctx)
	for {
		run, resumed, err := s.beginFeeRun(ctx, c, asOf)
		if err != nil {
			return FeeRun{}, err
		}
		if err := s.billFeeChunks(ctx, c, &run); err != nil {
			return run, err
		}
		if !resumed || run.AsOf == asOf {
			return run, nil
		}
	}
}

// beginFeeRun starts the billing to asOf, or takes over the last one if
// it was interrupted (resumed true; it may bill to an earlier date).
func (s *Service) beginFeeRun(ctx context.Context, c access.Caller, asOf period.Date) (run FeeRun, resumed bool, err error) {
	holder, err := newHolder()
	if err != nil {
		return FeeRun{}, false, err
	}
	now := s.now()
	err = s.Store.Update(ctx, func(tx Tx) error {
		resumed = false
		last, err := tx.FeeRuns(ctx, 1)
		if err != nil {
			return err
		}
		if len(last) > 0 {
			l := last[0]
			if l.Status == FeeRunRunning && now.Sub(l.Heartbeat) < s.feeLockTTL() {
				return fault.Conflictf("as_of", "late_fees.in_progress", "late fee billing %d to %s is in progress (last heartbeat %s); one billing at a time", l.ID, l.AsOf, l.Heartbeat.Format("2006-01-02 15:04:05"))
			}
			if asOf.Before(l.AsOf) {
				return fault.Conflictf("as_of", "late_fees.before_last", "late fees were billed to %s already (billing %d): bill to that day or later", l.AsOf, l.ID)
			}
			if l.Status == FeeRunRunning {
				return s.takeFeeRun(ctx, tx, c, l, holder, &run, &resumed)
			}
		}
		run = FeeRun{AsOf: asOf, Actor: c.Actor(), CreatedAt: now, Status: FeeRunRunning, Holder: holder, Heartbeat: now}
		if err := tx.InsertFeeRun(ctx, &run); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "insurance.late_fees.start", fmt.Sprintf("feerun/%d: to %s", run.ID, asOf))
	})
	run.Fees = []LateFee{}
	return run, resumed, err
}

// takeFeeRun takes interrupted billing l over for holder.
func (s *Service) takeFeeRun(ctx context.Context, tx Tx, c access.Caller, l FeeRun, holder string, run *FeeRun, resumed *bool) error {
	now := s.now()
	ok, err := tx.TakeFeeRun(ctx, l.ID, l.Holder, holder, now)
	if err != nil {
		return err
	}
	if !ok {
		return fault.Conflictf("as_of", "late_fees.in_progress", "late fee billing %d was taken over by another billing", l.ID)
	}
	l.Holder, l.Heartbeat = holder, now
	*run, *resumed = l, true
	return s.record(ctx, tx, c, "insurance.late_fees.resume", fmt.Sprintf("feerun/%d: to %s after %s", l.ID, l.AsOf, l.Cursor.Period))
}

// newHolder is a fresh random name of one billing's hold on its run.
func newHolder() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// billFeeChunks bills run's chunks from its cursor on, then marks it
// done and records the billing.
func (s *Service) billFeeChunks(ctx context.Context, c access.Caller, run *FeeRun) error {
	for {
		more, err := s.feeChunk(ctx, run)
		if err != nil {
			return err
		}
		if !more {
			break
		}
		if s.AfterFeeChunk != nil {
			s.AfterFeeChunk(run.Cursor)
		}
	}
	return s.Store.Update(ctx, func(tx Tx) error {
		st := FeeRunStep{ID: run.ID, Holder: run.Holder, Heartbeat: s.now(), Cursor: run.Cursor, Done: true}
		if err := s.stepFeeRun(ctx, tx, st); err != nil {
			return err
		}
		run.Status = FeeRunDone
		return s.record(ctx, tx, c, "insurance.late_fees.bill", fmt.Sprintf("feerun/%d: %d lines", run.ID, run.Lines))
	})
}

// stepFeeRun records st, or fails with Conflict when the billing was
// taken over.
func (s *Service) stepFeeRun(ctx context.Context, tx Tx, st FeeRunStep) error {
	ok, err := tx.StepFeeRun(ctx, st)
	if err == nil && !ok {
		err = fault.Conflictf("as_of", "late_fees.taken_over", "late fee billing %d was taken over by another billing (this one stalled past the lock's %s)", st.ID, s.feeLockTTL())
	}
	return err
}

// feeChunk bills, in one transaction, the next chunk of bills after
// run's cursor and advances it; more is false when no bill is left.
func (s *Service) feeChunk(ctx context.Context, run *FeeRun) (more bool, err error) {
	var fees []LateFee
	var step FeeRunStep
	err = s.Store.Update(ctx, func(tx Tx) error {
		more = false
		sc, ok, err := s.nextFeeScope(ctx, tx, run.Cursor)
		if err != nil || !ok {
			return err
		}
		var credits []FeeCredit
		var cleared []BillKey
		fees, credits, cleared, err = s.feesDue(ctx, tx, run, sc)
		if err != nil {
			return err
		}
		if err := tx.InsertLateFees(ctx, fees); err != nil {
			return err
		}
		for i := range credits {
			if err := tx.InsertFeeCredit(ctx, &credits[i]); err != nil {
				return err
			}
		}
		if err := tx.ClearFeeStale(ctx, cleared); err != nil {
			return err
		}
		step = FeeRunStep{ID: run.ID, Holder: run.Holder, Heartbeat: s.now(), Lines: len(fees), Amount: feeSum(fees),
			Cursor: BillKey{sc.Period, sc.Payers.Kind, sc.Payers.Last}}
		more = true
		return s.stepFeeRun(ctx, tx, step)
	})
	if err == nil && more {
		run.Cursor, run.Heartbeat = step.Cursor, step.Heartbeat
		run.Lines, run.Amount = run.Lines+step.Lines, run.Amount+step.Amount
		run.Fees = append(run.Fees, fees...)
	}
	return more, err
}

// nextFeeScope is the chunk after cursor: at most FeeChunk bills of one
// period's current run and one payer kind, in key order; ok is false
// when every bill is past the cursor.
func (s *Service) nextFeeScope(ctx context.Context, tx Tx, cursor BillKey) (FeeScope, bool, error) {
	periods, err := tx.ListPeriods(ctx)
	if err != nil {
		return FeeScope{}, false, err
	}
	for _, st := range periods {
		if st.Period < cursor.Period || st.CurrentRun == 0 {
			continue
		}
		for _, kind := range payerOrder {
			if st.Period == cursor.Period && kind < cursor.PayerKind {
				continue
			}
			var after int64
			if st.Period == cursor.Period && kind == cursor.PayerKind {
				after = cursor.PayerID
			}
			payers, err := tx.BillPayers(ctx, st.Period, st.CurrentRun, kind, after, s.feeChunkSize())
			if err != nil {
				return FeeScope{}, false, err
			}
			if len(payers) > 0 {
				return FeeScope{st.Period, PayerRange{kind, payers[0].ID, payers[len(payers)-1].ID}}, true, nil
			}
		}
	}
	return FeeScope{}, false, nil
}

// feeLockTTL is how old a running billing's heartbeat must be for
// another to take it over: LockTTL, at most 30 s (each chunk renews it).
func (s *Service) feeLockTTL() time.Duration { return min(s.lockTTL(), 30*time.Second) }

// feeChunkSize is the number of bills a late fee billing reads and bills per
// transaction.
func (s *Service) feeChunkSize() int {
	if s.FeeChunk > 0 {
		return s.FeeChunk
	}
	return 250
}

// feesDue returns the corrections and the new lines of every bill of sc
// due before run.AsOf (of run), the fee credits the corrections leave
// and the marked bills it recomputed.
func (s *Service) feesDue(ctx context.Context, tx Tx, run *FeeRun, sc FeeScope) ([]LateFee, []FeeCredit, []BillKey, error) {
	bfs, err := s.feeBills(ctx, tx, run.AsOf, sc)
	if err != nil {
		return nil, nil, nil, err
	}
	var fees []LateFee
	var credits []FeeCredit
	var cleared []BillKey
	for _, bf := range bfs {
		a, err := s.accrue(bf, run.AsOf)
		if err != nil {
			return nil, nil, nil, err
		}
		lines := append(a.fix, a.unbilled...)
		for i := range lines {
			lines[i].Run = run.ID
		}
		fees = append(fees, lines...)
		if bf.stale {
			cleared = append(cleared, BillKey{bf.bill.Period, bf.bill.PayerKind, bf.bill.PayerID})
		}
		if fc, ok := feeCreditOf(bf, feeSum(bf.lines)+feeSum(lines), run); ok {
			fc.Run = run.ID
			credits = append(credits, fc)
		}
	}
	return fees, credits, cleared, nil
}
