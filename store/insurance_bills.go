package store

import (
	"context"
	"strings"
	"time"

	"hrss/insurance"
	"hrss/rules/money"
	"hrss/rules/period"
)

// adjSum is the total of an adjustment row.
const adjSum = `(pension_ind + pension_emp + medical_ind + medical_emp + unemp_ind + unemp_emp + injury_emp)`

// billAggregates returns the derived tables of adjustments, applied
// payments and overpayments per (period, payer), narrowed to one period
// when p is set, with their arguments.
func billAggregates(p period.YearMonth) (string, []any) {
	return billAggregatesIn(p, p)
}

// billAggregatesIn is billAggregates narrowed to the periods from..to
// when from is set.
func billAggregatesIn(from, to period.YearMonth) (string, []any) {
	return billAggregatesOf(from, to, insurance.PayerRange{})
}

// billAggregatesOf is billAggregatesIn narrowed further to the payers of
// r (see insWhere.payers). The narrowing
// is inside the derived tables, so that the lookup of one payer's bill
// reads that payer's rows only (through the (period, kind, payer) index
// of each table) rather than summing the whole period's and joining
// the one row: an import looks up a bill per row.
func billAggregatesOf(from, to period.YearMonth, r insurance.PayerRange) (string, []any) {
	var adj, pay insWhere // ins_adjustments names its kind column kind; the others payer_kind
	if from != 0 && from == to {
		adj.add(true, "period = ?", ymArg(from))
		pay.add(true, "period = ?", ymArg(from))
	} else if from != 0 {
		adj.add(true, "period BETWEEN ? AND ?", ymArg(from), ymArg(to))
		pay.add(true, "period BETWEEN ? AND ?", ymArg(from), ymArg(to))
	}
	adj.payers(r, "kind", "payer_id")
	pay.payers(r, "payer_kind", "payer_id")
	adjWhere, adjArgs := adj.and()
	payWhere, payArgs := pay.and()
	q := `LEFT JOIN (SELECT period, kind, payer_id, SUM(` + adjSum + `) AS s FROM ins_adjustments WHERE 1=1` + adjWhere + ` GROUP BY period, kind, payer_id) j
			ON j.period = b.period AND j.kind = b.payer_kind AND j.payer_id = b.payer_id
		LEFT JOIN (SELECT period, payer_kind, payer_id, SUM(applied) AS applied, SUM(overpaid) AS overpaid FROM ins_payments WHERE status = 'applied'` + payWhere + ` GROUP BY period, payer_kind, payer_id) p
			ON p.period = b.period AND p.payer_kind = b.payer_kind AND p.payer_id = b.payer_id
		LEFT JOIN (SELECT period, payer_kind, payer_id, SUM(amount) AS s FROM ins_overpayments WHERE 1=1` + payWhere + ` GROUP BY period, payer_kind, payer_id) o
			ON o.period = b.period AND o.payer_kind = b.payer_kind AND o.payer_id = b.payer_id`
	args := append(append(append([]any{}, adjArgs...), payArgs...), payArgs...)
	return q, args
}

// feeCandidate is the condition of a bill b whose late fee may be owed
// or billed: principal unpaid, a late fee line, or a mark.
const feeCandidate = `(b.total + COALESCE(j.s, 0) > COALESCE(p.applied, 0)
	OR EXISTS (SELECT 1 FROM ins_late_fees l WHERE l.period = b.period AND l.payer_kind = b.payer_kind AND l.payer_id = b.payer_id)
	OR EXISTS (SELECT 1 FROM ins_fee_stale m WHERE m.period = b.period AND m.payer_kind = b.payer_kind AND m.payer_id = b.payer_id))`

