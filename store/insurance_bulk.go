package store

import (
	"context"

	"hrss/insurance"
)

// Legacy writes yearly personal-account records migrated from a legacy
// system (the demo's history), under batch; it implements
// demo.LegacyWriter.
func (b *Bulk) Legacy(ctx context.Context, batch string, years []insurance.LegacyYear) error {
	rows := make([][]any, len(years))
	for i, y := range years {
		rows[i] = []any{y.PersonID, y.Year, y.Months, int64(y.AverageBase), int64(y.AverageWage), int64(y.Credits), int64(y.Interest), batch}
	}
	return b.copy(ctx, "ins_account_legacy", []string{"person_id", "year", "months", "avg_base", "avg_wage", "credits", "interest", "batch"}, rows)
}

// Payments writes the payments of one collection file taken in by a
// legacy system (the benchmarks' history): im is inserted first and its
// ID set on the payments, which are written as they are (applied or
// unmatched, their parts adding up to their amount).
func (b *Bulk) Payments(ctx context.Context, im *insurance.Import, pays []insurance.Payment) error {
	if err := b.db.update(ctx, func(t *Tx) error { return t.InsertImport(ctx, im) }); err != nil {
		return err
	}
	rows := make([][]any, len(pays))
	for i, p := range pays {
		rows[i] = []any{p.Reference, im.ID, p.Row, p.PayerCode, int16(p.PayerKind), p.PayerID, ymArg(p.Period), int64(p.Amount), int64(p.Applied),
			int64(p.FeeApplied), int64(p.Overpaid), p.PaidOn.String(), p.Status, p.CreditOf}
	}
	return b.copy(ctx, "ins_payments", columns(paymentCols), rows)
}
