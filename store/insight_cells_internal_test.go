package store

import (
	"regexp"
	"slices"
	"testing"

	"hrss/insight"
	"hrss/rules/period"
)

// TestIndicatorSources: every table an indicator's query reads is among
// the sources whose logged writes make its summary stale (ins_assessments
// excepted: it counts only through ins_periods.current_run), no source is
// listed that the query does not read. (That every source has its
// triggers in a migrated database is hrss check's: CheckInsight.)
func TestIndicatorSources(t *testing.T) {
	ms := []insight.Month{{Period: period.New(2025, 1), Last: period.Date{Y: 2025, M: 1, D: 31}, DueTo: period.New(2024, 12)}}
	table := regexp.MustCompile(`(?i)\b(?:FROM|JOIN)\s+([a-z_]+)\b(?:[^.]|$)`)
	for _, e := range []Engine{SQLite, Postgres} {
		for _, ind := range insight.Catalogue {
			q, ok := seriesSQL(dialect{e}, ind.Name, ms)
			if _, assessed := fromAssessed[ind.Name]; assessed || ind.Name == "registered_unemployment_rate" {
				q += " FROM " + currentRows
			} else if !ok {
				t.Fatalf("%s: no query", ind.Name)
			}
			read := map[string]bool{}
			for _, m := range table.FindAllStringSubmatch(q, -1) {
				if name := m[1]; name != "months" && name != "ins_assessments" {
					read[name] = true
				}
			}
			for name := range read {
				if !slices.Contains(indicatorSources[ind.Name], name) {
					t.Errorf("%s reads %s, which is not among its sources", ind.Name, name)
				}
			}
			for _, src := range indicatorSources[ind.Name] {
				if !read[src] {
					t.Errorf("%s lists %s as a source but does not read it", ind.Name, src)
				}
			}
		}
	}
}
