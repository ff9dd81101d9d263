package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"hrss/access"
	"hrss/insight"
	"hrss/rules/period"
)

// The indicators' summary (migration 0501): each indicator's figures per
// month and division as the last refresh computed them from the records,
// read instead of the records wherever no write since can have changed
// them. The triggers of 0501 log every write into insight_changes with
// the earliest month it can change; indicatorSources says which tables
// each indicator reads, so which logged writes reach it.

// indicatorSources lists, for each indicator, the tables its query reads
// (TestIndicatorSources checks them against the SQL). ins_assessments is
// never listed: its rows count only through ins_periods.current_run.
var indicatorSources = func() map[string][]string {
	assessed := []string{"ins_periods"}
	placements := []string{"placements", "employers"}
	m := map[string][]string{
		"new_urban_jobs":                   {"employments", "employers", "flexible_workers", "ins_claims"},
		"registered_unemployed":            {"unemployment_registrations"},
		"registered_unemployment_rate":     {"ins_periods", "unemployment_registrations"},
		"insured_persons":                  assessed,
		"new_insured_persons":              assessed,
		"contribution_income":              {"ins_periods", "ins_bills", "ins_payments"},
		"contribution_billed":              {"ins_periods", "ins_bills", "ins_adjustments"},
		"arrears":                          {"ins_periods", "ins_bills", "ins_adjustments", "ins_payments"},
		"benefit_spending_pension":         {"ins_benefit_payments", "ins_claims"},
		"benefit_spending_unemployment":    {"ins_benefit_payments", "ins_claims"},
		"graduates_employed_rate":          {"persons", "employments", "flexible_workers", "followup_services", "sup_internships"},
		"followup_1131_complete_rate":      {"persons", "employments", "flexible_workers", "followup_services"},
		"subsidies_granted":                {"sup_grants"},
		"subsidies_paid":                   {"sup_payments", "sup_returns", "sup_grants"},
		"loans_granted":                    {"sup_loans"},
		"placements":                       placements,
		"placements_fair":                  placements,
		"placements_job_lead":              placements,
		"placements_recommendation":        placements,
		"contribution_billed_pension":      assessed,
		"contribution_billed_medical":      assessed,
		"contribution_billed_unemployment": assessed,
		"contribution_billed_work_injury":  assessed,
	}
	return m
}()

// summaryState is what one transaction knows of the summary: the
// earliest month each logged table's pending changes reach, the highest
// change it saw, and the refresh generation.
type summaryState struct {
	since  map[string]int // table → earliest month (YYYYMM) of its pending changes
	maxID  int64
	gen    int64
	snap   string // PostgreSQL: the snapshot the state was read in
	loaded bool
}

// summary reads (once per transaction) the pending changes.
func (t *Tx) summary(ctx context.Context) (*summaryState, error) {
	if t.sum != nil && t.sum.loaded {
		return t.sum, nil
	}
	s := &summaryState{since: map[string]int{}, loaded: true}
	if err := t.queryRow(ctx, `SELECT gen FROM insight_state WHERE id = 1`).Scan(&s.gen); err != nil {
		return nil, err
	}
	if t.engine == Postgres {
		if err := t.queryRow(ctx, `SELECT pg_current_snapshot()::text`).Scan(&s.snap); err != nil {
			return nil, err
		}
	}
	rows, err := t.query(ctx, `SELECT source, min(since), max(id) FROM insight_changes GROUP BY source`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var src string
		var since int
		var id int64
		if err := rows.Scan(&src, &since, &id); err != nil {
			return nil, err
		}
		s.since[src], s.maxID = since, max(s.maxID, id)
	}
	t.sum = s
	return s, rows.Err()
}

// staleFrom is the earliest month (YYYYMM) of indicator name that a
// pending change can have changed; ok is false when none can.
func (s *summaryState) staleFrom(name string) (int, bool) {
	from, ok := 0, false
	for _, src := range indicatorSources[name] {
		if v, pending := s.since[src]; pending && (!ok || v < from) {
			from, ok = v, true
		}
	}
	return from, ok
}

