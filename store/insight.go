package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"hrss/access"
	"hrss/insight"
	"hrss/rules/period"
)

// Insight returns db as the indicators' Store.
func (db *DB) Insight() insight.Store { return insightStore{db} }

type insightStore struct{ db *DB }

// AppendAudit implements access.Appender (DB.AppendAudit).
func (s insightStore) AppendAudit(ctx context.Context, c access.Caller, at time.Time, ev access.Event) error {
	return s.db.AppendAudit(ctx, c, at, ev)
}

// AuditJournal implements access.Journaled: the database's journal.
func (s insightStore) AuditJournal() *access.Journal { return s.db.journal }

func (s insightStore) Update(ctx context.Context, fn func(insight.Tx) error) error {
	return s.db.updateAudited(ctx, func(t *Tx) error { return fn(t) })
}

func (s insightStore) Refresh(ctx context.Context, years [][]insight.Month) (insight.RefreshReport, error) {
	return s.db.RefreshInsight(ctx, years)
}

func (s insightStore) CheckSummary(ctx context.Context, ms []insight.Month) (int, []string, error) {
	return s.db.CheckInsight(ctx, ms)
}

func (s insightStore) View(ctx context.Context, fn func(insight.Tx) error) error {
	return s.db.view(ctx, func(t *Tx) error { return fn(t) })
}

// The dialect of the indicators' queries: the few date expressions that
// differ between the engines.
type dialect struct{ e Engine }

// ym is the YYYYMM integer of a date column.
func (d dialect) ym(col string) string {
	if d.e == Postgres {
		return "CAST(EXTRACT(YEAR FROM " + col + ") * 100 + EXTRACT(MONTH FROM " + col + ") AS INTEGER)"
	}
	return "CAST(substr(" + col + ", 1, 4) || substr(" + col + ", 6, 2) AS INTEGER)"
}

// tsYM is the YYYYMM integer of a timestamp column, in UTC.
func (d dialect) tsYM(col string) string {
	if d.e == Postgres {
		return d.ym("(" + col + " AT TIME ZONE 'UTC')")
	}
	return d.ym(col)
}

// dayBefore is the day before a date column.
func (d dialect) dayBefore(col string) string {
	if d.e == Postgres {
		return "(" + col + " - 1)"
	}
	return "date(" + col + ", '-1 day')"
}

// addMonths is a date column moved by n months.
func (d dialect) addMonths(col string, n int) string {
	if d.e == Postgres {
		return fmt.Sprintf("CAST(%s + INTERVAL '%d months' AS DATE)", col, n)
	}
	return fmt.Sprintf("date(%s, '%+d months')", col, n)
}

// date is a date literal.
func (d dialect) date(x period.Date) string {
	if d.e == Postgres {
		return "DATE '" + x.String() + "'"
	}
	return "'" + x.String() + "'"
}

// months is the CTE of the series' months: (ym, last, due_to).
func (d dialect) months(ms []insight.Month) string {
	rows := make([]string, len(ms))
	for i, m := range ms {
		rows[i] = fmt.Sprintf("(%d, %s, %d)", ymArg(m.Period), d.date(m.Last), ymArg(m.DueTo))
	}
	return "months (ym, last, due_to) AS (VALUES " + strings.Join(rows, ", ") + ")"
}

// currentRows joins the current run's assessment rows as a.
const currentRows = `ins_assessments a JOIN ins_periods ip ON ip.period = a.period AND ip.current_run = a.run_id`

// currentBills joins the current run's bills as b.
const currentBills = `ins_bills b JOIN ins_periods ip ON ip.period = b.period AND ip.current_run = b.run_id`

