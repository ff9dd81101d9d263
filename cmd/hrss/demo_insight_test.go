package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"hrss/insight"
	"hrss/registry"
	"hrss/rules/period"
	"hrss/store/storetest"
)

// TestDemoIndicatorsIndependently runs the demo of a small city and checks
// indicators for every division and month against figures recomputed here
// from the raw rows, read with plain SELECTs of the tables and counted in
// Go by the statistical definitions (insight/indicator.go), not by the
// store's queries: new urban jobs (relations and enrolments starting with
// nothing of the person running the day before, minus pensions starting),
// registered unemployed on each month's last day, insured persons and the
// newly insured, contribution income, each fund's contributions billed,
// benefits paid (which the demo must have paid in its last month), and
// the placements, subsidies paid and loans granted (each of which the demo
// must have made in some month).
func TestDemoIndicatorsIndependently(t *testing.T) {
	dbPath, keyPath := storetest.SQLitePath(t), filepath.Join(t.TempDir(), "hrss.key")
	var out, errb bytes.Buffer
	if code := run([]string{"demo", "--no-serve", "--persons", "3000", "--months", "6", "--as-of", "2025-12-04", "--db", dbPath, "--key-file", keyPath}, nil, &out, &errb); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errb.String())
	}
	ctx := systemContext(context.Background())
	a, err := openApp(ctx, &globals{db: dbPath, keyFile: keyPath})
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	svc, err := insightService(&globals{}, a)
	if err != nil {
		t.Fatal(err)
	}
	today := period.Date{Y: 2025, M: 12, D: 4}
	svc.Now = func() time.Time { return today.Time() }
	names := []string{"new_urban_jobs", "registered_unemployed", "insured_persons", "new_insured_persons", "contribution_income", "contribution_billed_pension",
		"contribution_billed_medical", "contribution_billed_unemployment", "contribution_billed_work_injury", "subsidies_granted", "registered_unemployment_rate",
		"benefit_spending_pension", "benefit_spending_unemployment", "placements", "subsidies_paid", "loans_granted"}
	rows, err := svc.Indicators(ctx, insight.Query{Year: 2025, Names: names})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	unemployed := unemployedByHand(t, raw, today)
	want := map[string]map[string]map[period.YearMonth]int64{
		"new_urban_jobs":                   newJobsByHand(t, raw),
		"registered_unemployed":            unemployed,
		"insured_persons":                  rowsByHand(t, raw, "a.pension_ind + a.pension_emp > 0", "1"),
		"contribution_income":              incomeByHand(t, raw),
		"contribution_billed_pension":      rowsByHand(t, raw, "1 = 1", "a.pension_ind + a.pension_emp"),
		"contribution_billed_work_injury":  rowsByHand(t, raw, "1 = 1", "a.injury_emp"),
		"contribution_billed_medical":      rowsByHand(t, raw, "1 = 1", "a.medical_ind + a.medical_emp"),
		"contribution_billed_unemployment": rowsByHand(t, raw, "1 = 1", "a.unemp_ind + a.unemp_emp"),
		"new_insured_persons":              newInsuredByHand(t, raw),
		"subsidies_granted":                grantsByHand(t, raw),
		"benefit_spending_pension":         benefitsByHand(t, raw, "pension"),
		"benefit_spending_unemployment":    benefitsByHand(t, raw, "unemployment"),
		"placements":                       byHand(t, raw, `SELECT m.division, p.start_date, 1 FROM placements p JOIN employers m ON m.id = p.employer_id WHERE p.source <> 'none'`),
		"subsidies_paid": byHand(t, raw, `SELECT g.division, r.created_at, p.amount FROM sup_payments p, sup_returns r, sup_grants g
			WHERE r.id = p.return_id AND g.id = p.grant_id AND p.status = 'paid'`),
		"loans_granted": byHand(t, raw, `SELECT division, decided_at, principal FROM sup_loans WHERE status IN ('active', 'repaid')`),
	}
	for _, k := range []string{"placements", "subsidies_paid", "loans_granted"} {
		some := false
		for m := period.New(2025, 1); m <= today.Month(); m++ {
			some = some || sumOf(want[k], registry.CityCode, m) > 0
		}
		if !some {
			t.Errorf("%s: the demo made none in 2025", k)
		}
	}
	for _, k := range []string{"benefit_spending_pension", "benefit_spending_unemployment"} {
		if sumOf(want[k], registry.CityCode, today.Month().Add(-1)) == 0 {
			t.Errorf("%s: the demo paid nothing in %s", k, today.Month().Add(-1))
		}
	}
	employed := rowsByHand(t, raw, "1 = 1", "1")
	checked := 0
	for _, r := range rows {
		ind, _ := insight.ByName(r.Name)
		for m := period.New(2025, 1); m <= today.Month(); m++ {
			f := insight.Figure{Num: sumOf(want[r.Name], r.Division, m)}
			if r.Name == "registered_unemployment_rate" {
				if e := sumOf(employed, r.Division, m); e > 0 {
					u := sumOf(unemployed, r.Division, m)
					f = insight.Figure{Num: u, Den: e + u}
				}
			}
			if got := r.ByMonth[m.String()]; got != f.Text(ind.Unit) {
				t.Errorf("%s %s %s: hrss %s, by hand %s", r.Name, r.Division, m, got, f.Text(ind.Unit))
			}
			checked++
		}
	}
	if checked != len(names)*8*12 || want["new_urban_jobs"]["330402"][period.New(2025, 9)] == 0 {
		t.Fatalf("checked %d figures; new urban jobs of 330402 in 2025-09 by hand: %d", checked, want["new_urban_jobs"]["330402"][period.New(2025, 9)])
	}
}

