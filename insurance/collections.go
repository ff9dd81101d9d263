package insurance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"hrss/registry/ident"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// Payment is a collection as kept: applied to its bill up to what was
// owed, the rest recorded as overpaid; unmatched when no bill was found.
type Payment struct {
	Reference  string           `json:"reference"`
	Import     int64            `json:"import"`
	Row        int              `json:"row"`
	PayerCode  string           `json:"payer_code"` // credit code, or the resident ID's keyed hash (hex)
	PayerKind  PayerKind        `json:"payer_kind"` // 0 when unmatched
	PayerID    int64            `json:"payer_id"`
	Period     period.YearMonth `json:"period"`
	Amount     money.Fen        `json:"amount"`
	Applied    money.Fen        `json:"applied"`             // to the principal
	FeeApplied money.Fen        `json:"fee_applied"`         // to the late fee billed
	Overpaid   money.Fen        `json:"overpaid"`            // kept as the payer's credit
	CreditOf   string           `json:"credit_of,omitempty"` // a re-match: the payment whose credit paid it
	PaidOn     period.Date      `json:"paid_on"`
	Status     string           `json:"status"`             // applied or unmatched
	Division   string           `json:"division,omitempty"` // the payer's, when matched (read only)
}

// Import is one collection file taken in.
type Import struct {
	ID        int64     `json:"id"`
	FileName  string    `json:"file_name"`
	SHA256    string    `json:"sha256"`
	Rows      int       `json:"rows"`
	Actor     string    `json:"actor"`
	CreatedAt time.Time `json:"created_at"`
}

// RowNote is a row of a collection file worth telling the operator about.
type RowNote struct {
	Row       int       `json:"row"`
	Reference string    `json:"reference"`
	Amount    money.Fen `json:"amount"`
	Note      string    `json:"note"`
}

// ImportReport is what an import did.
type ImportReport struct {
	Import     int64     `json:"import"`
	File       string    `json:"file"`
	Rows       int       `json:"rows"`
	Applied    int       `json:"applied"`        // rows applied to a bill
	Amount     money.Fen `json:"applied_amount"` // money applied to bills' principal
	FeeAmount  money.Fen `json:"fee_amount"`     // money applied to late fees billed
	Overpaid   []RowNote `json:"overpaid"`       // rows paying more than was owed: the excess is recorded
	Unmatched  []RowNote `json:"unmatched"`      // rows with no payer or no bill: kept aside, not applied
	Duplicates []RowNote `json:"duplicates"`     // rows whose reference was imported before: nothing credited again
}

// ImportCollections takes in a collection file (see ParseCollections) in
// one transaction: each payment is applied to its payer's bill for the
// period, partial payments included, first to the principal and then to
// the late fee billed on it (the order contribution.fee_allocation
// says); what exceeds both is recorded as overpaid, the payer's credit;
// a row with no such payer or bill is kept as unmatched, a credit of no
// payer yet (see Credits); a reference imported before is skipped, so importing a file
// twice credits nothing twice. Paid bills of closed periods credit their
// persons' accounts. A bad file (a bad cell, or a reference imported
// before with different content) fails with Invalid naming every bad row
// and column, and nothing of it is applied.
func (s *Service) ImportCollections(ctx context.Context, name string, data []byte) (ImportReport, error) {
	c, err := authorize(ctx, actBatch, "")
	if err != nil {
		return ImportReport{}, err
	}
	rows, err := ParseCollections(name, data)
	if err != nil {
		return ImportReport{}, err
	}
	sum := sha256.Sum256(data)
	var rep ImportReport
	err = s.Store.Update(ctx, func(tx Tx) error {
		rep = ImportReport{File: name, Rows: len(rows), Overpaid: []RowNote{}, Unmatched: []RowNote{}, Duplicates: []RowNote{}}
		im := Import{FileName: name, SHA256: hex.EncodeToString(sum[:]), Rows: len(rows), Actor: c.Actor(), CreatedAt: s.now()}
		if err := tx.InsertImport(ctx, &im); err != nil {
			return err
		}
		rep.Import = im.ID
		if err := s.record(ctx, tx, c, "insurance.collections.import", fmt.Sprintf("import/%d", im.ID)); err != nil {
			return err
		}
		var errs fault.List
		for _, row := range rows {
			if err := s.applyCollection(ctx, tx, im.ID, row, &rep); err != nil {
				fe, ok := err.(*fault.Error)
				if !ok {
					return err
				}
				errs = append(errs, fe)
			}
		}
		if len(errs) > 0 {
			return fileError(errs)
		}
		return nil
	})
	return rep, err
}

