package store

import (
	"context"
	"database/sql"
	"errors"

	"hrss/insurance"
	"hrss/rules/money"
	"hrss/rules/period"
)

// InsertImport implements insurance.Tx.
func (t *Tx) InsertImport(ctx context.Context, im *insurance.Import) error {
	id, err := t.insertID(ctx, `INSERT INTO ins_imports (file_name, sha256, row_count, actor, created_at) VALUES (?, ?, ?, ?, ?)`,
		im.FileName, im.SHA256, im.Rows, im.Actor, tsArg(im.CreatedAt))
	im.ID = id
	return err
}

const paymentCols = `reference, import_id, row_no, payer_code, payer_kind, payer_id, period, amount, applied, fee_applied, overpaid, paid_on, status, credit_of`

func scanPayment(sc interface{ Scan(...any) error }) (insurance.Payment, error) {
	var p insurance.Payment
	var kind int16
	var amount, applied, fee, over int64
	err := sc.Scan(&p.Reference, &p.Import, &p.Row, &p.PayerCode, &kind, &p.PayerID, ymCol{&p.Period}, &amount, &applied, &fee, &over, dateCol{&p.PaidOn}, &p.Status, &p.CreditOf)
	p.PayerKind, p.Amount, p.Applied, p.FeeApplied, p.Overpaid = insurance.PayerKind(kind), money.Fen(amount), money.Fen(applied), money.Fen(fee), money.Fen(over)
	return p, err
}

// Payment implements insurance.Tx.
func (t *Tx) Payment(ctx context.Context, ref string) (insurance.Payment, bool, error) {
	p, err := scanPayment(t.queryRow(ctx, "SELECT "+paymentCols+" FROM ins_payments WHERE reference = ?", ref))
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	return p, err == nil, wrapDBError(err)
}

// InsertPayment implements insurance.Tx.
func (t *Tx) InsertPayment(ctx context.Context, p insurance.Payment) error {
	_, err := t.exec(ctx, "INSERT INTO ins_payments ("+paymentCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		p.Reference, p.Import, p.Row, p.PayerCode, int16(p.PayerKind), p.PayerID, ymArg(p.Period), int64(p.Amount), int64(p.Applied),
		int64(p.FeeApplied), int64(p.Overpaid), p.PaidOn.String(), p.Status, p.CreditOf)
	return err
}

// Payments implements insurance.Tx.
func (t *Tx) Payments(ctx context.Context, p period.YearMonth, kind insurance.PayerKind, payer int64) ([]insurance.Payment, error) {
	w := insWhere{}
	w.add(p != 0, "period = ?", ymArg(p))
	w.add(kind != 0, "payer_kind = ? AND payer_id = ?", int16(kind), payer)
	cond, args := w.sql()
	rows, err := t.query(ctx, "SELECT "+paymentCols+`, COALESCE(CASE payer_kind WHEN 1 THEN (SELECT division FROM employers WHERE id = payer_id)
		WHEN 2 THEN (SELECT residence_division FROM persons WHERE id = payer_id) END, '') FROM ins_payments`+cond+" ORDER BY paid_on, reference", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.Payment
	for rows.Next() {
		var div string
		pay, err := scanPayment(scanPlus{rows, &div})
		if err != nil {
			return nil, err
		}
		pay.Division = div
		out = append(out, pay)
	}
	return out, rows.Err()
}

// EmployerByCreditCode implements insurance.Tx.
func (t *Tx) EmployerByCreditCode(ctx context.Context, code string) (int64, bool, error) {
	var id int64
	err := t.queryRow(ctx, `SELECT id FROM employers WHERE credit_code = ?`, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, wrapDBError(err)
}

// PersonByIDHash implements insurance.Tx.
func (t *Tx) PersonByIDHash(ctx context.Context, hash []byte) (int64, bool, error) {
	var id int64
	err := t.queryRow(ctx, `SELECT id FROM persons WHERE id_hash = ?`, hash).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, wrapDBError(err)
}

// scanPlus scans the columns of a row scanner plus trailing extra ones.
type scanPlus struct {
	sc    interface{ Scan(...any) error }
	extra *string
}

func (s scanPlus) Scan(dest ...any) error { return s.sc.Scan(append(dest, s.extra)...) }
