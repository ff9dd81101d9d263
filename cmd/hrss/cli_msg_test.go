package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"hrss/rules/msg"
)

// TestCLIMessages: the commands' human output speaks --lang. Every cli.*
// key the sources name is in the catalogue and every cli.* key of the
// catalogue is named by a source; the summaries of a formula, written in
// Chinese and English, read in each; a parameter file's error prints in
// --lang with its file and line; and every message the commands wrote in
// the tests run so far found its arguments (noteMessage).
func TestCLIMessages(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	named := map[string]bool{}
	key := regexp.MustCompile(`(?:say\(|Render\([a-z]+, |line\{)"(cli\.[a-z_.]+)"`)
	col := regexp.MustCompile(`g\.cols\(([^)]*)\)`)
	word := regexp.MustCompile(`"([a-z_]+)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, _ := os.ReadFile(f)
		for _, m := range key.FindAllStringSubmatch(string(src), -1) {
			named[m[1]] = true
		}
		for _, m := range col.FindAllStringSubmatch(string(src), -1) {
			for _, w := range word.FindAllStringSubmatch(m[1], -1) {
				named["cli.col."+w[1]] = true
			}
		}
	}
	named["cli.col.seeker"], named["cli.col.vacancy"] = true, true // jobsPrintMatches's other column
	for k := range named {
		if !msg.Has(k) && !strings.HasSuffix(k, ".") {
			t.Errorf("the sources name %s, which the catalogue lacks", k)
		}
	}
	for _, k := range msg.Keys() {
		if strings.HasPrefix(k, "cli.") && !named[k] && !strings.HasPrefix(k, "cli.party.") && !strings.HasPrefix(k, "cli.col.") {
			t.Errorf("catalogue key %s is named by no command", k)
		}
	}

	pension := `{"division":"330400","birth":"1975-08","retire":"2025-08","calc_base":"8310","avg_index":"0.6977","years":"25.08","transitional_index":"0","transitional_years":"0","account_balance":"110378.42"}`
	for l, want := range map[string][]string{"zh-CN": {"基础养老金", "1769.13", "月基本养老金合计", "3017.70", "50岁，计发月数 195"}, "en": {"basic pension", "monthly total", "50y0m, months divisor 195"}} {
		if code, out, errs := runHrss(t, pension, "rules", "pension", "--lang", l); code != 0 || !containsAll(out, want) {
			t.Errorf("%s: %d %s %s", l, code, out, errs)
		}
	}
	contribution := `{"division":"330402","period":"2025-03","wage":"6500.00","kind":"employee","risk_class":1,"float":"1.0"}`
	if _, out, _ := runHrss(t, contribution, "--lang", "zh-CN", "rules", "contribution"); !containsAll(out, []string{"缴费基数", "养老", "个人", "单位缴费合计", "1573.00"}) {
		t.Errorf("contribution in Chinese: %s", out)
	}
	unemployment := `{"division":"330402","separated":"2025-03-15","involuntary":true,"contribution_months":70,"carried_months":0}`
	if _, out, _ := runHrss(t, unemployment, "rules", "unemployment", "--lang", "zh-CN"); !containsAll(out, []string{"符合条件", "最长领取月数", "月失业保险金"}) {
		t.Errorf("unemployment in Chinese: %s", out)
	}
	account := `{"division":"330400","opening_year":2024,"opening":"50000.00","months":[{"period":"2024-01","base":"6500.00"}],"at":"2025-06","interest_to_date":true}`
	if _, out, _ := runHrss(t, account, "rules", "account", "--lang", "zh-CN"); !containsAll(out, []string{"年初余额", "个人账户余额"}) {
		t.Errorf("account in Chinese: %s", out)
	}
	if _, out, _ := runHrss(t, "", "rules", "retirement-age", "--category", "male", "--birth", "1970-01", "--lang", "zh-CN"); !containsAll(out, []string{"法定退休年龄", "弹性退休期间", "男职工"}) {
		t.Errorf("retirement in Chinese: %s", out)
	}

	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("parameters:\n  - name: test.rate\n    description: a test\n    unit: yuan_per_week\n"), 0o600)
	code, _, errs := runHrss(t, "", "--params", dir, "--lang", "zh-CN", "rules", "params")
	if code != 2 || !strings.Contains(errs, "broken.yaml:4: 未知的单位“yuan_per_week”") {
		t.Errorf("a parameter file's error in Chinese: %d %s", code, errs)
	}
	if code, _, errs := runHrss(t, "", "--params", dir, "--lang", "en", "rules", "params"); code != 2 || !strings.Contains(errs, `broken.yaml:4: unknown unit "yuan_per_week"`) {
		t.Errorf("in English: %d %s", code, errs)
	}

	messageMu.Lock()
	defer messageMu.Unlock()
	for _, e := range messageErrors {
		t.Error(e)
	}
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
