package store

import (
	"context"
	"database/sql"
	"errors"

	"hrss/registry"
	"hrss/rules/money"
)

const wageCols = `w.employment_id, m.person_id, m.employer_id, w.year, w.wage, w.actor, w.created_at, w.updated_at`

func scanWage(sc interface{ Scan(...any) error }) (registry.WageDeclaration, error) {
	var d registry.WageDeclaration
	var wage int64
	err := sc.Scan(&d.EmploymentID, &d.PersonID, &d.EmployerID, &d.Year, &wage, &d.Actor, tsCol{&d.CreatedAt}, tsCol{&d.UpdatedAt})
	d.DeclaredWage = money.Fen(wage)
	return d, err
}

// PutWage implements registry.Tx.
func (t *Tx) PutWage(ctx context.Context, d *registry.WageDeclaration) (*money.Fen, error) {
	var old int64
	err := t.queryRow(ctx, `SELECT wage FROM declared_wages WHERE employment_id = ? AND year = ?`, d.EmploymentID, d.Year).Scan(&old)
	if errors.Is(err, sql.ErrNoRows) {
		_, err = t.exec(ctx, `INSERT INTO declared_wages (employment_id, year, wage, actor, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			d.EmploymentID, d.Year, int64(d.DeclaredWage), d.Actor, tsArg(d.CreatedAt), tsArg(d.UpdatedAt))
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	_, err = t.exec(ctx, `UPDATE declared_wages SET wage = ?, actor = ?, updated_at = ? WHERE employment_id = ? AND year = ?`,
		int64(d.DeclaredWage), d.Actor, tsArg(d.UpdatedAt), d.EmploymentID, d.Year)
	prev := money.Fen(old)
	return &prev, err
}

// ListWages implements registry.Tx: one relation's declarations by year,
// or one year's by relation ID.
func (t *Tx) ListWages(ctx context.Context, f registry.WageFilter) ([]registry.WageDeclaration, error) {
	w := where{}
	w.add(f.EmploymentID != 0, "w.employment_id = ?", f.EmploymentID)
	w.add(f.Year != 0, "w.year = ?", f.Year)
	w.add(f.PersonID != 0, "m.person_id = ?", f.PersonID)
	w.add(f.EmployerID != 0, "m.employer_id = ?", f.EmployerID)
	w.addInf("(m.person_id IN (SELECT id FROM persons WHERE residence_division IN %s) OR m.employer_id IN (SELECT id FROM employers WHERE division IN %s))", f.Divisions)
	w.add(true, "w.employment_id > ?", f.After)
	return queryList(ctx, t, "SELECT "+wageCols+" FROM declared_wages w JOIN employments m ON m.id = w.employment_id WHERE "+w.sql()+
		" ORDER BY w.employment_id, w.year LIMIT ?", append(w.args, f.Limit), scanWage)
}
