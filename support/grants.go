package support

import (
	"context"
	"fmt"
	"strings"

	"hrss/access"
	"hrss/rules"
	"hrss/rules/fault"
)

// Grants lists the grants the caller may see (staff: of their divisions;
// an employer agent: those paid to its employer; a citizen: those paid to
// them), with names for the screens. It needs ReadGrants.
func (s *Service) Grants(ctx context.Context, f GrantFilter) ([]Grant, error) {
	c, err := authorize(ctx, access.ReadGrants, "")
	if err != nil {
		return nil, err
	}
	f, ok := narrow(c, f)
	if !ok {
		return nil, nil
	}
	var out []Grant
	err = access.ViewAudited(ctx, s.Store, c, s.now(), func(tx Tx) (ev access.Event, err error) {
		if out, err = tx.ListGrants(ctx, f); err != nil {
			return ev, err
		}
		var persons []int64
		for i := range out {
			if err := names(ctx, tx, &out[i]); err != nil {
				return ev, err
			}
			persons = append(persons, out[i].PersonID)
		}
		if len(out) == 0 || c.Role == access.Citizen {
			return ev, nil // nobody else's data shown: nothing to record
		}
		return access.Event{Action: "support.grants.list", Object: fmt.Sprintf("grants: %d listed", len(out)), Subjects: persons}, nil
	})
	return out, err
}

// names fills the person's and the employer's names of g.
func names(ctx context.Context, tx Tx, g *Grant) (err error) {
	if g.PersonID != 0 {
		if g.PersonName, err = tx.PersonName(ctx, g.PersonID); err != nil {
			return err
		}
	}
	if g.EmployerID != 0 {
		g.Employer, err = tx.EmployerName(ctx, g.EmployerID)
	}
	return err
}

// Grant returns one grant with its trace and payments, NotFound when out
// of the caller's reach. The view is audited.
func (s *Service) Grant(ctx context.Context, id int64) (Grant, []Payment, error) {
	c, err := authorize(ctx, access.ReadGrants, "")
	if err != nil {
		return Grant{}, nil, err
	}
	var g Grant
	var pays []Payment
	err = access.ViewAudited(ctx, s.Store, c, s.now(), func(tx Tx) (ev access.Event, err error) {
		if g, err = tx.Grant(ctx, id); err != nil {
			return ev, err
		}
		if !sees(c, g) {
			return ev, access.OutOfScope("grant", id)
		}
		if err := names(ctx, tx, &g); err != nil {
			return ev, err
		}
		if pays, err = tx.PayRows(ctx, 0, g.ID); err != nil {
			return ev, err
		}
		return access.Event{Action: "support.grant.view", Object: fmt.Sprintf("grant/%d", id), Subjects: []int64{g.PersonID}}, nil
	})
	return g, pays, err
}

// PrepareBatch puts pending grants of one division (of one programme when
// set; ids when given, else every pending grant there) into a batch for a
// reviewer. It needs PrepareGrants in the division and fails with Invalid
// when no pending grant is left to prepare, Conflict for a grant that is
// not pending.
func (s *Service) PrepareBatch(ctx context.Context, division, programme string, ids []int64) (Batch, error) {
	if division == "" {
		return Batch{}, fault.Invalidf("division", "batch.division", "a batch is for one division: give its code")
	}
	c, err := authorize(ctx, access.PrepareGrants, division)
	if err != nil {
		return Batch{}, err
	}
	b := Batch{Division: division, Programme: programme, Status: Prepared, PreparerID: c.UserID, Preparer: c.Actor(), PreparedAt: s.now()}
	err = s.Store.Update(ctx, func(tx Tx) error {
		grants, err := s.batchGrants(ctx, tx, division, programme, ids)
		if err != nil {
			return err
		}
		if err := tx.InsertGrantBatch(ctx, &b); err != nil {
			return err
		}
		var persons []int64
		for _, g := range grants {
			g.Status, g.BatchID, g.UpdatedAt = Prepared, b.ID, s.now()
			if err := tx.UpdateGrant(ctx, g); err != nil {
				return err
			}
			b.Grants++
			b.Total += g.Amount
			persons = append(persons, g.PersonID)
		}
		if err := tx.UpdateGrantBatch(ctx, b); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "support.batch.prepare", fmt.Sprintf("batch/%d: %d grants, %s yuan", b.ID, b.Grants, b.Total), persons...)
	})
	return b, err
}

