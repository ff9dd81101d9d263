package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"hrss/insurance"
)

// billCols are the columns of ins_bills, in Bill order.
var billCols = []string{"period", "run_id", "payer_kind", "payer_id", "division", "persons", "employer_part", "individual_part", "total"}

// WriteBills implements insurance.BillWriter on PostgreSQL: one READ
// COMMITTED transaction renews the heartbeat (the fence of WriteRows),
// attaches the period's partition if the run wrote it unattached
// (PreparePeriod: ATTACH builds its indexes, the CHECK on its bounds
// spares the scan, and it locks ins_assessments only against other DDL,
// not against readers or writers) and COPYs the bills in. The rows and
// bills stay invisible until the run becomes the period's.
func (s pgInsuranceStore) WriteBills(ctx context.Context, l insurance.RunLock, bills []insurance.Bill) (bool, error) {
	var held bool
	err := s.db.retry(ctx, func() error {
		var err error
		held, err = s.copyBills(ctx, l, bills)
		return err
	})
	return held, err
}

func (s pgInsuranceStore) copyBills(ctx context.Context, l insurance.RunLock, bills []insurance.Bill) (bool, error) {
	conn, err := s.db.write.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	held := false
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		tag, err := tx.Exec(ctx, `UPDATE ins_run_locks SET heartbeat_at = $1 WHERE period = $2 AND run_id = $3`, l.Heartbeat, ymArg(l.Period), l.Run)
		if err != nil || tag.RowsAffected() != 1 {
			return err
		}
		if err := attachPartition(ctx, tx, l); err != nil {
			return wrapDBError(err)
		}
		rows := make([][]any, len(bills))
		for i, b := range bills {
			rows[i] = []any{int32(ymArg(b.Period)), b.Run, int16(b.PayerKind), b.PayerID, b.Division, int32(b.Persons), int64(b.EmployerPart), int64(b.IndividualPart), int64(b.Total)}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"ins_bills"}, billCols, pgx.CopyFromRows(rows)); err != nil {
			return wrapDBError(err)
		}
		held = true
		return tx.Commit(ctx)
	})
	return held, err
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
