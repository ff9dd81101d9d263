package rules_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// TestBrokenFilesRefused checks that each kind of broken parameter file is
// refused with an Invalid error naming the file and the line.
func TestBrokenFilesRefused(t *testing.T) {
	base, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range brokenFiles {
		t.Run(c.name, func(t *testing.T) {
			_, err := base.Overlay("broken.yaml", []byte(c.data))
			if err == nil {
				t.Fatalf("accepted; want %q", c.want)
			}
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Kind != fault.Invalid {
				t.Errorf("error %v is not an Invalid fault.Error", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error\n  %v\nwant it to contain\n  %s", err, c.want)
			}
		})
	}
}

const brokenHead = "parameters:\n  - name: test.rate\n    description: a test\n"

// brokenFiles are broken parameter files and what their error says.
var brokenFiles = func() []struct{ name, data, want string } {
	const head = brokenHead
	return []struct{ name, data, want string }{
		{"unknown unit", head + "    unit: yuan_per_week\n    jurisdiction: \"330000\"\n    values: [{from: 2025-01-01, value: 1, reference: r, confidence: verified}]\n",
			"broken.yaml:4: unknown unit \"yuan_per_week\""},
		{"unsorted dates", head + "    unit: rate\n    jurisdiction: \"330000\"\n    values:\n      - {from: 2025-01-01, value: \"0.1\", reference: r, confidence: verified}\n      - {from: 2024-01-01, value: \"0.2\", reference: r, confidence: verified}\n",
			"broken.yaml:8: unsorted dates"},
		{"duplicate date", head + "    unit: rate\n    jurisdiction: \"330000\"\n    values:\n      - {from: 2025-01-01, value: \"0.1\", reference: r, confidence: verified}\n      - {from: 2025-01-01, value: \"0.2\", reference: r, confidence: verified}\n",
			"broken.yaml:8: duplicate date"},
		{"no reference", head + "    unit: rate\n    jurisdiction: \"330000\"\n    values:\n      - from: 2025-01-01\n        value: \"0.1\"\n        confidence: verified\n",
			"broken.yaml:7: missing key reference"},
		{"empty reference", head + "    unit: rate\n    jurisdiction: \"330000\"\n    values:\n      - from: 2025-01-01\n        value: \"0.1\"\n        reference: \"\"\n        confidence: verified\n",
			"broken.yaml:9: reference must be a non-empty value"},
		{"no confidence", head + "    unit: rate\n    jurisdiction: \"330000\"\n    values:\n      - from: 2025-01-01\n        value: \"0.1\"\n        reference: r\n",
			"broken.yaml:7: missing key confidence"},
		{"bad confidence", head + "    unit: rate\n    jurisdiction: \"330000\"\n    values:\n      - from: 2025-01-01\n        value: \"0.1\"\n        reference: r\n        confidence: probably\n",
			"broken.yaml:10: confidence \"probably\""},
		{"unknown entry key", head + "    unit: rate\n    jurisdication: \"330000\"\n",
			"broken.yaml:5: unknown key \"jurisdication\""},
		{"unknown value key", head + "    unit: rate\n    jurisdiction: \"330000\"\n    values:\n      - from: 2025-01-01\n        value: \"0.1\"\n        refrence: r\n        confidence: verified\n",
			"broken.yaml:9: unknown key \"refrence\""},
		{"percent sign", head + "    unit: rate\n    jurisdiction: \"330000\"\n    values:\n      - from: 2025-01-01\n        value: 16%\n        reference: r\n        confidence: verified\n",
			"broken.yaml:8: bad number for unit rate"},
		{"rate above one", head + "    unit: rate\n    jurisdiction: \"330000\"\n    values:\n      - from: 2025-01-01\n        value: 16\n        reference: r\n        confidence: verified\n",
			"broken.yaml:8: bad number for unit rate: rate \"16\" is above 1"},
		{"exponent", head + "    unit: factor\n    jurisdiction: \"330000\"\n    values:\n      - {from: 2025-01-01, value: 1e-3, reference: r, confidence: verified}\n",
			"broken.yaml:7: bad number for unit factor"},
		{"three decimals of yuan", head + "    unit: yuan\n    jurisdiction: \"330000\"\n    values:\n      - {from: 2025-01-01, value: 12.345, reference: r, confidence: verified}\n",
			"broken.yaml:7: bad number for unit yuan"},
		{"bad date", head + "    unit: rate\n    jurisdiction: \"330000\"\n    values:\n      - {from: 2025-02-29, value: \"0.1\", reference: r, confidence: verified}\n",
			"broken.yaml:7: from: \"2025-02-29\" is not a real calendar date"},
		{"bad jurisdiction", head + "    unit: rate\n    jurisdiction: \"3304\"\n    values:\n      - {from: 2025-01-01, value: \"0.1\", reference: r, confidence: verified}\n",
			"broken.yaml:5: jurisdiction \"3304\""},
		{"no values", head + "    unit: rate\n    jurisdiction: \"330000\"\n    values: []\n",
			"broken.yaml:6: values must be a non-empty list"},
		{"table key repeated", head + "    unit: table\n    key: tier\n    of: yuan\n    jurisdiction: \"330000\"\n    values:\n      - {from: 2025-01-01, value: {1: 10, 1: 20}, reference: r, confidence: verified}\n",
			"broken.yaml:9: table keys must be ascending and unique"},
		{"table without key", head + "    unit: table\n    of: yuan\n    jurisdiction: \"330000\"\n    values:\n      - {from: 2025-01-01, value: {1: 10}, reference: r, confidence: verified}\n",
			"broken.yaml:2: missing key key"},
		{"key on a scalar", head + "    unit: rate\n    key: tier\n    jurisdiction: \"330000\"\n    values:\n      - {from: 2025-01-01, value: \"0.1\", reference: r, confidence: verified}\n",
			"broken.yaml:5: key is only for unit table"},
		{"bad name", "parameters:\n  - name: Pension Rate\n    description: x\n    unit: rate\n    jurisdiction: \"330000\"\n    values: [{from: 2025-01-01, value: \"0.1\", reference: r, confidence: verified}]\n",
			"broken.yaml:2: name \"Pension Rate\""},
		{"new parameter without description", "parameters:\n  - name: test.other\n    unit: rate\n    jurisdiction: \"330000\"\n    values: [{from: 2025-01-01, value: \"0.1\", reference: r, confidence: verified}]\n",
			"broken.yaml:2: parameter test.other is new here: it needs a description"},
		{"unit changed by an override", "parameters:\n  - name: pension.calc_base\n    unit: rate\n    jurisdiction: \"330000\"\n    values: [{from: 2026-01-01, value: \"0.1\", reference: r, confidence: verified}]\n",
			"broken.yaml:3: parameter pension.calc_base has unit yuan_per_month"},
		{"yaml syntax", "parameters:\n  - name: test.rate\n    unit: rate: x\n", "broken.yaml:3: mapping values are not allowed"},
		{"empty file", "", "broken.yaml:1: empty file"},
		{"wrong top key", "params: []\n", "broken.yaml:1: unknown key \"params\""},
	}
}()

// TestOverrideDirectory checks Load with a deployment's directory: values
// are added and overridden, and a broken file there names its path and line.
func TestOverrideDirectory(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "jiaxing.yaml"), `parameters:
  - name: medical.employer_rate
    jurisdiction: "330400"
    unit: rate
    values:
      - {from: 2026-01-01, value: "0.07", reference: 嘉兴 notice (test), confidence: verified}
  - name: minimum_wage.tier
    jurisdiction: "330483"
    unit: tier
    values:
      - {from: 2024-01-01, value: 1, reference: test, confidence: verified}
`)
	write(t, filepath.Join(dir, "README.txt"), "not a parameter file")
	p, err := rules.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	v, err := p.Lookup("medical.employer_rate", period.Date{Y: 2026, M: 3, D: 1}, "330402")
	if err != nil || v.Text != "0.07" || v.Confidence != rules.Verified {
		t.Errorf("override: got %+v, %v", v, err)
	}
	v, _ = p.Lookup("medical.employer_rate", period.Date{Y: 2025, M: 12, D: 31}, "330402")
	if v.Text != "0.075" {
		t.Errorf("the embedded value before the override: got %s", v.Text)
	}
	if v, _ := p.Lookup("minimum_wage.tier", period.Date{Y: 2025, M: 1, D: 1}, "330483"); v.Text != "1" || v.Jurisdiction != "330483" {
		t.Errorf("added county value: got %+v", v)
	}
	base, _ := rules.Embedded()
	if v, _ := base.Lookup("medical.employer_rate", period.Date{Y: 2026, M: 3, D: 1}, "330402"); v.Text != "0.075" {
		t.Errorf("Load changed the embedded parameters: %s", v.Text)
	}
	write(t, filepath.Join(dir, "zz-broken.yml"), "parameters:\n  - name: pension.subsidy\n    jurisdiction: \"330000\"\n    unit: yuan_per_month\n    values:\n      - {from: 2026-01-01, value: abc, reference: r, confidence: verified}\n")
	_, err = rules.Load(dir)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "zz-broken.yml")+":6: bad number") {
		t.Errorf("broken override: got %v", err)
	}
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestUnverifiedValuesSayConfirm checks that every unverified value tells a
// deployment to confirm it, and every value has a source.
func TestUnverifiedValuesSayConfirm(t *testing.T) {
	p, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, name := range p.Names() {
		for _, v := range p.History(name) {
			if v.Reference == "" || v.Confidence == "" || v.File == "" || v.Line == 0 {
				t.Errorf("%s (%s, %s) lacks its source: %+v", name, v.Jurisdiction, v.From, v)
			}
			if v.Confidence == rules.Unverified {
				n++
				if !strings.Contains(v.Description+v.Note, "confirm") {
					t.Errorf("%s:%d: unverified %s (%s) does not say a deployment must confirm it", v.File, v.Line, name, v.Jurisdiction)
				}
			}
		}
	}
	if n == 0 {
		t.Error("no unverified values: RULES.md has several [U] items")
	}
}

// TestOverlayKeepsDescription: a value overlaid without a description keeps
// its jurisdiction's description, not another jurisdiction's.
func TestOverlayKeepsDescription(t *testing.T) {
	base, _ := rules.Embedded()
	p, err := base.Overlay("o.yaml", []byte("parameters:\n  - name: pension.employer_rate\n    jurisdiction: \"330000\"\n    unit: rate\n    values: [{from: 2026-01-01, value: \"0.15\", reference: r, confidence: unverified}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []period.Date{{Y: 2026, M: 1, D: 1}, {Y: 2024, M: 1, D: 1}} {
		v, _ := p.Lookup("pension.employer_rate", at, "330402")
		if !strings.Contains(v.Description, "Zhejiang") {
			t.Errorf("%s: description %q", at, v.Description)
		}
	}
}
