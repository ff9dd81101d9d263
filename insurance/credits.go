package insurance

import (
	"context"
	"fmt"

	"hrss/access"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// Credit is money collected and not owed: the overpaid part of a
// payment (what exceeded its bill's principal and late fee), the whole
// of an unmatched one, the part of a bill's payments a re-run that
// lowered it no longer covers (an overpayment, reference
// "overpayment:ID"), or late fee paid beyond a corrected fee (a
// FeeCredit, "fee-credit:ID"). A caseworker re-matches it to a bill
// (Rematch) or refunds it (PrepareRefund); its balance is what neither
// has taken (a refund failed at the bank takes nothing). It is derived
// from the record that made it, so it exists once; Import, Row, PaidOn
// and Payment are those of the payment whose money it is.
type Credit struct {
	Reference string           `json:"reference"` // the payment's, or overpayment:ID, fee-credit:ID
	Source    string           `json:"source"`    // payment, reassessed or fee
	Import    int64            `json:"import"`
	Row       int              `json:"row"`
	PayerCode string           `json:"payer_code"`
	PayerKind PayerKind        `json:"payer_kind"` // 0 when unmatched
	PayerID   int64            `json:"payer_id"`
	Division  string           `json:"division,omitempty"` // the payer's, when matched
	Period    period.YearMonth `json:"period"`
	PaidOn    period.Date      `json:"paid_on"`
	Status    string           `json:"status"`   // the payment's: applied or unmatched
	Payment   money.Fen        `json:"payment"`  // the payment's amount
	Credited  money.Fen        `json:"credited"` // its overpaid part
	Rematched money.Fen        `json:"rematched"`
	Refunding money.Fen        `json:"refunding"` // in refunds prepared, approved, issued or paid
	Balance   money.Fen        `json:"balance"`
	Uses      int              `json:"uses"` // re-matches so far
}

// CreditFilter narrows a list of credits; the zero value lists them all.
type CreditFilter struct {
	Reference string
	Open      bool // with a balance left only
	Limit     int
}

// Credits lists the credits of f that the caller may see: a matched
// payer's to the staff of the payer's division (and the payer), an
// unmatched one to System and city-wide staff, as Payments.
func (s *Service) Credits(ctx context.Context, f CreditFilter) ([]Credit, error) {
	c, err := authorize(ctx, actBills, "")
	if err != nil {
		return nil, err
	}
	var rows []Credit
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		rows, err = tx.Credits(ctx, f)
		return err
	})
	out := []Credit{}
	for _, cr := range rows {
		if seesBill(c, Bill{PayerKind: cr.PayerKind, PayerID: cr.PayerID, Division: cr.Division}) {
			out = append(out, cr)
		}
	}
	return out, err
}

// creditFor reads, in tx, the credit of a payment reference that c may
// act on: a matched payer's to the caseworkers of its division, an
// unmatched one to city-wide caseworkers (NotFound otherwise, as a
// missing one).
func creditFor(ctx context.Context, tx Tx, c access.Caller, ref string) (Credit, error) {
	list, err := tx.Credits(ctx, CreditFilter{Reference: ref})
	if err != nil {
		return Credit{}, err
	}
	if len(list) != 1 || !reaches(c, list[0].Division) {
		return Credit{}, fault.NotFoundf("no credit of payment %s in your divisions", ref)
	}
	return list[0], nil
}

// reaches reports whether c acts on records of division: System and
// city-wide staff on all (an unmatched credit's is ""), others on their
// divisions'.
func reaches(c access.Caller, division string) bool {
	return c.CityWide() || division != "" && c.DivisionScoped() && c.InDivision(division)
}

// Rematch applies what is left of the credit of payment ref to the bill
// of target, in one transaction: as a payment of that bill (principal,
// then the late fee billed, in the order contribution.fee_allocation
// says), dated as the original payment, with reference
// "credit:REF:N" and the credit named as its source. It takes at most
// what the bill owes, so a credit is never applied twice and never
// beyond a bill; the rest stays a credit. A matched payer's credit pays
// only that payer's bills. A bill of a closed period that it settles
// credits its persons' accounts. It needs a caseworker of the credit's
// and the bill's division (city-wide for an unmatched credit).
func (s *Service) Rematch(ctx context.Context, ref string, target BillKey) (Payment, error) {
	c, err := access.Require(ctx, actBatch)
	if err != nil {
		return Payment{}, err
	}
	var pay Payment
	err = s.Store.Update(ctx, func(tx Tx) error {
		cr, err := creditFor(ctx, tx, c, ref)
		if err != nil {
			return err
		}
		if cr.Balance <= 0 {
			return fault.Conflictf("reference", "credits.used", "the credit of payment %s is used up (%s re-matched, %s refunded)", ref, cr.Rematched, cr.Refunding)
		}
		if cr.PayerKind != 0 && (cr.PayerKind != target.PayerKind || cr.PayerID != target.PayerID) {
			return fault.Invalidf("payer_id", "credits.rematch_payer", "the credit of payment %s is %s %d's: it pays only that payer's bills", ref, cr.PayerKind, cr.PayerID)
		}
		bills, err := tx.Bills(ctx, BillFilter{Period: target.Period, PayerKind: target.PayerKind, PayerID: target.PayerID})
		if err != nil {
			return err
		}
		if len(bills) != 1 {
			return fault.NotFoundf("no bill of %s %d for %s", target.PayerKind, target.PayerID, target.Period)
		}
		bill := bills[0]
		if !reaches(c, bill.Division) {
			return fault.NotFoundf("no bill of %s %d for %s in your divisions", target.PayerKind, target.PayerID, target.Period)
		}
		pay = Payment{Reference: fmt.Sprintf("credit:%s:%d", ref, cr.Uses+1), Import: cr.Import, Row: cr.Row, PayerCode: cr.PayerCode,
			PayerKind: bill.PayerKind, PayerID: bill.PayerID, Period: bill.Period, Amount: cr.Balance, PaidOn: cr.PaidOn, Status: "applied", CreditOf: ref}
		if err := s.allocateTo(ctx, tx, &pay, bill); err != nil {
			return err
		}
		if pay.Applied+pay.FeeApplied == 0 {
			return fault.Conflictf("period", "credits.nothing_owed", "the bill of %s %d for %s owes nothing", bill.PayerKind, bill.PayerID, bill.Period)
		}
		pay.Amount, pay.Overpaid = pay.Applied+pay.FeeApplied, 0
		if err := tx.InsertPayment(ctx, pay); err != nil {
			return err
		}
		if err := s.record(ctx, tx, c, "insurance.credits.rematch", "payment/"+pay.Reference); err != nil {
			return err
		}
		if pay.Applied > 0 && pay.Applied == bill.Unpaid() {
			return s.postCredits(ctx, tx, bill.Period, PayerRef{bill.PayerKind, bill.PayerID})
		}
		return nil
	})
	return pay, err
}