// seriesSQL returns the query of an indicator: it selects (division,
// period, num, den) over the months' range.
func seriesSQL(d dialect, name string, ms []insight.Month) (string, bool) {
	from, to := ymArg(ms[0].Period), ymArg(ms[len(ms)-1].Period)
	first, last := d.date(ms[0].Period.First()), d.date(ms[len(ms)-1].Last)
	rng := fmt.Sprintf("BETWEEN %d AND %d", from, to)
	with := "WITH " + d.months(ms) + " "
	placement := map[string]string{"placements": "p.source <> 'none'", "placements_fair": "p.source = 'fair'",
		"placements_job_lead": "p.source = 'job_lead'", "placements_recommendation": "p.source = 'recommendation'"}
	if cond, ok := placement[name]; ok {
		return `SELECT m.division, ` + d.ym("p.start_date") + `, count(*), 0 FROM placements p JOIN employers m ON m.id = p.employer_id
			WHERE p.start_date >= ` + first + ` AND p.start_date <= ` + last + ` AND ` + cond + ` GROUP BY m.division, ` + d.ym("p.start_date"), true
	}
	switch name {
	case "new_urban_jobs":
		return newUrbanJobsSQL(d, first, last, rng), true
	case "registered_unemployed":
		return with + `SELECT r.division, m.ym, count(*), 0 FROM months m JOIN unemployment_registrations r
			ON r.registered <= m.last AND (r.ended_on IS NULL OR r.ended_on > m.last) GROUP BY r.division, m.ym`, true
	case "registered_unemployment_rate": // the unemployed of the assessed months; Series adds the employed
		return with + `SELECT r.division, m.ym, count(*), 0 FROM months m JOIN ins_periods ip ON ip.period = m.ym AND ip.current_run IS NOT NULL
			JOIN unemployment_registrations r ON r.registered <= m.last AND (r.ended_on IS NULL OR r.ended_on > m.last) GROUP BY r.division, m.ym`, true
	case "new_insured_persons":
		return newInsuredSQL(rng, monthRange(ms[0].Period.Add(-1), ms[len(ms)-1].Period.Add(-1))), true
	case "contribution_income":
		return `SELECT b.division, b.period, SUM(p.applied), 0 FROM ` + currentBills + `
			JOIN ins_payments p ON p.period = b.period AND p.payer_kind = b.payer_kind AND p.payer_id = b.payer_id AND p.status = 'applied'
			WHERE b.period ` + rng + ` GROUP BY b.division, b.period`, true
	case "contribution_billed":
		return `SELECT x.division, x.period, SUM(x.s), 0 FROM (
			SELECT b.division, b.period, SUM(b.total) AS s FROM ` + currentBills + ` WHERE b.period ` + rng + ` GROUP BY b.division, b.period
			UNION ALL SELECT j.division, j.period, SUM(` + adjSum + `) FROM ins_adjustments j WHERE j.period ` + rng + ` GROUP BY j.division, j.period
			) x GROUP BY x.division, x.period`, true
	case "arrears":
		return arrearsSQL(with), true
	case "benefit_spending_pension", "benefit_spending_unemployment":
		kind := strings.TrimPrefix(name, "benefit_spending_")
		return `SELECT c.division, p.period, SUM(p.amount + p.back_pay), 0 FROM ins_benefit_payments p JOIN ins_claims c ON c.id = p.claim_id
			WHERE c.kind = '` + kind + `' AND p.period ` + rng + ` GROUP BY c.division, p.period`, true
	case "graduates_employed_rate":
		return graduatesSQL(d, with, ms), true
	case "followup_1131_complete_rate":
		return followupSQL(d, with), true
	case "subsidies_granted":
		return `SELECT g.division, ` + d.tsYM("g.created_at") + `, SUM(g.amount), 0 FROM sup_grants g
			WHERE g.status NOT IN ('rejected', 'revoked', 'clawback') AND ` + d.tsYM("g.created_at") + ` ` + rng + ` GROUP BY g.division, ` + d.tsYM("g.created_at"), true
	case "subsidies_paid":
		return `SELECT g.division, ` + d.tsYM("r.created_at") + `, SUM(p.amount), 0 FROM sup_payments p JOIN sup_returns r ON r.id = p.return_id
			JOIN sup_grants g ON g.id = p.grant_id WHERE p.status = 'paid' AND ` + d.tsYM("r.created_at") + ` ` + rng + ` GROUP BY g.division, ` + d.tsYM("r.created_at"), true
	case "loans_granted":
		return `SELECT l.division, ` + d.tsYM("l.decided_at") + `, SUM(l.principal), 0 FROM sup_loans l
			WHERE l.status IN ('active', 'repaid') AND ` + d.tsYM("l.decided_at") + ` ` + rng + ` GROUP BY l.division, ` + d.tsYM("l.decided_at"), true
	}
	return "", false
}

// newUrbanJobsSQL: relations and self-employed enrolments starting in the
// range with nothing of the person running the day before (a relation or
// an enrolment; of two starting the same day the lower ID counts), minus
// the pensions starting in the range.
func newUrbanJobsSQL(d dialect, first, last, rng string) string {
	return `SELECT x.division, x.ym, SUM(x.n), 0 FROM (` + newUrbanJobsUnion(d, first, last, rng) + `) x GROUP BY x.division, x.ym`
}

