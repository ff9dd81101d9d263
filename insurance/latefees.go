package insurance

import (
	"context"
	"fmt"
	"time"

	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// The parameters that late fees and the allocation of payments read.
const (
	parLateFeeRate   = "contribution.late_fee_rate"  // 社会保险法 Art. 86
	parFeeAllocation = "contribution.fee_allocation" // 1 principal then fee, 2 fee then principal (unverified)
)

// FeeRounding is the rounding rule every late fee line states: each
// stretch of an unchanged unpaid principal is rounded on its own, as
// rules.Params.LateFee rounds (RULES.md §3, "each amount half-up to the
// fen", unverified).
const FeeRounding = "each line half-up to the fen (RULES.md §3 rounding, unverified)"

// LateFee is one billed line of late fee (滞纳金) on a bill: the fee on
// the unpaid principal for the days after From up to To inclusive, at
// the daily rate of contribution.late_fee_rate with its legal source.
type LateFee struct {
	ID         int64            `json:"id"`
	Run        int64            `json:"fee_run"` // the billing that made it
	Period     period.YearMonth `json:"period"`
	PayerKind  PayerKind        `json:"payer_kind"`
	PayerID    int64            `json:"payer_id"`
	Division   string           `json:"division"`
	Principal  money.Fen        `json:"principal"` // unpaid through the stretch
	From       period.Date      `json:"from"`      // the fee runs from the day after
	To         period.Date      `json:"to"`        // included
	Days       int              `json:"days"`
	Rate       string           `json:"rate"` // a day, as the parameter writes it
	Amount     money.Fen        `json:"amount"`
	Reference  string           `json:"reference"`  // the rate's legal source
	Confidence string           `json:"confidence"` // the rate's confidence
	Rounding   string           `json:"rounding"`
}

// FeeRun is one billing of late fees: the fees accrued to AsOf that no
// earlier billing covered.
type FeeRun struct {
	ID        int64       `json:"id"`
	AsOf      period.Date `json:"as_of"`
	Actor     string      `json:"actor"`
	Lines     int         `json:"lines"`
	Amount    money.Fen   `json:"amount"`
	CreatedAt time.Time   `json:"created_at"`
	Fees      []LateFee   `json:"fees,omitempty"`
}

// LateFeeFilter narrows a list of late fee lines; the zero value lists
// them all.
type LateFeeFilter struct {
	Period    period.YearMonth
	PayerKind PayerKind
	PayerID   int64
	Run       int64
}

// MoneyTx is what late fees, credits and refunds read and write inside a
// transaction (part of Tx).
type MoneyTx interface {
	InsertFeeRun(ctx context.Context, r *FeeRun) error // sets r.ID
	InsertLateFees(ctx context.Context, fees []LateFee) error
	// LateFees lists the late fee lines of f in (period, payer, to) order.
	LateFees(ctx context.Context, f LateFeeFilter) ([]LateFee, error)
	// FeeRuns lists the late fee billings, newest first.
	FeeRuns(ctx context.Context, limit int) ([]FeeRun, error)
	// FeeOwed returns the late fee billed on a bill and not yet paid.
	FeeOwed(ctx context.Context, p period.YearMonth, kind PayerKind, payer int64) (money.Fen, error)
	// Credits lists the payments with an overpaid part, with what was
	// re-matched and refunded of it.
	Credits(ctx context.Context, f CreditFilter) ([]Credit, error)
	InsertRefund(ctx context.Context, r *Refund) error // sets r.ID
	// UpdateRefund records a refund's status, decision and run.
	UpdateRefund(ctx context.Context, r Refund) error
	Refund(ctx context.Context, id int64) (Refund, error)
	Refunds(ctx context.Context, f RefundFilter) ([]Refund, error)
	InsertRefundRun(ctx context.Context, r *RefundRun) error // sets r.ID
	RefundRun(ctx context.Context, id int64) (RefundRun, error)
	RefundRuns(ctx context.Context) ([]RefundRun, error)
}

// billFees is a bill with what its late fee needs: its applied payments
// in date order and its billed fee lines.
type billFees struct {
	bill  Bill
	pays  []Payment
	lines []LateFee
}

// feeBills reads, in tx, every bill due before asOf with its payments
// and fee lines.
func (s *Service) feeBills(ctx context.Context, tx Tx, asOf period.Date) ([]billFees, error) {
	bills, err := tx.Bills(ctx, BillFilter{})
	if err != nil {
		return nil, err
	}
	lines, err := tx.LateFees(ctx, LateFeeFilter{})
	if err != nil {
		return nil, err
	}
	byBill := map[BillKey][]LateFee{}
	for _, l := range lines {
		k := BillKey{l.Period, l.PayerKind, l.PayerID}
		byBill[k] = append(byBill[k], l)
	}
	pays := map[period.YearMonth]map[payerKey][]Payment{}
	var out []billFees
	for _, b := range bills {
		if b.DueDate, err = s.Params.DueDate(b.Division, b.Period); err != nil {
			return nil, err
		}
		if !b.DueDate.Before(asOf) {
			continue
		}
		if pays[b.Period] == nil {
			list, err := tx.Payments(ctx, b.Period, 0, 0)
			if err != nil {
				return nil, err
			}
			pays[b.Period] = appliedByPayer(list)
		}
		out = append(out, billFees{bill: b, pays: pays[b.Period][payerKey{b.PayerKind, b.PayerID}], lines: byBill[BillKey{b.Period, b.PayerKind, b.PayerID}]})
	}
	return out, nil
}

// appliedByPayer groups the applied payments of a list by payer, in the
// list's (date) order.
func appliedByPayer(list []Payment) map[payerKey][]Payment {
	m := map[payerKey][]Payment{}
	for _, pay := range list {
		if pay.Status == "applied" {
			k := payerKey{pay.PayerKind, pay.PayerID}
			m[k] = append(m[k], pay)
		}
	}
	return m
}

// accrual is a bill's late fee on a date: the lines billed up to it,
// the stretches accrued since the last of them and not billed, and the
// principal unpaid and the fee paid on the date.
type accrual struct {
	billed   []LateFee
	unbilled []LateFee
	unpaid   money.Fen
	paid     money.Fen // principal applied by the date
	feePaid  money.Fen
}

// accrue walks bf's unpaid principal to asOf. The billed lines ending by
// asOf stand as billed; from the last of them (or the due date) the fee
// runs on the unpaid balance, each payment lowering it from the day
// after it is made, one line per stretch (LateFeeDays, half-up to the
// fen). Payments dated after asOf are ignored.
func (s *Service) accrue(bf billFees, asOf period.Date) (accrual, error) {
	var a accrual
	from := bf.bill.DueDate
	for _, l := range bf.lines {
		if !asOf.Before(l.To) {
			a.billed = append(a.billed, l)
			if from.Before(l.To) {
				from = l.To
			}
		}
	}
	a.unpaid = bf.bill.Due
	for _, p := range bf.pays {
		if asOf.Before(p.PaidOn) {
			break
		}
		if from.Before(p.PaidOn) {
			if err := s.stretch(&a, bf.bill, from, p.PaidOn); err != nil {
				return a, err
			}
			from = p.PaidOn
		}
		a.unpaid -= p.Applied
		a.paid += p.Applied
		a.feePaid += p.FeeApplied
	}
	if from.Before(asOf) {
		if err := s.stretch(&a, bf.bill, from, asOf); err != nil {
			return a, err
		}
	}
	a.unpaid = max(a.unpaid, 0)
	return a, nil
}

// stretch adds to a the fee line of the unpaid principal from the day
// after from to to; none when nothing is unpaid or the fee rounds to 0.
func (s *Service) stretch(a *accrual, b Bill, from, to period.Date) error {
	if a.unpaid <= 0 {
		return nil
	}
	fee, days, err := s.Params.LateFeeDays(a.unpaid, from, to, b.Division)
	if err != nil || fee == 0 {
		return err
	}
	rate, err := s.Params.Lookup(parLateFeeRate, from.AddDays(1), b.Division)
	if err != nil {
		return err
	}
	a.unbilled = append(a.unbilled, LateFee{Period: b.Period, PayerKind: b.PayerKind, PayerID: b.PayerID, Division: b.Division,
		Principal: a.unpaid, From: from, To: to, Days: days, Rate: rate.Text, Amount: fee,
		Reference: rate.Reference, Confidence: rate.Confidence, Rounding: FeeRounding})
	return nil
}

func feeSum(lines []LateFee) money.Fen {
	var t money.Fen
	for _, l := range lines {
		t += l.Amount
	}
	return t
}

// BillLateFees bills, in one transaction, every bill's late fee accrued
// to asOf that no earlier billing covered: one line per stretch of an
// unchanged unpaid principal since the last billed line (or the due
// date), with the rate, its legal source and confidence, the days and
// the rounding rule. A bill with nothing accrued gets no line, so a
// second billing on the same date bills nothing. The lines are owed
// with their bill: a collection pays them after the principal (the
// order contribution.fee_allocation says). It needs a city-wide
// caseworker; asOf may not be after today.
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
	var run FeeRun
	err = s.Store.Update(ctx, func(tx Tx) error {
		run = FeeRun{AsOf: asOf, Actor: c.Actor(), CreatedAt: s.now(), Fees: []LateFee{}}
		bfs, err := s.feeBills(ctx, tx, asOf)
		if err != nil {
			return err
		}
		for _, bf := range bfs {
			a, err := s.accrue(bf, asOf)
			if err != nil {
				return err
			}
			run.Fees = append(run.Fees, a.unbilled...)
		}
		run.Lines, run.Amount = len(run.Fees), feeSum(run.Fees)
		if err := tx.InsertFeeRun(ctx, &run); err != nil {
			return err
		}
		for i := range run.Fees {
			run.Fees[i].Run = run.ID
		}
		if err := tx.InsertLateFees(ctx, run.Fees); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "insurance.late_fees.bill", fmt.Sprintf("feerun/%d", run.ID))
	})
	return run, err
}