// batchGrants returns the pending grants a batch takes.
func (s *Service) batchGrants(ctx context.Context, tx Tx, division, programme string, ids []int64) ([]Grant, error) {
	if len(ids) == 0 {
		gs, err := tx.ListGrants(ctx, GrantFilter{Programme: programme, Divisions: []string{division}, Status: Pending})
		if err == nil && len(gs) == 0 {
			err = fault.Invalidf("division", "batch.empty", "no pending grant in division %s to prepare", division)
		}
		return gs, err
	}
	var out []Grant
	for _, id := range ids {
		g, err := tx.Grant(ctx, id)
		if err != nil {
			return nil, err
		}
		if g.Division != division || (programme != "" && g.Programme != programme) {
			return nil, fault.Invalidf("grants", "batch.division", "grant %d is of division %s and programme %s, not of this batch", id, g.Division, g.Programme)
		}
		if g.Status != Pending {
			return nil, fault.Conflictf("grants", "grant.pending", "grant %d is %s, not pending", id, g.Status)
		}
		out = append(out, g)
	}
	return out, nil
}

// DecideBatch approves (approve true) or rejects a prepared batch: a
// reviewer of its division who did not prepare it (four eyes,
// access.RequireApprover); a rejection needs a reason. Approving makes
// the batch's prepared grants approved for the next payment run;
// rejecting returns them to pending with the reason noted. It fails with
// Conflict for a batch already decided.
func (s *Service) DecideBatch(ctx context.Context, id int64, approve bool, reason string) (Batch, error) {
	reason = strings.TrimSpace(reason)
	if !approve && reason == "" {
		return Batch{}, fault.Invalidf("reason", "batch.reason", "a rejection needs a reason")
	}
	var b Batch
	err := s.Store.Update(ctx, func(tx Tx) error {
		var err error
		if b, err = tx.GrantBatch(ctx, id); err != nil {
			return err
		}
		c, err := access.RequireApprover(ctx, b.PreparerID)
		if err != nil {
			return err
		}
		if !c.InDivision(b.Division) {
			return access.OutOfScope("batch", id)
		}
		if b.Status != Prepared {
			return fault.Conflictf("status", "batch.prepared", "batch %d is %s, not prepared", id, b.Status)
		}
		return s.decideBatch(ctx, tx, c, &b, approve, reason)
	})
	return b, err
}

func (s *Service) decideBatch(ctx context.Context, tx Tx, c access.Caller, b *Batch, approve bool, reason string) error {
	grants, err := tx.ListGrants(ctx, GrantFilter{BatchID: b.ID, Status: Prepared})
	if err != nil {
		return err
	}
	b.Status, b.Reviewer, b.ReviewedAt, b.Note = Rejected, c.Actor(), s.now(), reason
	if approve {
		b.Status = Approved
	}
	var persons []int64
	for _, g := range grants {
		g.Status, g.UpdatedAt = Approved, s.now()
		if !approve {
			g.Status, g.BatchID, g.Note = Pending, 0, "batch "+fmt.Sprint(b.ID)+" rejected: "+reason
		}
		if err := tx.UpdateGrant(ctx, g); err != nil {
			return err
		}
		persons = append(persons, g.PersonID)
	}
	if err := tx.UpdateGrantBatch(ctx, *b); err != nil {
		return err
	}
	return s.record(ctx, tx, c, "support.batch."+map[bool]string{true: "approve", false: "reject"}[approve], fmt.Sprintf("batch/%d", b.ID), persons...)
}

