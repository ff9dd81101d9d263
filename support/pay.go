package support

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"hrss/access"
	"hrss/bank"
	"hrss/rules/fault"
	"hrss/sheet"
)

// PayReport is what a payment run did.
type PayReport struct {
	Run       PaymentRun `json:"run"`
	NoAccount []int64    `json:"no_account,omitempty"` // approved grants left out: no payee account recorded
	Waiting   []int64    `json:"waiting,omitempty"`    // failed grants left out: the account was not corrected since
	// Repeated says the run was made before by a request with the same
	// key (a queued job's earlier attempt) and nothing was paid now.
	Repeated bool `json:"repeated,omitempty"`
}

// Pay issues every approved grant, and every failed grant whose payee
// account was corrected after its failure (a re-issue), in one payment
// run: a payment row per grant with a unique reference and the account
// as recorded now; the grants become issued, so that no later run pays
// them again. Grants without an account are left approved and listed.
// A key ("" for none; a queued job's "queue_jobs/ID") is stored with the
// run: asked again with the same key, Pay pays nothing and reports that
// run (Repeated), so that a job tried again after its worker died does
// not make a second run. It needs RunSupport (city-wide) and fails with
// Invalid when there is nothing to pay.
func (s *Service) Pay(ctx context.Context, key string) (PayReport, error) {
	c, err := authorize(ctx, access.RunSupport, "")
	if err != nil {
		return PayReport{}, err
	}
	var rep PayReport
	err = s.Store.Update(ctx, func(tx Tx) error {
		rep = PayReport{Run: PaymentRun{Actor: c.Actor(), CreatedAt: s.now(), Key: key}}
		if key != "" {
			run, ok, err := tx.PayRunByKey(ctx, key)
			if err != nil || ok {
				rep.Run, rep.Repeated = run, ok
				return err
			}
		}
		return s.payAll(ctx, tx, c, &rep)
	})
	return rep, err
}

// payAll makes rep's run of every grant payable now and records it.
func (s *Service) payAll(ctx context.Context, tx Tx, c access.Caller, rep *PayReport) error {
	todo, err := s.payable(ctx, tx, rep)
	if err != nil {
		return err
	}
	if len(todo) == 0 {
		return fault.Invalidf("", "pay.nothing", "no approved grant with a payee account to pay (%d without an account, %d failed awaiting a corrected account)", len(rep.NoAccount), len(rep.Waiting))
	}
	if err := tx.InsertPayRun(ctx, &rep.Run); err != nil {
		return err
	}
	var persons []int64
	for _, it := range todo {
		if err := s.issue(ctx, tx, &rep.Run, it); err != nil {
			return err
		}
		persons = append(persons, it.grant.PersonID)
	}
	if err := tx.UpdatePayRun(ctx, rep.Run); err != nil {
		return err
	}
	return s.record(ctx, tx, c, "support.pay", fmt.Sprintf("payrun/%d: %d rows, %s yuan", rep.Run.ID, rep.Run.Rows, rep.Run.Total), persons...)
}

// payItem is a grant to issue with the account it is paid into.
type payItem struct {
	grant   Grant
	payee   Payee
	reissue bool
	tries   int
}

// payable returns the grants a run issues.
func (s *Service) payable(ctx context.Context, tx Tx, rep *PayReport) ([]payItem, error) {
	var out []payItem
	for _, st := range []Status{Approved, Failed} {
		gs, err := tx.ListGrants(ctx, GrantFilter{Status: st})
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			p, ok, err := tx.Payee(ctx, g.Beneficiary, g.PayeeID)
			if err != nil {
				return nil, err
			}
			if !ok {
				rep.NoAccount = append(rep.NoAccount, g.ID)
				continue
			}
			it := payItem{grant: g, payee: p, reissue: st == Failed}
			if it.reissue {
				pays, err := tx.PayRows(ctx, 0, g.ID)
				if err != nil {
					return nil, err
				}
				last := pays[len(pays)-1]
				if last.Account == p.Account && last.Bank == p.Bank && last.Holder == p.Holder {
					rep.Waiting = append(rep.Waiting, g.ID)
					continue
				}
				it.tries = len(pays)
			}
			out = append(out, it)
		}
	}
	return out, nil
}

// issue writes one payment row and marks its grant issued.
func (s *Service) issue(ctx context.Context, tx Tx, run *PaymentRun, it payItem) error {
	ref := fmt.Sprintf("SUP-%d-%d", run.ID, it.grant.ID)
	if it.tries > 0 {
		ref = fmt.Sprintf("%s-%d", ref, it.tries+1)
	}
	p := Payment{Reference: ref, RunID: run.ID, GrantID: it.grant.ID, Amount: it.grant.Amount, Bank: it.payee.Bank,
		Account: it.payee.Account, Holder: it.payee.Holder, Status: Issued, Reissue: it.reissue}
	if err := tx.InsertPayRow(ctx, p); err != nil {
		return err
	}
	g := it.grant
	g.Status, g.UpdatedAt = Issued, s.now()
	if err := tx.UpdateGrant(ctx, g); err != nil {
		return err
	}
	run.Rows++
	run.Total += p.Amount
	if it.reissue {
		run.Reissues++
	}
	return nil
}

// bankColumns are the columns of the bank file, in order.
var bankColumns = []string{"reference", "holder", "bank", "account", "amount", "programme", "grant"}

