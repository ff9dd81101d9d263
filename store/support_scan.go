package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/support"
)

// The scan's reads of the registry, social insurance and the employment
// services: one query per programme for its events with the person's
// facts and the unemployment registration in force at the event, and for
// hires one more for the months paid in full.

// paidMonthsQ selects, for the relations that started in a window, every
// month of the current assessment runs whose employer's bill is paid in
// full (payments applied ≥ the bill and its adjustments), with the
// employer's pension, medical and unemployment parts. %s is the condition
// that the required insurances' lines were assessed.
const paidMonthsQ = `SELECT a.relation_id, a.period, a.pension_emp + a.medical_emp + a.unemp_emp
	FROM ins_assessments a
	JOIN ins_periods ip ON ip.period = a.period AND ip.current_run = a.run_id
	JOIN employments e ON e.id = a.relation_id
	JOIN ins_bills b ON b.period = a.period AND b.run_id = a.run_id AND b.payer_kind = 1 AND b.payer_id = a.payer_id
	LEFT JOIN (SELECT period, payer_id, SUM(applied) AS s FROM ins_payments WHERE status = 'applied' AND payer_kind = 1 GROUP BY period, payer_id) p
		ON p.period = b.period AND p.payer_id = b.payer_id
	LEFT JOIN (SELECT period, payer_id, SUM(` + adjSum + `) AS s FROM ins_adjustments WHERE kind = 1 GROUP BY period, payer_id) j
		ON j.period = b.period AND j.payer_id = b.payer_id
	WHERE a.kind = 1 AND e.start_date >= ? AND e.start_date <= ? AND a.period <= ?
		AND COALESCE(p.s, 0) >= b.total + COALESCE(j.s, 0)%s
	ORDER BY a.relation_id, a.period`

// insuranceLine is the assessment column that proves a month of an insurance.
var insuranceLine = map[rules.Insurance]string{
	rules.Pension: "a.pension_emp", rules.Medical: "a.medical_emp", rules.Unemployment: "a.unemp_emp", rules.WorkInjury: "a.injury_emp",
}

// hiresQ selects the hires of a window with the person's facts and the
// unemployment registration in force at the hire (or ended by it); a hire
// with several such registrations comes once per registration, the latest
// first. Only persons with a graduation or a registration can be in a
// target group.
const hiresQ = `SELECT e.id, e.person_id, e.employer_id, m.division, e.start_date, e.end_date, e.insurances,
		p.birth, p.sex, p.grad_date,
		CASE WHEN p.grad_date IS NOT NULL AND EXISTS (SELECT 1 FROM employments o WHERE o.person_id = e.person_id AND o.id <> e.id
			AND o.start_date < e.start_date AND (o.end_date IS NULL OR o.end_date >= p.grad_date)) THEN 1 ELSE 0 END,
		r.id, r.registered, r.ended_on
	FROM employments e
	JOIN persons p ON p.id = e.person_id
	JOIN employers m ON m.id = e.employer_id
	LEFT JOIN unemployment_registrations r ON r.person_id = e.person_id AND r.registered <= e.start_date
		AND (r.ended_on IS NULL OR r.ended_on >= e.start_date OR r.employment_id = e.id)
	WHERE e.start_date >= ? AND e.start_date <= ? AND (p.grad_date IS NOT NULL OR r.id IS NOT NULL)
	ORDER BY e.id, r.registered DESC`

// businessesQ selects the self-employed enrolments started in a window.
const businessesQ = `SELECT f.id, f.person_id, f.division, f.start_date, f.end_date, p.birth, p.sex, p.grad_date,
		CASE WHEN EXISTS (SELECT 1 FROM flexible_workers o WHERE o.person_id = f.person_id AND o.start_date < f.start_date) THEN 0 ELSE 1 END,
		r.id, r.registered, r.ended_on
	FROM flexible_workers f
	JOIN persons p ON p.id = f.person_id
	LEFT JOIN unemployment_registrations r ON r.person_id = f.person_id AND r.registered <= f.start_date
		AND (r.ended_on IS NULL OR r.ended_on >= f.start_date)
	WHERE f.start_date >= ? AND f.start_date <= ? AND (p.grad_date IS NOT NULL OR r.id IS NOT NULL)
	ORDER BY f.id, r.registered DESC`

