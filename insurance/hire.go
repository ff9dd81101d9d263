package insurance

import (
	"context"
	"fmt"

	"hrss/registry"
)

// Hired is a registry hook (registry.Service.Hired): inside the
// transaction that records a new employment relation e it stops the
// person's approved unemployment claim on the first Art. 51 event of the
// record (re-employment from e.Start, or an earlier one), from the day
// of the event, by the one rule of the payment run (stopClaim), and
// audits the stop as the caller who recorded the hire. A relation
// starting after today is left to the payment run of its month. A
// pending claim is left to its reviewer; once approved, the payment run
// stops it. It fails when rtx does not implement Tx, or with the store's
// error, which rolls the hire back.
func (s *Service) Hired(ctx context.Context, rtx registry.Tx, e registry.Employment) error {
	tx, ok := rtx.(Tx)
	if !ok {
		return fmt.Errorf("insurance: the registry's transaction %T does not implement insurance.Tx", rtx)
	}
	if s.today().Before(e.Start) {
		return nil
	}
	_, err := s.stopOnRecord(ctx, tx, e.PersonID, s.today())
	return err
}
