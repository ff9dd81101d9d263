package insurance

import (
	"context"
	"sort"

	"hrss/rules/period"
)

// Periods lists every assessed period with its state.
func (s *Service) Periods(ctx context.Context) ([]PeriodState, error) {
	if _, err := authorize(ctx, actBills, ""); err != nil {
		return nil, err
	}
	var out []PeriodState
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.ListPeriods(ctx)
		return err
	})
	return out, err
}

// Runs lists the assessment runs of period p, newest first.
func (s *Service) Runs(ctx context.Context, p period.YearMonth) ([]Run, error) {
	if _, err := authorize(ctx, actBills, ""); err != nil {
		return nil, err
	}
	var out []Run
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.ListRuns(ctx, p)
		return err
	})
	return out, err
}

// BillFilter selects bills of the current runs; zero fields do not filter.
type BillFilter struct {
	Period    period.YearMonth
	PayerKind PayerKind
	PayerID   int64
	Division  string
	Unpaid    bool // only bills with something still owed
	// FeeCandidates: only bills whose late fee may be owed or billed
	// (principal unpaid, a late fee line, a mark for recomputation).
	FeeCandidates bool
	Limit         int // at most this many (0: all)
	After         BillKey
	Payers        PayerRange // when Kind is set (every ID of it when Last is 0)
}

// BillKey orders bills: period, payer kind, payer.
type BillKey struct {
	Period    period.YearMonth `json:"period"`
	PayerKind PayerKind        `json:"payer_kind"`
	PayerID   int64            `json:"payer_id"`
}

// Bills lists the bills of the current runs matching f, in period and
// payer order, with what is due, paid and overpaid and the due date. A
// caller sees the bills of their reach only (see authorize). The list
// shown is audited (auditBills).
func (s *Service) Bills(ctx context.Context, f BillFilter) ([]Bill, error) {
	c, err := authorize(ctx, actBills, "")
	if err != nil {
		return nil, err
	}
	var rows []Bill
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		rows, err = tx.Bills(ctx, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := rows[:0]
	for _, b := range rows {
		if !seesBill(c, b) {
			continue
		}
		if b.DueDate, err = s.Params.DueDate(b.Division, b.Period); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	if err := s.auditBills(ctx, c, f, out); err != nil {
		return nil, err
	}
	return out, nil
}

// bookReassessmentOverpayments records, after a re-run, the part of each
// bill's applied payments that the new, lower bill no longer covers, and
// marks the late fee billed on the period's bills for the next billing
// to recompute on the new principal.
func (s *Service) bookReassessmentOverpayments(ctx context.Context, tx Tx, p period.YearMonth, run int64) error {
	if err := tx.MarkPeriodFeesStale(ctx, p, s.now()); err != nil {
		return err
	}
	return tx.BookOverpayments(ctx, p, run, s.now())
}

func sortBills(b []Bill) {
	sort.Slice(b, func(i, j int) bool {
		if b[i].PayerKind != b[j].PayerKind {
			return b[i].PayerKind < b[j].PayerKind
		}
		return b[i].PayerID < b[j].PayerID
	})
}
