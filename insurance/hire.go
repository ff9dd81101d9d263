package insurance

import (
	"context"
	"fmt"

	"hrss/access"
	"hrss/registry"
)

// HireTx is what the hire hook needs of the registry's transaction:
// store's transaction implements it (with the whole of Tx).
type HireTx interface {
	access.AuditTx
	stopTx
	ListClaims(ctx context.Context, f ClaimFilter) ([]Claim, error)
}

// Hired is a registry hook (registry.Service.Hired): inside the
// transaction that records a new employment relation e it stops the
// person's approved unemployment claim whose separation came before
// e.Start, as of the month of e.Start, keeping the unused months for the
// next spell (the rule the payment run applies, stopRehired), and audits
// the stop as the caller who recorded the hire. A relation starting
// after today is left to the payment run of its month, which stops the
// claim then, so that the months before it are still paid. A pending
// claim is left to its reviewer; once approved, the payment run stops
// it. It fails when rtx does not implement HireTx, or with the store's
// error, which rolls the hire back.
func (s *Service) Hired(ctx context.Context, rtx registry.Tx, e registry.Employment) error {
	tx, ok := rtx.(HireTx)
	if !ok {
		return fmt.Errorf("insurance: the registry's transaction %T does not implement insurance.HireTx", rtx)
	}
	if s.today().Before(e.Start) {
		return nil
	}
	claims, err := tx.ListClaims(ctx, ClaimFilter{Kind: ClaimUnemployment, PersonID: e.PersonID, Status: ClaimApproved})
	if err != nil || len(claims) == 0 {
		return err
	}
	c, err := access.Current(ctx)
	if err != nil {
		return err
	}
	for _, cl := range claims {
		sep, err := separatedOn(cl)
		if err != nil {
			return err
		}
		if !sep.Before(e.Start) {
			continue // a relation from before the separation does not end this spell
		}
		if err := stopRehired(ctx, tx, &cl, e.ID, e.Start, e.Start.Month()); err != nil {
			return err
		}
		if err := s.record(ctx, tx, c, "insurance.claim.stop.rehired", fmt.Sprintf("claim/%d", cl.ID), cl.PersonID); err != nil {
			return err
		}
	}
	return nil
}