// Batches lists the batches of the caller's divisions (of one status
// when set), newest first. It needs ReadGrants and staff.
func (s *Service) Batches(ctx context.Context, status Status) ([]Batch, error) {
	c, err := authorize(ctx, access.ReadGrants, "")
	if err != nil {
		return nil, err
	}
	if !c.IsSystem() && !c.DivisionScoped() {
		return nil, nil
	}
	var out []Batch
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.ListGrantBatches(ctx, c.ScopeDivisions(), status)
		return err
	})
	return out, err
}

// Batch returns one batch with its grants, NotFound outside the caller's
// divisions.
func (s *Service) Batch(ctx context.Context, id int64) (Batch, []Grant, error) {
	c, err := authorize(ctx, access.ReadGrants, "")
	if err != nil {
		return Batch{}, nil, err
	}
	var b Batch
	var gs []Grant
	err = access.ViewAudited(ctx, s.Store, c, s.now(), func(tx Tx) (ev access.Event, err error) {
		if b, err = tx.GrantBatch(ctx, id); err != nil {
			return ev, err
		}
		if !c.IsSystem() && !c.InDivision(b.Division) {
			return ev, access.OutOfScope("batch", id)
		}
		if gs, err = tx.ListGrants(ctx, GrantFilter{BatchID: id}); err != nil {
			return ev, err
		}
		var persons []int64
		for i := range gs {
			if err := names(ctx, tx, &gs[i]); err != nil {
				return ev, err
			}
			persons = append(persons, gs[i].PersonID)
		}
		return access.Event{Action: "support.batch.view", Object: fmt.Sprintf("batch/%d", id), Subjects: persons}, nil
	})
	return b, gs, err
}

// Reject rejects one pending or prepared grant with a reason (a
// caseworker who finds it wrong, or a reviewer): it is never paid and its
// key stays taken, so a later scan does not find it again. It needs
// PrepareGrants or ApprovePayments in the grant's division.
func (s *Service) Reject(ctx context.Context, id int64, reason string) (Grant, error) {
	return s.settle(ctx, id, reason, Rejected, "support.grant.reject")
}

// Revoke revokes one grant not yet paid whose eligibility was found lost
// by a caseworker (the scan revokes those the records show), or records a
// clawback on a paid one. It needs PrepareGrants in the grant's division.
func (s *Service) Revoke(ctx context.Context, id int64, reason string) (Grant, error) {
	return s.settle(ctx, id, reason, Revoked, "")
}

func (s *Service) settle(ctx context.Context, id int64, reason string, to Status, action string) (Grant, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Grant{}, fault.Invalidf("reason", "grant.reason", "give the reason")
	}
	var g Grant
	err := s.Store.Update(ctx, func(tx Tx) error {
		var err error
		if g, err = tx.Grant(ctx, id); err != nil {
			return err
		}
		c, err := settler(ctx, g, to)
		if err != nil {
			return err
		}
		if to == Revoked {
			if g.Status == Issued {
				return fault.Conflictf("status", "grant.issued", "grant %d is with the bank: wait for its return", id)
			}
			if err := s.lose(ctx, tx, c, g, reason); err != nil {
				return err
			}
			g, err = tx.Grant(ctx, id)
			return err
		}
		if g.Status != Pending && g.Status != Prepared {
			return fault.Conflictf("status", "grant.pending", "grant %d is %s: only a pending or prepared grant is rejected", id, g.Status)
		}
		g.Status, g.Note, g.UpdatedAt = Rejected, reason, s.now()
		if err := tx.UpdateGrant(ctx, g); err != nil {
			return err
		}
		return s.record(ctx, tx, c, action, fmt.Sprintf("grant/%d: %s", id, reason), g.PersonID)
	})
	return g, err
}

// settler checks who may reject or revoke g.
func settler(ctx context.Context, g Grant, to Status) (access.Caller, error) {
	c, err := authorize(ctx, access.PrepareGrants, g.Division)
	if err != nil && to == Rejected && fault.KindOf(err) == fault.Forbidden && !c.Can(access.PrepareGrants) {
		c, err = authorize(ctx, access.ApprovePayments, g.Division)
	}
	if err == nil && !sees(c, g) {
		err = access.OutOfScope("grant", g.ID)
	}
	return c, err
}

