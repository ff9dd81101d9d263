package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"hrss/insurance"
	"hrss/registry"
	"hrss/rules/money"
	"hrss/rules/period"
)

// RelationDivision implements insurance.Tx.
func (t *Tx) RelationDivision(ctx context.Context, kind insurance.PayerKind, id int64) (string, error) {
	q := `SELECT e.division FROM employments m JOIN employers e ON e.id = m.employer_id WHERE m.id = ?`
	what := "employment"
	if kind == insurance.PayerFlexible {
		q, what = `SELECT division FROM flexible_workers WHERE id = ?`, "flexible enrolment"
	}
	var div string
	err := t.queryRow(ctx, q, id).Scan(&div)
	return div, notFound(err, what, id)
}

// InsertCorrection implements insurance.Tx.
func (t *Tx) InsertCorrection(ctx context.Context, c *insurance.Correction) error {
	var wage any
	if c.Wage != nil {
		wage = int64(*c.Wage)
	}
	id, err := t.insertID(ctx, `INSERT INTO ins_corrections (kind, relation_id, from_period, to_period, wage, reason, actor, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, int16(c.Kind), c.RelationID, ymArg(c.From), ymArg(c.To), wage, c.Reason, c.Actor, tsArg(c.CreatedAt))
	c.ID = id
	return err
}

// InsuredRelation implements insurance.Tx.
func (t *Tx) InsuredRelation(ctx context.Context, kind insurance.PayerKind, id int64, p period.YearMonth) (registry.Insured, bool, error) {
	first, last := p.First().String(), p.Last().String()
	var in registry.Insured
	var start, end period.Date
	var err error
	if kind == insurance.PayerFlexible {
		in = registry.Insured{Kind: registry.KindFlexible, FlexibleID: id, Insurances: []registry.Insurance{registry.Pension}}
		err = t.queryRow(ctx, `SELECT person_id, division, base_pct, start_date, end_date FROM flexible_workers WHERE id = ?`, id).
			Scan(&in.PersonID, &in.Division, &in.BasePct, dateCol{&start}, dateCol{&end})
	} else {
		in = registry.Insured{Kind: registry.KindEmployee, EmploymentID: id}
		var wage int64
		var ins string
		err = t.queryRow(ctx, `SELECT m.person_id, m.employer_id, e.division, `+wageOfYear+`, m.insurances, e.risk_class, e.risk_float_pct, m.start_date, m.end_date
			FROM employments m JOIN employers e ON e.id = m.employer_id
			LEFT JOIN declared_wages w ON w.employment_id = m.id AND w.year = ? WHERE m.id = ?`, p.Year(), id).
			Scan(&in.PersonID, &in.EmployerID, &in.Division, &wage, &ins, &in.RiskClass, &in.RiskFloatPct, dateCol{&start}, dateCol{&end})
		in.Wage = money.Fen(wage)
		for _, x := range strings.Split(ins, ",") {
			in.Insurances = append(in.Insurances, registry.Insurance(x))
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return in, false, notFound(err, "relation", id)
	}
	active := start.String() <= last && (end.IsZero() || end.String() >= first)
	return in, active, wrapDBError(err)
}

// relationRowsQuery reads a relation's rows of one run of a period and
// its adjustments.
const relationRowsQuery = `SELECT ` + relationRowCols + ` FROM ins_assessments WHERE period = ? AND run_id = ? AND kind = ? AND relation_id = ?
		UNION ALL SELECT ` + relationRowCols + ` FROM ins_adjustments WHERE period = ? AND kind = ? AND relation_id = ?`

const relationRowCols = `person_id, kind, relation_id, payer_id, division, base, pension_ind, pension_emp, medical_ind, medical_emp, unemp_ind, unemp_emp, injury_emp, account_credit`

// RelationRows implements insurance.Tx.
func (t *Tx) RelationRows(ctx context.Context, p period.YearMonth, run int64, kind insurance.PayerKind, id int64) ([]insurance.Row, error) {
	rows, err := t.query(ctx, relationRowsQuery, ymArg(p), run, int16(kind), id, ymArg(p), int16(kind), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.Row
	for rows.Next() {
		r := insurance.Row{Period: p}
		var k int16
		var l [9]int64
		if err := rows.Scan(&r.PersonID, &k, &r.RelationID, &r.PayerID, &r.Division, &l[0], &l[1], &l[2], &l[3], &l[4], &l[5], &l[6], &l[7], &l[8]); err != nil {
			return nil, err
		}
		r.Kind, r.Base, r.AccountCredit = insurance.PayerKind(k), money.Fen(l[0]), money.Fen(l[8])
		for i := range r.Lines {
			r.Lines[i] = money.Fen(l[1+i])
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// InsertAdjustment implements insurance.Tx.
func (t *Tx) InsertAdjustment(ctx context.Context, correction int64, r *insurance.Row) error {
	args := []any{correction, ymArg(r.Period), r.PersonID, int16(r.Kind), r.RelationID, r.PayerID, r.Division, int64(r.Base)}
	for _, a := range r.Lines {
		args = append(args, int64(a))
	}
	args = append(args, int64(r.AccountCredit))
	id, err := t.insertID(ctx, `INSERT INTO ins_adjustments (correction_id, period, person_id, kind, relation_id, payer_id, division, base,
		pension_ind, pension_emp, medical_ind, medical_emp, unemp_ind, unemp_emp, injury_emp, account_credit)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	r.Seq = int32(id)
	return err
}
