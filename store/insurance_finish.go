package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"hrss/insurance"
)

// billCols are the columns of ins_bills, in Bill order.
var billCols = []string{"period", "run_id", "payer_kind", "payer_id", "division", "persons", "employer_part", "individual_part", "total"}

// WriteBills implements insurance.BillWriter on PostgreSQL: one fenced
// transaction (fencedCopy, as WriteRows) attaches the period's partition
// if the run wrote it unattached (PreparePeriod: ATTACH builds its
// indexes, the CHECK on its bounds spares the scan, and it locks
// ins_assessments only against other DDL, not against readers or
// writers) and COPYs the bills in. The rows and
// bills stay invisible until the run becomes the period's.
func (s pgInsuranceStore) WriteBills(ctx context.Context, l insurance.RunLock, bills []insurance.Bill) (bool, error) {
	rows := make([][]any, len(bills))
	for i, b := range bills {
		rows[i] = []any{int32(ymArg(b.Period)), b.Run, int16(b.PayerKind), b.PayerID, b.Division, int32(b.Persons), int64(b.EmployerPart), int64(b.IndividualPart), int64(b.Total)}
	}
	return s.db.fencedCopy(ctx, l, func(tx pgx.Tx) error {
		if err := attachPartition(ctx, tx, l); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"ins_bills"}, billCols, pgx.CopyFromRows(rows))
		return err
	})
}

// attachPartition attaches the partition of l's period to ins_assessments
// if PreparePeriod made it unattached. The index builds get a larger sort
// memory than the server's default maintenance_work_mem (64 MB), for this
// transaction only.
func attachPartition(ctx context.Context, tx pgx.Tx, l insurance.RunLock) error {
	name := partitionName(l.Period)
	var attached *bool
	if err := tx.QueryRow(ctx, partitionState, name).Scan(&attached); err != nil {
		return err
	}
	if attached == nil || *attached {
		return nil
	}
	if _, err := tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '256MB'`); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, fmt.Sprintf(`ALTER TABLE ins_assessments ATTACH PARTITION %s FOR VALUES FROM (%d) TO (%d)`, name, ymArg(l.Period), ymArg(l.Period.Add(1))))
	return err
}
