package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"hrss/registry/ident"
	"hrss/rules/period"
)

// Only the samples printed in GB 11643-1999 and GB 32100-2015 and generated
// numbers appear here, never a real person's.
func TestIdcheckJSON(t *testing.T) {
	generated := string(ident.NewResidentID("330402", period.Date{Y: 1988, M: 6, D: 15}, 41))
	enterprise := string(ident.NewCreditCode('9', '1', "330402", 12345678))
	villageCoop := string(ident.NewCreditCode('N', '2', "330481", 7))

	type want struct {
		kind     string
		valid    bool
		errHas   string // substring of error, "" when valid
		birth    string // "" when absent
		sex      string
		division string
		canon    string
	}
	cases := []struct {
		in string
		want
	}{
		{"11010519491231002X", want{"resident-id", true, "", "1949-12-31", "female", "110105", ""}},
		{"440524188001010014", want{"resident-id", true, "", "1880-01-01", "male", "440524", ""}},
		{"11010519491231002x", want{"resident-id", true, "", "1949-12-31", "female", "110105", "11010519491231002X"}},
		{"110105491231002", want{"resident-id", true, "", "1949-12-31", "female", "110105", "11010519491231002X"}},
		{generated, want{"resident-id", true, "", "1988-06-15", "male", "330402", ""}},
		{"91110000600037341L", want{"credit-code", true, "", "", "", "", ""}},
		{enterprise, want{"credit-code", true, "", "", "", "", ""}},
		{strings.ToLower(villageCoop), want{"credit-code", true, "", "", "", "", villageCoop}},
		{"110105194912310027", want{"resident-id", false, "check character is 7 but must be X", "", "", "", ""}},
		{generated[:10] + "0230" + generated[14:17] + "0", want{"resident-id", false, "not a real calendar date", "", "", "", ""}},
		{"91110000600037341M", want{"credit-code", false, "must be L", "", "", "", ""}},
		{"hello", want{"unknown", false, "has 5 characters", "", "", "", ""}},
	}
	args := []string{"idcheck", "--json"}
	for _, c := range cases {
		args = append(args, c.in)
	}
	var stdout, stderr bytes.Buffer
	if code := run(args, strings.NewReader(""), &stdout, &stderr); code != 1 {
		t.Fatalf("exit status %d, want 1 (some numbers invalid); stderr %q", code, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr %q, want nothing", stderr.String())
	}
	// Exactly one JSON array of objects with exactly the documented keys.
	var raw []map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &raw); err != nil {
		t.Fatalf("output is not a JSON array: %v\n%s", err, stdout.String())
	}
	if len(raw) != len(cases) {
		t.Fatalf("%d results for %d numbers", len(raw), len(cases))
	}
	for i, c := range cases {
		r := raw[i]
		str := func(k string) string { s, _ := r[k].(string); return s }
		if str("input") != c.in || str("kind") != c.kind || r["valid"] != c.valid {
			t.Errorf("%q: got %v", c.in, r)
			continue
		}
		if e, ok := r["error"].(string); !ok || (c.valid && e != "") || (!c.valid && !strings.Contains(e, c.errHas)) {
			t.Errorf("%q: error %v, want %q", c.in, r["error"], c.errHas)
		}
		for _, kv := range [][2]string{{"birth", c.birth}, {"sex", c.sex}, {"division", c.division}, {"canonical", c.canon}} {
			v, present := r[kv[0]]
			if kv[1] == "" && present {
				t.Errorf("%q: %s = %v present, want it omitted", c.in, kv[0], v)
			}
			if kv[1] != "" && v != kv[1] {
				t.Errorf("%q: %s = %v, want %s", c.in, kv[0], v, kv[1])
			}
		}
		for k := range r {
			switch k {
			case "input", "kind", "valid", "error", "birth", "sex", "division", "canonical":
			default:
				t.Errorf("%q: unexpected key %q", c.in, k)
			}
		}
	}
}

func TestIdcheckExitStatus(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"idcheck", "11010519491231002X"}, 0},
		{[]string{"idcheck", "--json", "11010519491231002X", "91110000600037341L", "110105491231002"}, 0},
		{[]string{"idcheck", "11010519491231002X", "11010519491231002Y"}, 1},
		{[]string{"idcheck", "--json", "x"}, 1},
		{[]string{"idcheck", ""}, 1},
		{[]string{"idcheck"}, 2},
		{[]string{"idcheck", "--bogus", "11010519491231002X"}, 2},
		{[]string{"idcheck", "--help"}, 0},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := run(tt.args, strings.NewReader(""), &stdout, &stderr); code != tt.code {
			t.Errorf("hrss %q: exit status %d, want %d; stdout %q stderr %q", tt.args, code, tt.code, stdout.String(), stderr.String())
		}
	}
}

func TestIdcheckText(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"idcheck", "11010519491231002X", "110105491231002", "91110000600037341L", "110105194912310027", "-"},
		strings.NewReader("440524188001010014\n\n 91110000600037341l \n"), &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit status %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	wants := []string{
		"11010519491231002X: valid resident ID number: female, born 1949-12-31, division 110105",
		"110105491231002: valid resident ID number (legacy 15-digit form of 11010519491231002X): female, born 1949-12-31, division 110105",
		"91110000600037341L: valid unified social credit code: category 91, division 110000",
		"110105194912310027: invalid resident ID number: check character is 7 but must be X (GB 11643-1999 ISO 7064 MOD 11-2) [resident_id.check_character]",
		"440524188001010014: valid resident ID number: male, born 1880-01-01, division 440524",
		"91110000600037341l: valid unified social credit code (canonical form 91110000600037341L): category 91, division 110000",
	}
	if len(lines) != len(wants) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(wants), stdout.String())
	}
	for i := range wants {
		if lines[i] != wants[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, lines[i], wants[i])
		}
	}
}