// newUrbanJobsUnion selects (division, ym, n, person_id, what, ref, day)
// for every relation and enrolment counted and every pension subtracted.
// The relations are read by their start (CROSS JOIN keeps SQLite from
// walking a division's employers and all their relations when the
// drill-down asks for one division: 5.8 s against 0.03 s on the
// 1,000,000-person city).
func newUrbanJobsUnion(d dialect, first, last, rng string) string {
	running := func(table, alias, start, tie string) string {
		return `NOT EXISTS (SELECT 1 FROM ` + table + ` o WHERE o.person_id = ` + alias + `.person_id AND (o.start_date < ` + start + tie + `)
				AND (o.end_date IS NULL OR o.end_date >= ` + d.dayBefore(start) + `))`
	}
	jobs := running("employments", "e", "e.start_date", " OR (o.start_date = e.start_date AND o.id < e.id)") + " AND " +
		running("flexible_workers", "e", "e.start_date", "")
	enrolments := running("employments", "f", "f.start_date", " OR o.start_date = f.start_date") + " AND " +
		running("flexible_workers", "f", "f.start_date", " OR (o.start_date = f.start_date AND o.id < f.id)")
	return `SELECT m.division, ` + d.ym("e.start_date") + ` AS ym, 1 AS n, e.person_id, 'employment' AS what, e.id AS ref, e.start_date AS day
			FROM employments e CROSS JOIN employers m
			WHERE m.id = e.employer_id AND e.start_date >= ` + first + ` AND e.start_date <= ` + last + ` AND ` + jobs + `
		UNION ALL SELECT f.division, ` + d.ym("f.start_date") + `, 1, f.person_id, 'flexible', f.id, f.start_date FROM flexible_workers f
			WHERE f.start_date >= ` + first + ` AND f.start_date <= ` + last + ` AND ` + enrolments + `
		UNION ALL SELECT c.division, c.start_period, -1, c.person_id, 'pension_claim', c.id, NULL FROM ins_claims c
			WHERE c.kind = 'pension' AND c.status IN ('approved', 'stopped', 'exhausted') AND c.start_period ` + rng
}

// newInsuredSQL: persons assessed for pension in a month of the range and
// not in the month before; nothing for a month whose month before has no
// current run (the record begins there).
func newInsuredSQL(rng, before string) string {
	return `SELECT x.division, x.period, count(*), 0 FROM (` + newInsuredRows(rng, before, "") + `) x GROUP BY x.division, x.period`
}

// monthRange is the SQL range of periods from..to (YYYYMM integers).
func monthRange(from, to period.YearMonth) string {
	return fmt.Sprintf("BETWEEN %d AND %d", ymArg(from), ymArg(to))
}

// newInsuredRows selects (division, period, person_id, kind, relation_id)
// of the persons newly insured in the months of rng (and one division
// when cond says so): a set difference of two grouped reads joined on
// (period, person), which both engines run as a hash or an automatic index.
func newInsuredRows(rng, before, cond string) string {
	prev := "CASE WHEN a.period % 100 = 1 THEN a.period - 89 ELSE a.period - 1 END"
	return `SELECT cur.division, cur.period, cur.person_id, cur.kind, cur.relation_id FROM (
			SELECT a.division, a.period, a.person_id, MIN(a.kind) AS kind, MIN(a.relation_id) AS relation_id, ` + prev + ` AS prev
			FROM ` + currentRows + ` WHERE a.period ` + rng + ` AND a.pension_ind + a.pension_emp > 0` + cond + `
			GROUP BY a.division, a.period, a.person_id) cur
		JOIN ins_periods pp ON pp.period = cur.prev AND pp.current_run IS NOT NULL
		LEFT JOIN (SELECT DISTINCT a.period, a.person_id FROM ` + currentRows + ` WHERE a.period ` + before + ` AND a.pension_ind + a.pension_emp > 0) before
			ON before.period = cur.prev AND before.person_id = cur.person_id
		WHERE before.person_id IS NULL`
}

// arrearsSQL: on each month's last day, the bills due by then (periods up
// to due_to) less the collections applied to them paid by then.
func arrearsSQL(with string) string {
	const current = ` JOIN ins_periods ip ON ip.period = b.period AND ip.current_run = b.run_id`
	return with + `SELECT x.division, x.ym, SUM(x.s), 0 FROM (
		SELECT b.division, m.ym, SUM(b.total) AS s FROM months m JOIN ins_bills b ON b.period <= m.due_to` + current + ` GROUP BY b.division, m.ym
		UNION ALL SELECT j.division, m.ym, SUM(` + adjSum + `) FROM months m JOIN ins_adjustments j ON j.period <= m.due_to GROUP BY j.division, m.ym
		UNION ALL SELECT b.division, m.ym, -SUM(p.applied) FROM months m JOIN ins_payments p ON p.period <= m.due_to AND p.paid_on <= m.last AND p.status = 'applied'
			JOIN ins_bills b ON b.period = p.period AND b.payer_kind = p.payer_kind AND b.payer_id = p.payer_id` + current + ` GROUP BY b.division, m.ym
		) x GROUP BY x.division, x.ym`
}

