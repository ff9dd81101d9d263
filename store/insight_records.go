package store

import (
	"context"
	"database/sql"
	"fmt"

	"hrss/insight"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// recordsSQL returns the query of the records behind an indicator's count
// in one division and month: (person_id, sign, what, ref, day, amount),
// the same conditions as its series.
func recordsSQL(d dialect, name string, m insight.Month) (string, bool) {
	one := []insight.Month{m}
	first, last, rng := d.date(m.Period.First()), d.date(m.Last), fmt.Sprintf("= %d", ymArg(m.Period))
	with := "WITH " + d.months(one) + " "
	placement := map[string]string{"placements": "p.source <> 'none'", "placements_fair": "p.source = 'fair'",
		"placements_job_lead": "p.source = 'job_lead'", "placements_recommendation": "p.source = 'recommendation'"}
	if cond, ok := placement[name]; ok {
		return `SELECT p.person_id, 1, 'employment', p.employment_id, p.start_date, 0 FROM placements p JOIN employers m ON m.id = p.employer_id
			WHERE m.division = ? AND p.start_date >= ` + first + ` AND p.start_date <= ` + last + ` AND ` + cond, true
	}
	switch name {
	case "new_urban_jobs":
		return `SELECT x.person_id, x.n, x.what, x.ref, x.day, 0 FROM (` + newUrbanJobsUnion(d, first, last, rng) + `) x WHERE x.division = ?`, true
	case "registered_unemployed":
		return with + `SELECT r.person_id, 1, 'unemployment_registration', r.id, r.registered, 0 FROM months m JOIN unemployment_registrations r
			ON r.registered <= m.last AND (r.ended_on IS NULL OR r.ended_on > m.last) WHERE r.division = ?`, true
	case "insured_persons":
		return `SELECT a.person_id, 1, CASE WHEN a.kind = 1 THEN 'employment' ELSE 'flexible' END, MIN(a.relation_id), NULL, 0 FROM ` + currentRows + `
			WHERE a.period ` + rng + ` AND a.pension_ind + a.pension_emp > 0 AND a.division = ? GROUP BY a.person_id, a.kind`, true
	case "new_insured_persons":
		return `SELECT n.person_id, 1, CASE WHEN n.kind = 1 THEN 'employment' ELSE 'flexible' END, n.relation_id, NULL, 0 FROM (` +
			newInsuredRows(rng, monthRange(m.Period.Add(-1), m.Period.Add(-1)), " AND a.division = ?") + `) n`, true
	case "subsidies_granted":
		return `SELECT g.person_id, 1, g.programme, g.id, g.event_date, g.amount FROM sup_grants g
			WHERE g.status NOT IN ('rejected', 'revoked', 'clawback') AND g.person_id IS NOT NULL AND ` + d.tsYM("g.created_at") + ` ` + rng + ` AND g.division = ?`, true
	case "graduates_employed_rate":
		six := d.addMonths("p.grad_date", 6)
		within := func(col string) string { return col + ` >= p.grad_date AND ` + col + ` <= ` + six }
		y := m.Period.Year()
		return with + `SELECT p.id, CASE WHEN EXISTS (SELECT 1 FROM employments e WHERE e.person_id = p.id AND ` + within("e.start_date") + `)
				OR EXISTS (SELECT 1 FROM flexible_workers f WHERE f.person_id = p.id AND ` + within("f.start_date") + `)
				OR EXISTS (SELECT 1 FROM followup_services s WHERE s.person_id = p.id AND s.kind = 'training_or_internship' AND ` + within("s.service_date") + `)
				OR EXISTS (SELECT 1 FROM sup_internships i WHERE i.person_id = p.id AND ` + within("i.start_date") + `)
				THEN 1 ELSE 0 END, 'graduate', p.id, p.grad_date, 0
			FROM months m JOIN persons p ON p.grad_date >= ` + d.date(period.Date{Y: y, M: 1, D: 1}) + ` AND p.grad_date <= ` + d.date(period.Date{Y: y, M: 12, D: 31}) + `
				AND ` + six + ` <= m.last WHERE p.residence_division = ?`, true
	case "followup_1131_complete_rate":
		return with + `SELECT p.id, CASE WHEN ` + followupComplete + ` THEN 1 ELSE 0 END, 'graduate', p.id, p.grad_date, 0
			FROM months m JOIN persons p ON ` + followupListed(d) + ` WHERE p.residence_division = ?`, true
	}
	return "", false
}

// Records implements insight.Tx.
func (t *Tx) Records(ctx context.Context, name, division string, m insight.Month, limit int) ([]insight.Record, error) {
	d := dialect{t.engine}
	q, ok := recordsSQL(d, name, m)
	if !ok {
		return nil, fault.Invalidf("indicator", "indicator.records", "indicator %s is an amount or a rate: it has no list of persons", name)
	}
	rows, err := t.query(ctx, `WITH rec (person_id, sign, what, ref, day, amount) AS (`+q+`)
		SELECT r.person_id, r.sign, r.what, r.ref, r.day, r.amount, p.name FROM rec r JOIN persons p ON p.id = r.person_id
		ORDER BY r.person_id, r.ref LIMIT `+fmt.Sprint(max(limit, 1)), division)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insight.Record
	for rows.Next() {
		var r insight.Record
		var day sql.NullString
		var amt int64
		if err := rows.Scan(&r.PersonID, &r.Sign, &r.What, &r.Ref, &day, &amt, &r.Name); err != nil {
			return nil, err
		}
		if day.Valid && len(day.String) >= 10 {
			r.Date = day.String[:10]
		}
		if amt != 0 {
			r.Amount = money.Fen(amt).String()
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Targets implements insight.Tx.
func (t *Tx) Targets(ctx context.Context, year int) ([]insight.Target, error) {
	rows, err := t.query(ctx, `SELECT year, indicator, division, value, text, set_by, set_at FROM insight_targets WHERE year = ? ORDER BY indicator, division`, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insight.Target
	for rows.Next() {
		var x insight.Target
		if err := rows.Scan(&x.Year, &x.Indicator, &x.Division, &x.Value, &x.Text, &x.SetBy, tsCol{&x.SetAt}); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// PutTarget implements insight.Tx.
func (t *Tx) PutTarget(ctx context.Context, x insight.Target) error {
	_, err := t.exec(ctx, `INSERT INTO insight_targets (year, indicator, division, value, text, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (year, indicator, division) DO UPDATE SET value = excluded.value, text = excluded.text, set_by = excluded.set_by, set_at = excluded.set_at`,
		x.Year, x.Indicator, x.Division, x.Value, x.Text, x.SetBy, tsArg(x.SetAt))
	return err
}
