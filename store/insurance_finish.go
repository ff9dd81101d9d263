package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"hrss/insurance"
	"hrss/rules/period"
)

// billCols are the columns of ins_bills, in Bill order.
var billCols = []string{"period", "run_id", "payer_kind", "payer_id", "division", "persons", "employer_part", "individual_part", "total"}

// WriteBills implements insurance.BillWriter on PostgreSQL: one fenced
// transaction (fencedCopy, which renews l's heartbeat at its end) COPYs
// the bills in, beside the transaction of PeriodWritten, which holds the
// lock's row while it attaches the period's partition: it waits for that
// one only to commit. The bills stay invisible until the run becomes the
// period's.
func (s pgInsuranceStore) WriteBills(ctx context.Context, l insurance.RunLock, bills []insurance.Bill) (bool, error) {
	rows := make([][]any, len(bills))
	for i, b := range bills {
		rows[i] = []any{int32(ymArg(b.Period)), b.Run, int16(b.PayerKind), b.PayerID, b.Division, int32(b.Persons), int64(b.EmployerPart), int64(b.IndividualPart), int64(b.Total)}
	}
	return s.db.fencedCopy(ctx, l, func(tx pgx.Tx) error {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"ins_bills"}, billCols, pgx.CopyFromRows(rows))
		return err
	})
}

// attachSortMem is the sort memory of the index builds of a run's
// partition (and of the benchmark floor's), for their transaction only:
// more than the server's default maintenance_work_mem (64 MB).
const attachSortMem = "256MB"

// analyzeTarget is the statistics target of the analysis of a run's
// partition (PeriodWritten): a sample of 3,000 rows (the default 100
// reads 30,000, nearly every page of a 1,000,000-row partition, ten
// times the time) gives the row count, the divisions and kinds and the
// spread of payers and persons the plans of the close, the payments and
// the indicators need.
const analyzeTarget = 10

// PeriodWritten implements insurance.Tx: on PostgreSQL it attaches
// period p's partition to ins_assessments if PreparePeriod made it
// unattached (ATTACH builds the payer index in one sort, the CHECK on the
// bounds spares the scan, and it locks ins_assessments only against other
// DDL, not against readers or writers) and analyzes it, which autovacuum
// reaches only later, so that the period's close and payments are
// planned from its real size rather than from an empty partition's.
func (t *Tx) PeriodWritten(ctx context.Context, p period.YearMonth) error {
	if t.engine != Postgres {
		return nil
	}
	name, exists, attached, err := t.assessmentPartition(ctx, p)
	if err != nil {
		return err
	}
	if exists && !attached {
		if _, err := t.exec(ctx, `SET LOCAL maintenance_work_mem = '`+attachSortMem+`'`); err != nil {
			return err
		}
		if _, err := t.exec(ctx, fmt.Sprintf(`ALTER TABLE ins_assessments ATTACH PARTITION %s FOR VALUES FROM (%d) TO (%d)`, name, ymArg(p), ymArg(p.Add(1)))); err != nil {
			return err
		}
	}
	if _, err := t.exec(ctx, fmt.Sprintf(`SET LOCAL default_statistics_target = %d`, analyzeTarget)); err != nil {
		return err
	}
	_, err = t.exec(ctx, "ANALYZE "+name)
	return err
}
