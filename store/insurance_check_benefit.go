package store

import "hrss/insurance"

// The invariant of benefit overpayments (migration 0620), checked by
// CheckInvariant with the others.
func init() {
	invariantQueries[insurance.InvOverpayments] = struct {
		count    string
		breaches []string
	}{
		// every overpayment, and every benefit payment (what it nets, of which overpayment)
		count: `SELECT (SELECT count(*) FROM ins_benefit_overpayments) + (SELECT count(*) FROM ins_benefit_payments)`,
		breaches: []string{
			`SELECT 'netted and recovered exceed the overpayment' AS what, o.id, o.amount, COALESCE(n.s, 0) AS netted, COALESCE(r.s, 0) AS recovered
			FROM ins_benefit_overpayments o
			LEFT JOIN (SELECT overpayment_id, SUM(netted) AS s FROM ins_benefit_payments WHERE overpayment_id IS NOT NULL GROUP BY overpayment_id) n ON n.overpayment_id = o.id
			LEFT JOIN (SELECT overpayment_id, SUM(amount) AS s FROM ins_overpayment_recoveries GROUP BY overpayment_id) r ON r.overpayment_id = o.id
			WHERE COALESCE(n.s, 0) + COALESCE(r.s, 0) > o.amount`,
			`SELECT 'netting of no recorded overpayment' AS what, b.claim_id, b.period, b.netted, b.overpayment_id FROM ins_benefit_payments b
			LEFT JOIN ins_benefit_overpayments o ON o.id = b.overpayment_id
			WHERE (b.overpayment_id IS NOT NULL AND o.id IS NULL) OR (b.netted <> 0 AND b.overpayment_id IS NULL)`,
			`SELECT 'netting of another person''s overpayment' AS what, b.claim_id, b.period, b.person_id, o.id AS overpayment, o.person_id AS owed_by
			FROM ins_benefit_payments b JOIN ins_benefit_overpayments o ON o.id = b.overpayment_id WHERE o.person_id <> b.person_id`,
			`SELECT 'netted beyond its payment' AS what, claim_id, period, amount, netted FROM ins_benefit_payments WHERE netted < 0 OR netted > amount`,
		},
	}
}
