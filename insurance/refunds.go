package insurance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"hrss/access"
	"hrss/bank"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/sheet"
)

// The statuses of a refund.
const (
	RefundPrepared = "prepared" // by a caseworker, waiting for a reviewer
	RefundApproved = "approved" // by a reviewer who did not prepare it
	RefundRejected = "rejected" // with the reviewer's reason; the credit is free again
	RefundIssued   = "issued"   // in a refund run's bank file
	RefundPaid     = "paid"     // the bank's return says it paid
	RefundFailed   = "failed"   // the bank's return says it could not pay; the credit is free again
)

// Refund pays a credit back to the payer's bank account: prepared by a
// caseworker of the credit's division (city-wide for an unmatched one),
// approved or rejected by a reviewer who did not
// prepare it (four eyes), issued in a refund run whose bank file the
// bank pays, then paid or failed by the bank's return (ImportRefundReturn).
type Refund struct {
	ID           int64      `json:"id"`
	Credit       string     `json:"credit"` // the payment reference of the credit
	Amount       money.Fen  `json:"amount"`
	Holder       string     `json:"holder"`
	Bank         string     `json:"bank"`
	Account      string     `json:"account"`
	Reason       string     `json:"reason"`
	Status       string     `json:"status"`
	PreparedBy   int64      `json:"prepared_by"`
	PreparedName string     `json:"prepared_name"`
	PreparedAt   time.Time  `json:"prepared_at"`
	DecidedBy    int64      `json:"decided_by,omitempty"`
	DecidedName  string     `json:"decided_name,omitempty"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
	Note         string     `json:"note,omitempty"`    // the reviewer's
	Run          int64      `json:"run,omitempty"`     // the refund run that issued it
	Return       int64      `json:"return,omitempty"`  // the bank's return that marked it paid or failed
	Failure      string     `json:"failure,omitempty"` // the bank's reason, when failed
	PayerKind    PayerKind  `json:"payer_kind"`        // the credit's (read only)
	PayerID      int64      `json:"payer_id"`
	Division     string     `json:"division,omitempty"`
}

// RefundInput is a refund as a caseworker prepares it; every field is
// text so that a bad value is reported by name.
type RefundInput struct {
	Credit  string `json:"credit"`
	Amount  string `json:"amount"` // yuan; empty for the whole balance
	Holder  string `json:"holder"`
	Bank    string `json:"bank"`
	Account string `json:"account"`
	Reason  string `json:"reason"`
}

// RefundFilter narrows a list of refunds; the zero value lists them all.
type RefundFilter struct {
	Status string
	Credit string
	Run    int64
}

// RefundRun is one issue of approved refunds to the bank.
type RefundRun struct {
	ID        int64     `json:"id"`
	Actor     string    `json:"actor"`
	Rows      int       `json:"rows"`
	Total     money.Fen `json:"total"`
	CreatedAt time.Time `json:"created_at"`
}

// PrepareRefund records a refund of the credit of payment in.Credit, of
// in.Amount (the whole balance when empty) to the account given, with a
// reason, in one audited transaction. The amount may not exceed the
// credit's balance (what re-matches and other refunds left), so nothing
// is refunded twice. It needs a caseworker of the credit's division
// (city-wide for an unmatched credit).
func (s *Service) PrepareRefund(ctx context.Context, in RefundInput) (Refund, error) {
	c, err := access.Require(ctx, actBatch)
	if err != nil {
		return Refund{}, err
	}
	r, err := parseRefund(in)
	if err != nil {
		return Refund{}, err
	}
	r.Status, r.PreparedBy, r.PreparedName, r.PreparedAt = RefundPrepared, c.UserID, c.Actor(), s.now()
	err = s.Store.Update(ctx, func(tx Tx) error {
		cr, err := creditFor(ctx, tx, c, r.Credit)
		if err != nil {
			return err
		}
		if r.Amount == 0 {
			r.Amount = cr.Balance
		}
		if r.Amount <= 0 || r.Amount > cr.Balance {
			return fault.Invalidf("amount", "refunds.balance", "the credit of payment %s has %s left to refund", r.Credit, cr.Balance)
		}
		r.PayerKind, r.PayerID, r.Division = cr.PayerKind, cr.PayerID, cr.Division
		if err := tx.InsertRefund(ctx, &r); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "insurance.refunds.prepare", fmt.Sprintf("refund/%d", r.ID))
	})
	return r, err
}

// parseRefund checks a refund's input.
func parseRefund(in RefundInput) (Refund, error) {
	r := Refund{Credit: strings.TrimSpace(in.Credit), Holder: strings.TrimSpace(in.Holder), Bank: strings.TrimSpace(in.Bank),
		Account: strings.TrimSpace(in.Account), Reason: strings.TrimSpace(in.Reason)}
	var errs fault.List
	bad := func(field, rule, format string, args ...any) {
		errs = append(errs, fault.Invalidf(field, rule, format, args...))
	}
	if r.Credit == "" {
		bad("credit", "refunds.credit", "give the payment reference of the credit")
	}
	if a := strings.TrimSpace(in.Amount); a != "" {
		amt, err := money.Parse(a)
		if err != nil || amt <= 0 {
			bad("amount", "refunds.amount", "amount %q must be a positive sum in yuan with at most two decimals", a)
		}
		r.Amount = amt
	}
	if r.Holder == "" {
		bad("holder", "payee.holder", "give the account holder's name")
	}
	if r.Bank == "" {
		bad("bank", "payee.bank", "give the bank")
	}
	if len(r.Account) < 8 || len(r.Account) > 32 || strings.Trim(r.Account, "0123456789") != "" {
		bad("account", "payee.account", "account %q must be 8 to 32 digits", r.Account)
	}
	if r.Reason == "" {
		bad("reason", "refunds.reason", "give the reason for the refund")
	}
	if len(errs) > 0 {
		return r, errs
	}
	return r, nil
}

// DecideRefund approves (approve) or rejects a prepared refund, with the
// reviewer's note (required to reject), in one audited transaction. The
// reviewer may not be its preparer (access.RequireApprover, four eyes)
// and must have the credit's division in reach (city-wide staff for an
// unmatched credit's).
func (s *Service) DecideRefund(ctx context.Context, id int64, approve bool, note string) (Refund, error) {
	var r Refund
	err := s.Store.Update(ctx, func(tx Tx) (err error) {
		if r, err = tx.Refund(ctx, id); err != nil {
			return err
		}
		c, err := access.RequireApprover(ctx, r.PreparedBy)
		if err != nil {
			return err
		}
		if !reaches(c, r.Division) {
			return fault.NotFoundf("no refund %d in your divisions", id)
		}
		if r.Status != RefundPrepared {
			return fault.Conflictf("status", "refunds.decided", "refund %d is %s already", id, r.Status)
		}
		note = strings.TrimSpace(note)
		if !approve && note == "" {
			return fault.Invalidf("note", "refunds.reject_reason", "give the reason for rejecting the refund")
		}
		now := s.now()
		r.Status, r.DecidedBy, r.DecidedName, r.DecidedAt, r.Note = RefundApproved, c.UserID, c.Actor(), &now, note
		action := "insurance.refunds.approve"
		if !approve {
			r.Status, action = RefundRejected, "insurance.refunds.reject"
		}
		if err := tx.UpdateRefund(ctx, r); err != nil {
			return err
		}
		return s.record(ctx, tx, c, action, fmt.Sprintf("refund/%d", id))
	})
	return r, err
}

// Refunds lists the refunds of f that the caller may see (as Credits).
func (s *Service) Refunds(ctx context.Context, f RefundFilter) ([]Refund, error) {
	c, err := authorize(ctx, actBills, "")
	if err != nil {
		return nil, err
	}
	var rows []Refund
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		rows, err = tx.Refunds(ctx, f)
		return err
	})
	out := []Refund{}
	for _, r := range rows {
		if seesBill(c, Bill{PayerKind: r.PayerKind, PayerID: r.PayerID, Division: r.Division}) {
			out = append(out, r)
		}
	}
	return out, err
}

// IssueRefunds puts every approved refund not yet issued in a new refund
// run, in one audited transaction, and returns it; its bank file is
// RefundBankFile. It fails with Conflict when no refund is approved. It
// needs a city-wide caseworker.
func (s *Service) IssueRefunds(ctx context.Context) (RefundRun, error) {
	c, err := authorize(ctx, actBatch, "")
	if err != nil {
		return RefundRun{}, err
	}
	var run RefundRun
	err = s.Store.Update(ctx, func(tx Tx) error {
		list, err := tx.Refunds(ctx, RefundFilter{Status: RefundApproved})
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return fault.Conflictf("", "refunds.none_approved", "no approved refund is waiting to be issued")
		}
		run = RefundRun{Actor: c.Actor(), Rows: len(list), CreatedAt: s.now()}
		for _, r := range list {
			run.Total += r.Amount
		}
		if err := tx.InsertRefundRun(ctx, &run); err != nil {
			return err
		}
		for _, r := range list {
			r.Status, r.Run = RefundIssued, run.ID
			if err := tx.UpdateRefund(ctx, r); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, c, "insurance.refunds.issue", fmt.Sprintf("refundrun/%d", run.ID))
	})
	return run, err
}

// RefundRuns lists the refund runs, newest first. It needs a city-wide
// caseworker.
func (s *Service) RefundRuns(ctx context.Context) ([]RefundRun, error) {
	if _, err := authorize(ctx, actBatch, ""); err != nil {
		return nil, err
	}
	var runs []RefundRun
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		runs, err = tx.RefundRuns(ctx)
		return err
	})
	if runs == nil {
		runs = []RefundRun{}
	}
	return runs, err
}

// refundColumns are the columns of a refund run's bank file, in order.
var refundColumns = []string{"reference", "holder", "bank", "account", "amount", "credit", "refund"}

// RefundBankFile returns the bank's file of refund run id: CSV, or an
// Excel workbook when xlsx is set (sheet, the one writer), one row per
// refund (reference "refund:ID", holder, bank, account, amount in yuan,
// the credit's payment reference, the refund). Its download is audited.
// It needs a city-wide caseworker.
func (s *Service) RefundBankFile(ctx context.Context, id int64, xlsx bool) ([]byte, error) {
	c, err := authorize(ctx, actBatch, "")
	if err != nil {
		return nil, err
	}
	var rows [][]string
	err = s.Store.Update(ctx, func(tx Tx) error {
		if _, err := tx.RefundRun(ctx, id); err != nil {
			return err
		}
		list, err := tx.Refunds(ctx, RefundFilter{Run: id})
		if err != nil {
			return err
		}
		for _, r := range list {
			rows = append(rows, []string{fmt.Sprintf("refund:%d", r.ID), r.Holder, r.Bank, r.Account, r.Amount.String(), r.Credit, fmt.Sprint(r.ID)})
		}
		return s.record(ctx, tx, c, "insurance.refunds.bank_file", fmt.Sprintf("refundrun/%d", id))
	})
	if err != nil {
		return nil, err
	}
	if xlsx {
		return sheet.XLSX("refunds", refundColumns, rows)
	}
	return sheet.CSV(refundColumns, rows), nil
}

// ImportRefundReturn takes in the bank's return file of refund runs (the
// format of bank.ParseReturn, each reference the "refund:ID" of the
// run's bank file) in one audited transaction: each paid row marks its
// refund paid, each failed row failed with the bank's reason, which
// frees the credit again for a re-match or another refund. It is
// idempotent by reference: a row returned before the same way changes
// nothing. A bad file (a bad cell, an unknown reference, a refund not
// issued, or paid returned as failed) is refused whole, naming its row
// and column, and nothing of it is applied. It needs a city-wide
// caseworker.
func (s *Service) ImportRefundReturn(ctx context.Context, name string, data []byte) (bank.ReturnReport, error) {
	c, err := authorize(ctx, actBatch, "")
	if err != nil {
		return bank.ReturnReport{}, err
	}
	rows, err := bank.ParseReturn(name, data)
	if err != nil {
		return bank.ReturnReport{}, err
	}
	sum := sha256.Sum256(data)
	var rep bank.ReturnReport
	err = s.Store.Update(ctx, func(tx Tx) error {
		rep = bank.ReturnReport{Rows: len(rows)}
		ret := bank.Return{FileName: name, SHA256: hex.EncodeToString(sum[:]), Rows: len(rows), Actor: c.Actor(), CreatedAt: s.now()}
		if err := tx.InsertRefundReturn(ctx, &ret); err != nil {
			return err
		}
		rep.Return = ret.ID
		var errs fault.List
		for _, r := range rows {
			err := applyRefundReturn(ctx, tx, ret.ID, r, &rep)
			if fe, ok := err.(*fault.Error); ok && fe.Kind != fault.Internal {
				errs = append(errs, fe.At(r.Row, fe.Col))
				continue
			}
			if err != nil {
				return err
			}
		}
		if len(errs) > 0 {
			return bank.FileError("returns.file", errs)
		}
		return s.record(ctx, tx, c, "insurance.refunds.bank_return", fmt.Sprintf("refundreturn/%d %s: %d paid, %d failed, %d already", ret.ID, name, rep.Paid, rep.Failed, rep.Already))
	})
	return rep, err
}

// applyRefundReturn applies one row of a refund return.
func applyRefundReturn(ctx context.Context, tx Tx, ret int64, row bank.ReturnRow, rep *bank.ReturnReport) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(row.Reference, "refund:"), 10, 64)
	if !strings.HasPrefix(row.Reference, "refund:") || err != nil {
		return fault.Invalidf("reference", "returns.unknown", "no refund has the reference %q (refund:ID)", row.Reference).At(0, "reference")
	}
	r, err := tx.Refund(ctx, id)
	if fault.KindOf(err) == fault.NotFound {
		return fault.Invalidf("reference", "returns.unknown", "no refund has the reference %q", row.Reference).At(0, "reference")
	} else if err != nil {
		return err
	}
	want := RefundFailed
	if row.Paid {
		want = RefundPaid
	}
	switch {
	case r.Status == want:
		rep.Already++
		return nil
	case r.Status != RefundIssued:
		return fault.Conflictf("status", "returns.status_change", "refund %s is %s; it cannot become %s", row.Reference, r.Status, want).At(0, "status")
	}
	r.Status, r.Return = want, ret
	if !row.Paid {
		r.Failure = row.Reason
	}
	if err := tx.UpdateRefund(ctx, r); err != nil {
		return err
	}
	if row.Paid {
		rep.Paid++
		rep.Amount += r.Amount
	} else {
		rep.Failed++
	}
	return nil
}