// applyCollection applies one row; a *fault.Error refuses the file.
func (s *Service) applyCollection(ctx context.Context, tx Tx, importID int64, row Collection, rep *ImportReport) error {
	note := RowNote{Row: row.Row, Reference: row.Reference, Amount: row.Amount}
	pay := Payment{Reference: row.Reference, Import: importID, Row: row.Row, Period: row.Period, Amount: row.Amount, PaidOn: row.PaidOn}
	py, err := s.resolvePayer(ctx, tx, row)
	if err != nil {
		return err
	}
	kind, id := py.kind, py.id
	pay.PayerCode = py.code
	old, found, err := tx.Payment(ctx, row.Reference)
	if err != nil {
		return err
	}
	if found {
		samePayer := old.PayerCode == py.code || py.was != "" && old.PayerCode == py.was
		if !samePayer || old.Period != row.Period || old.Amount != row.Amount || old.PaidOn != row.PaidOn {
			return fault.Conflictf("reference", "collections.reference_reused", "reference %s was imported before (import %d, row %d) with a different payer, period, amount or date", row.Reference, old.Import, old.Row).At(row.Row, "reference")
		}
		note.Note = fmt.Sprintf("imported before (import %d, row %d): skipped", old.Import, old.Row)
		rep.Duplicates = append(rep.Duplicates, note)
		return nil
	}
	var bill *Bill
	if kind != 0 {
		bills, err := tx.Bills(ctx, BillFilter{Period: row.Period, PayerKind: kind, PayerID: id})
		if err != nil {
			return err
		}
		if len(bills) == 1 {
			bill = &bills[0]
		}
	}
	if bill == nil {
		pay.Status, pay.Overpaid = "unmatched", row.Amount
		note.Note = unmatchedNote(kind, row)
		rep.Unmatched = append(rep.Unmatched, note)
		return tx.InsertPayment(ctx, pay)
	}
	pay.Status, pay.PayerKind, pay.PayerID = "applied", kind, id
	if err := s.allocateTo(ctx, tx, &pay, *bill); err != nil {
		return err
	}
	if pay.Overpaid > 0 {
		note.Note = fmt.Sprintf("%s owed, %s recorded as overpaid", bill.Unpaid(), pay.Overpaid)
		rep.Overpaid = append(rep.Overpaid, note)
	}
	if err := tx.InsertPayment(ctx, pay); err != nil {
		return err
	}
	rep.Applied++
	rep.Amount += pay.Applied
	rep.FeeAmount += pay.FeeApplied
	if pay.Applied > 0 && pay.Applied == bill.Unpaid() {
		return s.postCredits(ctx, tx, bill.Period, PayerRef{kind, id})
	}
	return nil
}

// allocateTo splits pay.Amount over bill's unpaid principal and the late
// fee billed on it and not yet paid, in the order
// contribution.fee_allocation says on the payment's date; the rest is
// overpaid. A payment that changes the bill's late fee marks it for the
// next billing (markFeeChange).
func (s *Service) allocateTo(ctx context.Context, tx Tx, pay *Payment, bill Bill) error {
	fee, billed, err := tx.FeeOwed(ctx, BillKey{bill.Period, bill.PayerKind, bill.PayerID})
	if err != nil {
		return err
	}
	if err := s.markFeeChange(ctx, tx, bill, pay.PaidOn, billed); err != nil {
		return err
	}
	first, err := s.feePrincipalFirst(bill.Division, pay.PaidOn)
	if err != nil {
		return err
	}
	pay.Applied, pay.FeeApplied, pay.Overpaid = allocate(pay.Amount, bill.Unpaid(), fee, first)
	return nil
}

func unmatchedNote(kind PayerKind, row Collection) string {
	if kind == 0 {
		return fmt.Sprintf("no employer or flexible worker with code %s: kept aside", row.PayerCode)
	}
	return fmt.Sprintf("no bill of %s for %s: kept aside", row.PayerCode, row.Period)
}

// payer is the payer a row's code names, and the code as kept.
type payer struct {
	kind PayerKind // 0 when not found
	id   int64
	code string // the credit code, or the resident ID's keyed hash (hex)
	// was is the code as imports kept it before a code that passes both
	// checks was looked up as a resident ID too (its credit code), so
	// that a file imported then may be imported again; "" when the same.
	was string
}

// resolvePayer finds the payer of a row: an employer by credit code, or
// a flexible worker by resident ID. A code that is neither is a bad
// cell. About one resident ID in 31 also passes the credit code's checks
// (330402197201081912 does): such a code that no employer has is looked
// up as a resident ID, and kept, matched or not, as its keyed hash, as
// resident IDs are (not in clear).
func (s *Service) resolvePayer(ctx context.Context, tx Tx, row Collection) (payer, error) {
	cc, ccErr := ident.ParseCreditCode(row.PayerCode)
	if ccErr == nil {
		id, ok, err := tx.EmployerByCreditCode(ctx, string(cc))
		if err != nil {
			return payer{}, err
		}
		if ok {
			return payer{kind: PayerEmployer, id: id, code: string(cc)}, nil
		}
	}
	rid, err := ident.ParseResidentID(row.PayerCode)
	if err != nil || s.Vault == nil {
		if ccErr == nil {
			return payer{code: string(cc)}, nil
		}
		return payer{}, fault.Invalidf("credit_code", "collections.payer", "%q is neither a valid credit code nor a resident ID", row.PayerCode).At(row.Row, "credit_code")
	}
	h := s.Vault.Hash(rid)
	p := payer{code: hex.EncodeToString(h)}
	if ccErr == nil {
		p.was = string(cc)
	}
	id, ok, err := tx.PersonByIDHash(ctx, h)
	if err != nil || !ok {
		return p, err
	}
	p.kind, p.id = PayerFlexible, id
	return p, nil
}

// Payments lists the payments of a bill (or of a period when payer is
// 0), those of the caller's reach only (as Bills; unmatched payments to
// System and city-wide staff). The list shown is audited.
func (s *Service) Payments(ctx context.Context, p period.YearMonth, kind PayerKind, payer int64) ([]Payment, error) {
	c, err := authorize(ctx, actBills, "")
	if err != nil {
		return nil, err
	}
	var rows []Payment
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		rows, err = tx.Payments(ctx, p, kind, payer)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := rows[:0]
	for _, pay := range rows {
		if seesBill(c, Bill{PayerKind: pay.PayerKind, PayerID: pay.PayerID, Division: pay.Division}) {
			out = append(out, pay)
		}
	}
	if err := s.auditPayments(ctx, c, p, kind, payer, out); err != nil {
		return nil, err
	}
	return out, nil
}
