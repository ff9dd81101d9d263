package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"hrss/insurance"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// The recomputations of provisional pensions (migration 0660).

const recomputationCols = `id, claim_id, person_id, division, base_year, old_monthly, new_monthly, months, difference, from_period, detail,
	status, prepared_by, preparer, prepared_at, COALESCE(decided_by, 0), decider, decided_at, note, COALESCE(overpayment_id, 0), paid_period`

// InsertRecomputation implements insurance.RecomputeTx.
func (t *Tx) InsertRecomputation(ctx context.Context, r *insurance.Recomputation) error {
	id, err := t.insertID(ctx, `INSERT INTO ins_pension_recomputations (claim_id, person_id, division, base_year, old_monthly, new_monthly, months,
		difference, detail, status, prepared_by, preparer, prepared_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ClaimID, r.PersonID, r.Division, r.BaseYear, int64(r.OldMonthly), int64(r.NewMonthly), r.Months, int64(r.Difference), string(r.Detail),
		string(r.Status), r.PreparedBy, r.Preparer, tsArg(r.PreparedAt))
	if fault.KindOf(err) == fault.Conflict {
		return fault.Conflictf("claim_id", "recompute.open", "claim %d has an open or applied recomputation already", r.ClaimID)
	}
	r.ID = id
	return err
}

// UpdateRecomputation implements insurance.RecomputeTx.
func (t *Tx) UpdateRecomputation(ctx context.Context, r insurance.Recomputation) error {
	var decided, over any
	if r.DecidedAt != nil {
		decided = tsArg(*r.DecidedAt)
	}
	if r.OverpaymentID != 0 {
		over = r.OverpaymentID
	}
	_, err := t.exec(ctx, `UPDATE ins_pension_recomputations SET months = ?, difference = ?, from_period = ?, detail = ?, status = ?, decided_by = ?,
		decider = ?, decided_at = ?, note = ?, overpayment_id = ?, paid_period = ? WHERE id = ?`,
		r.Months, int64(r.Difference), ymArg(r.From), string(r.Detail), string(r.Status), r.DecidedBy, r.Decider, decided, r.Note, over, ymArg(r.PaidPeriod), r.ID)
	return err
}

// Recomputation implements insurance.RecomputeTx.
func (t *Tx) Recomputation(ctx context.Context, id int64) (insurance.Recomputation, error) {
	r, err := scanRecomputation(t.queryRow(ctx, "SELECT "+recomputationCols+" FROM ins_pension_recomputations WHERE id = ?", id))
	return r, notFound(err, "recomputation", id)
}

// Recomputations implements insurance.RecomputeTx.
func (t *Tx) Recomputations(ctx context.Context, f insurance.RecomputationFilter) ([]insurance.Recomputation, error) {
	w := where{}
	w.add(f.Status != "", "status = ?", string(f.Status))
	w.add(f.ClaimID != 0, "claim_id = ?", f.ClaimID)
	w.add(true, "id > 0")
	return queryList(ctx, t, "SELECT "+recomputationCols+" FROM ins_pension_recomputations WHERE "+w.sql()+" ORDER BY id", w.args, scanRecomputation)
}

// BackPayDue implements insurance.RecomputeTx.
func (t *Tx) BackPayDue(ctx context.Context, claim int64) (insurance.Recomputation, bool, error) {
	r, err := scanRecomputation(t.queryRow(ctx, "SELECT "+recomputationCols+` FROM ins_pension_recomputations
		WHERE claim_id = ? AND status = 'applied' AND difference > 0 AND paid_period = 0`, claim))
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, wrapDBError(err)
}

func scanRecomputation(sc interface{ Scan(...any) error }) (insurance.Recomputation, error) {
	var r insurance.Recomputation
	var old, nw, diff int64
	var detail, status string
	var decided time.Time
	err := sc.Scan(&r.ID, &r.ClaimID, &r.PersonID, &r.Division, &r.BaseYear, &old, &nw, &r.Months, &diff, ymCol{&r.From}, &detail,
		&status, &r.PreparedBy, &r.Preparer, tsCol{&r.PreparedAt}, &r.DecidedBy, &r.Decider, nullTS{&decided}, &r.Note, &r.OverpaymentID, ymCol{&r.PaidPeriod})
	r.OldMonthly, r.NewMonthly, r.Difference, r.Detail, r.Status = money.Fen(old), money.Fen(nw), money.Fen(diff), []byte(detail), insurance.RecomputationStatus(status)
	if !decided.IsZero() {
		r.DecidedAt = &decided
	}
	return r, err
}

// ProvisionalPensions implements insurance.RecomputeTx.
func (t *Tx) ProvisionalPensions(ctx context.Context) ([]insurance.ProvisionalPension, error) {
	return queryList(ctx, t, `SELECT c.id, c.person_id, c.division, c.provisional_year FROM ins_claims c
		WHERE c.kind = 'pension' AND c.status = 'approved' AND c.provisional_year > 0
		AND NOT EXISTS (SELECT 1 FROM ins_pension_recomputations r WHERE r.claim_id = c.id AND r.status <> 'rejected')
		ORDER BY c.id`, nil, func(sc interface{ Scan(...any) error }) (insurance.ProvisionalPension, error) {
		var p insurance.ProvisionalPension
		err := sc.Scan(&p.ClaimID, &p.PersonID, &p.Division, &p.Year)
		return p, err
	})
}

// ClaimAmounts implements insurance.RecomputeTx.
func (t *Tx) ClaimAmounts(ctx context.Context, claim int64) ([]rules.PensionAmount, error) {
	return queryList(ctx, t, `SELECT from_period, amount FROM ins_claim_amounts WHERE claim_id = ? ORDER BY from_period`, []any{claim},
		func(sc interface{ Scan(...any) error }) (rules.PensionAmount, error) {
			var a rules.PensionAmount
			var amt int64
			err := sc.Scan(ymCol{&a.From}, &amt)
			a.Amount = money.Fen(amt)
			return a, err
		})
}

// SetClaimAmount implements insurance.RecomputeTx.
func (t *Tx) SetClaimAmount(ctx context.Context, claim int64, from period.YearMonth, amount money.Fen, reason string) error {
	_, err := t.exec(ctx, `INSERT INTO ins_claim_amounts (claim_id, from_period, amount, reason) VALUES (?, ?, ?, ?)
		ON CONFLICT (claim_id, from_period) DO UPDATE SET amount = excluded.amount, reason = excluded.reason`, claim, ymArg(from), int64(amount), reason)
	return err
}

// SetPensionMonthly implements insurance.RecomputeTx.
func (t *Tx) SetPensionMonthly(ctx context.Context, claim int64, monthly money.Fen) error {
	_, err := t.exec(ctx, `UPDATE ins_claims SET monthly = ?, provisional_year = 0 WHERE id = ?`, int64(monthly), claim)
	return err
}
