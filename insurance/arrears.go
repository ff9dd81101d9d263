package insurance

import (
	"context"
	"sort"

	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// ArrearsBill is one bill owing principal or late fee on a date.
type ArrearsBill struct {
	Period    period.YearMonth `json:"period"`
	DueDate   period.Date      `json:"due_date"`
	Due       money.Fen        `json:"due"`
	Paid      money.Fen        `json:"paid"`       // applied to the principal by the as-of date
	Principal money.Fen        `json:"principal"`  // unpaid on the as-of date
	Fee       money.Fen        `json:"fee"`        // late fee due to the as-of date given every payment known, billed or not
	FeeBilled money.Fen        `json:"fee_billed"` // billed (lines ending by the as-of date, reversals included)
	FeePaid   money.Fen        `json:"fee_paid"`   // late fee paid by the as-of date
	FeeOwed   money.Fen        `json:"fee_owed"`   // Fee - FeePaid + fee credits booked (paid beyond a corrected fee)
	Days      int              `json:"days"`       // days from the due date to the as-of date
	Lines     []LateFee        `json:"lines"`      // the fee's stretches: billed lines (with their billing), corrections due, then those not yet billed
}

// Owed is what is owed on a date: the principal unpaid and the late fee.
type Owed struct {
	Principal money.Fen `json:"principal"`
	Fee       money.Fen `json:"fee"`        // accrued, billed or not
	FeeBilled money.Fen `json:"fee_billed"` // of Fee, billed
	FeePaid   money.Fen `json:"fee_paid"`
	FeeOwed   money.Fen `json:"fee_owed"`     // Fee - FeePaid
	Unbilled  money.Fen `json:"fee_unbilled"` // Fee - FeeBilled: accrued or corrected, not billed yet
}

// add adds a bill's figures.
func (o *Owed) add(ab ArrearsBill) {
	o.Principal += ab.Principal
	o.Fee += ab.Fee
	o.FeeBilled += ab.FeeBilled
	o.FeePaid += ab.FeePaid
	o.FeeOwed += ab.FeeOwed
	o.Unbilled += ab.Fee - ab.FeeBilled
}

// PayerArrears is what one payer owes on a date.
type PayerArrears struct {
	PayerKind PayerKind `json:"payer_kind"`
	PayerID   int64     `json:"payer_id"`
	Division  string    `json:"division"`
	Owed
	Bills []ArrearsBill `json:"bills"`
}

// Arrears is the arrears (欠费) of every payer on a date.
type Arrears struct {
	AsOf   period.Date    `json:"as_of"`
	Payers []PayerArrears `json:"payers"`
	Owed
}

// Arrears lists, on date asOf, every payer the caller may see (as
// Bills) with a bill past its due date that still owes principal or
// late fee: the principal unpaid and the late fee (滞纳金), by
// rules.Params.LateFee at contribution.late_fee_rate a day (社会保险法
// Art. 86): the lines billed (BillLateFees) up to asOf, the corrections
// the next billing makes of those no longer due given every payment
// known, then from the last line (or the due date) the fee accruing on
// the unpaid balance, each payment lowering it from the day after it is
// made, each stretch rounded half-up to the fen. Payments dated after asOf are
// ignored. Adjustments of corrections accrue from the bill's original
// due date (back payments, 补缴). It fails with Invalid for a zero date.
func (s *Service) Arrears(ctx context.Context, asOf period.Date) (Arrears, error) {
	c, err := authorize(ctx, actBills, "")
	if err != nil {
		return Arrears{}, err
	}
	if asOf.IsZero() {
		return Arrears{}, fault.Invalidf("as_of", "arrears.as_of", "the date is required (YYYY-MM-DD)")
	}
	var bfs []billFees
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		bfs, err = s.feeBills(ctx, tx, asOf, FeeScope{})
		return err
	})
	out := Arrears{AsOf: asOf, Payers: []PayerArrears{}}
	if err != nil {
		return out, err
	}
	byPayer := map[PayerRef]int{}
	for _, bf := range bfs {
		b := bf.bill
		if !seesBill(c, b) {
			continue
		}
		ab, err := s.arrearsOf(bf, asOf)
		if err != nil {
			return out, err
		}
		if ab.Principal == 0 && ab.FeeOwed <= 0 {
			continue
		}
		k := PayerRef{b.PayerKind, b.PayerID}
		i, ok := byPayer[k]
		if !ok {
			i = len(out.Payers)
			byPayer[k] = i
			out.Payers = append(out.Payers, PayerArrears{PayerKind: b.PayerKind, PayerID: b.PayerID, Division: b.Division})
		}
		pa := &out.Payers[i]
		pa.Bills = append(pa.Bills, ab)
		pa.add(ab)
		out.add(ab)
	}
	sort.SliceStable(out.Payers, func(i, j int) bool {
		return out.Payers[i].Principal+out.Payers[i].FeeOwed > out.Payers[j].Principal+out.Payers[j].FeeOwed
	})
	if err := s.auditArrears(ctx, c, out); err != nil {
		return Arrears{}, err
	}
	return out, nil
}

// arrearsOf computes the principal and the fee of one bill on asOf.
func (s *Service) arrearsOf(bf billFees, asOf period.Date) (ArrearsBill, error) {
	b := bf.bill
	ab := ArrearsBill{Period: b.Period, DueDate: b.DueDate, Due: b.Due, Days: b.DueDate.DaysUntil(asOf)}
	a, err := s.accrue(bf, asOf)
	if err != nil {
		return ab, err
	}
	ab.Paid, ab.Principal, ab.FeePaid = a.paid, a.unpaid, a.feePaid
	ab.FeeBilled = feeSum(a.billed)
	ab.Fee = ab.FeeBilled + feeSum(a.fix) + feeSum(a.unbilled)
	ab.FeeOwed = ab.Fee - ab.FeePaid + bf.credited
	ab.Lines = append(append(append([]LateFee{}, a.billed...), a.fix...), a.unbilled...)
	return ab, nil
}