// LateFees lists the billed late fee lines of f that the caller may see
// (as Bills).
func (s *Service) LateFees(ctx context.Context, f LateFeeFilter) ([]LateFee, error) {
	c, err := authorize(ctx, actBills, "")
	if err != nil {
		return nil, err
	}
	var lines []LateFee
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		lines, err = tx.LateFees(ctx, f)
		return err
	})
	out := []LateFee{}
	for _, l := range lines {
		if seesBill(c, Bill{PayerKind: l.PayerKind, PayerID: l.PayerID, Division: l.Division}) {
			out = append(out, l)
		}
	}
	return out, err
}

// FeeRuns lists the late fee billings, newest first (at most limit when
// it is above 0): their day, actor and totals, no payer. Whoever reads
// bills may read them; the lines are LateFees, narrowed to the reader's.
func (s *Service) FeeRuns(ctx context.Context, limit int) ([]FeeRun, error) {
	if _, err := authorize(ctx, actBills, ""); err != nil {
		return nil, err
	}
	var runs []FeeRun
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		runs, err = tx.FeeRuns(ctx, limit)
		return err
	})
	if runs == nil {
		runs = []FeeRun{}
	}
	return runs, err
}

// feePrincipalFirst reports whether a payment made on day in division
// pays the principal before the late fee (contribution.fee_allocation).
func (s *Service) feePrincipalFirst(division string, day period.Date) (bool, error) {
	v, err := s.Params.Lookup(parFeeAllocation, day, division)
	if err != nil {
		return false, err
	}
	switch v.Dec().IntPart() {
	case 1:
		return true, nil
	case 2:
		return false, nil
	}
	return false, fault.Invalidf("", "late_fees.allocation", "%s is %s: it must be 1 (principal then late fee) or 2 (late fee then principal)", parFeeAllocation, v.Text)
}

// allocate splits amount over a bill's unpaid principal and its billed
// late fee owed in the order principalFirst says; the rest is the
// payer's credit.
func allocate(amount, principal, fee money.Fen, principalFirst bool) (toPrincipal, toFee, rest money.Fen) {
	if principalFirst {
		toPrincipal = min(amount, principal)
		toFee = min(amount-toPrincipal, fee)
	} else {
		toFee = min(amount, fee)
		toPrincipal = min(amount-toFee, principal)
	}
	return toPrincipal, toFee, amount - toPrincipal - toFee
}