// graduatesSQL: the year's graduates whose six months have passed by the
// month's last day, and those of them employed, self-employed or offered
// training or an internship within the six months.
func graduatesSQL(d dialect, with string, ms []insight.Month) string {
	y := ms[0].Period.Year()
	six := d.addMonths("p.grad_date", 6)
	within := func(col string) string { return col + ` >= p.grad_date AND ` + col + ` <= ` + six }
	return with + `SELECT p.residence_division, m.ym,
			SUM(CASE WHEN EXISTS (SELECT 1 FROM employments e WHERE e.person_id = p.id AND ` + within("e.start_date") + `)
				OR EXISTS (SELECT 1 FROM flexible_workers f WHERE f.person_id = p.id AND ` + within("f.start_date") + `)
				OR EXISTS (SELECT 1 FROM followup_services s WHERE s.person_id = p.id AND s.kind = 'training_or_internship' AND ` + within("s.service_date") + `)
				OR EXISTS (SELECT 1 FROM sup_internships i WHERE i.person_id = p.id AND ` + within("i.start_date") + `)
				THEN 1 ELSE 0 END), count(*)
		FROM months m JOIN persons p ON p.grad_date >= ` + d.date(period.Date{Y: y, M: 1, D: 1}) + ` AND p.grad_date <= ` + d.date(period.Date{Y: y, M: 12, D: 31}) + `
			AND ` + six + ` <= m.last
		GROUP BY p.residence_division, m.ym`
}

// followupSQL: the unemployed graduates on the follow-up list on each
// month's last day, and those whose "1131" package was complete by then.
func followupSQL(d dialect, with string) string {
	return with + `SELECT p.residence_division, m.ym, SUM(CASE WHEN ` + followupComplete + ` THEN 1 ELSE 0 END), count(*)
		FROM months m JOIN persons p ON ` + followupListed(d) + `
		GROUP BY p.residence_division, m.ym`
}

// followupListed says that graduate p is on the follow-up list on m.last:
// left school within two years, no relation or enrolment running.
func followupListed(d dialect) string {
	return `p.grad_date <= m.last AND p.grad_date > ` + d.addMonths("m.last", -24) + `
		AND NOT EXISTS (SELECT 1 FROM employments e WHERE e.person_id = p.id AND e.start_date <= m.last AND (e.end_date IS NULL OR e.end_date >= m.last))
		AND NOT EXISTS (SELECT 1 FROM flexible_workers f WHERE f.person_id = p.id AND f.start_date <= m.last AND (f.end_date IS NULL OR f.end_date >= m.last))`
}

// followupComplete says that p's "1131" package was complete by m.last:
// 1 policy briefing, 1 career guidance, 3 job leads, 1 training or
// internship offer.
var followupComplete = func() string {
	n := func(kind string) string {
		return `(SELECT count(*) FROM followup_services s WHERE s.person_id = p.id AND s.kind = '` + kind + `' AND s.service_date <= m.last)`
	}
	return n("policy_briefing") + ` >= 1 AND ` + n("career_guidance") + ` >= 1 AND ` + n("job_lead") + ` >= 3 AND ` + n("training_or_internship") + ` >= 1`
}()

// liveSeries computes indicator name from the records (no summary).
func (t *Tx) liveSeries(ctx context.Context, name string, ms []insight.Month) ([]insight.Cell, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	if pick, ok := fromAssessed[name]; ok {
		return t.assessedSeries(ctx, ms, pick)
	}
	cells, err := t.series(ctx, name, ms)
	if err != nil || name != "registered_unemployment_rate" {
		return cells, err
	}
	employed, err := t.assessedSeries(ctx, ms, func(a assessedCell) int64 { return a.persons })
	return rate(cells, employed), err
}

// series runs the query of one indicator.
func (t *Tx) series(ctx context.Context, name string, ms []insight.Month) ([]insight.Cell, error) {
	q, ok := seriesSQL(dialect{t.engine}, name, ms)
	if !ok {
		return nil, fmt.Errorf("store: no query for indicator %q", name)
	}
	return t.cells(ctx, func(insight.Cell) bool { return true }, q)
}

