package insurance

import (
	"context"
	"fmt"
	"time"

	"hrss/bank"
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
// A line is never changed once billed: when a later billing finds it no
// longer due (a payment dated back into its days, a credit re-matched, a
// re-assessment of the principal), it bills a reversal (Cause
// "reversal", Reverses naming the line, the opposite amount, the same
// days and rule) and the stretch again as it is due (Cause
// "recomputed").
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
	Reverses   int64            `json:"reverses,omitempty"` // the line a reversal takes back
	Cause      string           `json:"cause,omitempty"`    // "", FeeReversal or FeeRecomputed
}

// The causes of a correcting late fee line.
const (
	FeeReversal   = "reversal"   // takes back a line no longer due
	FeeRecomputed = "recomputed" // bills a reversed line's days as they are due
)

// FeeCredit is late fee paid beyond the fee billed once a correction
// lowered it: the payer's credit, re-matched or refunded as an overpaid
// collection is (see Credits).
type FeeCredit struct {
	ID        int64            `json:"id"`
	Run       int64            `json:"fee_run"`
	Period    period.YearMonth `json:"period"`
	PayerKind PayerKind        `json:"payer_kind"`
	PayerID   int64            `json:"payer_id"`
	Amount    money.Fen        `json:"amount"`
	Source    string           `json:"source"` // the payment whose money it is
	CreatedAt time.Time        `json:"created_at"`
}

// FeeRun is one billing of late fees: the fees accrued to AsOf that no
// earlier billing covered. It commits in chunks of bills (see
// BillLateFees): Lines and Amount are those of the chunks committed, the
// Cursor the last bill billed.
type FeeRun struct {
	ID        int64       `json:"id"`
	AsOf      period.Date `json:"as_of"`
	Actor     string      `json:"actor"`
	Lines     int         `json:"lines"`
	Amount    money.Fen   `json:"amount"`
	CreatedAt time.Time   `json:"created_at"`
	Status    string      `json:"status"` // FeeRunRunning or FeeRunDone
	Fees      []LateFee   `json:"fees,omitempty"`
	Holder    string      `json:"-"` // the billing that holds a running one
	Heartbeat time.Time   `json:"-"` // renewed by each chunk
	Cursor    BillKey     `json:"-"` // the last bill billed, in key order
}

// The statuses of a late fee billing.
const (
	FeeRunRunning = "running" // chunks are still to bill
	FeeRunDone    = "done"
)

// FeeRunStep is what one chunk of a billing records on its run: the
// lines and amount it added, the last bill it billed, the heartbeat, and
// Done for the billing's last step.
type FeeRunStep struct {
	ID        int64
	Holder    string
	Heartbeat time.Time
	Cursor    BillKey
	Lines     int
	Amount    money.Fen
	Done      bool
}

// LateFeeFilter narrows a list of late fee lines; the zero value lists
// them all.
type LateFeeFilter struct {
	Period    period.YearMonth
	PayerKind PayerKind
	PayerID   int64
	Run       int64
	Payers    PayerRange // when Kind is set (every ID of it when Last is 0)
}

