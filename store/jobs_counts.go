package store

import (
	"context"

	"hrss/employment"
	"hrss/rules/period"
)

// CountJobs implements employment.Tx: the employment services' counts by
// division on today, placements from from to today.
func (t *Tx) CountJobs(ctx context.Context, today, from period.Date) (employment.Counts, error) {
	c := employment.Counts{Seekers: map[string]int{}, GraduateSeekers: map[string]int{}, Unemployed: map[string]int{}, Vacancies: map[string]int{},
		Openings: map[string]int{}, Placements: map[string]map[employment.PlacementSource]int{}}
	d := today.String()
	queries := []struct {
		q    string
		args []any
		into []map[string]int
	}{
		{"SELECT division, count(*), sum(graduate) FROM seeker_registrations WHERE status = 'active' GROUP BY division", nil, []map[string]int{c.Seekers, c.GraduateSeekers}},
		{"SELECT division, count(*) FROM unemployment_registrations WHERE status = 'active' GROUP BY division", nil, []map[string]int{c.Unemployed}},
		{`SELECT division, count(*), sum(openings - filled) FROM vacancies WHERE status = 'open' AND valid_from <= ? AND valid_to >= ?
			AND filled < openings GROUP BY division`, []any{d, d}, []map[string]int{c.Vacancies, c.Openings}},
	}
	for _, q := range queries {
		if err := t.countBy(ctx, q.q, q.args, q.into); err != nil {
			return c, err
		}
	}
	rows, err := t.query(ctx, `SELECT p.residence_division, pl.source, count(*) FROM placements pl JOIN persons p ON p.id = pl.person_id
		WHERE pl.start_date >= ? AND pl.start_date <= ? GROUP BY p.residence_division, pl.source`, from.String(), d)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var div, src string
		var n int
		if err := rows.Scan(&div, &src, &n); err != nil {
			return c, err
		}
		if c.Placements[div] == nil {
			c.Placements[div] = map[employment.PlacementSource]int{}
		}
		c.Placements[div][employment.PlacementSource(src)] = n
	}
	return c, rows.Err()
}

// countBy runs a GROUP BY division query whose further columns are
// integers, one map per column.
func (t *Tx) countBy(ctx context.Context, q string, args []any, into []map[string]int) error {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var div string
		ns := make([]int64, len(into))
		dest := []any{&div}
		for i := range ns {
			dest = append(dest, &ns[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for i, m := range into {
			m[div] = int(ns[i])
		}
	}
	return rows.Err()
}
