package store

import (
	"context"
	"database/sql"
	"time"

	"hrss/bank"
	"hrss/insurance"
	"hrss/rules/money"
	"hrss/rules/period"
)

// Late fees billed, credits and refunds (migrations 0610, 0612, 0613).

// InsertFeeRun implements insurance.Tx.
func (t *Tx) InsertFeeRun(ctx context.Context, r *insurance.FeeRun) error {
	id, err := t.insertID(ctx, `INSERT INTO ins_fee_runs (as_of, actor, lines, amount, created_at, status, holder, heartbeat, cursor_period, cursor_kind, cursor_payer)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.AsOf.String(), r.Actor, r.Lines, int64(r.Amount), tsArg(r.CreatedAt), r.Status, r.Holder, tsArg(r.Heartbeat),
		ymArg(r.Cursor.Period), int16(r.Cursor.PayerKind), r.Cursor.PayerID)
	r.ID = id
	return err
}

// StepFeeRun implements insurance.Tx.
func (t *Tx) StepFeeRun(ctx context.Context, st insurance.FeeRunStep) (bool, error) {
	status := insurance.FeeRunRunning
	if st.Done {
		status = insurance.FeeRunDone
	}
	res, err := t.exec(ctx, `UPDATE ins_fee_runs SET lines = lines + ?, amount = amount + ?, heartbeat = ?, status = ?,
			cursor_period = ?, cursor_kind = ?, cursor_payer = ?
		WHERE id = ? AND holder = ? AND status = 'running'`,
		st.Lines, int64(st.Amount), tsArg(st.Heartbeat), status, ymArg(st.Cursor.Period), int16(st.Cursor.PayerKind), st.Cursor.PayerID, st.ID, st.Holder)
	return affectedOne(res, err)
}

// TakeFeeRun implements insurance.Tx.
func (t *Tx) TakeFeeRun(ctx context.Context, id int64, from, holder string, heartbeat time.Time) (bool, error) {
	res, err := t.exec(ctx, `UPDATE ins_fee_runs SET holder = ?, heartbeat = ? WHERE id = ? AND holder = ? AND status = 'running'`,
		holder, tsArg(heartbeat), id, from)
	return affectedOne(res, err)
}

// affectedOne reports whether the statement of res changed a row.
func affectedOne(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// feeScope adds to w the conditions of sc's bills on a table whose
// payer kind column is kindCol.
func (w *insWhere) feeScope(sc insurance.FeeScope, kindCol string) {
	w.add(sc.Period != 0, "period = ?", ymArg(sc.Period))
	w.payers(sc.Payers, kindCol, "payer_id")
}

// payers adds to w the condition of the payers of r (when r.Kind is set;
// every ID of the kind when r.Last is 0).
func (w *insWhere) payers(r insurance.PayerRange, kindCol, idCol string) {
	w.add(r.Kind != 0, kindCol+" = ?", int16(r.Kind))
	w.add(r.Kind != 0 && r.Last != 0, idCol+" BETWEEN ? AND ?", r.First, r.Last)
}

const lateFeeCols = `id, fee_run_id, period, payer_kind, payer_id, division, principal, from_date, to_date, days, rate, amount, reference, confidence, rounding,
	COALESCE(reverses, 0), cause`

// InsertLateFees implements insurance.Tx.
func (t *Tx) InsertLateFees(ctx context.Context, fees []insurance.LateFee) error {
	for _, l := range fees {
		var reverses any
		if l.Reverses != 0 {
			reverses = l.Reverses
		}
		_, err := t.exec(ctx, `INSERT INTO ins_late_fees (fee_run_id, period, payer_kind, payer_id, division, principal, from_date, to_date, days, rate, amount, reference, confidence, rounding, reverses, cause)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			l.Run, ymArg(l.Period), int16(l.PayerKind), l.PayerID, l.Division, int64(l.Principal), l.From.String(), l.To.String(), l.Days,
			l.Rate, int64(l.Amount), l.Reference, l.Confidence, l.Rounding, reverses, l.Cause)
		if err != nil {
			return err
		}
	}
	return nil
}