// cells runs q, which selects (division, period, num, den), and keeps the
// cells that keep says.
func (t *Tx) cells(ctx context.Context, keep func(insight.Cell) bool, q string, args ...any) ([]insight.Cell, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insight.Cell
	for rows.Next() {
		var c insight.Cell
		if err := rows.Scan(&c.Division, ymCol{&c.Period}, &c.Num, &c.Den); err != nil {
			return nil, err
		}
		if keep(c) {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}

// InsightFloor runs the indicators' plain SQL GROUP BY queries alone for
// every indicator of the catalogue over months, straight through
// database/sql in one snapshot, without the summary: the floor of
// bench/insight.
func (db *DB) InsightFloor(ctx context.Context, months []insight.Month) (map[string][]insight.Cell, error) {
	out := map[string][]insight.Cell{}
	err := db.view(ctx, func(t *Tx) error {
		for _, ind := range insight.Catalogue {
			cells, err := t.liveSeries(ctx, ind.Name, months)
			if err != nil {
				return err
			}
			out[ind.Name] = cells
		}
		return nil
	})
	return out, err
}

// assessedCell is one division's and month's figures of the current
// assessment rows: the distinct persons (any insurance, and pension) and
// each fund's contributions billed.
type assessedCell struct {
	division                        string
	period                          period.YearMonth
	persons, pensioned              int64
	pension, medical, unemp, injury int64
}

// fromAssessed are the indicators read off the one pass over the rows.
var fromAssessed = map[string]func(assessedCell) int64{
	"insured_persons":                  func(a assessedCell) int64 { return a.pensioned },
	"contribution_billed_pension":      func(a assessedCell) int64 { return a.pension },
	"contribution_billed_medical":      func(a assessedCell) int64 { return a.medical },
	"contribution_billed_unemployment": func(a assessedCell) int64 { return a.unemp },
	"contribution_billed_work_injury":  func(a assessedCell) int64 { return a.injury },
}

// assessedSeries returns one figure of the assessment pass over ms, the
// pass run once per transaction and range.
func (t *Tx) assessedSeries(ctx context.Context, ms []insight.Month, pick func(assessedCell) int64) ([]insight.Cell, error) {
	rng := fmt.Sprintf("BETWEEN %d AND %d", ymArg(ms[0].Period), ymArg(ms[len(ms)-1].Period))
	cells, ok := t.assessed[rng]
	if !ok {
		var err error
		if cells, err = t.assessedPass(ctx, rng); err != nil {
			return nil, err
		}
		if t.assessed == nil {
			t.assessed = map[string][]assessedCell{}
		}
		t.assessed[rng] = cells
	}
	out := make([]insight.Cell, len(cells))
	for i, a := range cells {
		out[i] = insight.Cell{Division: a.division, Period: a.period, Num: pick(a)}
	}
	return out, nil
}

// assessedPass reads the assessment rows of a range once, grouped by
// division and period.
func (t *Tx) assessedPass(ctx context.Context, rng string) ([]assessedCell, error) {
	rows, err := t.query(ctx, `SELECT a.division, a.period, count(DISTINCT a.person_id),
			count(DISTINCT CASE WHEN a.pension_ind + a.pension_emp > 0 THEN a.person_id END),
			SUM(a.pension_ind + a.pension_emp), SUM(a.medical_ind + a.medical_emp), SUM(a.unemp_ind + a.unemp_emp), SUM(a.injury_emp)
		FROM `+currentRows+` WHERE a.period `+rng+` GROUP BY a.division, a.period`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []assessedCell
	for rows.Next() {
		var a assessedCell
		if err := rows.Scan(&a.division, ymCol{&a.period}, &a.persons, &a.pensioned, &a.pension, &a.medical, &a.unemp, &a.injury); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// rate joins the registered unemployed with the employed into the rate's
// cells: unemployed / (employed + unemployed), for the assessed months.
func rate(unemployed, employed []insight.Cell) []insight.Cell {
	type key struct {
		d string
		p period.YearMonth
	}
	at := map[key]int{}
	var out []insight.Cell
	for _, e := range employed {
		at[key{e.Division, e.Period}] = len(out)
		out = append(out, insight.Cell{Division: e.Division, Period: e.Period, Den: e.Num})
	}
	for _, u := range unemployed {
		i, ok := at[key{u.Division, u.Period}]
		if !ok {
			i = len(out)
			at[key{u.Division, u.Period}] = i
			out = append(out, insight.Cell{Division: u.Division, Period: u.Period})
		}
		out[i].Num += u.Num
		out[i].Den += u.Num
	}
	return out
}