// BankFile returns the bank's file of payment run id: CSV, or an Excel
// workbook when xlsx is set, one row per payment (reference, holder,
// bank, account, amount in yuan, programme, grant). It needs RunSupport.
func (s *Service) BankFile(ctx context.Context, id int64, xlsx bool) ([]byte, error) {
	c, err := authorize(ctx, access.RunSupport, "")
	if err != nil {
		return nil, err
	}
	var rows [][]string
	err = s.Store.Update(ctx, func(tx Tx) error {
		if _, err := tx.PayRun(ctx, id); err != nil {
			return err
		}
		pays, err := tx.PayRows(ctx, id, 0)
		if err != nil {
			return err
		}
		for _, p := range pays {
			g, err := tx.Grant(ctx, p.GrantID)
			if err != nil {
				return err
			}
			rows = append(rows, []string{p.Reference, p.Holder, p.Bank, p.Account, p.Amount.String(), g.Programme, fmt.Sprint(g.ID)})
		}
		return s.record(ctx, tx, c, "support.bank_file", fmt.Sprintf("payrun/%d", id))
	})
	if err != nil {
		return nil, err
	}
	if xlsx {
		return sheet.XLSX("payments", bankColumns, rows)
	}
	return sheet.CSV(bankColumns, rows), nil
}

// ImportReturn takes in the bank's return file (CSV, or Excel when name
// ends in .xlsx) with the columns reference, status (paid or failed) and
// reason (for a failed row): each paid row marks its payment and grant
// paid, each failed row failed with the reason. It is idempotent by
// reference: a row returned before with the same status changes nothing.
// A bad file (unknown reference, bad status, a paid row returned as
// failed, a failed row without reason) is refused whole, naming its row
// and column, and nothing of it is applied. It needs RunSupport.
func (s *Service) ImportReturn(ctx context.Context, name string, data []byte) (ReturnReport, error) {
	c, err := authorize(ctx, access.RunSupport, "")
	if err != nil {
		return ReturnReport{}, err
	}
	rows, err := bank.ParseReturn(name, data)
	if err != nil {
		return ReturnReport{}, err
	}
	sum := sha256.Sum256(data)
	var rep ReturnReport
	err = s.Store.Update(ctx, func(tx Tx) error {
		rep = ReturnReport{Rows: len(rows)}
		ret := Return{FileName: name, SHA256: hex.EncodeToString(sum[:]), Rows: len(rows), Actor: c.Actor(), CreatedAt: s.now()}
		if err := tx.InsertReturn(ctx, &ret); err != nil {
			return err
		}
		rep.Return = ret.ID
		var errs fault.List
		var persons []int64
		for _, r := range rows {
			person, err := s.applyReturn(ctx, tx, ret.ID, r, &rep)
			if fe, ok := err.(*fault.Error); ok && fe.Kind != fault.Internal {
				errs = append(errs, fe.At(r.Row, fe.Col))
				continue
			}
			if err != nil {
				return err
			}
			if person != 0 {
				persons = append(persons, person)
			}
		}
		if len(errs) > 0 {
			return bank.FileError("returns.file", errs)
		}
		return s.record(ctx, tx, c, "support.bank_return", fmt.Sprintf("return/%d %s: %d paid, %d failed, %d already", ret.ID, name, rep.Paid, rep.Failed, rep.Already), persons...)
	})
	return rep, err
}

// applyReturn applies one row and returns the grant's person.
func (s *Service) applyReturn(ctx context.Context, tx Tx, ret int64, r bank.ReturnRow, rep *ReturnReport) (int64, error) {
	p, ok, err := tx.PayRow(ctx, r.Reference)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, fault.Invalidf("reference", "returns.unknown", "no payment has the reference %q", r.Reference).At(0, "reference")
	}
	want := Failed
	if r.Paid {
		want = Paid
	}
	switch {
	case p.Status == want:
		rep.Already++
		return 0, nil
	case p.Status != Issued:
		return 0, fault.Conflictf("status", "returns.status_change", "payment %s was returned %s before; it cannot become %s", p.Reference, p.Status, want).At(0, "status")
	}
	g, err := tx.Grant(ctx, p.GrantID)
	if err != nil {
		return 0, err
	}
	p.Status, p.ReturnID = want, ret
	if !r.Paid {
		p.Failure = r.Reason
	}
	if err := tx.UpdatePayRow(ctx, p); err != nil {
		return 0, err
	}
	if g.Status == Issued {
		g.Status, g.UpdatedAt = want, s.now()
		if !r.Paid {
			g.Note = "bank: " + r.Reason
		}
		if err := tx.UpdateGrant(ctx, g); err != nil {
			return 0, err
		}
	}
	if r.Paid {
		rep.Paid++
		rep.Amount += p.Amount
	} else {
		rep.Failed++
	}
	return g.PersonID, nil
}

// Runs lists the payment runs, newest first. It needs RunSupport.
func (s *Service) Runs(ctx context.Context) ([]PaymentRun, error) {
	if _, err := authorize(ctx, access.RunSupport, ""); err != nil {
		return nil, err
	}
	var out []PaymentRun
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.ListPayRuns(ctx)
		return err
	})
	return out, err
}

// Totals sums the grants by programme, division and status: aggregates,
// no person in them, for analysts and staff (their divisions). It needs
// ReadAggregates.
func (s *Service) Totals(ctx context.Context, programme string) ([]Total, error) {
	c, err := authorize(ctx, access.ReadAggregates, "")
	if err != nil {
		return nil, err
	}
	f := GrantFilter{Programme: programme, Divisions: c.ScopeDivisions()}
	if c.Role == access.Analyst {
		f.Divisions = nil
	}
	var out []Total
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.GrantTotals(ctx, f)
		return err
	})
	return out, err
}
