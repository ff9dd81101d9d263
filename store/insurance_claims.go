package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"hrss/insurance"
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

// AccountBalance implements insurance.Tx.
func (t *Tx) AccountBalance(ctx context.Context, person int64) (money.Fen, error) {
	var n int64
	err := t.queryRow(ctx, `SELECT COALESCE((SELECT SUM(credits + interest) FROM ins_account_legacy WHERE person_id = ?), 0)
		+ COALESCE((SELECT SUM(amount) FROM ins_credits WHERE person_id = ?), 0)
		+ COALESCE((SELECT SUM(interest) FROM ins_interest WHERE person_id = ?), 0)`, person, person, person).Scan(&n)
	return money.Fen(n), wrapDBError(err)
}

// CreditedMonths implements insurance.Tx.
func (t *Tx) CreditedMonths(ctx context.Context, person int64) ([]insurance.CreditedMonth, error) {
	rows, err := t.query(ctx, `SELECT period, SUM(base), MAX(unemployment) FROM ins_credits WHERE person_id = ? GROUP BY period ORDER BY period`, person)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.CreditedMonth
	for rows.Next() {
		var m insurance.CreditedMonth
		var base, un int64
		if err := rows.Scan(ymCol{&m.Period}, &base, &un); err != nil {
			return nil, err
		}
		m.Base, m.Unemployment = money.Fen(base), un > 0
		out = append(out, m)
	}
	return out, rows.Err()
}

const claimCols = `id, kind, person_id, division, status, start_period, monthly, max_months, months_paid, carried_months, detail,
	preparer, reviewer, prepared_at, reviewed_at, stop_reason, stop_period, stop_date, stop_ground, final_due, provisional_year`

func scanClaim(sc interface{ Scan(...any) error }) (insurance.Claim, error) {
	var c insurance.Claim
	var kind, status, detail, ground, stop string
	var monthly, final int64
	err := sc.Scan(&c.ID, &kind, &c.PersonID, &c.Division, &status, ymCol{&c.Start}, &monthly, &c.MaxMonths, &c.MonthsPaid, &c.CarriedMonths,
		&detail, &c.Preparer, &c.Reviewer, tsCol{&c.PreparedAt}, nullTS{&c.ReviewedAt}, &stop, ymCol{&c.StopPeriod}, dateCol{&c.StopDate}, &ground, &final, &c.ProvisionalYear)
	c.Kind, c.Status, c.Monthly, c.Detail = insurance.ClaimKind(kind), insurance.ClaimStatus(status), money.Fen(monthly), []byte(detail)
	c.StopGround, c.FinalDue, c.StopReason = insurance.StopGround(ground), money.Fen(final), rules.StoredWhy(stop)
	return c, err
}