// internshipsQ selects the internships of a window ended by the scan.
const internshipsQ = `SELECT i.id, i.person_id, i.employer_id, i.division, i.start_date, i.end_date, i.allowance, p.birth, p.sex, p.grad_date,
		CASE WHEN p.grad_date IS NOT NULL AND EXISTS (SELECT 1 FROM employments o WHERE o.person_id = i.person_id
			AND o.start_date < i.start_date AND (o.end_date IS NULL OR o.end_date >= p.grad_date)) THEN 1 ELSE 0 END,
		r.id, r.registered, r.ended_on
	FROM sup_internships i
	JOIN persons p ON p.id = i.person_id
	LEFT JOIN unemployment_registrations r ON r.person_id = i.person_id AND r.registered <= i.start_date
		AND (r.ended_on IS NULL OR r.ended_on >= i.start_date)
	WHERE i.start_date >= ? AND i.start_date <= ? AND i.end_date <= ?
	ORDER BY i.id, r.registered DESC`

// Candidates implements support.Tx.
func (t *Tx) Candidates(ctx context.Context, g *rules.Programme, asOf period.Date, fn func(support.Candidate) error) error {
	until := asOf
	if !g.Until.IsZero() && g.Until.Before(until) {
		until = g.Until
	}
	if until.Before(g.From) {
		return nil
	}
	switch g.Formula {
	case rules.FormulaJobExpansion, rules.FormulaHiringInsurance:
		paid, err := t.paidMonths(ctx, g, until, asOf)
		if err != nil {
			return err
		}
		return t.eachCandidate(ctx, hiresQ, []any{dateArg(g.From), dateArg(until)}, scanHire(paid), fn)
	case rules.FormulaStartupSubsidy:
		return t.eachCandidate(ctx, businessesQ, []any{dateArg(g.From), dateArg(until)}, scanBusiness, fn)
	case rules.FormulaInternship:
		return t.eachCandidate(ctx, internshipsQ, []any{dateArg(g.From), dateArg(until), dateArg(asOf)}, scanInternshipCandidate, fn)
	}
	return fmt.Errorf("store: programme %s: formula %s has no candidates", g.Code, g.Formula)
}

// paidMonths returns the paid months of the relations that started from
// g.From to until, by relation, oldest first. On PostgreSQL the query
// runs without nested loops (SET LOCAL, reset once its rows are read):
// on the 1,000,000-person city the planner expected 1,134 rows of the
// hires since 2020 for 3,875,645 (the current runs' bills joined to their
// assessments by three columns fool its estimates, statistics or not)
// and probed the twelve partitions once per bill, about 150 s on a
// loaded machine; hash joins read each table once, 40 s.
func (t *Tx) paidMonths(ctx context.Context, g *rules.Programme, until, asOf period.Date) (map[int64][]rules.PaidMonth, error) {
	var cond string
	for _, ins := range g.Insurances {
		cond += " AND " + insuranceLine[ins] + " > 0"
	}
	if t.engine == Postgres { // hash joins: the planner's estimate of the joins is thousands of times too low
		if _, err := t.exec(ctx, "SET LOCAL enable_nestloop = off"); err != nil {
			return nil, err
		}
		defer t.exec(ctx, "SET LOCAL enable_nestloop TO DEFAULT") // after the rows are read, for the candidates' query
	}
	rows, err := t.query(ctx, fmt.Sprintf(paidMonthsQ, cond), dateArg(g.From), dateArg(until), ymArg(asOf.Month()))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]rules.PaidMonth{}
	for rows.Next() {
		var rel, amt int64
		var m rules.PaidMonth
		if err := rows.Scan(&rel, ymCol{&m.Period}, &amt); err != nil {
			return nil, err
		}
		m.Employer = money.Fen(amt)
		out[rel] = append(out[rel], m)
	}
	return out, rows.Err()
}

// registrationCols scans the registration columns that end every
// candidate query.
type registrationCols struct {
	id               sql.NullInt64
	registered, ends period.Date
}

func (r *registrationCols) dest() []any {
	return []any{&r.id, dateCol{&r.registered}, dateCol{&r.ends}}
}

func (r *registrationCols) get() *rules.Registration {
	if !r.id.Valid {
		return nil
	}
	return &rules.Registration{ID: r.id.Int64, Registered: r.registered, Ended: r.ends}
}

