package store

import (
	"context"
	"database/sql"
	"time"

	"hrss/insurance"
	"hrss/rules/money"
)

const preparedCols = `id, kind, relation_id, person_id, division, from_period, to_period, wage, reason, source, COALESCE(year, 0),
	preview_total, preview_periods, status, prepared_by, preparer, prepared_at, COALESCE(decided_by, 0), decider, decided_at, note, COALESCE(correction_id, 0)`

// InsertPreparedCorrection implements insurance.ReviewTx.
func (t *Tx) InsertPreparedCorrection(ctx context.Context, pc *insurance.PreparedCorrection) error {
	var wage, year any
	if pc.Wage != nil {
		wage = int64(*pc.Wage)
	}
	if pc.Year != 0 {
		year = pc.Year
	}
	id, err := t.insertID(ctx, `INSERT INTO ins_prepared_corrections (kind, relation_id, person_id, division, from_period, to_period, wage, reason,
		source, year, preview_total, preview_periods, status, prepared_by, preparer, prepared_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		int16(pc.Kind), pc.RelationID, pc.PersonID, pc.Division, ymArg(pc.From), ymArg(pc.To), wage, pc.Reason,
		string(pc.Source), year, int64(pc.PreviewTotal), pc.PreviewPeriods, string(pc.Status), pc.PreparedBy, pc.Preparer, tsArg(pc.PreparedAt))
	pc.ID = id
	return err
}

// UpdatePreparedCorrection implements insurance.ReviewTx.
func (t *Tx) UpdatePreparedCorrection(ctx context.Context, pc insurance.PreparedCorrection) error {
	var decided, corr any
	if pc.DecidedAt != nil {
		decided = tsArg(*pc.DecidedAt)
	}
	if pc.Correction != 0 {
		corr = pc.Correction
	}
	_, err := t.exec(ctx, `UPDATE ins_prepared_corrections SET status = ?, decided_by = ?, decider = ?, decided_at = ?, note = ?, correction_id = ? WHERE id = ?`,
		string(pc.Status), pc.DecidedBy, pc.Decider, decided, pc.Note, corr, pc.ID)
	return err
}

// PreparedCorrection implements insurance.ReviewTx.
func (t *Tx) PreparedCorrection(ctx context.Context, id int64) (insurance.PreparedCorrection, error) {
	pc, err := scanPrepared(t.queryRow(ctx, "SELECT "+preparedCols+" FROM ins_prepared_corrections WHERE id = ?", id))
	return pc, notFound(err, "prepared correction", id)
}

// PreparedCorrections implements insurance.ReviewTx.
func (t *Tx) PreparedCorrections(ctx context.Context, f insurance.CorrectionFilter) ([]insurance.PreparedCorrection, error) {
	w := where{}
	w.add(f.Status != "", "status = ?", string(f.Status))
	w.add(f.RelationID != 0, "kind = ? AND relation_id = ?", int16(f.Kind), f.RelationID)
	w.add(true, "id > 0")
	return queryList(ctx, t, "SELECT "+preparedCols+" FROM ins_prepared_corrections WHERE "+w.sql()+" ORDER BY id", w.args, scanPrepared)
}

func scanPrepared(sc interface{ Scan(...any) error }) (insurance.PreparedCorrection, error) {
	var pc insurance.PreparedCorrection
	var kind int16
	var wage sql.NullInt64
	var total int64
	var source, status string
	var decided time.Time
	err := sc.Scan(&pc.ID, &kind, &pc.RelationID, &pc.PersonID, &pc.Division, ymCol{&pc.From}, ymCol{&pc.To}, &wage, &pc.Reason, &source, &pc.Year,
		&total, &pc.PreviewPeriods, &status, &pc.PreparedBy, &pc.Preparer, tsCol{&pc.PreparedAt}, &pc.DecidedBy, &pc.Decider, nullTS{&decided}, &pc.Note, &pc.Correction)
	pc.Kind, pc.PreviewTotal, pc.Source, pc.Status = insurance.PayerKind(kind), money.Fen(total), insurance.CorrectionSource(source), insurance.CorrectionStatus(status)
	if wage.Valid {
		w := money.Fen(wage.Int64)
		pc.Wage = &w
	}
	if !decided.IsZero() {
		pc.DecidedAt = &decided
	}
	return pc, err
}