// MoneyTx is what late fees, credits and refunds read and write inside a
// transaction (part of Tx).
type MoneyTx interface {
	InsertFeeRun(ctx context.Context, r *FeeRun) error // sets r.ID
	// StepFeeRun records st on its run if st.Holder still holds it
	// running, and reports whether it did.
	StepFeeRun(ctx context.Context, st FeeRunStep) (bool, error)
	// TakeFeeRun gives running billing id held by from to holder, and
	// reports whether it was still so held.
	TakeFeeRun(ctx context.Context, id int64, from, holder string, heartbeat time.Time) (bool, error)
	InsertLateFees(ctx context.Context, fees []LateFee) error
	// LateFees lists the late fee lines of f in (period, payer, to, id)
	// order.
	LateFees(ctx context.Context, f LateFeeFilter) ([]LateFee, error)
	// FeeRuns lists the late fee billings, newest first.
	FeeRuns(ctx context.Context, limit int) ([]FeeRun, error)
	// FeeOwed returns the late fee billed on a bill and not yet paid
	// (less the fee credits booked on it), and whether any line is
	// billed on it.
	FeeOwed(ctx context.Context, k BillKey) (owed money.Fen, billed bool, err error)
	// MarkFeeStale marks the late fee of bill k for the next billing to
	// recompute; MarkPeriodFeesStale those of every bill of p with a line
	// billed.
	MarkFeeStale(ctx context.Context, k BillKey, since time.Time) error
	MarkPeriodFeesStale(ctx context.Context, p period.YearMonth, since time.Time) error
	// StaleFees lists the marked bills of sc; ClearFeeStale removes marks.
	StaleFees(ctx context.Context, sc FeeScope) ([]BillKey, error)
	ClearFeeStale(ctx context.Context, keys []BillKey) error
	// InsertFeeCredit records c (sets c.ID); FeeCredits lists those of
	// sc's bills.
	InsertFeeCredit(ctx context.Context, c *FeeCredit) error
	FeeCredits(ctx context.Context, sc FeeScope) ([]FeeCredit, error)
	// FeePayments lists the applied payments of period p (of the payers
	// of r when r.Kind is set) in (paid_on, reference) order with what a
	// late fee reads of them: payer, amount, applied parts, date.
	FeePayments(ctx context.Context, p period.YearMonth, r PayerRange) ([]Payment, error)
	// Credits lists the credits (overpaid and unmatched payments,
	// overpayments of re-runs, fee credits) with what was re-matched and
	// refunded of each.
	Credits(ctx context.Context, f CreditFilter) ([]Credit, error)
	InsertRefund(ctx context.Context, r *Refund) error // sets r.ID
	// UpdateRefund records a refund's status, decision and run.
	UpdateRefund(ctx context.Context, r Refund) error
	Refund(ctx context.Context, id int64) (Refund, error)
	Refunds(ctx context.Context, f RefundFilter) ([]Refund, error)
	InsertRefundRun(ctx context.Context, r *RefundRun) error // sets r.ID
	RefundRun(ctx context.Context, id int64) (RefundRun, error)
	RefundRuns(ctx context.Context) ([]RefundRun, error)
	InsertRefundReturn(ctx context.Context, r *bank.Return) error // sets r.ID
}

// FeeScope narrows the bills a late fee reads to those of Period (when
// set) and of its Payers (when Payers.Kind is set); the zero value is
// every bill.
type FeeScope struct {
	Period period.YearMonth
	Payers PayerRange
}

// billFees is a bill with what its late fee needs: its applied payments
// in date order, its billed fee lines, the fee credits booked on it, and
// whether it is marked for recomputation.
type billFees struct {
	bill     Bill
	pays     []Payment
	lines    []LateFee
	credited money.Fen
	stale    bool
}

// feeBillsPerPayer is how many bills of a period feeBills reads the
// payments of one by one; above it, it reads the period's at once.
const feeBillsPerPayer = 200

// feeBills reads, in tx, the bills of sc due before asOf whose late fee
// may be owed or billed: those with principal unpaid, a line billed, or
// a mark (a payment after the due date, a re-assessment), each with its
// payments, lines and fee credits. A bill paid in full on time, never
// billed nor marked, owes no late fee and is not read.
func (s *Service) feeBills(ctx context.Context, tx Tx, asOf period.Date, sc FeeScope) ([]billFees, error) {
	bills, err := tx.Bills(ctx, BillFilter{FeeCandidates: true, Period: sc.Period, Payers: sc.Payers})
	if err != nil {
		return nil, err
	}
	lines, err := tx.LateFees(ctx, LateFeeFilter{Period: sc.Period, Payers: sc.Payers})
	if err != nil {
		return nil, err
	}
	byBill := map[BillKey][]LateFee{}
	for _, l := range lines {
		k := BillKey{l.Period, l.PayerKind, l.PayerID}
		byBill[k] = append(byBill[k], l)
	}
	stale, credited, err := feeMarks(ctx, tx, sc)
	if err != nil {
		return nil, err
	}
	var out []billFees
	perPeriod := map[period.YearMonth]int{}
	for _, b := range bills {
		if b.DueDate, err = s.Params.DueDate(b.Division, b.Period); err != nil {
			return nil, err
		}
		if !b.DueDate.Before(asOf) {
			continue
		}
		k := BillKey{b.Period, b.PayerKind, b.PayerID}
		perPeriod[b.Period]++
		out = append(out, billFees{bill: b, lines: byBill[k], credited: credited[k], stale: stale[k]})
	}
	return out, s.feePayments(ctx, tx, out, perPeriod, sc)
}

// feeMarks reads the bills of sc marked stale and the fee credits per
// bill.
func feeMarks(ctx context.Context, tx Tx, sc FeeScope) (map[BillKey]bool, map[BillKey]money.Fen, error) {
	keys, err := tx.StaleFees(ctx, sc)
	if err != nil {
		return nil, nil, err
	}
	stale := map[BillKey]bool{}
	for _, k := range keys {
		stale[k] = true
	}
	fcs, err := tx.FeeCredits(ctx, sc)
	credited := map[BillKey]money.Fen{}
	for _, fc := range fcs {
		credited[BillKey{fc.Period, fc.PayerKind, fc.PayerID}] += fc.Amount
	}
	return stale, credited, err
}