// eachCandidate runs q and calls fn once per source record (the first,
// latest registration of a record that comes several times).
func (t *Tx) eachCandidate(ctx context.Context, q string, args []any, scan func(*sql.Rows) (support.Candidate, int64, error), fn func(support.Candidate) error) error {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var last int64
	for rows.Next() {
		c, id, err := scan(rows)
		if err != nil {
			return err
		}
		if id == last {
			continue
		}
		last = id
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// personFacts fills the person's part of the facts.
func personFacts(f *rules.Facts, birth period.Date, sex string, grad period.Date) {
	f.Birth, f.Female, f.Graduated = birth, sex == "female", grad
}

func scanHire(paid map[int64][]rules.PaidMonth) func(*sql.Rows) (support.Candidate, int64, error) {
	return func(rows *sql.Rows) (support.Candidate, int64, error) {
		var c support.Candidate
		var rel int64
		var start, end, birth, grad period.Date
		var ins, sex string
		var worked int
		var reg registrationCols
		dest := append([]any{&rel, &c.PersonID, &c.EmployerID, &c.Division, dateCol{&start}, dateCol{&end}, &ins, dateCol{&birth}, &sex, dateCol{&grad}, &worked}, reg.dest()...)
		if err := rows.Scan(dest...); err != nil {
			return c, 0, err
		}
		c.Facts = rules.Facts{Division: c.Division, Event: start, EventEnd: end, WorkedSince: worked == 1, Registration: reg.get(), Paid: paid[rel]}
		personFacts(&c.Facts, birth, sex, grad)
		for _, x := range strings.Split(ins, ",") {
			if x != "" {
				c.Facts.Insurances = append(c.Facts.Insurances, rules.Insurance(x))
			}
		}
		c.Source = support.Source{RelationID: rel}
		if r := c.Facts.Registration; r != nil {
			c.Source.RegistrationID = r.ID
		}
		return c, rel, nil
	}
}

func scanBusiness(rows *sql.Rows) (support.Candidate, int64, error) {
	var c support.Candidate
	var id int64
	var start, end, birth, grad period.Date
	var sex string
	var first int
	var reg registrationCols
	dest := append([]any{&id, &c.PersonID, &c.Division, dateCol{&start}, dateCol{&end}, dateCol{&birth}, &sex, dateCol{&grad}, &first}, reg.dest()...)
	if err := rows.Scan(dest...); err != nil {
		return c, 0, err
	}
	c.Facts = rules.Facts{Division: c.Division, Event: start, EventEnd: end, FirstBusiness: first == 1, Registration: reg.get()}
	personFacts(&c.Facts, birth, sex, grad)
	c.Source = support.Source{FlexibleID: id}
	if r := c.Facts.Registration; r != nil {
		c.Source.RegistrationID = r.ID
	}
	return c, id, nil
}

func scanInternshipCandidate(rows *sql.Rows) (support.Candidate, int64, error) {
	var c support.Candidate
	var id, allowance int64
	var start, end, birth, grad period.Date
	var sex string
	var worked int
	var reg registrationCols
	dest := append([]any{&id, &c.PersonID, &c.EmployerID, &c.Division, dateCol{&start}, dateCol{&end}, &allowance, dateCol{&birth}, &sex, dateCol{&grad}, &worked}, reg.dest()...)
	if err := rows.Scan(dest...); err != nil {
		return c, 0, err
	}
	c.Facts = rules.Facts{Division: c.Division, Event: start, EventEnd: end, WorkedSince: worked == 1, Registration: reg.get(),
		Allowance: money.Fen(allowance), Months: servedMonths(start, end)}
	personFacts(&c.Facts, birth, sex, grad)
	c.Source = support.Source{InternshipID: id}
	if r := c.Facts.Registration; r != nil {
		c.Source.RegistrationID = r.ID
	}
	return c, id, nil
}

// servedMonths counts the whole months of an internship from its first
// to its last day (2025-07-01 to 2025-12-31 is 6).
func servedMonths(start, end period.Date) int {
	next := end.AddDays(1)
	n := next.Month().Sub(start.Month())
	if next.D < start.D {
		n--
	}
	return max(n, 0)
}

// The support invariants, in SQL.
var supportChecks = map[string]struct{ count, breaches string }{
	support.InvOncePerKey: {
		count: `SELECT count(*) FROM sup_grants`,
		breaches: `SELECT 'family ' || family || ' pays ' || grant_key || ' ' || CAST(count(*) AS TEXT) || ' times' FROM sup_grants
				WHERE status NOT IN ('rejected', 'revoked') GROUP BY family, grant_key HAVING count(*) > 1
			UNION ALL SELECT 'grant ' || CAST(grant_id AS TEXT) || ' has ' || CAST(count(*) AS TEXT) || ' paid payments' FROM sup_payments
				WHERE status = 'paid' GROUP BY grant_id HAVING count(*) > 1`,
	},
	support.InvDisbursed: {
		count: `SELECT count(*) FROM sup_payment_runs`,
		breaches: `SELECT 'payment run ' || CAST(r.id AS TEXT) || ' says ' || CAST(r.rows_n AS TEXT) || ' rows, ' || CAST(r.total AS TEXT) || ' fen; its rows: '
					|| CAST(COALESCE(x.n, 0) AS TEXT) || ', ' || CAST(COALESCE(x.s, 0) AS TEXT)
				FROM sup_payment_runs r LEFT JOIN (SELECT run_id, count(*) AS n, SUM(amount) AS s FROM sup_payments GROUP BY run_id) x ON x.run_id = r.id
				WHERE r.rows_n <> COALESCE(x.n, 0) OR r.total <> COALESCE(x.s, 0)
			UNION ALL SELECT 'grant ' || CAST(g.id AS TEXT) || ' is ' || g.status || ' with ' || CAST(COALESCE(x.paid, 0) AS TEXT) || ' fen paid of '
					|| CAST(g.amount AS TEXT) || ', ' || CAST(COALESCE(x.issued, 0) AS TEXT) || ' payments with the bank'
				FROM sup_grants g LEFT JOIN (SELECT grant_id, SUM(CASE WHEN status = 'paid' THEN amount ELSE 0 END) AS paid,
					SUM(CASE WHEN status = 'issued' THEN 1 ELSE 0 END) AS issued, SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed
					FROM sup_payments GROUP BY grant_id) x ON x.grant_id = g.id
				WHERE (g.status IN ('paid', 'clawback') AND COALESCE(x.paid, 0) <> g.amount)
					OR (g.status NOT IN ('paid', 'clawback') AND COALESCE(x.paid, 0) <> 0)
					OR (g.status = 'issued' AND COALESCE(x.issued, 0) <> 1)
					OR (g.status <> 'issued' AND COALESCE(x.issued, 0) <> 0)
					OR (g.status = 'failed' AND COALESCE(x.failed, 0) = 0)
					OR (g.status IN ('pending', 'prepared', 'approved', 'rejected') AND x.grant_id IS NOT NULL)`,
	},
	support.InvTraceable: {
		count: `SELECT count(*) FROM sup_grants`,
		breaches: `SELECT 'grant ' || CAST(g.id AS TEXT) || ' names no scan or loan that exists' FROM sup_grants g
				LEFT JOIN sup_scans s ON s.id = g.scan_id LEFT JOIN sup_loans l ON l.id = g.loan_id
				WHERE s.id IS NULL AND l.id IS NULL
			UNION ALL SELECT 'grant ' || CAST(g.id AS TEXT) || ' keeps no reason or trace' FROM sup_grants g
				WHERE g.detail NOT LIKE '%"reason":{"key":"support.%' OR g.detail NOT LIKE '%"trace":[{%'
			UNION ALL SELECT 'grant ' || CAST(g.id AS TEXT) || ' in batch ' || CAST(g.batch_id AS TEXT) || ' that does not exist' FROM sup_grants g
				LEFT JOIN sup_batches b ON b.id = g.batch_id WHERE g.batch_id IS NOT NULL AND b.id IS NULL`,
	},
}

// CheckSupport implements support.Tx.
func (t *Tx) CheckSupport(ctx context.Context, name string, limit int) (int, []string, error) {
	c, ok := supportChecks[name]
	if !ok {
		return 0, nil, fmt.Errorf("store: no support invariant %q", name)
	}
	var n int
	if err := t.queryRow(ctx, c.count).Scan(&n); err != nil {
		return 0, nil, err
	}
	rows, err := t.query(ctx, fmt.Sprintf("%s LIMIT %d", strings.TrimSpace(c.breaches), limit))
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return 0, nil, err
		}
		out = append(out, s)
	}
	return n, out, rows.Err()
}
