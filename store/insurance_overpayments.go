package store

import (
	"context"

	"hrss/insurance"
	"hrss/rules/money"
)

// Registration implements insurance.Tx: it reads the employment
// services' registration and the refusals recorded on it.
func (t *Tx) Registration(ctx context.Context, id int64) (insurance.RegistrationRecord, error) {
	var r insurance.RegistrationRecord
	err := t.queryRow(ctx, `SELECT ground, ended_on FROM unemployment_registrations WHERE id = ?`, id).Scan(&r.Ground, dateCol{&r.EndedOn})
	if err != nil {
		return r, notFound(err, "unemployment registration", id)
	}
	rows, err := t.query(ctx, `SELECT refused_on FROM unemployment_refusals WHERE registration_id = ? ORDER BY refused_on, id`, id)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var d insurance.RegistrationRecord
		if err := rows.Scan(dateCol{&d.EndedOn}); err != nil {
			return r, err
		}
		r.Refusals = append(r.Refusals, d.EndedOn)
	}
	return r, rows.Err()
}

// InsertOverpayment implements insurance.Tx.
func (t *Tx) InsertOverpayment(ctx context.Context, o *insurance.Overpayment) error {
	id, err := t.insertID(ctx, `INSERT INTO ins_benefit_overpayments (claim_id, person_id, amount, detail, created_at) VALUES (?, ?, ?, ?, ?)`,
		o.ClaimID, o.PersonID, int64(o.Amount), string(o.Detail), tsArg(o.CreatedAt))
	o.ID = id
	return err
}

// overpaymentSelect reads an overpayment with what was netted and
// recovered of it and the division of its claim.
const overpaymentSelect = `SELECT o.id, o.claim_id, o.person_id, c.division, o.amount, o.detail, o.created_at,
		COALESCE((SELECT SUM(b.netted) FROM ins_benefit_payments b WHERE b.overpayment_id = o.id), 0),
		COALESCE((SELECT SUM(r.amount) FROM ins_overpayment_recoveries r WHERE r.overpayment_id = o.id), 0)
		FROM ins_benefit_overpayments o JOIN ins_claims c ON c.id = o.claim_id`

// Overpayments implements insurance.Tx.
func (t *Tx) Overpayments(ctx context.Context, person int64) ([]insurance.Overpayment, error) {
	rows, err := t.query(ctx, overpaymentSelect+` WHERE ? = 0 OR o.person_id = ? ORDER BY o.id`, person, person)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.Overpayment
	for rows.Next() {
		o, err := scanOverpayment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Overpayment implements insurance.Tx: one row, by its key.
func (t *Tx) Overpayment(ctx context.Context, id int64) (insurance.Overpayment, error) {
	o, err := scanOverpayment(t.queryRow(ctx, overpaymentSelect+` WHERE o.id = ?`, id))
	if err != nil {
		return o, notFound(err, "overpayment", id)
	}
	return o, nil
}

func scanOverpayment(row interface{ Scan(...any) error }) (insurance.Overpayment, error) {
	var o insurance.Overpayment
	var amt, net, rec int64
	var detail string
	if err := row.Scan(&o.ID, &o.ClaimID, &o.PersonID, &o.Division, &amt, &detail, tsCol{&o.CreatedAt}, &net, &rec); err != nil {
		return o, err
	}
	o.Amount, o.Netted, o.Recovered, o.Detail = money.Fen(amt), money.Fen(net), money.Fen(rec), []byte(detail)
	return o, nil
}

// InsertRecovery implements insurance.Tx; a reference recorded before is
// a Conflict.
func (t *Tx) InsertRecovery(ctx context.Context, r insurance.Recovery) error {
	_, err := t.exec(ctx, `INSERT INTO ins_overpayment_recoveries (overpayment_id, amount, reference, actor, created_at) VALUES (?, ?, ?, ?, ?)`,
		r.OverpaymentID, int64(r.Amount), r.Reference, r.Actor, tsArg(r.CreatedAt))
	return err
}
