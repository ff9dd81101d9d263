package store

import (
	"context"
	"fmt"
	"strings"

	"hrss/insurance"
)

// invariantSet is the query counting what an invariant checks and the
// queries whose every row is a breach.
type invariantSet struct {
	count    string
	breaches []string
}

// invariantQueries holds, per invariant, the query counting what is
// checked and the queries whose every row is a breach (the columns name
// the row; the first column says what is wrong).
var invariantQueries = map[string]invariantSet{
	insurance.InvAssessedBilled: {
		count: `SELECT count(*) FROM ins_bills b JOIN ins_periods s ON s.period = b.period AND s.current_run = b.run_id`,
		breaches: []string{
			`SELECT 'rows differ from bill' AS what, r.period, r.kind AS payer_kind, r.payer_id, r.n AS rows_count, r.total AS rows_total,
				b.persons AS bill_persons, b.total AS bill_total
			FROM ins_periods s
			JOIN (SELECT period, run_id, kind, payer_id, count(*) AS n, SUM(` + adjSum + `) AS total FROM ins_assessments
				GROUP BY period, run_id, kind, payer_id) r ON r.period = s.period AND r.run_id = s.current_run
			LEFT JOIN ins_bills b ON b.period = r.period AND b.run_id = r.run_id AND b.payer_kind = r.kind AND b.payer_id = r.payer_id
			WHERE b.payer_id IS NULL OR b.persons <> r.n OR b.total <> r.total`,
			`SELECT 'bill without rows' AS what, b.period, b.payer_kind, b.payer_id, b.total FROM ins_bills b
			JOIN ins_periods s ON s.period = b.period AND s.current_run = b.run_id
			LEFT JOIN (SELECT DISTINCT period, run_id, kind, payer_id FROM ins_assessments) a
				ON a.period = b.period AND a.run_id = b.run_id AND a.kind = b.payer_kind AND a.payer_id = b.payer_id
			WHERE b.total <> 0 AND a.payer_id IS NULL`,
			`SELECT 'bill parts differ from its total' AS what, b.period, b.payer_kind, b.payer_id, b.employer_part, b.individual_part, b.total
			FROM ins_bills b WHERE b.employer_part + b.individual_part <> b.total`,
			`SELECT 'run total differs from its bills' AS what, r.period, r.id AS run, r.total AS run_total, COALESCE(b.s, 0) AS bills_total
			FROM ins_periods s JOIN ins_runs r ON r.id = s.current_run
			LEFT JOIN (SELECT run_id, SUM(total) AS s FROM ins_bills GROUP BY run_id) b ON b.run_id = r.id
			WHERE r.total <> COALESCE(b.s, 0)`,
		},
	},
	insurance.InvPaidBilled: {
		count: `SELECT count(*) FROM ins_payments`,
		breaches: []string{
			`SELECT 'applied exceeds due plus overpayment' AS what, p.period, p.payer_kind, p.payer_id, p.applied,
				COALESCE(b.total, 0) + COALESCE(j.s, 0) AS due, COALESCE(o.s, 0) AS overpayment
			FROM (SELECT period, payer_kind, payer_id, SUM(applied) AS applied FROM ins_payments WHERE status = 'applied'
				GROUP BY period, payer_kind, payer_id) p
			LEFT JOIN ins_periods s ON s.period = p.period
			LEFT JOIN ins_bills b ON b.period = p.period AND b.run_id = s.current_run AND b.payer_kind = p.payer_kind AND b.payer_id = p.payer_id
			LEFT JOIN (SELECT period, kind, payer_id, SUM(` + adjSum + `) AS s FROM ins_adjustments GROUP BY period, kind, payer_id) j
				ON j.period = p.period AND j.kind = p.payer_kind AND j.payer_id = p.payer_id
			LEFT JOIN (SELECT period, payer_kind, payer_id, SUM(amount) AS s FROM ins_overpayments GROUP BY period, payer_kind, payer_id) o
				ON o.period = p.period AND o.payer_kind = p.payer_kind AND o.payer_id = p.payer_id
			WHERE p.applied > COALESCE(b.total, 0) + COALESCE(j.s, 0) + COALESCE(o.s, 0)`,
			`SELECT 'payment parts differ from its amount' AS what, reference, amount, applied, fee_applied, overpaid FROM ins_payments
			WHERE applied + fee_applied + overpaid <> amount OR applied < 0 OR fee_applied < 0 OR overpaid < 0`,
			`SELECT 'unmatched payment applied' AS what, reference, applied FROM ins_payments WHERE status = 'unmatched' AND applied <> 0`,
		},
	},
	insurance.InvAccountBalance: {
		count: `SELECT count(*) FROM ins_interest`,
		breaches: []string{
			`SELECT 'closing is not opening + credits + interest' AS what, person_id, year, opening, credits, interest, closing
			FROM ins_interest WHERE closing <> opening + credits + interest`,
			`SELECT 'credits differ from those booked in the year' AS what, i.person_id, i.year, i.credits, COALESCE(c.s, 0) AS booked
			FROM ins_interest i LEFT JOIN (SELECT person_id, book_year, SUM(amount) AS s FROM ins_credits GROUP BY person_id, book_year) c
				ON c.person_id = i.person_id AND c.book_year = i.year
			WHERE i.credits <> COALESCE(c.s, 0)`,
			`SELECT 'opening differs from the balance before the year' AS what, i.person_id, i.year, i.opening,
				COALESCE((SELECT SUM(l.credits + l.interest) FROM ins_account_legacy l WHERE l.person_id = i.person_id), 0)
				+ COALESCE((SELECT SUM(c.amount) FROM ins_credits c WHERE c.person_id = i.person_id AND c.book_year < i.year), 0)
				+ COALESCE((SELECT SUM(k.interest) FROM ins_interest k WHERE k.person_id = i.person_id AND k.year < i.year), 0) AS expected
			FROM ins_interest i
			WHERE i.opening <> COALESCE((SELECT SUM(l.credits + l.interest) FROM ins_account_legacy l WHERE l.person_id = i.person_id), 0)
				+ COALESCE((SELECT SUM(c.amount) FROM ins_credits c WHERE c.person_id = i.person_id AND c.book_year < i.year), 0)
				+ COALESCE((SELECT SUM(k.interest) FROM ins_interest k WHERE k.person_id = i.person_id AND k.year < i.year), 0)`,
			`SELECT 'legacy year after the first interest year' AS what, l.person_id, l.year FROM ins_account_legacy l
			WHERE EXISTS (SELECT 1 FROM ins_interest i WHERE i.person_id = l.person_id AND i.year <= l.year)`,
			`SELECT 'negative legacy record' AS what, person_id, year FROM ins_account_legacy WHERE credits < 0 OR interest < 0 OR months < 0 OR months > 12`,
		},
	},
	insurance.InvNoDoublePayment: {
		count: `SELECT (SELECT count(*) FROM ins_payments) + (SELECT count(*) FROM ins_credits) + (SELECT count(*) FROM ins_benefit_payments)`,
		breaches: []string{
			`SELECT 'payment reference applied twice' AS what, UPPER(TRIM(reference)) AS ref, count(*) AS times FROM ins_payments
			GROUP BY UPPER(TRIM(reference)) HAVING count(*) > 1`,
			`SELECT 'contribution month credited twice' AS what, person_id, period, kind, relation_id, count(*) AS times FROM ins_credits
			WHERE source LIKE 'run:%' GROUP BY person_id, period, kind, relation_id HAVING count(*) > 1`,
			`SELECT 'benefit paid twice for a month' AS what, c.kind, p.person_id, p.period, count(*) AS times
			FROM ins_benefit_payments p JOIN ins_claims c ON c.id = p.claim_id
			GROUP BY c.kind, p.person_id, p.period HAVING count(*) > 1`,
		},
	},
	insurance.InvTraceable: {
		count: `SELECT (SELECT count(*) FROM ins_bills) + (SELECT count(*) FROM ins_payments) + (SELECT count(*) FROM ins_adjustments) + (SELECT count(*) FROM ins_credits)`,
		breaches: []string{
			`SELECT 'rows of an unknown run' AS what, a.period, a.run_id, count(*) AS rows_count FROM ins_assessments a
			LEFT JOIN ins_runs r ON r.id = a.run_id WHERE r.id IS NULL OR r.period <> a.period GROUP BY a.period, a.run_id`,
			`SELECT 'bill of an unknown run' AS what, b.period, b.run_id, b.payer_kind, b.payer_id FROM ins_bills b
			LEFT JOIN ins_runs r ON r.id = b.run_id WHERE r.id IS NULL OR r.period <> b.period`,
			`SELECT 'current run not finished' AS what, s.period, s.current_run FROM ins_periods s LEFT JOIN ins_runs r ON r.id = s.current_run
			WHERE s.current_run IS NOT NULL AND (r.id IS NULL OR r.status <> 'done' OR r.period <> s.period)`,
			`SELECT 'payment of an unknown import' AS what, p.reference, p.import_id FROM ins_payments p
			LEFT JOIN ins_imports i ON i.id = p.import_id WHERE i.id IS NULL`,
			`SELECT 'adjustment of an unknown correction' AS what, a.id, a.correction_id FROM ins_adjustments a
			LEFT JOIN ins_corrections c ON c.id = a.correction_id WHERE c.id IS NULL`,
			`SELECT 'credit of an unknown source' AS what, c.person_id, c.period, c.source FROM ins_credits c
			WHERE NOT ((c.source LIKE 'run:%' AND EXISTS (SELECT 1 FROM ins_runs r WHERE CAST(r.id AS TEXT) = SUBSTR(c.source, 5)))
				OR (c.source LIKE 'adj:%' AND EXISTS (SELECT 1 FROM ins_adjustments a WHERE CAST(a.id AS TEXT) = SUBSTR(c.source, 5))))`,
			`SELECT 'interest of an unknown year close' AS what, i.person_id, i.year FROM ins_interest i
			LEFT JOIN ins_year_closes y ON y.id = i.close_id WHERE y.id IS NULL OR y.year <> i.year`,
			`SELECT 'benefit payment of an unknown run' AS what, p.claim_id, p.period FROM ins_benefit_payments p
			LEFT JOIN ins_benefit_runs r ON r.id = p.run_id LEFT JOIN ins_claims c ON c.id = p.claim_id
			WHERE r.id IS NULL OR c.id IS NULL OR r.kind <> c.kind OR c.status = 'pending' OR c.status = 'rejected'`,
		},
	},
}

// CheckInvariant implements insurance.Tx.
func (t *Tx) CheckInvariant(ctx context.Context, name string, limit int) (int, []string, error) {
	q, ok := invariantQueries[name]
	if !ok {
		return 0, nil, fmt.Errorf("no invariant %q", name)
	}
	var n int
	if err := t.queryRow(ctx, q.count).Scan(&n); err != nil {
		return 0, nil, wrapDBError(err)
	}
	var out []string
	for _, bq := range q.breaches {
		if len(out) >= limit {
			break
		}
		got, err := t.describeRows(ctx, bq+" LIMIT ?", limit-len(out))
		if err != nil {
			return n, out, fmt.Errorf("invariant %s: %w", name, err)
		}
		out = append(out, got...)
	}
	return n, out, nil
}

// describeRows runs q and renders each row as "what: col=value, …".
func (t *Tx) describeRows(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		parts := make([]string, 0, len(cols)-1)
		for i := 1; i < len(cols); i++ {
			parts = append(parts, fmt.Sprintf("%s=%v", cols[i], vals[i]))
		}
		out = append(out, fmt.Sprintf("%v: %s", vals[0], strings.Join(parts, ", ")))
	}
	return out, rows.Err()
}