// LateFees implements insurance.Tx.
func (t *Tx) LateFees(ctx context.Context, f insurance.LateFeeFilter) ([]insurance.LateFee, error) {
	w := insWhere{}
	w.add(f.Period != 0, "period = ?", ymArg(f.Period))
	w.add(f.PayerKind != 0, "payer_kind = ? AND payer_id = ?", int16(f.PayerKind), f.PayerID)
	w.add(f.Run != 0, "fee_run_id = ?", f.Run)
	w.payers(f.Payers, "payer_kind", "payer_id")
	cond, args := w.sql()
	rows, err := t.query(ctx, "SELECT "+lateFeeCols+" FROM ins_late_fees"+cond+" ORDER BY period, payer_kind, payer_id, to_date, id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.LateFee
	for rows.Next() {
		var l insurance.LateFee
		var kind int16
		var principal, amount int64
		if err := rows.Scan(&l.ID, &l.Run, ymCol{&l.Period}, &kind, &l.PayerID, &l.Division, &principal, dateCol{&l.From}, dateCol{&l.To},
			&l.Days, &l.Rate, &amount, &l.Reference, &l.Confidence, &l.Rounding, &l.Reverses, &l.Cause); err != nil {
			return nil, err
		}
		l.PayerKind, l.Principal, l.Amount = insurance.PayerKind(kind), money.Fen(principal), money.Fen(amount)
		out = append(out, l)
	}
	return out, rows.Err()
}

// FeeRuns implements insurance.Tx.
func (t *Tx) FeeRuns(ctx context.Context, limit int) ([]insurance.FeeRun, error) {
	q := `SELECT id, as_of, actor, lines, amount, created_at, status, holder, COALESCE(heartbeat, created_at), cursor_period, cursor_kind, cursor_payer
		FROM ins_fee_runs ORDER BY id DESC`
	var args []any
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.FeeRun
	for rows.Next() {
		var r insurance.FeeRun
		var amount int64
		var kind int16
		if err := rows.Scan(&r.ID, dateCol{&r.AsOf}, &r.Actor, &r.Lines, &amount, tsCol{&r.CreatedAt}, &r.Status, &r.Holder, tsCol{&r.Heartbeat},
			ymCol{&r.Cursor.Period}, &kind, &r.Cursor.PayerID); err != nil {
			return nil, err
		}
		r.Amount, r.Cursor.PayerKind = money.Fen(amount), insurance.PayerKind(kind)
		out = append(out, r)
	}
	return out, rows.Err()
}

// FeeOwed implements insurance.Tx.
func (t *Tx) FeeOwed(ctx context.Context, k insurance.BillKey) (money.Fen, bool, error) {
	var owed int64
	var lines int
	key := []any{ymArg(k.Period), int16(k.PayerKind), k.PayerID}
	err := t.queryRow(ctx, `SELECT COALESCE(SUM(amount), 0), count(*) FROM ins_late_fees WHERE period = ? AND payer_kind = ? AND payer_id = ?`, key...).Scan(&owed, &lines)
	if err != nil || lines == 0 {
		return 0, false, wrapDBError(err)
	}
	var paid, credited int64
	err = t.queryRow(ctx, `SELECT COALESCE((SELECT SUM(fee_applied) FROM ins_payments WHERE period = ? AND payer_kind = ? AND payer_id = ? AND status = 'applied'), 0),
		COALESCE((SELECT SUM(amount) FROM ins_fee_credits WHERE period = ? AND payer_kind = ? AND payer_id = ?), 0)`,
		append(append([]any{}, key...), key...)...).Scan(&paid, &credited)
	return money.Fen(owed - paid + credited), true, wrapDBError(err)
}

// MarkFeeStale implements insurance.Tx.
func (t *Tx) MarkFeeStale(ctx context.Context, k insurance.BillKey, since time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO ins_fee_stale (period, payer_kind, payer_id, since) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		ymArg(k.Period), int16(k.PayerKind), k.PayerID, tsArg(since))
	return err
}