// heldMonths returns the months of ms whose figures of indicator name the
// summary holds and no pending change reaches.
func (t *Tx) heldMonths(ctx context.Context, name string, ms []insight.Month) (map[period.YearMonth]bool, error) {
	s, err := t.summary(ctx)
	if err != nil {
		return nil, err
	}
	from, stale := s.staleFrom(name)
	want := map[period.YearMonth]insight.Month{}
	for _, m := range ms {
		if !stale || ymArg(m.Period) < from {
			want[m.Period] = m
		}
	}
	held := map[period.YearMonth]bool{}
	if len(want) == 0 {
		return held, nil
	}
	rows, err := t.query(ctx, `SELECT period, last, due_to FROM insight_computed WHERE indicator = ? AND period BETWEEN ? AND ?`,
		name, ymArg(ms[0].Period), ymArg(ms[len(ms)-1].Period))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p, due period.YearMonth
		var last period.Date
		if err := rows.Scan(ymCol{&p}, dateCol{&last}, ymCol{&due}); err != nil {
			return nil, err
		}
		if m, ok := want[p]; ok && m.Last == last && m.DueTo == due {
			held[p] = true
		}
	}
	return held, rows.Err()
}

// heldCells reads the summary's cells of indicator name in the held months.
func (t *Tx) heldCells(ctx context.Context, name string, ms []insight.Month, held map[period.YearMonth]bool) ([]insight.Cell, error) {
	return t.cells(ctx, func(c insight.Cell) bool { return held[c.Period] },
		`SELECT division, period, num, den FROM insight_cells WHERE indicator = ? AND period BETWEEN ? AND ?`,
		name, ymArg(ms[0].Period), ymArg(ms[len(ms)-1].Period))
}

// Series implements insight.Tx: the months the summary holds from the
// summary, the others computed from the records in the same snapshot.
func (t *Tx) Series(ctx context.Context, name string, ms []insight.Month) ([]insight.Cell, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	if _, ok := indicatorSources[name]; !ok {
		return nil, fmt.Errorf("store: no query for indicator %q", name)
	}
	held, err := t.heldMonths(ctx, name, ms)
	if err != nil {
		return nil, err
	}
	out, err := t.heldCells(ctx, name, ms, held)
	if err != nil {
		return nil, err
	}
	rest := missing(ms, held)
	if len(rest) == 0 {
		return out, nil
	}
	live, err := t.liveSeries(ctx, name, rest)
	if err != nil {
		return nil, err
	}
	for _, c := range live {
		if !held[c.Period] {
			out = append(out, c)
		}
	}
	return out, nil
}