func rowsOf(t *testing.T, db *sql.DB, q string) *sql.Rows {
	t.Helper()
	rs, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func day(s string) period.Date {
	d, err := period.ParseDate(s[:10])
	if err != nil {
		panic(err)
	}
	return d
}

// spell is one relation or enrolment of a person.
type spell struct {
	id             int64
	flexible       bool
	division       string
	start, end     period.Date // end zero while it runs
	personID, sort int64
}

func (s spell) runsOn(d period.Date) bool {
	return !d.Before(s.start) && (s.end.IsZero() || !s.end.Before(d))
}

func newJobsByHand(t *testing.T, db *sql.DB) map[string]map[period.YearMonth]int64 {
	byPerson := map[int64][]spell{}
	rs := rowsOf(t, db, `SELECT e.id, e.person_id, m.division, e.start_date, COALESCE(e.end_date, '') FROM employments e JOIN employers m ON m.id = e.employer_id`)
	for rs.Next() {
		var s spell
		var start, end string
		rs.Scan(&s.id, &s.personID, &s.division, &start, &end)
		s.start = day(start)
		if end != "" {
			s.end = day(end)
		}
		byPerson[s.personID] = append(byPerson[s.personID], s)
	}
	rs.Close()
	rs = rowsOf(t, db, `SELECT id, person_id, division, start_date, COALESCE(end_date, '') FROM flexible_workers`)
	for rs.Next() {
		s := spell{flexible: true}
		var start, end string
		rs.Scan(&s.id, &s.personID, &s.division, &start, &end)
		s.start = day(start)
		if end != "" {
			s.end = day(end)
		}
		byPerson[s.personID] = append(byPerson[s.personID], s)
	}
	rs.Close()
	out := map[string]map[period.YearMonth]int64{}
	add := func(div string, m period.YearMonth, n int64) {
		if out[div] == nil {
			out[div] = map[period.YearMonth]int64{}
		}
		out[div][m] += n
	}
	for _, spells := range byPerson {
		for _, s := range spells {
			if s.start.Y != 2025 || !isNew(s, spells) {
				continue
			}
			add(s.division, s.start.Month(), 1)
		}
	}
	rs = rowsOf(t, db, `SELECT division, start_period FROM ins_claims WHERE kind = 'pension' AND status IN ('approved', 'stopped', 'exhausted')`)
	for rs.Next() {
		var div string
		var p int
		rs.Scan(&div, &p)
		add(div, period.New(p/100, p%100), -1)
	}
	rs.Close()
	return out
}

// isNew: nothing else of the person runs the day before s starts; of two
// starting the same day, a relation before an enrolment, the lower ID first.
func isNew(s spell, all []spell) bool {
	before := s.start.AddDays(-1)
	for _, o := range all {
		if o.id == s.id && o.flexible == s.flexible {
			continue
		}
		sameDayFirst := o.start == s.start && ((!o.flexible && s.flexible) || (o.flexible == s.flexible && o.id < s.id))
		if (o.start.Before(s.start) || sameDayFirst) && (o.end.IsZero() || !o.end.Before(before)) {
			return false
		}
	}
	return true
}

func unemployedByHand(t *testing.T, db *sql.DB, today period.Date) map[string]map[period.YearMonth]int64 {
	out := map[string]map[period.YearMonth]int64{}
	rs := rowsOf(t, db, `SELECT division, registered, COALESCE(ended_on, '') FROM unemployment_registrations`)
	defer rs.Close()
	for rs.Next() {
		var div, reg, ended string
		rs.Scan(&div, &reg, &ended)
		for m := period.New(2025, 1); m <= today.Month(); m++ {
			last := m.Last()
			if today.Before(last) {
				last = today
			}
			if !last.Before(day(reg)) && (ended == "" || last.Before(day(ended))) {
				if out[div] == nil {
					out[div] = map[period.YearMonth]int64{}
				}
				out[div][m]++
			}
		}
	}
	return out
}

// sumOf is a division's figure of a month, the divisions' sum for the city.
func sumOf(by map[string]map[period.YearMonth]int64, division string, m period.YearMonth) int64 {
	if division != registry.CityCode {
		return by[division][m]
	}
	var v int64
	for _, d := range registry.CountyCodes() {
		v += by[d][m]
	}
	return v
}

// rowsByHand adds up the current runs' assessment rows that meet cond by
// division and month: value "1" counts distinct persons, any other
// expression is summed row by row.
func rowsByHand(t *testing.T, db *sql.DB, cond, value string) map[string]map[period.YearMonth]int64 {
	seen := map[string]bool{}
	out := map[string]map[period.YearMonth]int64{}
	rs := rowsOf(t, db, `SELECT a.period, a.division, a.person_id, `+value+` FROM ins_assessments a, ins_periods p
		WHERE p.period = a.period AND p.current_run = a.run_id AND `+cond)
	defer rs.Close()
	for rs.Next() {
		var p int
		var div string
		var person, v int64
		rs.Scan(&p, &div, &person, &v)
		if value == "1" {
			key := fmt.Sprint(p, div, person)
			if seen[key] {
				continue
			}
			seen[key] = true
		}
		if out[div] == nil {
			out[div] = map[period.YearMonth]int64{}
		}
		out[div][period.New(p/100, p%100)] += v
	}
	return out
}

// newInsuredByHand counts by division and month the persons assessed for
// pension in the month's current run (in that division) who were not in
// the month before's (in any division), for the months whose month
// before has a current run.
func newInsuredByHand(t *testing.T, db *sql.DB) map[string]map[period.YearMonth]int64 {
	type at struct {
		p      period.YearMonth
		person int64
		div    string // "" for any division
	}
	insured, assessed := map[at]bool{}, map[period.YearMonth]bool{}
	rs := rowsOf(t, db, `SELECT a.period, a.division, a.person_id FROM ins_assessments a, ins_periods p
		WHERE p.period = a.period AND p.current_run = a.run_id AND a.pension_ind + a.pension_emp > 0`)
	for rs.Next() {
		var p int
		var div string
		var person int64
		rs.Scan(&p, &div, &person)
		m := period.New(p/100, p%100)
		insured[at{m, person, div}], insured[at{m, person, ""}], assessed[m] = true, true, true
	}
	rs.Close()
	out := map[string]map[period.YearMonth]int64{}
	for k := range insured {
		if k.div == "" || !assessed[k.p.Add(-1)] || insured[at{k.p.Add(-1), k.person, ""}] {
			continue
		}
		if out[k.div] == nil {
			out[k.div] = map[period.YearMonth]int64{}
		}
		out[k.div][k.p]++
	}
	return out
}

// benefitsByHand sums the benefit payments of claims of kind by the
// claim's division and the month paid for.
func benefitsByHand(t *testing.T, db *sql.DB, kind string) map[string]map[period.YearMonth]int64 {
	out := map[string]map[period.YearMonth]int64{}
	rs := rowsOf(t, db, `SELECT c.division, p.period, p.amount + p.back_pay FROM ins_benefit_payments p, ins_claims c WHERE c.id = p.claim_id AND c.kind = '`+kind+`'`)
	defer rs.Close()
	for rs.Next() {
		var div string
		var p int
		var amt int64
		rs.Scan(&div, &p, &amt)
		if out[div] == nil {
			out[div] = map[period.YearMonth]int64{}
		}
		out[div][period.New(p/100, p%100)] += amt
	}
	return out
}

// grantsByHand sums the standing grants by division and the month they
// were found.
func grantsByHand(t *testing.T, db *sql.DB) map[string]map[period.YearMonth]int64 {
	out := map[string]map[period.YearMonth]int64{}
	rs := rowsOf(t, db, `SELECT division, created_at, amount, status FROM sup_grants`)
	defer rs.Close()
	for rs.Next() {
		var div, created, status string
		var amt int64
		rs.Scan(&div, &created, &amt, &status)
		if status == "rejected" || status == "revoked" || status == "clawback" {
			continue
		}
		if out[div] == nil {
			out[div] = map[period.YearMonth]int64{}
		}
		out[div][day(created).Month()] += amt
	}
	return out
}

func incomeByHand(t *testing.T, db *sql.DB) map[string]map[period.YearMonth]int64 {
	type bill struct {
		div string
		run int64
	}
	current := map[int]int64{}
	rs := rowsOf(t, db, `SELECT period, COALESCE(current_run, 0) FROM ins_periods`)
	for rs.Next() {
		var p int
		var run int64
		rs.Scan(&p, &run)
		current[p] = run
	}
	rs.Close()
	bills := map[string]bill{}
	rs = rowsOf(t, db, `SELECT period, run_id, payer_kind, payer_id, division FROM ins_bills`)
	for rs.Next() {
		var p, kind int
		var run, payer int64
		var div string
		rs.Scan(&p, &run, &kind, &payer, &div)
		if current[p] == run {
			bills[fmt.Sprint(p, kind, payer)] = bill{div, run}
		}
	}
	rs.Close()
	out := map[string]map[period.YearMonth]int64{}
	rs = rowsOf(t, db, `SELECT period, payer_kind, payer_id, applied FROM ins_payments WHERE status = 'applied'`)
	defer rs.Close()
	for rs.Next() {
		var p, kind int
		var payer, applied int64
		rs.Scan(&p, &kind, &payer, &applied)
		b, ok := bills[fmt.Sprint(p, kind, payer)]
		if !ok {
			continue
		}
		if out[b.div] == nil {
			out[b.div] = map[period.YearMonth]int64{}
		}
		out[b.div][period.New(p/100, p%100)] += applied
	}
	return out
}

// byHand adds up the rows of q (division, a date or timestamp, value) by
// division and the date's month.
func byHand(t *testing.T, db *sql.DB, q string) map[string]map[period.YearMonth]int64 {
	out := map[string]map[period.YearMonth]int64{}
	rs := rowsOf(t, db, q)
	defer rs.Close()
	for rs.Next() {
		var div, at string
		var v int64
		if err := rs.Scan(&div, &at, &v); err != nil {
			t.Fatal(err)
		}
		if out[div] == nil {
			out[div] = map[period.YearMonth]int64{}
		}
		out[div][day(at).Month()] += v
	}
	return out
}