// InsertClaim implements insurance.Tx.
func (t *Tx) InsertClaim(ctx context.Context, c *insurance.Claim) error {
	id, err := t.insertID(ctx, `INSERT INTO ins_claims (kind, person_id, division, status, start_period, monthly, max_months, months_paid,
		carried_months, detail, preparer, reviewer, prepared_at, reviewed_at, stop_reason, stop_period, provisional_year) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		string(c.Kind), c.PersonID, c.Division, string(c.Status), ymArg(c.Start), int64(c.Monthly), c.MaxMonths, c.MonthsPaid, c.CarriedMonths,
		string(c.Detail), c.Preparer, c.Reviewer, tsArg(c.PreparedAt), nullTSArg(c.ReviewedAt), c.StopReason.Stored(), ymArg(c.StopPeriod), c.ProvisionalYear)
	c.ID = id
	return err
}

// UpdateClaim implements insurance.Tx.
func (t *Tx) UpdateClaim(ctx context.Context, c insurance.Claim) error {
	_, err := t.exec(ctx, `UPDATE ins_claims SET status = ?, months_paid = ?, carried_months = ?, reviewer = ?, reviewed_at = ?,
		stop_reason = ?, stop_period = ?, stop_date = ?, stop_ground = ?, final_due = ? WHERE id = ?`,
		string(c.Status), c.MonthsPaid, c.CarriedMonths, c.Reviewer, nullTSArg(c.ReviewedAt), c.StopReason.Stored(), ymArg(c.StopPeriod),
		dateArg(c.StopDate), string(c.StopGround), int64(c.FinalDue), c.ID)
	return err
}

// Claim implements insurance.Tx.
func (t *Tx) Claim(ctx context.Context, id int64) (insurance.Claim, error) {
	c, err := scanClaim(t.queryRow(ctx, "SELECT "+claimCols+" FROM ins_claims WHERE id = ?", id))
	return c, notFound(err, "claim", id)
}

// ListClaims implements insurance.Tx.
func (t *Tx) ListClaims(ctx context.Context, f insurance.ClaimFilter) ([]insurance.Claim, error) {
	w := insWhere{}
	w.add(f.Kind != "", "kind = ?", string(f.Kind))
	w.add(f.PersonID != 0, "person_id = ?", f.PersonID)
	w.add(f.Status != "", "status = ?", string(f.Status))
	w.add(f.FinalDue, "final_due > ?", 0)
	cond, args := w.sql()
	rows, err := t.query(ctx, "SELECT "+claimCols+" FROM ins_claims"+cond+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.Claim
	for rows.Next() {
		c, err := scanClaim(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PutClaimAmount implements insurance.Tx.
func (t *Tx) PutClaimAmount(ctx context.Context, claim int64, from period.YearMonth, amount money.Fen, reason string) error {
	_, err := t.exec(ctx, `INSERT INTO ins_claim_amounts (claim_id, from_period, amount, reason) VALUES (?, ?, ?, ?)`, claim, ymArg(from), int64(amount), reason)
	return err
}

// ClaimAmountAt implements insurance.Tx.
func (t *Tx) ClaimAmountAt(ctx context.Context, claim int64, p period.YearMonth) (money.Fen, error) {
	var n int64
	err := t.queryRow(ctx, `SELECT amount FROM ins_claim_amounts WHERE claim_id = ? AND from_period <= ? ORDER BY from_period DESC LIMIT 1`, claim, ymArg(p)).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return money.Fen(n), wrapDBError(err)
}

// ClaimPaidFrom implements insurance.Tx.
func (t *Tx) ClaimPaidFrom(ctx context.Context, claim int64, from period.YearMonth) (int, money.Fen, error) {
	var n int
	var sum int64
	err := t.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM ins_benefit_payments WHERE claim_id = ? AND period >= ?`, claim, ymArg(from)).Scan(&n, &sum)
	return n, money.Fen(sum), wrapDBError(err)
}

// CarriedMonths implements insurance.Tx.
func (t *Tx) CarriedMonths(ctx context.Context, person int64) (int, error) {
	var n int
	err := t.queryRow(ctx, `SELECT carried_months FROM ins_claims WHERE person_id = ? AND kind = 'unemployment' AND status = 'stopped' ORDER BY id DESC LIMIT 1`, person).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, wrapDBError(err)
}

// EmploymentBasics implements insurance.Tx.
func (t *Tx) EmploymentBasics(ctx context.Context, id int64) (insurance.EmploymentBasics, error) {
	e := insurance.EmploymentBasics{ID: id}
	err := t.queryRow(ctx, `SELECT person_id, employer_id, start_date, end_date, separation FROM employments WHERE id = ?`, id).
		Scan(&e.PersonID, &e.EmployerID, dateCol{&e.Start}, dateCol{&e.End}, &e.Separation)
	e.Involuntary = registry.Separation(e.Separation).Involuntary()
	return e, notFound(err, "employment", id)
}

// ActiveUnemploymentRegistration implements insurance.Tx: it reads the
// employment services' table (the person has at most one active row).
func (t *Tx) ActiveUnemploymentRegistration(ctx context.Context, person int64) (insurance.UnemploymentRegistration, bool, error) {
	var r insurance.UnemploymentRegistration
	err := t.queryRow(ctx, `SELECT id, division, registered FROM unemployment_registrations WHERE person_id = ? AND status = 'active' ORDER BY id DESC LIMIT 1`, person).
		Scan(&r.ID, &r.Division, dateCol{&r.Registered})
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, wrapDBError(err)
}

// EmploymentStartedAfter implements insurance.Tx.
func (t *Tx) EmploymentStartedAfter(ctx context.Context, person int64, day period.Date) (int64, period.Date, bool, error) {
	var id int64
	var start period.Date
	err := t.queryRow(ctx, `SELECT id, start_date FROM employments WHERE person_id = ? AND start_date > ? ORDER BY start_date, id LIMIT 1`, person, day.String()).
		Scan(&id, dateCol{&start})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, start, false, nil
	}
	return id, start, err == nil, wrapDBError(err)
}

// BenefitRun implements insurance.Tx.
func (t *Tx) BenefitRun(ctx context.Context, kind insurance.ClaimKind, p period.YearMonth) (insurance.PaymentRun, bool, error) {
	r := insurance.PaymentRun{Kind: kind, Period: p}
	var total int64
	err := t.queryRow(ctx, `SELECT id, payments, total, actor, created_at FROM ins_benefit_runs WHERE kind = ? AND period = ?`, string(kind), ymArg(p)).
		Scan(&r.ID, &r.Payments, &total, &r.Actor, tsCol{&r.CreatedAt})
	r.Total = money.Fen(total)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, wrapDBError(err)
}

