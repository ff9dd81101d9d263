package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRulesLang: --lang zh-CN prints the trace's lines in Chinese, in
// JSON beside each step's key and arguments and with --explain as text;
// the default follows the locale; the English reads as before; an error
// of a rule is worded in the language; an unknown language is refused.
func TestRulesLang(t *testing.T) {
	pension := `{"division":"330400","birth":"1975-08","retire":"2025-08","calc_base":"8310","avg_index":"0.6977","years":"25.08","transitional_index":"0","transitional_years":"0","account_balance":"110378.42"}`
	code, out, errs := runHrss(t, pension, "rules", "pension", "--json", "--lang", "zh-CN")
	if code != 0 {
		t.Fatalf("status %d: %s", code, errs)
	}
	var res struct {
		Total string `json:"total"`
		Trace []struct {
			Key  string            `json:"key"`
			Args []json.RawMessage `json:"args"`
			Text string            `json:"text"`
		} `json:"trace"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, s := range res.Trace {
		lines = append(lines, s.Text)
	}
	text := strings.Join(lines, "\n")
	for _, want := range []string{"计算 基础养老金（basic）= 1769.13（8310 × (1 + 0.6977) / 2 × 25.08 × 0.01", "四舍五入到分", "计算 月基本养老金合计（total）= 3017.70（合计 3017.66，见分进角）"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Chinese trace lacks %q:\n%s", want, text)
		}
	}
	if res.Total != "3017.70" || res.Trace[len(res.Trace)-1].Key != "trace.pension.total" || len(res.Trace[len(res.Trace)-1].Args) != 1 {
		t.Errorf("total %s, last step %+v", res.Total, res.Trace[len(res.Trace)-1])
	}

	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "zh_CN.UTF-8")
	if _, out, _ := runHrss(t, "", "rules", "divisor", "--age", "50y5m", "--explain"); !strings.Contains(out, "计算过程：") || !strings.Contains(out, "计发月数（divisor）= 192.9") {
		t.Errorf("the locale's Chinese: %s", out)
	}
	if _, out, _ := runHrss(t, "", "rules", "divisor", "--age", "50y5m", "--explain", "--lang", "en"); !strings.Contains(out, "Trace:\n") ||
		!strings.Contains(out, "value     divisor = 192.9  (195 + (190 - 195) × 5 / 12, half-up to 0.1 (interpolation between whole ages))") {
		t.Errorf("--lang en: %s", out)
	}
	if code, _, errs := runHrss(t, "", "rules", "divisor", "--age", "80y", "--lang", "zh-CN"); code != 2 || !strings.Contains(errs, "80岁没有对应的计发月数") {
		t.Errorf("a rule's error in Chinese: status %d, %s", code, errs)
	}
	if code, _, errs := runHrss(t, "", "rules", "divisor", "--age", "50y", "--lang", "fr"); code != 2 || !strings.Contains(errs, "lang") {
		t.Errorf("--lang fr: status %d, %s", code, errs)
	}
}
