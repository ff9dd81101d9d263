package store

import (
	"context"
	"strings"

	"hrss/registry"
	"hrss/rules/money"
)

const employmentCols = `id, person_id, employer_id, start_date, end_date, separation, declared_wage, insurances, created_at, updated_at`

func employmentArgs(e *registry.Employment) []any {
	ins := make([]string, len(e.Insurances))
	for i, x := range e.Insurances {
		ins[i] = string(x)
	}
	return []any{e.PersonID, e.EmployerID, e.Start.String(), dateArg(e.End), string(e.Separation), int64(e.DeclaredWage),
		strings.Join(ins, ","), tsArg(e.CreatedAt), tsArg(e.UpdatedAt)}
}

func scanEmployment(sc interface{ Scan(...any) error }) (registry.Employment, error) {
	var e registry.Employment
	var sep, ins string
	var wage int64
	err := sc.Scan(&e.ID, &e.PersonID, &e.EmployerID, dateCol{&e.Start}, dateCol{&e.End}, &sep, &wage, &ins, tsCol{&e.CreatedAt}, tsCol{&e.UpdatedAt})
	e.Separation, e.DeclaredWage = registry.Separation(sep), money.Fen(wage)
	for _, x := range strings.Split(ins, ",") {
		if x != "" {
			e.Insurances = append(e.Insurances, registry.Insurance(x))
		}
	}
	return e, err
}

// InsertEmployment implements registry.Tx.
func (t *Tx) InsertEmployment(ctx context.Context, e *registry.Employment) error {
	id, err := t.insertID(ctx, `INSERT INTO employments (person_id, employer_id, start_date, end_date, separation,
		declared_wage, insurances, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, employmentArgs(e)...)
	e.ID = id
	return err
}

// UpdateEmployment implements registry.Tx.
func (t *Tx) UpdateEmployment(ctx context.Context, e *registry.Employment) error {
	_, err := t.exec(ctx, `UPDATE employments SET person_id = ?, employer_id = ?, start_date = ?, end_date = ?, separation = ?,
		declared_wage = ?, insurances = ?, created_at = ?, updated_at = ? WHERE id = ?`, append(employmentArgs(e), e.ID)...)
	return err
}

// Employment implements registry.Tx.
func (t *Tx) Employment(ctx context.Context, id int64) (registry.Employment, error) {
	e, err := scanEmployment(t.queryRow(ctx, "SELECT "+employmentCols+" FROM employments WHERE id = ?", id))
	return e, notFound(err, "employment relation", id)
}

// ListEmployments implements registry.Tx.
func (t *Tx) ListEmployments(ctx context.Context, f registry.EmploymentFilter) ([]registry.Employment, error) {
	w := where{}
	w.add(f.PersonID != 0, "person_id = ?", f.PersonID)
	w.add(f.EmployerID != 0, "employer_id = ?", f.EmployerID)
	w.addInf("(person_id IN (SELECT id FROM persons WHERE residence_division IN %s) OR employer_id IN (SELECT id FROM employers WHERE division IN %s))", f.Divisions)
	w.add(true, "id > ?", f.After)
	return queryList(ctx, t, "SELECT "+employmentCols+" FROM employments WHERE "+w.sql()+" ORDER BY id LIMIT ?", append(w.args, f.Limit), scanEmployment)
}

const flexibleCols = `id, person_id, division, start_date, end_date, base_pct, created_at, updated_at`

func flexibleArgs(f *registry.FlexibleWorker) []any {
	return []any{f.PersonID, f.Division, f.Start.String(), dateArg(f.End), f.BasePct, tsArg(f.CreatedAt), tsArg(f.UpdatedAt)}
}

func scanFlexible(sc interface{ Scan(...any) error }) (registry.FlexibleWorker, error) {
	var f registry.FlexibleWorker
	err := sc.Scan(&f.ID, &f.PersonID, &f.Division, dateCol{&f.Start}, dateCol{&f.End}, &f.BasePct, tsCol{&f.CreatedAt}, tsCol{&f.UpdatedAt})
	return f, err
}

// InsertFlexible implements registry.Tx.
func (t *Tx) InsertFlexible(ctx context.Context, f *registry.FlexibleWorker) error {
	id, err := t.insertID(ctx, `INSERT INTO flexible_workers (person_id, division, start_date, end_date, base_pct, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, flexibleArgs(f)...)
	f.ID = id
	return err
}

// UpdateFlexible implements registry.Tx.
func (t *Tx) UpdateFlexible(ctx context.Context, f *registry.FlexibleWorker) error {
	_, err := t.exec(ctx, `UPDATE flexible_workers SET person_id = ?, division = ?, start_date = ?, end_date = ?, base_pct = ?,
		created_at = ?, updated_at = ? WHERE id = ?`, append(flexibleArgs(f), f.ID)...)
	return err
}

// Flexible implements registry.Tx.
func (t *Tx) Flexible(ctx context.Context, id int64) (registry.FlexibleWorker, error) {
	f, err := scanFlexible(t.queryRow(ctx, "SELECT "+flexibleCols+" FROM flexible_workers WHERE id = ?", id))
	return f, notFound(err, "flexible-worker enrolment", id)
}

// ListFlexible implements registry.Tx.
func (t *Tx) ListFlexible(ctx context.Context, f registry.FlexibleFilter) ([]registry.FlexibleWorker, error) {
	w := where{}
	w.add(f.PersonID != 0, "person_id = ?", f.PersonID)
	w.add(f.Division != "", "division = ?", f.Division)
	w.addInf("(division IN %s OR person_id IN (SELECT id FROM persons WHERE residence_division IN %s))", f.Divisions)
	w.add(true, "id > ?", f.After)
	return queryList(ctx, t, "SELECT "+flexibleCols+" FROM flexible_workers WHERE "+w.sql()+" ORDER BY id LIMIT ?", append(w.args, f.Limit), scanFlexible)
}
