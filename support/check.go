package support

import (
	"context"

	"hrss/access"
)

// The invariants Check verifies, each in SQL over the whole database.
const (
	// InvOncePerKey: no family pays a key twice (also held by the unique
	// key), and no grant has more than one paid payment.
	InvOncePerKey = "support_once_per_key"
	// InvDisbursed: every payment run's total equals its rows; for every
	// grant, what was paid is its amount if it is paid and nothing
	// otherwise; issued = paid + failed + still issued; every failed
	// payment is followed by at most one re-issue at a time.
	InvDisbursed = "support_disbursed"
	// InvTraceable: every grant names the scan (or the loan) and the
	// programme that found it and keeps its rule's reason and trace, and
	// every payment its run and grant.
	InvTraceable = "support_traceable"
)

// Invariants lists the support invariants in the order Check reports them.
var Invariants = []string{InvOncePerKey, InvDisbursed, InvTraceable}

// CheckResult is the outcome of one invariant.
type CheckResult struct {
	Invariant string   `json:"invariant"`
	Checked   int      `json:"checked"`
	Breaches  []string `json:"breaches"`
	OK        bool     `json:"ok"`
}

// Check verifies the support invariants in one read transaction; a breach
// is reported, not an error. It needs RunSupport.
func (s *Service) Check(ctx context.Context) ([]CheckResult, error) {
	if _, err := authorize(ctx, access.RunSupport, ""); err != nil {
		return nil, err
	}
	var out []CheckResult
	err := s.Store.View(ctx, func(tx Tx) error {
		for _, inv := range Invariants {
			n, b, err := tx.CheckSupport(ctx, inv, 50)
			if err != nil {
				return err
			}
			out = append(out, CheckResult{Invariant: inv, Checked: n, Breaches: b, OK: len(b) == 0})
		}
		return nil
	})
	return out, err
}