// feePayments sets the applied payments of each bill of bfs: one payer's
// at a time in a period with few of bfs, the period's (or the payers of
// sc's, when sc names them) at once otherwise.
func (s *Service) feePayments(ctx context.Context, tx Tx, bfs []billFees, perPeriod map[period.YearMonth]int, sc FeeScope) error {
	pays := map[period.YearMonth]map[PayerRef][]Payment{}
	for i := range bfs {
		b := bfs[i].bill
		k := PayerRef{b.PayerKind, b.PayerID}
		if perPeriod[b.Period] <= feeBillsPerPayer && sc.Payers.Kind == 0 {
			list, err := tx.FeePayments(ctx, b.Period, PayerRange{b.PayerKind, b.PayerID, b.PayerID})
			if err != nil {
				return err
			}
			bfs[i].pays = list
			continue
		}
		if pays[b.Period] == nil {
			list, err := tx.FeePayments(ctx, b.Period, sc.Payers)
			if err != nil {
				return err
			}
			pays[b.Period] = appliedByPayer(list)
		}
		bfs[i].pays = pays[b.Period][k]
	}
	return nil
}

// appliedByPayer groups the applied payments of a list by payer, in the
// list's (date) order.
func appliedByPayer(list []Payment) map[PayerRef][]Payment {
	m := map[PayerRef][]Payment{}
	for _, pay := range list {
		if pay.Status == "applied" {
			k := PayerRef{pay.PayerKind, pay.PayerID}
			m[k] = append(m[k], pay)
		}
	}
	return m
}

// accrual is a bill's late fee on a date given every payment known: the
// lines billed up to it (reversals included), the corrections due (a
// reversal of each line that no longer holds and its days billed again
// as due), the stretches accrued since the last line and not billed, and
// the principal unpaid and the fee paid on the date.
type accrual struct {
	billed   []LateFee
	fix      []LateFee
	unbilled []LateFee
	unpaid   money.Fen
	paid     money.Fen // principal applied by the date
	feePaid  money.Fen
}

// accrue walks bf's unpaid principal to asOf. Each line billed up to
// asOf that is neither a reversal nor reversed is recomputed over its
// days from the bill's due principal and every payment known (each
// lowering the principal from the day after it is made, one line per
// stretch, LateFeeDays, half-up to the fen): a line that differs is
// reversed and its days billed again as due. From the last line (or the
// due date) the fee runs on to asOf. Payments dated after asOf are
// ignored.
func (s *Service) accrue(bf billFees, asOf period.Date) (accrual, error) {
	var a accrual
	from := bf.bill.DueDate
	reversed := map[int64]bool{}
	for _, l := range bf.lines {
		if l.Reverses != 0 {
			reversed[l.Reverses] = true
		}
	}
	for _, l := range bf.lines {
		if asOf.Before(l.To) {
			continue
		}
		a.billed = append(a.billed, l)
		if from.Before(l.To) {
			from = l.To
		}
		if l.Reverses != 0 || reversed[l.ID] {
			continue
		}
		due, err := s.stretches(bf, l.From, l.To)
		if err != nil {
			return a, err
		}
		if len(due) != 1 || !sameStretch(due[0], l) {
			a.fix = append(a.fix, reversalOf(l))
			for _, d := range due {
				d.Cause = FeeRecomputed
				a.fix = append(a.fix, d)
			}
		}
	}
	more, err := s.stretches(bf, from, asOf)
	if err != nil {
		return a, err
	}
	a.unbilled = more
	a.unpaid = bf.bill.Due
	for _, p := range bf.pays {
		if asOf.Before(p.PaidOn) {
			break
		}
		a.unpaid -= p.Applied
		a.paid += p.Applied
		a.feePaid += p.FeeApplied
	}
	a.unpaid = max(a.unpaid, 0)
	return a, nil
}

// stretches returns the late fee lines of bf for the days after from up
// to to: the principal due less the payments made by from, lowered by
// each payment of principal made inside, one line per stretch.
func (s *Service) stretches(bf billFees, from, to period.Date) ([]LateFee, error) {
	var out []LateFee
	if !from.Before(to) {
		return out, nil
	}
	unpaid := bf.bill.Due
	for _, p := range bf.pays {
		if p.Applied == 0 { // a payment of late fee only leaves the principal as it is
			continue
		}
		if !from.Before(p.PaidOn) {
			unpaid -= p.Applied
			continue
		}
		if !p.PaidOn.Before(to) {
			break
		}
		if err := s.stretch(&out, bf.bill, unpaid, from, p.PaidOn); err != nil {
			return nil, err
		}
		from, unpaid = p.PaidOn, unpaid-p.Applied
	}
	err := s.stretch(&out, bf.bill, unpaid, from, to) // before out is returned: the order of "return out, f(&out)" is unspecified
	return out, err
}

