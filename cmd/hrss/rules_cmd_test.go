package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runHrss runs the hrss command line with stdin and returns its status and
// outputs.
func runHrss(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// TestRulesContract checks the examples of the CLI contract (issue 3).
func TestRulesContract(t *testing.T) {
	cases := []struct {
		name, stdin string
		args        []string
		want        map[string]string // JSON fields as text
		exact       string            // exact stdout
	}{
		{name: "divisor", args: []string{"rules", "divisor", "--age", "50y5m"}, exact: "192.9\n"},
		{name: "retirement-age", args: []string{"rules", "retirement-age", "--category", "male", "--birth", "1965-09", "--json"},
			want: map[string]string{"category": "male", "birth": "1965-09", "delay_months": "3", "statutory_age": "60y3m", "statutory_age_months": "723", "retire_month": "2025-12", "earliest_month": "2025-09", "latest_month": "2028-12", "min_contribution_months": "180"}},
		{name: "pension", args: []string{"rules", "pension", "--json"},
			stdin: `{"division":"330400","birth":"1975-08","retire":"2025-08","calc_base":"8310","avg_index":"0.6977","years":"25.08","transitional_index":"0","transitional_years":"0","account_balance":"110378.42"}`,
			want:  map[string]string{"divisor": "195", "basic": "1769.13", "account": "566.04", "transitional": "0.00", "adjustment": "532.49", "subsidy": "150.00", "total": "3017.70", "provisional": "false"}},
		{name: "pension sheet A", args: []string{"rules", "pension", "--json"},
			stdin: `{"division":"330400","birth":"1964-01","retire":"2024-01","calc_base":"8020","avg_index":"0.9181","years":"43.50","transitional_index":"1.1334","transitional_years":"17.50","account_balance":"112782.97"}`,
			want:  map[string]string{"total": "7134.10"}},
		{name: "contribution", args: []string{"rules", "contribution", "--json"},
			stdin: `{"division":"330402","period":"2025-03","wage":"6500.00","kind":"employee","risk_class":1,"float":"1.0"}`,
			want:  map[string]string{"base": "6500.00", "employer_total": "1573.00", "individual_total": "682.50", "total": "2255.50"}},
		{name: "unemployment", args: []string{"rules", "unemployment", "--json"},
			stdin: `{"division":"330402","separated":"2025-03-15","involuntary":true,"contribution_months":70,"carried_months":0}`,
			want:  map[string]string{"eligible": "true", "max_months": "18", "monthly_amount": "2241.00"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runHrss(t, c.stdin, c.args...)
			if code != 0 {
				t.Fatalf("status %d: %s", code, errs)
			}
			if c.exact != "" && out != c.exact {
				t.Fatalf("got %q, want %q", out, c.exact)
			}
			if c.want == nil {
				return
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			for k, w := range c.want {
				if g := jsonText(got[k]); g != w {
					t.Errorf("%s: got %s, want %s", k, g, w)
				}
			}
			if c.name != "contribution" && got["trace"] == nil {
				t.Error("no trace")
			}
		})
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

// TestRulesContributionLines checks the order and form of the lines.
func TestRulesContributionLines(t *testing.T) {
	_, out, _ := runHrss(t, `{"division":"330402","period":"2025-03","wage":"6500.00","kind":"employee","risk_class":1,"float":"1.0"}`, "rules", "contribution", "--json")
	if !strings.HasPrefix(out, `{"base":"6500.00","lines":[{"insurance":"pension","party":"individual","rate":"0.08","amount":"520.00"},`) {
		t.Errorf("got %s", out)
	}
}

// TestRulesTextAndErrors checks the operator's text output, --help, and
// the exit statuses of bad input.
func TestRulesTextAndErrors(t *testing.T) {
	code, out, _ := runHrss(t, "", "rules", "retirement-age", "--category", "female-50", "--birth", "1975-08", "--explain")
	if code != 0 || !strings.Contains(out, "statutory age") || !strings.Contains(out, "50y4m (delay 4 months)") || !strings.Contains(out, "parameter retirement.female_50.max_delay = 60") {
		t.Errorf("text: %d %s", code, out)
	}
	code, out, _ = runHrss(t, "", "rules", "params", "--at", "2025-03-01", "--division", "330402")
	if code != 0 || !strings.Contains(out, "medical.employer_rate") || !strings.Contains(out, "unverified") {
		t.Errorf("params: %d %s", code, out)
	}
	code, out, _ = runHrss(t, "", "rules", "params", "--at", "2025-03-01", "--division", "330402", "--json", "--name", "pension.calc_base")
	if code != 0 || !strings.Contains(out, `"value":"8433"`) || !strings.Contains(out, `"confidence":"supported"`) {
		t.Errorf("params json: %d %s", code, out)
	}
	for _, sub := range []string{"retirement-age", "divisor", "pension", "contribution", "unemployment", "account", "params"} {
		if code, _, errs := runHrss(t, "", "rules", sub, "--help"); code != 0 || !strings.Contains(errs, "Usage: hrss rules "+sub) {
			t.Errorf("%s --help: %d %s", sub, code, errs)
		}
	}
	if code, out, _ := runHrss(t, "", "rules", "--help"); code != 0 || !strings.Contains(out, "retirement-age") {
		t.Errorf("rules --help: %d %s", code, out)
	}
	bad := []struct {
		stdin string
		args  []string
		err   string
	}{
		{"", []string{"rules"}, "Subcommands"},
		{"", []string{"rules", "divisor", "--age", "50y13m"}, "not an age"},
		{"", []string{"rules", "retirement-age", "--category", "male", "--birth", "1965-13"}, "not a real month"},
		{"{}", []string{"rules", "contribution"}, "period"},
		{`{"division":"330402","wage":"65.001"}`, []string{"rules", "contribution"}, "not an amount"},
		{`{"divison":"330402"}`, []string{"rules", "unemployment"}, "unknown field"},
		{"", []string{"rules", "params", "--division", "33"}, "not a GB/T 2260 division code"},
	}
	for _, b := range bad {
		code, _, errs := runHrss(t, b.stdin, b.args...)
		if code != 2 || !strings.Contains(errs, b.err) {
			t.Errorf("%v: status %d, stderr %q; want 2 and %q", b.args, code, errs, b.err)
		}
	}
}

// TestRulesParamsOverride checks --params: an override directory changes
// the result, and a broken file stops the command naming file and line.
func TestRulesParamsOverride(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "tier.yaml")
	os.WriteFile(file, []byte("parameters:\n  - name: unemployment.benefit_ratio\n    jurisdiction: \"330000\"\n    unit: factor\n    values:\n      - {from: 2025-01-01, value: \"0.8\", reference: test, confidence: verified}\n"), 0o644)
	in := `{"division":"330402","separated":"2025-03-15","involuntary":true,"contribution_months":70,"carried_months":0}`
	code, out, errs := runHrss(t, in, "--params", dir, "rules", "unemployment", "--json")
	if code != 0 || !strings.Contains(out, `"monthly_amount":"1992.00"`) {
		t.Errorf("override: %d %s %s", code, out, errs)
	}
	os.WriteFile(file, []byte("parameters:\n  - name: unemployment.benefit_ratio\n    jurisdiction: \"330000\"\n    unit: factor\n    values:\n      - {from: 2025-01-01, value: \"0.8\", reference: test}\n"), 0o644)
	code, _, errs = runHrss(t, in, "--params", dir, "rules", "unemployment", "--json")
	if code != 2 || !strings.Contains(errs, file+":6: missing key confidence") {
		t.Errorf("broken override: %d %s", code, errs)
	}
}