// MarkPeriodFeesStale implements insurance.Tx.
func (t *Tx) MarkPeriodFeesStale(ctx context.Context, p period.YearMonth, since time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO ins_fee_stale (period, payer_kind, payer_id, since)
		SELECT DISTINCT period, payer_kind, payer_id, ? FROM ins_late_fees WHERE period = ? ON CONFLICT DO NOTHING`, tsArg(since), ymArg(p))
	return err
}

// StaleFees implements insurance.Tx.
func (t *Tx) StaleFees(ctx context.Context, sc insurance.FeeScope) ([]insurance.BillKey, error) {
	w := insWhere{}
	w.feeScope(sc, "payer_kind")
	cond, args := w.sql()
	rows, err := t.query(ctx, `SELECT period, payer_kind, payer_id FROM ins_fee_stale`+cond+` ORDER BY period, payer_kind, payer_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.BillKey
	for rows.Next() {
		var k insurance.BillKey
		var kind int16
		if err := rows.Scan(ymCol{&k.Period}, &kind, &k.PayerID); err != nil {
			return nil, err
		}
		k.PayerKind = insurance.PayerKind(kind)
		out = append(out, k)
	}
	return out, rows.Err()
}

// ClearFeeStale implements insurance.Tx.
func (t *Tx) ClearFeeStale(ctx context.Context, keys []insurance.BillKey) error {
	for _, k := range keys {
		if _, err := t.exec(ctx, `DELETE FROM ins_fee_stale WHERE period = ? AND payer_kind = ? AND payer_id = ?`, ymArg(k.Period), int16(k.PayerKind), k.PayerID); err != nil {
			return err
		}
	}
	return nil
}

