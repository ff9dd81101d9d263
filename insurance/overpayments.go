package insurance

import (
	"context"
	"fmt"
	"strings"

	"hrss/rules/fault"
	"hrss/rules/money"
)

// Overpayments lists the benefit overpayments of person (all within the
// caller's reach when 0) with what was netted and recovered of each.
func (s *Service) Overpayments(ctx context.Context, person int64) ([]Overpayment, error) {
	c, err := authorize(ctx, actRecord, "")
	if err != nil {
		return nil, err
	}
	var os []Overpayment
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		os, err = tx.Overpayments(ctx, person)
		return err
	})
	return inReach(c, os, func(o Overpayment) (int64, string) { return o.PersonID, o.Division }), err
}

// ClaimPayments lists the benefit payments of claim id in period order,
// each with the medical contributions paid with it (Art. 48) and what was
// netted of it; NotFound when the claim is out of the caller's reach.
func (s *Service) ClaimPayments(ctx context.Context, id int64) ([]BenefitPayment, error) {
	c, err := authorize(ctx, actRecord, "")
	if err != nil {
		return nil, err
	}
	var out []BenefitPayment
	err = s.Store.View(ctx, func(tx Tx) error {
		cl, err := tx.Claim(ctx, id)
		if err != nil {
			return err
		}
		if !ownPerson(c, cl.PersonID, cl.Division) {
			return fault.NotFoundf("claim %d not found", id)
		}
		out, err = tx.ClaimPayments(ctx, id)
		return err
	})
	return out, err
}

// RecoveryInput is money a person repaid on an overpayment.
type RecoveryInput struct {
	Amount    string `json:"amount"`    // yuan, e.g. "512.26"
	Reference string `json:"reference"` // the receipt's reference, unique
}

// RecordRecovery records that the person repaid in part or whole
// overpayment id (社会保险法 第八十八条: benefit obtained without right is
// to be returned). It fails with Invalid naming the field for an amount
// that is not positive or exceeds what is outstanding, or an empty
// reference; Conflict for a reference recorded before; NotFound out of
// the caller's reach; Forbidden for a caller who may not open claims.
func (s *Service) RecordRecovery(ctx context.Context, id int64, in RecoveryInput) (Overpayment, error) {
	amt, err := money.Parse(strings.TrimSpace(in.Amount))
	if err != nil || amt <= 0 {
		return Overpayment{}, fault.Invalidf("amount", "recovery.amount", "%q is not a positive amount in yuan", in.Amount)
	}
	ref := strings.TrimSpace(in.Reference)
	if ref == "" || len(ref) > 100 {
		return Overpayment{}, fault.Invalidf("reference", "recovery.reference", "the receipt's reference is required (at most 100 characters)")
	}
	var o Overpayment
	err = s.Store.Update(ctx, func(tx Tx) (err error) {
		if o, err = tx.Overpayment(ctx, id); err != nil {
			return err
		}
		c, err := authorize(ctx, actClaim, o.Division)
		if err != nil {
			return err
		}
		if !ownPerson(c, o.PersonID, o.Division) {
			return fault.NotFoundf("overpayment %d not found", id)
		}
		if amt > o.Outstanding() {
			return fault.Invalidf("amount", "recovery.outstanding", "%s exceeds the %s outstanding on overpayment %d", amt, o.Outstanding(), id)
		}
		if err := tx.InsertRecovery(ctx, Recovery{OverpaymentID: id, Amount: amt, Reference: ref, Actor: c.Actor(), CreatedAt: s.now()}); fault.KindOf(err) == fault.Conflict {
			return fault.Conflictf("reference", "recovery.reference_used", "receipt %q is recorded already", ref)
		} else if err != nil {
			return err
		}
		o.Recovered += amt
		return s.record(ctx, tx, c, "insurance.overpayment.recover", fmt.Sprintf("overpayment/%d", id), o.PersonID)
	})
	return o, err
}