// missing returns the span of ms from the first month not held to the
// last month not held (one query computes a span).
func missing(ms []insight.Month, held map[period.YearMonth]bool) []insight.Month {
	first, last := -1, -1
	for i, m := range ms {
		if !held[m.Period] {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return nil
	}
	return ms[first : last+1]
}

// RefreshInsight brings the summary up to date for the years of years
// (each year's months as insight.Service.Months gives them, in order):
// it reads the summary's state (the changes logged) in one read snapshot,
// computes from the records, in one later snapshot per year, every month
// of every indicator that the summary does not hold, then in one short
// write keeps them, forgets every month outside the years (a later change
// to them would not be refreshed) and clears the changes the first
// snapshot saw: each later snapshot sees them too, and a change it saw
// beyond them stays logged for the next refresh. A snapshot per year,
// not one for all: on SQLite a snapshot held keeps the write-ahead log
// from being copied into the file past it, and one refresh of 75 months
// read for 52-130 s under bench/load while the log grew to 9 GB, every
// reader's page lookup searching it. A refresh overtaken by another
// writes nothing (the next one redoes its work).
func (db *DB) RefreshInsight(ctx context.Context, years [][]insight.Month) (insight.RefreshReport, error) {
	var rep insight.RefreshReport
	var state *summaryState
	type work struct {
		name  string
		span  []insight.Month
		cells []insight.Cell
	}
	var todo []work
	err := db.view(ctx, func(t *Tx) (err error) {
		t.sum = nil
		state, err = t.summary(ctx)
		return err
	})
	for _, ms := range years {
		if err != nil {
			break
		}
		var year []work
		err = db.view(ctx, func(t *Tx) error {
			t.sum, year = state, nil
			for _, ind := range insight.Catalogue {
				access.Yield(ctx) // batch work: the processors to the requests in flight first
				held, err := t.heldMonths(ctx, ind.Name, ms)
				if err != nil {
					return err
				}
				if rest := missing(ms, held); len(rest) > 0 {
					cells, err := t.liveSeries(ctx, ind.Name, rest)
					if err != nil {
						return fmt.Errorf("indicator %s: %w", ind.Name, err)
					}
					year = append(year, work{ind.Name, rest, cells})
				}
			}
			return nil
		})
		todo = append(todo, year...)
	}
	if err != nil || (len(todo) == 0 && state.maxID == 0) {
		return rep, err
	}
	err = db.update(ctx, func(t *Tx) error {
		rep = insight.RefreshReport{}
		ok, err := t.clearChanges(ctx, state)
		if err != nil || !ok {
			rep.Overtook = !ok
			return err
		}
		if err := t.forgetOutside(ctx, years); err != nil {
			return err
		}
		rep.Changes = state.maxID > 0
		for _, w := range todo {
			if err := t.putCells(ctx, w.name, w.span, w.cells); err != nil {
				return err
			}
			rep.Months += len(w.span)
		}
		return nil
	})
	return rep, err
}

// forgetOutside removes the summary's months outside the years refreshed.
func (t *Tx) forgetOutside(ctx context.Context, years [][]insight.Month) error {
	from, to := 999999, 0
	for _, ms := range years {
		for _, m := range ms {
			from, to = min(from, ymArg(m.Period)), max(to, ymArg(m.Period))
		}
	}
	for _, table := range []string{"insight_cells", "insight_computed"} {
		if _, err := t.exec(ctx, `DELETE FROM `+table+` WHERE period < ? OR period > ?`, from, to); err != nil {
			return err
		}
	}
	return nil
}

// clearChanges removes the changes that state's snapshot saw and bumps the
// generation; false when another refresh bumped it first.
func (t *Tx) clearChanges(ctx context.Context, state *summaryState) (bool, error) {
	res, err := t.exec(ctx, `UPDATE insight_state SET gen = gen + 1 WHERE id = 1 AND gen = ?`, state.gen)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, err
	}
	if t.engine == Postgres {
		_, err = t.exec(ctx, `DELETE FROM insight_changes WHERE pg_visible_in_snapshot(xid, CAST(? AS pg_snapshot))`, state.snap)
	} else {
		_, err = t.exec(ctx, `DELETE FROM insight_changes WHERE id <= ?`, state.maxID)
	}
	return err == nil, err
}

// putCells replaces the summary's months of span for indicator name with
// cells.
func (t *Tx) putCells(ctx context.Context, name string, span []insight.Month, cells []insight.Cell) error {
	from, to := ymArg(span[0].Period), ymArg(span[len(span)-1].Period)
	for _, table := range []string{"insight_cells", "insight_computed"} {
		if _, err := t.exec(ctx, `DELETE FROM `+table+` WHERE indicator = ? AND period BETWEEN ? AND ?`, name, from, to); err != nil {
			return err
		}
	}
	now := tsArg(time.Now())
	for _, m := range span {
		if _, err := t.exec(ctx, `INSERT INTO insight_computed (indicator, period, last, due_to, computed_at) VALUES (?, ?, ?, ?, ?)`,
			name, ymArg(m.Period), dateArg(m.Last), ymArg(m.DueTo), now); err != nil {
			return err
		}
	}
	for _, c := range cells {
		if _, err := t.exec(ctx, `INSERT INTO insight_cells (indicator, period, division, num, den) VALUES (?, ?, ?, ?, ?)`,
			name, ymArg(c.Period), c.Division, c.Num, c.Den); err != nil {
			return err
		}
	}
	return nil
}