// sameStretch reports whether a stretch due is the line billed.
func sameStretch(due, l LateFee) bool {
	return due.From == l.From && due.To == l.To && due.Principal == l.Principal && due.Amount == l.Amount && due.Rate == l.Rate
}

// reversalOf is the line that takes back l: its days, principal and
// rule, the opposite amount.
func reversalOf(l LateFee) LateFee {
	r := l
	r.ID, r.Run, r.Amount, r.Reverses, r.Cause = 0, 0, -l.Amount, l.ID, FeeReversal
	return r
}

// stretch appends to out the fee line of unpaid from the day after from
// to to; none when nothing is unpaid or the fee rounds to 0.
func (s *Service) stretch(out *[]LateFee, b Bill, unpaid money.Fen, from, to period.Date) error {
	if unpaid <= 0 || !from.Before(to) {
		return nil
	}
	fee, days, err := s.Params.LateFeeDays(unpaid, from, to, b.Division)
	if err != nil || fee == 0 {
		return err
	}
	rate, err := s.Params.Lookup(parLateFeeRate, from.AddDays(1), b.Division)
	if err != nil {
		return err
	}
	*out = append(*out, LateFee{Period: b.Period, PayerKind: b.PayerKind, PayerID: b.PayerID, Division: b.Division,
		Principal: unpaid, From: from, To: to, Days: days, Rate: rate.Text, Amount: fee,
		Reference: rate.Reference, Confidence: rate.Confidence, Rounding: FeeRounding})
	return nil
}

// feeDueBreaches lists (at most limit) the bills whose standing late fee
// lines are not the fee due on their days given every payment known and
// the principal as it stands, leaving out those marked for the next
// billing to recompute.
func (s *Service) feeDueBreaches(ctx context.Context, tx Tx, limit int) ([]string, error) {
	bfs, err := s.feeBills(ctx, tx, period.Date{Y: 9999, M: 12, D: 31}, FeeScope{})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, bf := range bfs {
		if len(bf.lines) == 0 || bf.stale || len(out) >= limit {
			continue
		}
		last := bf.lines[0].To
		for _, l := range bf.lines {
			if last.Before(l.To) {
				last = l.To
			}
		}
		a, err := s.accrue(bf, last)
		if err != nil {
			return nil, err
		}
		if len(a.fix) > 0 {
			b := bf.bill
			out = append(out, fmt.Sprintf("late fee billed differs from the fee due: period=%s payer_kind=%d payer_id=%d billed=%s due=%s to=%s",
				b.Period, b.PayerKind, b.PayerID, feeSum(a.billed), feeSum(a.billed)+feeSum(a.fix), last))
		}
	}
	return out, nil
}

func feeSum(lines []LateFee) money.Fen {
	var t money.Fen
	for _, l := range lines {
		t += l.Amount
	}
	return t
}

// feeCreditOf is the fee credit of bf once its lines add up to billed:
// the late fee paid (by every payment known) beyond billed and the fee
// credits booked before, with the last payment that paid fee as its
// source; ok is false when there is none.
func feeCreditOf(bf billFees, billed money.Fen, run *FeeRun) (FeeCredit, bool) {
	var paid money.Fen
	source := ""
	for _, p := range bf.pays {
		if p.FeeApplied > 0 {
			paid, source = paid+p.FeeApplied, p.Reference
		}
	}
	excess := paid - bf.credited - billed
	if excess <= 0 {
		return FeeCredit{}, false
	}
	b := bf.bill
	return FeeCredit{Period: b.Period, PayerKind: b.PayerKind, PayerID: b.PayerID, Amount: excess, Source: source, CreatedAt: run.CreatedAt}, true
}

// markFeeChange marks bill b's late fee for the next billing when a
// payment dated on changes it: made after the due date, or into a bill
// with lines billed (dated back, perhaps into billed days).
func (s *Service) markFeeChange(ctx context.Context, tx Tx, b Bill, on period.Date, billed bool) error {
	due, err := s.Params.DueDate(b.Division, b.Period)
	if err != nil {
		return err
	}
	if !billed && !due.Before(on) {
		return nil
	}
	return tx.MarkFeeStale(ctx, BillKey{b.Period, b.PayerKind, b.PayerID}, s.now())
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
