package store

import (
	"context"

	"hrss/insurance"
	"hrss/rules/period"
)

// RunKeysForTest reads the keys of period p's rows (their seqs) and of
// its bills (their payers), by run, in key order, whichever run they
// belong to (on PostgreSQL from the period's partition, attached or not).
func RunKeysForTest(ctx context.Context, db *DB, p period.YearMonth) (map[int64][]int32, map[int64][]insurance.PayerRef, error) {
	rows, bills := map[int64][]int32{}, map[int64][]insurance.PayerRef{}
	err := db.view(ctx, func(t *Tx) error {
		table := "ins_assessments"
		if t.engine == Postgres {
			table = partitionName(p)
		}
		if err := t.eachRow(ctx, func(sc func(...any) error) error {
			var run int64
			var seq int32
			err := sc(&run, &seq)
			rows[run] = append(rows[run], seq)
			return err
		}, `SELECT run_id, seq FROM `+table+` WHERE period = ? ORDER BY run_id, seq`, ymArg(p)); err != nil {
			return err
		}
		return t.eachRow(ctx, func(sc func(...any) error) error {
			var run int64
			var b insurance.PayerRef
			err := sc(&run, &b.Kind, &b.ID)
			bills[run] = append(bills[run], b)
			return err
		}, `SELECT run_id, payer_kind, payer_id FROM ins_bills WHERE period = ? ORDER BY run_id, payer_kind, payer_id`, ymArg(p))
	})
	return rows, bills, err
}

// eachRow runs q and calls fn with the scanner of each row.
func (t *Tx) eachRow(ctx context.Context, fn func(scan func(...any) error) error, q string, args ...any) error {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}
