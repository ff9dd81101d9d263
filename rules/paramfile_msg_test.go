package rules_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/msg"
)

// moreBrokenFiles break the parameter and programme files in the ways
// brokenFiles do not, for their messages.
var moreBrokenFiles = func() []string {
	const v = "    values: [{from: 2025-01-01, value: \"0.1\", reference: r, confidence: verified}]\n"
	const prog = "programmes:\n  - code: p_one\n    formula: job_expansion\n    family: job_expansion\n    name_zh: 甲\n    name_en: one\n    beneficiary: employer\n" +
		"    groups: [graduate_of_year]\n    insurances: [unemployment]\n    from: 2026-01-01\n    reference: r\n    confidence: unverified\n"
	return []string{
		"parameters: {a: 1}\n",
		"- a\n",
		"parameters:\n  - &x {name: test.rate}\n  - *x\n",
		"parameters:\n  - name: test.rate\n    name: test.rate\n",
		"parameters:\n  - name: test.rate\n    description: d\n    unit: rate\n    jurisdiction: \"330000\"\n    replace: maybe\n" + v,
		"parameters:\n  - name: test.rate\n    description: d\n    unit: table\n    key: colour\n    of: table\n    jurisdiction: \"330000\"\n" + v,
		"parameters:\n  - name: test.rate\n    description: d\n    unit: table\n    key: tier\n    of: yuan\n    jurisdiction: \"330000\"\n    values: [{from: 2025-01-01, value: \"3\", reference: r, confidence: verified}]\n",
		"parameters:\n  - name: test.rate\n    description: d\n    unit: table\n    key: tier\n    of: yuan\n    jurisdiction: \"330000\"\n    values: [{from: 2025-01-01, value: {a: 1, 2: [1], 3: x}, reference: r, confidence: verified}]\n",
		"parameters:\n  - name: test.rate\n    description: d\n    unit: year_month\n    jurisdiction: \"330000\"\n    values: [{from: 2025-01-01, value: 2025-13, reference: r, confidence: verified}]\n",
		"parameters:\n  - name: test.rate\n    description: d\n    unit: rate\n    jurisdiction: \"330000\"\n    values: [{from: 2025-01-01, value: [1], reference: r, confidence: verified}]\n",
		"parameters:\n  - name: test.rate\n    description: d\n    unit: rate\n    jurisdiction: \"330000\"\n    values: [{from: 2025-01-01, reference: r, confidence: verified}]\n",
		"parameters:\n  - name: pension.employer_rate\n    description: d\n    unit: yuan\n    replace: true\n    jurisdiction: \"330000\"\n    values: [{from: 2025-01-01, value: \"1\", reference: r, confidence: verified}]\n",
		"programmes: {a: 1}\n",
		strings.NewReplacer("code: p_one", "code: P-One", "beneficiary: employer", "beneficiary: nobody", "groups: [graduate_of_year]", "groups: [x, [y]]",
			"insurances: [unemployment]", "insurances: nothing", "from: 2026-01-01", "from: 2026-02-30\n    until: 2026-13-01\n    claim_until: soon").Replace(prog),
		strings.NewReplacer("groups: [graduate_of_year]", "groups: []", "insurances: [unemployment]", "insurances: [unemployment, dental]\n    per_employer: sometimes",
			"from: 2026-01-01", "from: 2026-01-01\n    until: 2025-01-01\n    claim_until: 2024-01-01").Replace(prog),
		strings.Replace(prog, "formula: job_expansion", "formula: jobs", 1),
		strings.Replace(prog, "groups: [graduate_of_year]", "groups: []", 1),
		prog + strings.Replace(strings.Replace(prog, "programmes:\n", "", 1), "family: job_expansion", "family: job_expansion\n    # again", 1),
		strings.Replace(prog, "family: job_expansion", "family: startup_subsidy", 1) +
			"parameters:\n  - {name: support.p_one.amount, description: d, unit: rate, jurisdiction: \"330400\", values: [{from: 2026-01-01, value: \"0.1\", reference: r, confidence: unverified}]}\n",
	}
}()

// TestParamFileErrorsInCatalogue: every error of a broken parameter file
// is a message of the catalogue (paramfile.*) with its arguments, written
// after its file:line in each language; the error's English is its
// Message; and every paramfile.* key is emitted by some broken file.
func TestParamFileErrorsInCatalogue(t *testing.T) {
	base, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	files := moreBrokenFiles
	for _, c := range brokenFiles {
		files = append(files, c.data)
	}
	used := map[string]bool{}
	for i, data := range files {
		_, err := base.Overlay("broken.yaml", []byte(data))
		var fe *fault.Error
		var words rules.FileErrors
		if !errors.As(err, &fe) || !fe.Worded() {
			t.Fatalf("file %d: %v is not worded by the catalogue", i, err)
		}
		words, ok := fe.Words.(rules.FileErrors)
		if !ok || len(words) == 0 {
			t.Fatalf("file %d: the words of %v are no file errors", i, err)
		}
		if fe.Message != words.In(msg.EN) {
			t.Errorf("file %d: message %q is not the English of its words", i, fe.Message)
		}
		for _, w := range words {
			used[w.Key] = true
			if err := msg.Check(w.Key, w.Args...); err != nil {
				t.Errorf("file %d: %v", i, err)
			}
			if zh := w.In(msg.ZH); !located.MatchString(zh) {
				t.Errorf("file %d: %q does not start with its file and line", i, zh)
			}
		}
	}
	for _, k := range msg.Keys() {
		if strings.HasPrefix(k, "paramfile.") && !used[k] && !unreachedParamKeys[k] {
			t.Errorf("catalogue key %s is emitted by no broken file here", k)
		}
	}
}

// located is an error's file and line.
var located = regexp.MustCompile(`^[^:]+\.yaml:[0-9]+: `)

// unreachedParamKeys are errors no overlay can reach: the embedded
// baseline's (a parameter or a programme defined twice, a unit the
// formulas do not read).
var unreachedParamKeys = map[string]bool{"paramfile.duplicate": true, "paramfile.programme_twice": true, "paramfile.schema": true}
