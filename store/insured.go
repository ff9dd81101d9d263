package store

import (
	"context"
	"strings"

	"hrss/registry"
	"hrss/rules/money"
	"hrss/rules/period"
)

// EachInsured implements registry.InsuredReader: it streams the active
// employment relations (joined with their employer) and flexible
// enrolments of month p in one read transaction. An employee's wage is
// wageOfYear: the declaration of p's year, else the relation's.
func (db *DB) EachInsured(ctx context.Context, p period.YearMonth, fn func(registry.Insured) error) error {
	first, last := p.First().String(), p.Last().String()
	return db.view(ctx, func(t *Tx) error {
		if err := eachEmployee(ctx, t, p.Year(), first, last, fn); err != nil {
			return err
		}
		return eachFlexible(ctx, t, first, last, fn)
	})
}

// wageOfYear is the wage a month of an employment relation m is assessed
// on, with w the LEFT JOIN of declared_wages on m and the month's year:
// the yearly base declaration (年度缴费基数申报) of the contribution year
// when there is one, else the relation's declared wage. RULES.md §3: the
// base of a contribution year is the wage declared for it (the previous
// year's average monthly wage), clamped by the rules; the contribution
// year is taken as the calendar year (unverified: some provinces run it
// from July).
const wageOfYear = `COALESCE(w.wage, m.declared_wage)`

func eachEmployee(ctx context.Context, t *Tx, year int, first, last string, fn func(registry.Insured) error) error {
	rows, err := t.query(ctx, `SELECT m.id, m.person_id, m.employer_id, e.division, `+wageOfYear+`, m.insurances, e.risk_class, e.risk_float_pct
		FROM employments m JOIN employers e ON e.id = m.employer_id
		LEFT JOIN declared_wages w ON w.employment_id = m.id AND w.year = ?
		WHERE m.start_date <= ? AND (m.end_date IS NULL OR m.end_date >= ?)
		ORDER BY m.id`, year, last, first)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		in := registry.Insured{Kind: registry.KindEmployee}
		var wage int64
		var ins string
		if err := rows.Scan(&in.EmploymentID, &in.PersonID, &in.EmployerID, &in.Division, &wage, &ins, &in.RiskClass, &in.RiskFloatPct); err != nil {
			return err
		}
		in.Wage = money.Fen(wage)
		for _, x := range strings.Split(ins, ",") {
			in.Insurances = append(in.Insurances, registry.Insurance(x))
		}
		if err := fn(in); err != nil {
			return err
		}
	}
	return rows.Err()
}

func eachFlexible(ctx context.Context, t *Tx, first, last string, fn func(registry.Insured) error) error {
	rows, err := t.query(ctx, `SELECT id, person_id, division, base_pct FROM flexible_workers
		WHERE start_date <= ? AND (end_date IS NULL OR end_date >= ?) ORDER BY id`, last, first)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		in := registry.Insured{Kind: registry.KindFlexible, Insurances: []registry.Insurance{registry.Pension}}
		if err := rows.Scan(&in.FlexibleID, &in.PersonID, &in.Division, &in.BasePct); err != nil {
			return err
		}
		if err := fn(in); err != nil {
			return err
		}
	}
	return rows.Err()
}