// InsertFeeCredit implements insurance.Tx.
func (t *Tx) InsertFeeCredit(ctx context.Context, c *insurance.FeeCredit) error {
	id, err := t.insertID(ctx, `INSERT INTO ins_fee_credits (fee_run_id, period, payer_kind, payer_id, amount, source_ref, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.Run, ymArg(c.Period), int16(c.PayerKind), c.PayerID, int64(c.Amount), c.Source, tsArg(c.CreatedAt))
	c.ID = id
	return err
}

// FeeCredits implements insurance.Tx.
func (t *Tx) FeeCredits(ctx context.Context, sc insurance.FeeScope) ([]insurance.FeeCredit, error) {
	w := insWhere{}
	w.feeScope(sc, "payer_kind")
	cond, args := w.sql()
	rows, err := t.query(ctx, `SELECT id, fee_run_id, period, payer_kind, payer_id, amount, source_ref, created_at FROM ins_fee_credits`+cond+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.FeeCredit
	for rows.Next() {
		var c insurance.FeeCredit
		var kind int16
		var amount int64
		if err := rows.Scan(&c.ID, &c.Run, ymCol{&c.Period}, &kind, &c.PayerID, &amount, &c.Source, tsCol{&c.CreatedAt}); err != nil {
			return nil, err
		}
		c.PayerKind, c.Amount = insurance.PayerKind(kind), money.Fen(amount)
		out = append(out, c)
	}
	return out, rows.Err()
}

// creditUses is the derived tables of what was re-matched (u) and
// refunded (r, refunds neither rejected nor failed) of each credit p.
const creditUses = `LEFT JOIN (SELECT credit_of, SUM(amount) AS s, count(*) AS n FROM ins_payments WHERE credit_of <> '' GROUP BY credit_of) u ON u.credit_of = p.reference
	LEFT JOIN (SELECT credit_ref, SUM(amount) AS s FROM ins_refunds WHERE status NOT IN ('rejected', 'failed') GROUP BY credit_ref) r ON r.credit_ref = p.reference`

// Credits implements insurance.Tx.
func (t *Tx) Credits(ctx context.Context, f insurance.CreditFilter) ([]insurance.Credit, error) {
	w := insWhere{}
	w.add(f.Reference != "", "p.reference = ?", f.Reference)
	w.add(f.Open, "p.credited > COALESCE(u.s, 0) + COALESCE(r.s, 0)")
	cond, args := w.sql()
	q := `SELECT p.reference, p.source, p.import_id, p.row_no, p.payer_code, p.payer_kind, p.payer_id, p.period, p.paid_on, p.status, p.amount, p.credited,
			COALESCE(u.s, 0), COALESCE(r.s, 0), COALESCE(u.n, 0), ` + payerDivision + `
		FROM ins_credit_sources p ` + creditUses + cond + ` ORDER BY p.paid_on, p.reference`
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.Credit
	for rows.Next() {
		var c insurance.Credit
		var kind int16
		var amount, over, used, refunding int64
		if err := rows.Scan(&c.Reference, &c.Source, &c.Import, &c.Row, &c.PayerCode, &kind, &c.PayerID, ymCol{&c.Period}, dateCol{&c.PaidOn}, &c.Status,
			&amount, &over, &used, &refunding, &c.Uses, &c.Division); err != nil {
			return nil, err
		}
		c.PayerKind, c.Payment, c.Credited, c.Rematched, c.Refunding = insurance.PayerKind(kind), money.Fen(amount), money.Fen(over), money.Fen(used), money.Fen(refunding)
		c.Balance = c.Credited - c.Rematched - c.Refunding
		out = append(out, c)
	}
	return out, rows.Err()
}

// payerDivision is the division of payment p's payer ("" when unmatched).
const payerDivision = `COALESCE(CASE p.payer_kind WHEN 1 THEN (SELECT division FROM employers WHERE id = p.payer_id)
	WHEN 2 THEN (SELECT residence_division FROM persons WHERE id = p.payer_id) END, '')`

const refundCols = `f.id, f.credit_ref, f.amount, f.holder, f.bank, f.account, f.reason, f.status, f.prepared_by, f.prepared_name, f.prepared_at,
	COALESCE(f.decided_by, 0), f.decided_name, f.decided_at, f.note, COALESCE(f.run_id, 0), COALESCE(f.return_id, 0), f.failure,
	p.payer_kind, p.payer_id, ` + payerDivision

// InsertRefund implements insurance.Tx.
func (t *Tx) InsertRefund(ctx context.Context, r *insurance.Refund) error {
	id, err := t.insertID(ctx, `INSERT INTO ins_refunds (credit_ref, amount, holder, bank, account, reason, status, prepared_by, prepared_name, prepared_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Credit, int64(r.Amount), r.Holder, r.Bank, r.Account, r.Reason, r.Status, r.PreparedBy, r.PreparedName, tsArg(r.PreparedAt))
	r.ID = id
	return err
}

// UpdateRefund implements insurance.Tx.
func (t *Tx) UpdateRefund(ctx context.Context, r insurance.Refund) error {
	var decided time.Time
	if r.DecidedAt != nil {
		decided = *r.DecidedAt
	}
	_, err := t.exec(ctx, `UPDATE ins_refunds SET status = ?, decided_by = ?, decided_name = ?, decided_at = ?, note = ?, run_id = ?, return_id = ?, failure = ? WHERE id = ?`,
		r.Status, r.DecidedBy, r.DecidedName, nullTSArg(decided), r.Note, idArg(r.Run), idArg(r.Return), r.Failure, r.ID)
	return err
}

// Refund implements insurance.Tx.
func (t *Tx) Refund(ctx context.Context, id int64) (insurance.Refund, error) {
	list, err := t.refunds(ctx, " WHERE f.id = ?", id)
	if err != nil {
		return insurance.Refund{}, err
	}
	if len(list) == 0 {
		return insurance.Refund{}, notFound(sql.ErrNoRows, "refund", id)
	}
	return list[0], nil
}

// Refunds implements insurance.Tx.
func (t *Tx) Refunds(ctx context.Context, f insurance.RefundFilter) ([]insurance.Refund, error) {
	w := insWhere{}
	w.add(f.Status != "", "f.status = ?", f.Status)
	w.add(f.Credit != "", "f.credit_ref = ?", f.Credit)
	w.add(f.Run != 0, "f.run_id = ?", f.Run)
	cond, args := w.sql()
	return t.refunds(ctx, cond, args...)
}

func (t *Tx) refunds(ctx context.Context, cond string, args ...any) ([]insurance.Refund, error) {
	rows, err := t.query(ctx, "SELECT "+refundCols+" FROM ins_refunds f JOIN ins_credit_sources p ON p.reference = f.credit_ref"+cond+" ORDER BY f.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.Refund
	for rows.Next() {
		var r insurance.Refund
		var amount int64
		var kind int16
		var decided time.Time
		if err := rows.Scan(&r.ID, &r.Credit, &amount, &r.Holder, &r.Bank, &r.Account, &r.Reason, &r.Status, &r.PreparedBy, &r.PreparedName,
			tsCol{&r.PreparedAt}, &r.DecidedBy, &r.DecidedName, nullTS{&decided}, &r.Note, &r.Run, &r.Return, &r.Failure, &kind, &r.PayerID, &r.Division); err != nil {
			return nil, err
		}
		r.Amount, r.PayerKind = money.Fen(amount), insurance.PayerKind(kind)
		if !decided.IsZero() {
			r.DecidedAt = &decided
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// InsertRefundRun implements insurance.Tx.
func (t *Tx) InsertRefundRun(ctx context.Context, r *insurance.RefundRun) error {
	id, err := t.insertID(ctx, `INSERT INTO ins_refund_runs (actor, rows_count, total, created_at) VALUES (?, ?, ?, ?)`,
		r.Actor, r.Rows, int64(r.Total), tsArg(r.CreatedAt))
	r.ID = id
	return err
}

// RefundRun implements insurance.Tx.
func (t *Tx) RefundRun(ctx context.Context, id int64) (insurance.RefundRun, error) {
	runs, err := t.refundRuns(ctx, " WHERE id = ?", id)
	if err != nil {
		return insurance.RefundRun{}, err
	}
	if len(runs) == 0 {
		return insurance.RefundRun{}, notFound(sql.ErrNoRows, "refund run", id)
	}
	return runs[0], nil
}

// RefundRuns implements insurance.Tx.
func (t *Tx) RefundRuns(ctx context.Context) ([]insurance.RefundRun, error) {
	return t.refundRuns(ctx, "")
}

func (t *Tx) refundRuns(ctx context.Context, cond string, args ...any) ([]insurance.RefundRun, error) {
	rows, err := t.query(ctx, "SELECT id, actor, rows_count, total, created_at FROM ins_refund_runs"+cond+" ORDER BY id DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.RefundRun
	for rows.Next() {
		var r insurance.RefundRun
		var total int64
		if err := rows.Scan(&r.ID, &r.Actor, &r.Rows, &total, tsCol{&r.CreatedAt}); err != nil {
			return nil, err
		}
		r.Total = money.Fen(total)
		out = append(out, r)
	}
	return out, rows.Err()
}

// InsertRefundReturn implements insurance.Tx.
func (t *Tx) InsertRefundReturn(ctx context.Context, r *bank.Return) error {
	id, err := t.insertID(ctx, `INSERT INTO ins_refund_returns (file_name, sha256, rows_n, actor, created_at) VALUES (?, ?, ?, ?, ?)`,
		r.FileName, r.SHA256, r.Rows, r.Actor, tsArg(r.CreatedAt))
	r.ID = id
	return err
}

// FeePayments implements insurance.Tx: the columns a late fee reads, no
// payer's division (Payments looks it up per row).
func (t *Tx) FeePayments(ctx context.Context, p period.YearMonth, r insurance.PayerRange) ([]insurance.Payment, error) {
	w := insWhere{}
	w.add(true, "status = 'applied' AND period = ?", ymArg(p))
	w.payers(r, "payer_kind", "payer_id")
	cond, args := w.sql()
	rows, err := t.query(ctx, `SELECT reference, payer_kind, payer_id, amount, applied, fee_applied, paid_on, status FROM ins_payments`+cond+` ORDER BY paid_on, reference`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.Payment
	for rows.Next() {
		pay := insurance.Payment{Period: p}
		var k int16
		var amount, applied, fee int64
		if err := rows.Scan(&pay.Reference, &k, &pay.PayerID, &amount, &applied, &fee, dateCol{&pay.PaidOn}, &pay.Status); err != nil {
			return nil, err
		}
		pay.PayerKind, pay.Amount, pay.Applied, pay.FeeApplied = insurance.PayerKind(k), money.Fen(amount), money.Fen(applied), money.Fen(fee)
		out = append(out, pay)
	}
	return out, rows.Err()
}
