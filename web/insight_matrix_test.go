package web_test

import (
	"testing"

	"hrss/access"
)

// The indicators' cells of the authorization matrix (auth_matrix_test.go),
// merged into it at init. The indicators, targets and the monthly report
// are aggregates: the divisions' staff read their divisions' (the report,
// which covers every division, is for analysts and city-wide staff), and
// only analysts set targets. The list behind a count names persons: the
// new urban jobs of 330402 in 2020-01 are A's and C's relations with E1,
// listed for the division's staff, C (who lives in 330411) without the
// name; another division's list is out of scope.

var aggregateReaders = []access.Role{access.Caseworker, access.Reviewer, access.Analyst}

var insightMatrix = map[string]cell{
	"GET /api/v1/indicators": {ok: aggregateReaders,
		in:  fixed("/api/v1/indicators?year=2026&division=330402"),
		out: fixed("/api/v1/indicators?year=2026&division=330411")},
	"GET /api/v1/indicators/{name}/records": {ok: []access.Role{access.Caseworker, access.Reviewer}, show: "pA",
		in:  fixed("/api/v1/indicators/new_urban_jobs/records?division=330402&period=2020-01"),
		out: fixed("/api/v1/indicators/new_urban_jobs/records?division=330411&period=2020-01")},
	"GET /api/v1/targets": {ok: aggregateReaders, in: fixed("/api/v1/targets?year=2026")},
	"PUT /api/v1/targets": {ok: []access.Role{access.Analyst},
		in: func(*testing.T, *world) req {
			return req{"/api/v1/targets", `{"year":2026,"indicator":"new_urban_jobs","division":"330400","value":"100"}`}
		}},
	"GET /api/v1/reports/monthly":      {ok: []access.Role{access.Analyst}, in: fixed("/api/v1/reports/monthly?period=2026-02")},
	"GET /api/v1/reports/monthly.xlsx": {ok: []access.Role{access.Analyst}, in: fixed("/api/v1/reports/monthly.xlsx?period=2026-02")},
}

func init() {
	for k, c := range insightMatrix {
		matrix[k] = c
	}
}