// CheckInsight recomputes from the records, in one snapshot, every month
// of ms that the summary holds for each indicator and lists each cell
// that differs; checked counts the (indicator, month) pairs compared.
func (db *DB) CheckInsight(ctx context.Context, ms []insight.Month) (checked int, breaches []string, err error) {
	if len(ms) == 0 {
		return 0, nil, nil
	}
	err = db.view(ctx, func(t *Tx) error {
		checked, breaches = 0, nil
		var err error
		if breaches, err = t.missingTriggers(ctx); err != nil {
			return err
		}
		for _, ind := range insight.Catalogue {
			held, err := t.heldMonths(ctx, ind.Name, ms)
			if err != nil || len(held) == 0 {
				return err
			}
			kept, err := t.heldCells(ctx, ind.Name, ms, held)
			if err != nil {
				return err
			}
			live, err := t.liveSeries(ctx, ind.Name, ms)
			if err != nil {
				return err
			}
			checked += len(held)
			breaches = append(breaches, compareCells(ind.Name, held, kept, live)...)
		}
		return nil
	})
	return checked, breaches, err
}

// missingTriggers lists the tables the indicators read that lack one of
// the triggers logging their writes (a table rebuilt by a migration, or a
// trigger dropped by hand): the summary would not see those writes.
func (t *Tx) missingTriggers(ctx context.Context) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'insight_%'`
	if t.engine == Postgres {
		q = `SELECT DISTINCT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'insight_%'`
	}
	rows, err := t.query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		have[name] = true
	}
	var out []string
	seen := map[string]bool{}
	for _, ind := range insight.Catalogue {
		for _, src := range indicatorSources[ind.Name] {
			for _, op := range []string{"i", "u", "d"} {
				name := "insight_" + src + "_" + op
				if !have[name] && !seen[name] && !(src == "employers" && op != "u") {
					seen[name] = true
					out = append(out, fmt.Sprintf("table %s has no trigger %s: the indicators' summary would not see its writes", src, name))
				}
			}
		}
	}
	return out, rows.Err()
}

// compareCells lists the cells of the held months where the summary and
// the records differ.
func compareCells(name string, held map[period.YearMonth]bool, kept, live []insight.Cell) []string {
	type key struct {
		d string
		p period.YearMonth
	}
	figures := map[key][2]insight.Cell{}
	for _, c := range kept {
		f := figures[key{c.Division, c.Period}]
		f[0] = c
		figures[key{c.Division, c.Period}] = f
	}
	for _, c := range live {
		if held[c.Period] {
			f := figures[key{c.Division, c.Period}]
			f[1] = c
			figures[key{c.Division, c.Period}] = f
		}
	}
	var out []string
	for k, f := range figures {
		if f[0].Num != f[1].Num || f[0].Den != f[1].Den {
			out = append(out, fmt.Sprintf("%s %s %s: summary %d/%d, records %d/%d", name, k.d, k.p, f[0].Num, f[0].Den, f[1].Num, f[1].Den))
		}
	}
	slices.Sort(out)
	return out
}

// ForgetInsightSummary empties the indicators' summary: every figure is
// then computed from the records until the next refresh (bench/insight
// times both; the figures are the same).
func (db *DB) ForgetInsightSummary(ctx context.Context) error {
	return db.update(ctx, func(t *Tx) error {
		for _, q := range []string{"DELETE FROM insight_cells", "DELETE FROM insight_computed"} {
			if _, err := t.exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
}