// SetPayee records the bank account a beneficiary is paid into. It needs
// PrepareGrants in the beneficiary's division and fails with Invalid for
// an empty bank or holder or an account that is not 8 to 32 digits, and
// with Conflict (rule record.changed) if the account changed since seen,
// the updated_at the caller read ("" skips the check; the zero time, of
// an account not yet recorded, is refused once one is: access.UnchangedSince).
func (s *Service) SetPayee(ctx context.Context, p Payee, seen string) (Payee, error) {
	p.Bank, p.Holder, p.Account = strings.TrimSpace(p.Bank), strings.TrimSpace(p.Holder), strings.ReplaceAll(strings.TrimSpace(p.Account), " ", "")
	if err := checkPayee(p); err != nil {
		return Payee{}, err
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		div, err := s.payeeDivision(ctx, tx, p)
		if err != nil {
			return err
		}
		c, err := authorize(ctx, access.PrepareGrants, div)
		if err != nil {
			return err
		}
		old, _, err := tx.Payee(ctx, p.Kind, p.ID)
		if err != nil {
			return err
		}
		if err := access.UnchangedSince(seen, old.UpdatedAt, "payee", fmt.Sprintf("%s #%d", p.Kind, p.ID)); err != nil {
			return err
		}
		p.UpdatedAt = access.Touched(old.UpdatedAt, s.now())
		if err := tx.PutPayee(ctx, p); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "support.payee.set", fmt.Sprintf("payee/%s/%d", p.Kind, p.ID))
	})
	return p, err
}

// Payee returns the bank account recorded for a beneficiary (kind and
// ID), or a Payee with a zero UpdatedAt when none is, for the form that
// changes it. It needs PrepareGrants in the beneficiary's division.
func (s *Service) Payee(ctx context.Context, kind rules.Beneficiary, id int64) (Payee, error) {
	p := Payee{Kind: kind, ID: id}
	if err := checkPayeeKey(p); err != nil {
		return p, err
	}
	err := s.Store.View(ctx, func(tx Tx) error {
		div, err := s.payeeDivision(ctx, tx, p)
		if err != nil {
			return err
		}
		if _, err := authorize(ctx, access.PrepareGrants, div); err != nil {
			return err
		}
		if got, ok, err := tx.Payee(ctx, kind, id); err != nil || ok {
			p = got
			return err
		}
		return nil
	})
	return p, err
}

// checkPayeeKey checks the beneficiary a payee account is for.
func checkPayeeKey(p Payee) error {
	switch {
	case p.Kind != rules.PaysEmployer && p.Kind != rules.PaysPerson && p.Kind != rules.PaysBank:
		return fault.Invalidf("kind", "payee.kind", "payee kind %q must be employer, person or bank", p.Kind)
	case p.ID <= 0:
		return fault.Invalidf("id", "payee.id", "give the employer's, person's or loan's ID")
	}
	return nil
}

func checkPayee(p Payee) error {
	if err := checkPayeeKey(p); err != nil {
		return err
	}
	switch {
	case p.Bank == "":
		return fault.Invalidf("bank", "payee.bank", "give the bank")
	case p.Holder == "":
		return fault.Invalidf("holder", "payee.holder", "give the account holder's name")
	case len(p.Account) < 8 || len(p.Account) > 32 || strings.Trim(p.Account, "0123456789") != "":
		return fault.Invalidf("account", "payee.account", "account %q must be 8 to 32 digits", p.Account)
	}
	return nil
}

// payeeDivision returns the division whose staff manage p.
func (s *Service) payeeDivision(ctx context.Context, tx Tx, p Payee) (string, error) {
	switch p.Kind {
	case rules.PaysEmployer:
		return tx.EmployerDivision(ctx, p.ID)
	case rules.PaysPerson:
		return tx.PersonDivision(ctx, p.ID)
	}
	l, err := tx.Loan(ctx, p.ID)
	return l.Division, err
}
