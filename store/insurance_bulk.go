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
