package store

import (
	"context"
	"fmt"
	"strings"

	"hrss/rules"
	"hrss/rules/period"
)

// PlainExpansion is the one-time job expansion subsidy's eligibility
// written again as one plain SQL query, independent of the scan's code:
// the benchmark's floor (bench/support) and the tests' check that the
// scan finds exactly the hires the rule describes.
type PlainExpansion struct {
	From, Until, AsOf  period.Date // the hires covered, and the day of the records
	PaidMonths         int         // months of the required insurances paid in full
	GraduateOfYear     bool        // the target groups the programme has
	RecentGraduate     bool
	UnemployedYouth    bool
	GraduateYears      int // for RecentGraduate
	YouthMin, YouthMax int // for UnemployedYouth, whole years
	RequiredInsurances []rules.Insurance
}

// PlainExpansionPersons returns, in order, the persons that one plain SQL
// query over the registry, the paid bills and the registrations finds
// eligible for q.
func (db *DB) PlainExpansionPersons(ctx context.Context, q PlainExpansion) ([]int64, error) {
	sqlText, args := plainExpansionSQL(db.engine, q)
	var out []int64
	err := db.view(ctx, func(t *Tx) error {
		rows, err := t.query(ctx, sqlText, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			out = append(out, id)
		}
		return rows.Err()
	})
	return out, err
}

// addYearsSQL is the date n years after a date column, in the engine's dialect.
func addYearsSQL(e Engine, col string, n int) string {
	if e == Postgres {
		return fmt.Sprintf("CAST(%s + INTERVAL '%d years' AS DATE)", col, n)
	}
	return fmt.Sprintf("date(%s, '%+d years')", col, n)
}

// yearSQL is the calendar year of a date column.
func yearSQL(e Engine, col string) string {
	if e == Postgres {
		return "EXTRACT(YEAR FROM " + col + ")"
	}
	return "substr(" + col + ", 1, 4)"
}

func plainExpansionSQL(e Engine, q PlainExpansion) (string, []any) {
	var lines, enrolled []string
	for _, ins := range q.RequiredInsurances {
		lines = append(lines, insuranceLine[ins]+" > 0")
		enrolled = append(enrolled, "(',' || e.insurances || ',') LIKE '%,"+string(ins)+",%'")
	}
	var groups []string
	if q.GraduateOfYear {
		groups = append(groups, "(p.grad_date IS NOT NULL AND p.grad_date <= e.start_date AND "+yearSQL(e, "p.grad_date")+" = "+yearSQL(e, "e.start_date")+")")
	}
	if q.RecentGraduate {
		groups = append(groups, `(p.grad_date IS NOT NULL AND p.grad_date <= e.start_date AND e.start_date <= `+addYearsSQL(e, "p.grad_date", q.GraduateYears)+`
			AND NOT EXISTS (SELECT 1 FROM employments o WHERE o.person_id = e.person_id AND o.id <> e.id AND o.start_date < e.start_date
				AND (o.end_date IS NULL OR o.end_date >= p.grad_date)))`)
	}
	if q.UnemployedYouth {
		groups = append(groups, `(p.birth <= `+addYearsSQL(e, "e.start_date", -q.YouthMin)+` AND p.birth > `+addYearsSQL(e, "e.start_date", -(q.YouthMax+1))+`
			AND EXISTS (SELECT 1 FROM unemployment_registrations r WHERE r.person_id = e.person_id AND r.registered <= e.start_date
				AND (r.ended_on IS NULL OR r.ended_on >= e.start_date OR r.employment_id = e.id)))`)
	}
	if len(groups) == 0 {
		groups = []string{"1 = 0"}
	}
	cond := ""
	if len(lines) > 0 {
		cond = " AND " + strings.Join(lines, " AND ")
	}
	enr := ""
	if len(enrolled) > 0 {
		enr = " AND " + strings.Join(enrolled, " AND ")
	}
	sqlText := `WITH paid AS (
		SELECT a.relation_id, count(*) AS months
		FROM ins_assessments a
		JOIN ins_periods ip ON ip.period = a.period AND ip.current_run = a.run_id
		JOIN ins_bills b ON b.period = a.period AND b.run_id = a.run_id AND b.payer_kind = 1 AND b.payer_id = a.payer_id
		LEFT JOIN (SELECT period, payer_id, SUM(applied) AS s FROM ins_payments WHERE status = 'applied' AND payer_kind = 1 GROUP BY period, payer_id) pay
			ON pay.period = b.period AND pay.payer_id = b.payer_id
		LEFT JOIN (SELECT period, payer_id, SUM(` + adjSum + `) AS s FROM ins_adjustments WHERE kind = 1 GROUP BY period, payer_id) adj
			ON adj.period = b.period AND adj.payer_id = b.payer_id
		WHERE a.kind = 1 AND a.period <= ? AND COALESCE(pay.s, 0) >= b.total + COALESCE(adj.s, 0)` + cond + `
		GROUP BY a.relation_id)
	SELECT DISTINCT e.person_id
	FROM employments e
	JOIN persons p ON p.id = e.person_id
	JOIN paid ON paid.relation_id = e.id AND paid.months >= ?
	WHERE e.start_date >= ? AND e.start_date <= ? AND e.start_date <= ?` + enr + ` AND (` + strings.Join(groups, " OR ") + `)
	ORDER BY e.person_id`
	return sqlText, []any{ymArg(q.AsOf.Month()), q.PaidMonths, dateArg(q.From), dateArg(q.Until), dateArg(q.AsOf)}
}

// ResetSupport deletes every grant, batch, payment, return and scan (the
// support benchmark starts each run from an unscanned city). Internships,
// loans and payees stay.
func (db *DB) ResetSupport(ctx context.Context) error {
	return db.update(ctx, func(t *Tx) error {
		for _, q := range []string{"DELETE FROM sup_payments", "DELETE FROM sup_returns", "DELETE FROM sup_payment_runs",
			"DELETE FROM sup_grants", "DELETE FROM sup_batches", "DELETE FROM sup_scans"} {
			if _, err := t.exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
}

// PlainExpansionOf reads the plain query's figures for programme g (a
// job expansion programme) from the parameters in force at its first day.
func PlainExpansionOf(p *rules.Params, g *rules.Programme, division string, asOf period.Date) (PlainExpansion, error) {
	q := PlainExpansion{From: g.From, Until: g.Until, AsOf: asOf, RequiredInsurances: g.Insurances,
		GraduateOfYear: g.Has(rules.GroupGraduateOfYear), RecentGraduate: g.Has(rules.GroupRecentGraduate), UnemployedYouth: g.Has(rules.GroupUnemployedYouth)}
	if q.Until.IsZero() || asOf.Before(q.Until) {
		q.Until = asOf
	}
	read := func(suffix string, dst *int) error {
		v, err := p.Lookup(g.ParamName(suffix), g.From, division)
		*dst = v.Int()
		return err
	}
	if err := read("paid_months", &q.PaidMonths); err != nil {
		return q, err
	}
	if q.RecentGraduate {
		if err := read("graduate_years", &q.GraduateYears); err != nil {
			return q, err
		}
	}
	if q.UnemployedYouth {
		if err := read("youth_min_age", &q.YouthMin); err != nil {
			return q, err
		}
		if err := read("youth_max_age", &q.YouthMax); err != nil {
			return q, err
		}
	}
	return q, nil
}
