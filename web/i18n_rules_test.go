package web

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

// TestAPITraceLanguage: an answer holding traces (at any depth) keeps each
// step's key and arguments and gains its line in the request's language:
// ?lang= first, then Accept-Language, else Chinese.
func TestAPITraceLanguage(t *testing.T) {
	p, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Contribution(rules.ContributionInput{Division: "330402", Period: period.New(2025, 3), Wage: money.Yuan(6500),
		Kind: rules.KindEmployee, RiskClass: 1, Float: money.MustDec("1")}, true)
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		Items []struct{ Result *rules.ContributionResult }
		Any   any
	}
	for _, c := range []struct{ url, accept, want string }{
		{"/x?lang=zh-CN", "en", "6500.00 × 0.08，四舍五入到分"},
		{"/x", "en-GB,zh;q=0.5", "6500.00 × 0.08, half-up to the fen"},
		{"/x", "", "6500.00 × 0.08，四舍五入到分"},
	} {
		r := httptest.NewRequest("GET", c.url, nil)
		r.Header.Set("Accept-Language", c.accept)
		copyRes := res
		copyRes.Trace = append([]rules.Step(nil), res.Trace...)
		out := localized(r, answer{Items: []struct{ Result *rules.ContributionResult }{{&copyRes}}, Any: copyRes.Trace})
		data, _ := json.Marshal(out)
		if !strings.Contains(string(data), c.want) || !strings.Contains(string(data), `"key":"trace.contribution.line"`) ||
			!strings.Contains(string(data), `{"name":"base","kind":"money","value":"6500.00"}`) {
			t.Errorf("%s (Accept-Language %q): %s", c.url, c.accept, data)
		}
	}
}

// TestProblemLanguage: a rule's error answers its key, arguments and its
// message in the request's language beside the English detail.
func TestProblemLanguage(t *testing.T) {
	p, _ := rules.Embedded()
	_, err := p.Divisor(rules.Age(80*12), period.New(2025, 1), "330400", false)
	w := httptest.NewRecorder()
	writeError(w, httptest.NewRequest("GET", "/api/v1/x?lang=zh-CN", nil), err)
	var got problem
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Status != 422 || got.Key != "error.pension.divisor_age" || len(got.Args) != 1 || got.Detail != "age: no months divisor for age 80y0m" ||
		!strings.Contains(got.Message, "80岁没有对应的计发月数") {
		t.Errorf("problem %+v", got)
	}
}
