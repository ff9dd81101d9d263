package store

import "hrss/insurance"

// liveFees is the late fee lines that stand: neither a reversal nor
// reversed.
const liveFees = `(SELECT * FROM ins_late_fees f WHERE f.reverses IS NULL AND NOT EXISTS (SELECT 1 FROM ins_late_fees r WHERE r.reverses = f.id))`

// The invariants of late fees, credits and refunds (migrations 0610,
// 0612), checked by CheckInvariant with the others; that the lines of
// each bill add up to the fee due given the payments known is checked by
// insurance.Service.Check in Go (it reads the rate's parameter).
func init() {
	invariantQueries[insurance.InvLateFees] = invariantSet{
		count: `SELECT count(*) FROM ins_late_fees`,
		breaches: []string{
			`SELECT 'late fee of an unknown billing' AS what, l.id, l.fee_run_id FROM ins_late_fees l
			LEFT JOIN ins_fee_runs r ON r.id = l.fee_run_id WHERE r.id IS NULL`,
			`SELECT 'billing differs from its lines' AS what, r.id, r.lines, r.amount, COALESCE(l.n, 0) AS lines_found, COALESCE(l.s, 0) AS lines_amount
			FROM ins_fee_runs r LEFT JOIN (SELECT fee_run_id, count(*) AS n, SUM(amount) AS s FROM ins_late_fees GROUP BY fee_run_id) l ON l.fee_run_id = r.id
			WHERE r.lines <> COALESCE(l.n, 0) OR r.amount <> COALESCE(l.s, 0)`,
			`SELECT 'late fee lines of a bill overlap' AS what, a.id, b.id AS other, a.period, a.payer_kind, a.payer_id FROM ` + liveFees + ` a
			JOIN ` + liveFees + ` b ON b.period = a.period AND b.payer_kind = a.payer_kind AND b.payer_id = a.payer_id AND b.id > a.id
				AND b.from_date < a.to_date AND a.from_date < b.to_date`,
			`SELECT 'reversal differs from the line it reverses' AS what, r.id, r.reverses, r.amount, COALESCE(l.amount, 0) AS reversed_amount FROM ins_late_fees r
			LEFT JOIN ins_late_fees l ON l.id = r.reverses
			WHERE r.reverses IS NOT NULL AND (l.id IS NULL OR l.reverses IS NOT NULL OR l.period <> r.period OR l.payer_kind <> r.payer_kind
				OR l.payer_id <> r.payer_id OR l.from_date <> r.from_date OR l.to_date <> r.to_date OR l.principal <> r.principal OR l.amount <> -r.amount)`,
			`SELECT 'late fee paid exceeds the fee billed and credited' AS what, p.period, p.payer_kind, p.payer_id, p.paid, COALESCE(l.s, 0) AS billed, COALESCE(c.s, 0) AS credited
			FROM (SELECT period, payer_kind, payer_id, SUM(fee_applied) AS paid FROM ins_payments WHERE fee_applied > 0 GROUP BY period, payer_kind, payer_id) p
			LEFT JOIN (SELECT period, payer_kind, payer_id, SUM(amount) AS s FROM ins_late_fees GROUP BY period, payer_kind, payer_id) l
				ON l.period = p.period AND l.payer_kind = p.payer_kind AND l.payer_id = p.payer_id
			LEFT JOIN (SELECT period, payer_kind, payer_id, SUM(amount) AS s FROM ins_fee_credits GROUP BY period, payer_kind, payer_id) c
				ON c.period = p.period AND c.payer_kind = p.payer_kind AND c.payer_id = p.payer_id
			WHERE p.paid > COALESCE(l.s, 0) + COALESCE(c.s, 0)`,
			`SELECT 'fee credit beyond the fee paid' AS what, c.period, c.payer_kind, c.payer_id, c.s AS credited, COALESCE(p.paid, 0) AS paid
			FROM (SELECT period, payer_kind, payer_id, SUM(amount) AS s FROM ins_fee_credits GROUP BY period, payer_kind, payer_id) c
			LEFT JOIN (SELECT period, payer_kind, payer_id, SUM(fee_applied) AS paid FROM ins_payments GROUP BY period, payer_kind, payer_id) p
				ON p.period = c.period AND p.payer_kind = c.payer_kind AND p.payer_id = c.payer_id
			WHERE c.s > COALESCE(p.paid, 0)`,
			`SELECT 'unmatched payment applied to a late fee' AS what, reference, fee_applied FROM ins_payments WHERE status = 'unmatched' AND fee_applied <> 0`,
		},
	}
	invariantQueries[insurance.InvCredits] = invariantSet{
		count: `SELECT (SELECT count(*) FROM ins_payments WHERE overpaid > 0 OR credit_of <> '') + (SELECT count(*) FROM ins_refunds)
			+ (SELECT count(*) FROM ins_overpayments) + (SELECT count(*) FROM ins_fee_credits)`,
		breaches: []string{
			`SELECT 'credit used twice' AS what, p.reference, p.credited, COALESCE(u.s, 0) AS rematched, COALESCE(r.s, 0) AS refunded
			FROM ins_credit_sources p ` + creditUses + `
			WHERE COALESCE(u.s, 0) + COALESCE(r.s, 0) > p.credited`,
			`SELECT 'overpayment of no recorded payment' AS what, o.id, o.source_ref FROM ins_overpayments o
			LEFT JOIN ins_payments s ON s.reference = o.source_ref WHERE s.reference IS NULL`,
			`SELECT 're-match of no recorded credit' AS what, p.reference, p.credit_of FROM ins_payments p
			LEFT JOIN ins_credit_sources c ON c.reference = p.credit_of
			WHERE p.credit_of <> '' AND (c.reference IS NULL OR p.overpaid <> 0 OR p.status <> 'applied')`,
			`SELECT 'refund of no recorded credit' AS what, f.id, f.credit_ref FROM ins_refunds f
			LEFT JOIN ins_credit_sources c ON c.reference = f.credit_ref WHERE c.reference IS NULL`,
			`SELECT 'refund approved by its preparer' AS what, id, prepared_by FROM ins_refunds
			WHERE status IN ('approved', 'issued', 'paid', 'failed') AND (decided_by IS NULL OR decided_by = prepared_by)`,
			`SELECT 'issued refund outside a run' AS what, id, status, run_id FROM ins_refunds
			WHERE (status IN ('issued', 'paid', 'failed')) <> (run_id IS NOT NULL)`,
			`SELECT 'refund returned outside a bank return' AS what, id, status, return_id FROM ins_refunds
			WHERE (status IN ('paid', 'failed')) <> (return_id IS NOT NULL) OR (status = 'failed') <> (failure <> '')`,
			`SELECT 'refund run differs from its refunds' AS what, r.id, r.rows_count, r.total, COALESCE(f.n, 0) AS refunds, COALESCE(f.s, 0) AS refunds_total
			FROM ins_refund_runs r LEFT JOIN (SELECT run_id, count(*) AS n, SUM(amount) AS s FROM ins_refunds WHERE run_id IS NOT NULL GROUP BY run_id) f ON f.run_id = r.id
			WHERE r.rows_count <> COALESCE(f.n, 0) OR r.total <> COALESCE(f.s, 0)`,
			// every fen collected is allocated to a bill, left as a credit
			// or refunded; overpayments and fee credits are money allocated
			// that became credits
			`SELECT 'collected differs from allocations plus credits' AS what, c.collected, o.credited, a.allocated, k.credits_left, f.refunded
			FROM (SELECT COALESCE(SUM(amount), 0) AS collected FROM ins_payments WHERE credit_of = '') c,
				(SELECT (SELECT COALESCE(SUM(amount), 0) FROM ins_overpayments) + (SELECT COALESCE(SUM(amount), 0) FROM ins_fee_credits) AS credited) o,
				(SELECT COALESCE(SUM(applied + fee_applied), 0) AS allocated FROM ins_payments) a,
				(SELECT COALESCE(SUM(CASE WHEN p.credited > COALESCE(u.s, 0) + COALESCE(r.s, 0) THEN p.credited - COALESCE(u.s, 0) - COALESCE(r.s, 0) ELSE 0 END), 0) AS credits_left
					FROM ins_credit_sources p ` + creditUses + `) k,
				(SELECT COALESCE(SUM(amount), 0) AS refunded FROM ins_refunds WHERE status NOT IN ('rejected', 'failed')) f
			WHERE c.collected + o.credited <> a.allocated + k.credits_left + f.refunded`,
		},
	}
}
