package store

import "hrss/insurance"

// The invariant of the recomputed pensions (migration 0660), checked by
// CheckInvariant with the others; its last part (no provisional pension
// left once its base is published) is read by insurance.Service.Check
// against the parameters in force.
func init() {
	invariantQueries[insurance.InvPensionRecomputations] = invariantSet{
		// every recomputation, and every approved pension (provisional or not, recomputed or not)
		count: `SELECT (SELECT count(*) FROM ins_pension_recomputations) + (SELECT count(*) FROM ins_claims WHERE kind = 'pension' AND status = 'approved')`,
		breaches: []string{
			`SELECT 'decided by its preparer' AS what, id, prepared_by, decided_by FROM ins_pension_recomputations
			WHERE status <> 'prepared' AND (decided_by IS NULL OR decided_by = prepared_by)`,
			`SELECT 'applied but its claim is not recomputed' AS what, r.id, r.claim_id, c.monthly, r.new_monthly, c.provisional_year
			FROM ins_pension_recomputations r JOIN ins_claims c ON c.id = r.claim_id
			WHERE r.status = 'applied' AND (c.provisional_year <> 0 OR c.monthly <> r.new_monthly)`,
			`SELECT 'back pay not paid exactly once for its amount' AS what, r.id, r.difference, r.paid_period, COALESCE(b.n, 0) AS payments, COALESCE(b.s, 0) AS paid
			FROM ins_pension_recomputations r
			LEFT JOIN (SELECT recomputation_id, count(*) AS n, SUM(back_pay) AS s, MIN(claim_id) AS claim_id, MIN(period) AS period FROM ins_benefit_payments
				WHERE recomputation_id IS NOT NULL GROUP BY recomputation_id) b ON b.recomputation_id = r.id
			WHERE (r.status = 'applied' AND r.difference > 0 AND r.paid_period <> 0
				AND (COALESCE(b.n, 0) <> 1 OR b.s <> r.difference OR b.claim_id <> r.claim_id OR b.period <> r.paid_period))
				OR ((r.status <> 'applied' OR r.difference <= 0 OR r.paid_period = 0) AND b.n IS NOT NULL)`,
			`SELECT 'recovery without its overpayment' AS what, r.id, r.difference, r.overpayment_id, o.amount
			FROM ins_pension_recomputations r LEFT JOIN ins_benefit_overpayments o ON o.id = r.overpayment_id
			WHERE (r.status = 'applied' AND r.difference < 0 AND (o.id IS NULL OR o.amount <> -r.difference OR o.claim_id <> r.claim_id))
				OR ((r.status <> 'applied' OR r.difference >= 0) AND r.overpayment_id IS NOT NULL)`,
			`SELECT 'back pay of no recomputation' AS what, claim_id, period, back_pay, recomputation_id FROM ins_benefit_payments
			WHERE back_pay <> 0 AND recomputation_id IS NULL`,
		},
	}
}
