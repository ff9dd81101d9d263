package rules_test

import (
	"strings"
	"testing"

	"hrss/rules"
	"hrss/rules/period"
)

var jiaxingCounties = []string{"330402", "330411", "330421", "330424", "330481", "330482", "330483"}

// TestEmploymentRules reads the employment services' embedded parameters
// and checks that broken overrides are refused with their rule.
func TestEmploymentRules(t *testing.T) {
	p, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	day := period.Date{Y: 2026, M: 6, D: 15}
	r, err := p.EmploymentRules("330400", jiaxingCounties, day)
	if err != nil {
		t.Fatal(err)
	}
	if r.BriefingDays != 30 || r.PackageDays != 180 || r.AttributionDays != 180 || r.Weights != [6]int64{3000, 3000, 1000, 1000, 1000, 1000} ||
		len(r.Neighbours) != 7 || strings.Join(r.Neighbours["330483"], " ") != "330411 330481" {
		t.Fatalf("rules %+v", r)
	}
	entry := func(name, unit, value string) string {
		return "parameters:\n  - name: " + name + "\n    unit: " + unit + "\n    jurisdiction: \"330400\"\n    values:\n" +
			"      - {from: 2020-01-01, value: \"" + value + "\", reference: test, confidence: unverified}\n"
	}
	for _, c := range []struct{ name, file, want string }{
		{"a bad code", entry("employment.neighbours.330402", "divisions", "330411 33041"), `x.yaml:6: bad number for unit divisions: "33041" is not a six-digit division code`},
		{"a code twice", entry("employment.neighbours.330402", "divisions", "330411 330411"), "division 330411 is listed twice"},
		{"days are whole", entry("employment.followup_briefing_days", "days", "1.5"), `"1.5" is not a whole number of days`},
		{"a table of divisions", "parameters:\n  - name: x.y\n    description: d\n    unit: table\n    key: year\n    of: divisions\n    jurisdiction: \"330400\"\n    values:\n      - {from: 2020-01-01, value: {1: 2}, reference: r, confidence: unverified}\n", `unknown unit "divisions" for table numbers`},
	} {
		if _, err := p.Overlay("x.yaml", []byte(c.file)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
	for _, c := range []struct{ name, file, want string }{
		{"not symmetric", entry("employment.neighbours.330483", "divisions", "330411 330481 330402"), "330483 lists 330402 as a neighbour but 330402 does not list 330483"},
		{"outside the city", entry("employment.neighbours.330483", "divisions", "330411 330102"), "330102 is not a county-level division of the city"},
		{"hundredths", entry("employment.match_weight.skills", "factor", "29.995"), "more than two decimals"},
		{"the sum", entry("employment.match_weight.skills", "factor", "29.99"), "sum to 99.99 points, not 100"},
	} {
		o, err := p.Overlay("x.yaml", []byte(c.file))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if _, err := o.EmploymentRules("330400", jiaxingCounties, day); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}
