package web

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/msg"
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

// TestLocalizedStoredJSON: the one walker fills the text of the steps,
// messages and reasons of stored JSON (a claim's detail) and of a claim's
// stop reason, in the request's language; a stored sentence stays as it
// is and JSON without any is left byte for byte.
func TestLocalizedStoredJSON(t *testing.T) {
	p, _ := rules.Embedded()
	res, _ := p.UnemploymentBenefit(rules.UnemploymentInput{Division: "330402", Separated: period.Date{Y: 2025, M: 3, D: 15}, Involuntary: true, ContributionMonths: 70}, true)
	grant := rules.Reason{Key: "support.reason.job_expansion", Args: map[string]string{"paid": "6"}}
	detail, _ := json.Marshal(map[string]any{"result": res, "reason": grant, "note": map[string]string{"key": "not.a.message"}})
	type claim struct {
		Detail json.RawMessage `json:"detail"`
		Stop   rules.Why       `json:"stop_reason"`
		Old    rules.Why       `json:"old"`
	}
	stop := rules.Why{rules.Msg("claim.stop.event", msg.Label("ground", "claim.stop.ground.reemployed"), msg.Date("day", period.Date{Y: 2025, M: 8, D: 12}),
		msg.Text("source", "employment/7"), msg.Text("rule", "社会保险法 第五十一条第一项"))}
	for lang, want := range map[string][]string{
		"zh-CN": {"已缴费70个月", `"text":"计算 是否符合条件（eligible）= 是`, `"text":"已足额缴费6个月"`, `"text":"重新就业，自2025-08-12起停发`},
		"en":    {"contributed 70 months", `"text":"value     eligible = true`, `"text":"6 months paid in full"`, `"text":"re-employed from 2025-08-12`},
	} {
		r := httptest.NewRequest("GET", "/x?lang="+lang, nil)
		out := localized(r, claim{Detail: append(json.RawMessage(nil), detail...), Stop: append(rules.Why(nil), stop...), Old: rules.StoredWhy("stopped on 2020-01-01")})
		data, _ := json.Marshal(out)
		for _, w := range want {
			if !strings.Contains(string(data), w) {
				t.Errorf("%s: %s lacks %s", lang, data, w)
			}
		}
		if !strings.Contains(string(data), `"old":[{"key":"","text":"stopped on 2020-01-01"}]`) || strings.Contains(string(data), `"key":"not.a.message","text"`) {
			t.Errorf("%s: %s", lang, data)
		}
	}
	plain := json.RawMessage(`{"a": 1, "b": [2, 3]}`)
	if got := localized(httptest.NewRequest("GET", "/x", nil), plain); string(got) != string(plain) {
		t.Errorf("JSON without texts became %s", got)
	}
}