// Bills implements insurance.Tx.
func (t *Tx) Bills(ctx context.Context, f insurance.BillFilter) ([]insurance.Bill, error) {
	q := billsQuery(f)
	rows, err := t.queryAll(ctx, q.sql, q.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.Bill
	for rows.Next() {
		var b insurance.Bill
		var kind int16
		var emp, ind, tot, adj, paid, over int64
		if err := rows.Scan(ymCol{&b.Period}, &b.Run, &kind, &b.PayerID, &b.Division, &b.Persons, &emp, &ind, &tot, &adj, &paid, &over); err != nil {
			return nil, err
		}
		b.PayerKind = insurance.PayerKind(kind)
		b.EmployerPart, b.IndividualPart, b.Total, b.Adjusted = money.Fen(emp), money.Fen(ind), money.Fen(tot), money.Fen(adj)
		b.Due, b.Paid, b.Overpaid = b.Total+b.Adjusted, money.Fen(paid), money.Fen(over)
		out = append(out, b)
	}
	return out, rows.Err()
}

// lastPayment is the reference of the last payment applied to the
// principal of the bill of alias a: the payment whose money an
// overpayment is (its credit's, see ins_credit_sources).
func lastPayment(a string) string {
	return `(SELECT x.reference FROM ins_payments x WHERE x.period = ` + a + `.period AND x.payer_kind = ` + a + `.payer_kind AND x.payer_id = ` + a + `.payer_id
		AND x.status = 'applied' AND x.applied > 0 ORDER BY x.paid_on DESC, x.reference DESC LIMIT 1)`
}

// billsQuery is the query of Bills.
func billsQuery(f insurance.BillFilter) boundQuery {
	payers := f.Payers
	if f.PayerKind != 0 {
		payers = insurance.PayerRange{Kind: f.PayerKind, First: f.PayerID, Last: f.PayerID}
	}
	agg, args := billAggregatesOf(f.Period, f.Period, payers)
	w := insWhere{}
	w.add(f.Period != 0, "b.period = ?", ymArg(f.Period))
	w.add(f.PayerKind != 0, "b.payer_kind = ?", int16(f.PayerKind))
	w.add(f.PayerID != 0, "b.payer_id = ?", f.PayerID)
	w.payers(f.Payers, "b.payer_kind", "b.payer_id")
	w.add(f.Division != "", "b.division = ?", f.Division)
	w.add(f.Unpaid, "b.total + COALESCE(j.s, 0) > COALESCE(p.applied, 0)")
	w.add(f.FeeCandidates, feeCandidate)
	w.add(f.After != (insurance.BillKey{}), "(b.period, b.payer_kind, b.payer_id) > (?, ?, ?)", ymArg(f.After.Period), int16(f.After.PayerKind), f.After.PayerID)
	cond, wargs := w.sql()
	q := `SELECT b.period, b.run_id, b.payer_kind, b.payer_id, b.division, b.persons, b.employer_part, b.individual_part, b.total,
			COALESCE(j.s, 0), COALESCE(p.applied, 0), COALESCE(p.overpaid, 0) + COALESCE(o.s, 0)
		FROM ins_bills b JOIN ins_periods s ON s.period = b.period AND s.current_run = b.run_id ` + agg + cond +
		` ORDER BY b.period, b.payer_kind, b.payer_id`
	if f.Limit > 0 {
		q += " LIMIT ?"
		wargs = append(wargs, f.Limit)
	}
	return boundQuery{q, append(args, wargs...)}
}

// BookOverpayments implements insurance.Tx.
func (t *Tx) BookOverpayments(ctx context.Context, p period.YearMonth, run int64, now time.Time) error {
	agg, args := billAggregates(p)
	q := `INSERT INTO ins_overpayments (period, payer_kind, payer_id, run_id, amount, created_at, source_ref)
		SELECT b.period, b.payer_kind, b.payer_id, ?, p.applied - b.total - COALESCE(j.s, 0) - COALESCE(o.s, 0), ?, ` + lastPayment("b") + `
		FROM ins_bills b ` + agg + `
		WHERE b.period = ? AND b.run_id = ? AND p.applied > b.total + COALESCE(j.s, 0) + COALESCE(o.s, 0)`
	a := append([]any{run, tsArg(now)}, args...)
	if _, err := t.exec(ctx, q, append(a, ymArg(p), run)...); err != nil {
		return err
	}
	// Payers paid for the period whom the new run no longer bills.
	_, err := t.exec(ctx, `INSERT INTO ins_overpayments (period, payer_kind, payer_id, run_id, amount, created_at, source_ref)
		SELECT p.period, p.payer_kind, p.payer_id, ?, p.applied - COALESCE(o.s, 0), ?, `+lastPayment("p")+`
		FROM (SELECT period, payer_kind, payer_id, SUM(applied) AS applied FROM ins_payments WHERE status = 'applied' AND period = ? GROUP BY period, payer_kind, payer_id) p
		LEFT JOIN (SELECT payer_kind, payer_id, SUM(amount) AS s FROM ins_overpayments WHERE period = ? GROUP BY payer_kind, payer_id) o
			ON o.payer_kind = p.payer_kind AND o.payer_id = p.payer_id
		WHERE p.applied > COALESCE(o.s, 0) AND NOT EXISTS (SELECT 1 FROM ins_bills b WHERE b.period = p.period AND b.run_id = ?
			AND b.payer_kind = p.payer_kind AND b.payer_id = p.payer_id)`,
		run, tsArg(now), ymArg(p), ymArg(p), run)
	return err
}

// YearClosed implements insurance.Tx.
func (t *Tx) YearClosed(ctx context.Context, year int) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT count(*) FROM ins_year_closes WHERE year = ?`, year).Scan(&n)
	return n > 0, wrapDBError(err)
}

// paidBills is the derived table of the fully paid bills of one period
// and run (payer_kind, payer_id) of the payers r, with its arguments.
// Each bill's payments and adjustments are summed by a subquery on the
// bill's own payer (an index probe each): joined as derived tables
// grouped over the range instead, PostgreSQL planned them, on tables it
// had no statistics of yet (payments written just before the close), as
// a nested loop that re-summed the range for every bill, quadratic in a
// chunk of 5,000 flexible workers (found by bench/scale).
func paidBills(p period.YearMonth, run int64, r insurance.PayerRange) (string, []any) {
	q := `(SELECT b.payer_kind, b.payer_id FROM ins_bills b
		WHERE b.period = ? AND b.run_id = ? AND b.payer_kind = ? AND b.payer_id BETWEEN ? AND ?
			AND COALESCE((SELECT SUM(y.applied) FROM ins_payments y
				WHERE y.period = b.period AND y.payer_kind = b.payer_kind AND y.payer_id = b.payer_id AND y.status = 'applied'), 0)
			>= b.total + COALESCE((SELECT SUM(` + adjSum + `) FROM ins_adjustments j
				WHERE j.period = b.period AND j.kind = b.payer_kind AND j.payer_id = b.payer_id), 0))`
	return q, []any{ymArg(p), run, int16(r.Kind), r.First, r.Last}
}

// PostPaidCredits implements insurance.Tx.
func (t *Tx) PostPaidCredits(ctx context.Context, p period.YearMonth, run int64, r insurance.PayerRange, bookYear int, now time.Time) error {
	for _, q := range paidCredits(p, run, r, bookYear, now) {
		if _, err := t.exec(ctx, q.sql, q.args...); err != nil {
			return err
		}
	}
	return nil
}

// BillPayers implements insurance.Tx.
func (t *Tx) BillPayers(ctx context.Context, p period.YearMonth, run int64, kind insurance.PayerKind, after int64, limit int) ([]insurance.BillPayer, error) {
	rows, err := t.query(ctx, `SELECT payer_id, persons FROM ins_bills WHERE period = ? AND run_id = ? AND payer_kind = ? AND payer_id > ?
		ORDER BY payer_id LIMIT ?`, ymArg(p), run, int16(kind), after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.BillPayer
	for rows.Next() {
		var b insurance.BillPayer
		if err := rows.Scan(&b.ID, &b.Persons); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// BilledPersons implements insurance.Tx.
func (t *Tx) BilledPersons(ctx context.Context, p period.YearMonth, run int64, upTo insurance.PayerRef) (done, total int, err error) {
	err = t.queryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN payer_kind < ? OR payer_kind = ? AND payer_id <= ? THEN persons ELSE 0 END), 0),
		COALESCE(SUM(persons), 0) FROM ins_bills WHERE period = ? AND run_id = ?`,
		int16(upTo.Kind), int16(upTo.Kind), upTo.ID, ymArg(p), run).Scan(&done, &total)
	return done, total, err
}