// InsertBenefitRun implements insurance.Tx.
func (t *Tx) InsertBenefitRun(ctx context.Context, r *insurance.PaymentRun) error {
	id, err := t.insertID(ctx, `INSERT INTO ins_benefit_runs (kind, period, payments, total, actor, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		string(r.Kind), ymArg(r.Period), r.Payments, int64(r.Total), r.Actor, tsArg(r.CreatedAt))
	r.ID = id
	return err
}

// UpdateBenefitRun implements insurance.Tx.
func (t *Tx) UpdateBenefitRun(ctx context.Context, r insurance.PaymentRun) error {
	_, err := t.exec(ctx, `UPDATE ins_benefit_runs SET payments = ?, total = ? WHERE id = ?`, r.Payments, int64(r.Total), r.ID)
	return err
}

// BenefitRequest implements insurance.Tx.
func (t *Tx) BenefitRequest(ctx context.Context, key string) (int64, int, bool, error) {
	var run int64
	var batch int
	err := t.queryRow(ctx, `SELECT run_id, batch FROM ins_benefit_requests WHERE request_key = ?`, key).Scan(&run, &batch)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, false, nil
	}
	return run, batch, err == nil, wrapDBError(err)
}

// InsertBenefitRequest implements insurance.Tx.
func (t *Tx) InsertBenefitRequest(ctx context.Context, key string, runID int64, batch int) error {
	_, err := t.exec(ctx, `INSERT INTO ins_benefit_requests (request_key, run_id, batch) VALUES (?, ?, ?)`, key, runID, batch)
	return wrapDBError(err)
}

// InsertBenefitPayments implements insurance.Tx.
func (t *Tx) InsertBenefitPayments(ctx context.Context, pays []insurance.BenefitPayment) error {
	for i := 0; i < len(pays); i += 500 {
		part := pays[i:min(i+500, len(pays))]
		args := make([]any, 0, len(part)*11)
		for _, p := range part {
			var over, recomp any
			if p.OverpaymentID != 0 {
				over = p.OverpaymentID
			}
			if p.RecomputationID != 0 {
				recomp = p.RecomputationID
			}
			args = append(args, p.ClaimID, ymArg(p.Period), p.Run, p.Batch, p.PersonID, int64(p.Amount), int64(p.Medical), int64(p.Netted), over,
				int64(p.BackPay), recomp)
		}
		q := `INSERT INTO ins_benefit_payments (claim_id, period, run_id, batch, person_id, amount, medical, netted, overpayment_id, back_pay,
			recomputation_id) VALUES ` + "(?,?,?,?,?,?,?,?,?,?,?)" + strings.Repeat(",(?,?,?,?,?,?,?,?,?,?,?)", len(part)-1)
		if _, err := t.exec(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// BenefitPayments implements insurance.Tx.
func (t *Tx) BenefitPayments(ctx context.Context, run int64) ([]insurance.BenefitPayment, error) {
	return t.benefitPayments(ctx, "b.run_id = ? ORDER BY b.batch, b.claim_id", run)
}

// ClaimPayments implements insurance.Tx.
func (t *Tx) ClaimPayments(ctx context.Context, claim int64) ([]insurance.BenefitPayment, error) {
	return t.benefitPayments(ctx, "b.claim_id = ? ORDER BY b.period", claim)
}

func (t *Tx) benefitPayments(ctx context.Context, where string, arg int64) ([]insurance.BenefitPayment, error) {
	rows, err := t.query(ctx, `SELECT b.claim_id, b.period, b.run_id, b.batch, b.person_id, COALESCE(p.name, ''), b.amount, b.medical, b.netted,
		COALESCE(b.overpayment_id, 0), b.back_pay, COALESCE(b.recomputation_id, 0) FROM ins_benefit_payments b LEFT JOIN persons p ON p.id = b.person_id WHERE `+where, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.BenefitPayment
	for rows.Next() {
		var p insurance.BenefitPayment
		var amt, med, net, back int64
		if err := rows.Scan(&p.ClaimID, ymCol{&p.Period}, &p.Run, &p.Batch, &p.PersonID, &p.Name, &amt, &med, &net, &p.OverpaymentID, &back, &p.RecomputationID); err != nil {
			return nil, err
		}
		p.Amount, p.Medical, p.Netted, p.BackPay = money.Fen(amt), money.Fen(med), money.Fen(net), money.Fen(back)
		out = append(out, p)
	}
	return out, rows.Err()
}
