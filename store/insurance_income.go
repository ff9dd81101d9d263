package store

import (
	"context"

	"hrss/insurance"
	"hrss/rules/money"
)

// Income implements insurance.Tx: the bills of the current runs summed
// by period and division (and payer kind when f.ByPayerKind), with the
// same adjustments, payments and overpayments as Bills.
func (t *Tx) Income(ctx context.Context, f insurance.IncomeFilter) ([]insurance.IncomeRow, error) {
	agg, args := billAggregatesIn(f.From, f.To)
	w := insWhere{}
	w.add(true, "b.period BETWEEN ? AND ?", ymArg(f.From), ymArg(f.To))
	w.add(f.Division != "", "b.division = ?", f.Division)
	cond, wargs := w.sql()
	due := `(b.total + COALESCE(j.s, 0))`
	kind, group := "0", "b.period, b.division"
	if f.ByPayerKind {
		kind, group = "b.payer_kind", group+", b.payer_kind"
	}
	q := `SELECT b.period, b.division, ` + kind + `, COUNT(*), SUM(b.persons), SUM(` + due + `), SUM(COALESCE(p.applied, 0)),
			SUM(CASE WHEN ` + due + ` > COALESCE(p.applied, 0) THEN ` + due + ` - COALESCE(p.applied, 0) ELSE 0 END),
			SUM(CASE WHEN ` + due + ` > COALESCE(p.applied, 0) THEN 1 ELSE 0 END),
			SUM(COALESCE(p.overpaid, 0) + COALESCE(o.s, 0))
		FROM ins_bills b JOIN ins_periods s ON s.period = b.period AND s.current_run = b.run_id ` + agg + cond + `
		GROUP BY ` + group + ` ORDER BY ` + group
	rows, err := t.query(ctx, q, append(args, wargs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.IncomeRow
	for rows.Next() {
		var r insurance.IncomeRow
		var billed, paid, owed, over int64
		var kind int16
		if err := rows.Scan(ymCol{&r.Period}, &r.Division, &kind, &r.Payers, &r.Persons, &billed, &paid, &owed, &r.Owing, &over); err != nil {
			return nil, err
		}
		r.PayerKind = insurance.PayerKind(kind)
		r.Billed, r.Paid, r.Outstanding, r.Overpaid = money.Fen(billed), money.Fen(paid), money.Fen(owed), money.Fen(over)
		out = append(out, r)
	}
	return out, rows.Err()
}
