package rules

import (
	"strings"
	"testing"
)

// TestSchemaComplete checks that the embedded files hold every parameter
// the formulas read, with the unit they expect.
func TestSchemaComplete(t *testing.T) {
	p, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range schema {
		d := p.defs[name]
		if d == nil {
			t.Errorf("parameter %s is read by a formula but not in rules/params", name)
			continue
		}
		if d.unit != want.unit || d.key != want.key || d.of != want.of {
			t.Errorf("%s: unit %s/%s/%s, want %s/%s/%s", name, d.unit, d.key, d.of, want.unit, want.key, want.of)
		}
	}
}

// TestBaselineDuplicateRefused checks that the embedded set may define a
// parameter only once per jurisdiction.
func TestBaselineDuplicateRefused(t *testing.T) {
	f := "parameters:\n  - name: test.x\n    description: d\n    unit: rate\n    jurisdiction: \"330000\"\n    values: [{from: 2025-01-01, value: \"0.1\", reference: r, confidence: verified}]\n"
	_, err := (&Params{defs: map[string]*def{}}).apply([]paramFile{{"a.yaml", []byte(f)}, {"b.yaml", []byte(f)}}, false)
	if err == nil || !strings.Contains(err.Error(), "b.yaml:2: parameter test.x for jurisdiction 330000 is already defined at a.yaml:2") {
		t.Errorf("got %v", err)
	}
}

func TestJurisdictions(t *testing.T) {
	cases := map[string]string{
		"330402": "330402 330400 330000 100000",
		"330400": "330400 330000 100000",
		"330000": "330000 100000",
		"100000": "100000",
		"110105": "110105 110100 110000 100000",
	}
	for code, want := range cases {
		got, err := Jurisdictions(code)
		if err != nil || strings.Join(got, " ") != want {
			t.Errorf("%s: got %v, %v; want %s", code, got, err, want)
		}
	}
	for _, bad := range []string{"", "33040", "3304021", "33040a", "000000", "100100", "330012"} {
		if _, err := Jurisdictions(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