// boundQuery is a statement with its arguments.
type boundQuery struct {
	sql  string
	args []any
}

// paidCredits are the statements of PostPaidCredits: the credits of the
// rows, then of the adjustments, of the fully paid bills of the payers r
// in period p's run.
func paidCredits(p period.YearMonth, run int64, r insurance.PayerRange, bookYear int, now time.Time) []boundQuery {
	paid, pa := paidBills(p, run, r)
	rg := []any{int16(r.Kind), r.First, r.Last}
	cols := `INSERT INTO ins_credits (person_id, period, kind, relation_id, source, payer_id, base, amount, unemployment, book_year, created_at) `
	rowsQ := cols + `SELECT a.person_id, a.period, a.kind, a.relation_id, 'run:' || CAST(a.run_id AS TEXT), a.payer_id, a.base, a.account_credit,
			CASE WHEN a.unemp_ind > 0 THEN 1 ELSE 0 END, ?, ?
		FROM ins_assessments a JOIN ` + paid + ` pb ON pb.payer_kind = a.kind AND pb.payer_id = a.payer_id
		WHERE a.period = ? AND a.run_id = ? AND a.kind = ? AND a.payer_id BETWEEN ? AND ? ON CONFLICT DO NOTHING`
	args := append(append([]any{bookYear, tsArg(now)}, pa...), ymArg(p), run)
	adjQ := cols + `SELECT a.person_id, a.period, a.kind, a.relation_id, 'adj:' || CAST(a.id AS TEXT), a.payer_id, a.base, a.account_credit,
			CASE WHEN a.unemp_ind > 0 THEN 1 ELSE 0 END, ?, ?
		FROM ins_adjustments a JOIN ` + paid + ` pb ON pb.payer_kind = a.kind AND pb.payer_id = a.payer_id
		WHERE a.period = ? AND a.kind = ? AND a.payer_id BETWEEN ? AND ? ON CONFLICT DO NOTHING`
	adjArgs := append(append([]any{bookYear, tsArg(now)}, pa...), ymArg(p))
	return []boundQuery{{rowsQ, append(args, rg...)}, {adjQ, append(adjArgs, rg...)}}
}

// insWhere builds the WHERE clause of an insurance query.
type insWhere struct {
	conds []string
	args  []any
}

func (w *insWhere) add(on bool, cond string, args ...any) {
	if on {
		w.conds = append(w.conds, cond)
		w.args = append(w.args, args...)
	}
}

// sql returns " WHERE …" (or "") and the arguments.
func (w *insWhere) sql() (string, []any) {
	if len(w.conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(w.conds, " AND "), w.args
}

// and returns " AND …" (or "") and the arguments, for a clause that
// follows another condition.
func (w *insWhere) and() (string, []any) {
	if len(w.conds) == 0 {
		return "", nil
	}
	return " AND " + strings.Join(w.conds, " AND "), w.args
}

// sqlList returns "?, ?, ?" for n values.
func sqlList(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }
