package insurance

import (
	"context"
	"fmt"
)

// InvPensionRecomputations: every applied recomputation of a pension was
// decided by a user other than its preparer and changed its claim (no
// longer provisional, at the recomputed amount); its back pay is paid
// exactly once, on one payment of its claim for its amount, or its
// recovery is the overpayment it names, for its amount; one not applied
// paid and recovered nothing; no payment carries back pay of no applied
// recomputation; and no approved provisional pension is left without a
// recomputation once its retirement year's base is published (the last
// part read against the parameters in force: Service.Check).
const InvPensionRecomputations = "pension_recomputations"

// The recomputations' invariant is checked after the others (its
// queries: store/insurance_check_recompute.go).
func init() { Invariants = append(Invariants, InvPensionRecomputations) }

// unflaggedProvisional lists, as breaches (at most limit), the approved
// provisional pensions without an open or applied recomputation whose
// retirement year's base is published.
func (s *Service) unflaggedProvisional(ctx context.Context, tx Tx, limit int) ([]string, error) {
	rt, err := recomputeTx(tx)
	if err != nil {
		return nil, err
	}
	pps, err := rt.ProvisionalPensions(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, pp := range pps {
		ok, err := s.Params.CalcBasePublished(pp.Division, pp.Year)
		if err != nil {
			return out, err
		}
		if ok && len(out) < limit {
			out = append(out, fmt.Sprintf("provisional pension not flagged for recomputation though its base is published: claim_id=%d, year=%d", pp.ClaimID, pp.Year))
		}
	}
	return out, nil
}
