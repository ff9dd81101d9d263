package rules_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

// A case file (testdata/*.yaml) holds rule tests as data:
//
//	formula: contribution          # default for the cases below
//	cases:
//	  - name: what it checks
//	    formula: pension           # optional, overrides the file's
//	    params: {parameters: [...]} # optional overlay, format of rules/params
//	    input: {...}               # the formula's JSON input, written as YAML
//	    want: {...}                # fields of the JSON result (a subset; lists in full)
//	    error: substring           # instead of want: the error expected
//	    trace_params: [name, ...]  # parameters the trace must show
type caseFile struct {
	Formula string     `yaml:"formula"`
	Cases   []ruleCase `yaml:"cases"`
}

type ruleCase struct {
	Name        string    `yaml:"name"`
	Formula     string    `yaml:"formula"`
	Params      yaml.Node `yaml:"params"`
	Input       yaml.Node `yaml:"input"`
	Want        yaml.Node `yaml:"want"`
	Error       string    `yaml:"error"`
	TraceParams []string  `yaml:"trace_params"`
}

// formula runs one formula from its JSON input.
type formula func(p *rules.Params, in []byte) (any, error)

// call adapts a formula method to the runner.
func call[T any, R any](f func(p *rules.Params, in T) (R, error)) formula {
	return func(p *rules.Params, data []byte) (any, error) {
		var in T
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return nil, err
		}
		return f(p, in)
	}
}

type divisorIn struct {
	Age      rules.Age        `json:"age"`
	At       period.YearMonth `json:"at"`
	Division string           `json:"division"`
}

type monthIn struct {
	Month    period.YearMonth `json:"month"`
	Division string           `json:"division"`
}

type paramIn struct {
	Name     string      `json:"name"`
	At       period.Date `json:"at"`
	Division string      `json:"division"`
}

type yearIn struct {
	Division string `json:"division"`
	Year     int    `json:"year"`
}

type limitsIn struct {
	Division string           `json:"division"`
	Period   period.YearMonth `json:"period"`
}

type lateFeeIn struct {
	Unpaid   money.Fen   `json:"unpaid"`
	Due      period.Date `json:"due"`
	Paid     period.Date `json:"paid"`
	Division string      `json:"division"`
}

type supportIn struct {
	Programme string `json:"programme"`
	rules.Facts
}

type loanMonthIn struct {
	rules.LoanInput
	Month     int  `json:"month"`
	InDefault bool `json:"in_default"`
}

var formulas = map[string]formula{
	"support":    call(func(p *rules.Params, in supportIn) (any, error) { return p.Decide(in.Programme, in.Facts, true) }),
	"loan_terms": call(func(p *rules.Params, in rules.LoanInput) (any, error) { return p.LoanTerms(in, true) }),
	"loan_month": call(func(p *rules.Params, in loanMonthIn) (any, error) {
		t, err := p.LoanTerms(in.LoanInput, false)
		if err != nil {
			return nil, err
		}
		m := rules.LoanSchedule(in.LoanInput, t)[in.Month-1]
		claim, _, err := p.LoanSubsidy(in.Programme, in.Division, in.Signed, m, in.InDefault, false)
		return map[string]any{"period": m.Period, "loan_year": m.LoanYear, "interest": m.Interest, "borrower": m.Borrower, "subsidy": m.Subsidy, "claim": claim, "repaid": m.Repaid}, err
	}),
	"retirement_age": call(func(p *rules.Params, in rules.RetirementInput) (any, error) { return p.RetirementAge(in, true) }),
	"divisor": call(func(p *rules.Params, in divisorIn) (any, error) {
		return p.Divisor(in.Age, in.At, in.Division, true)
	}),
	"min_contribution": call(func(p *rules.Params, in monthIn) (any, error) {
		n, err := p.MinContributionMonths(in.Month, in.Division)
		return map[string]int{"months": n}, err
	}),
	"pension":      call(func(p *rules.Params, in rules.PensionInput) (any, error) { return p.Pension(in, true) }),
	"contribution": call(func(p *rules.Params, in rules.ContributionInput) (any, error) { return p.Contribution(in, true) }),
	"unemployment": call(func(p *rules.Params, in rules.UnemploymentInput) (any, error) { return p.UnemploymentBenefit(in, true) }),
	"account":      call(func(p *rules.Params, in rules.AccountInput) (any, error) { return p.Account(in, true) }),
	"retirement_interest": call(func(p *rules.Params, in rules.RetirementInterestInput) (any, error) {
		return p.RetirementInterest(in, true)
	}),
	"calc_base_published": call(func(p *rules.Params, in yearIn) (any, error) {
		ok, err := p.CalcBasePublished(in.Division, in.Year)
		return map[string]bool{"published": ok}, err
	}),
	"pension_recomputation": call(func(p *rules.Params, in rules.RecomputationInput) (any, error) {
		return p.PensionRecomputation(in, true)
	}),
	"param": call(func(p *rules.Params, in paramIn) (any, error) {
		return p.Lookup(in.Name, in.At, in.Division)
	}),
	"base_limits": call(func(p *rules.Params, in limitsIn) (any, error) {
		f, c, err := p.BaseLimits(in.Division, in.Period)
		return map[string]money.Fen{"floor": f, "ceiling": c}, err
	}),
	"late_fee": call(func(p *rules.Params, in lateFeeIn) (any, error) {
		f, err := p.LateFee(in.Unpaid, in.Due, in.Paid, in.Division)
		return map[string]money.Fen{"fee": f}, err
	}),
}

func TestRuleCases(t *testing.T) {
	base, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/*.yaml")
	if len(files) == 0 {
		t.Fatal("no rule cases in testdata")
	}
	n := 0
	for _, file := range files {
		cf := readCaseFile(t, file)
		for i, c := range cf.Cases {
			if c.Formula == "" {
				c.Formula = cf.Formula
			}
			name := fmt.Sprintf("%s/%d %s", filepath.Base(file), i+1, c.Name)
			t.Run(name, func(t *testing.T) { runCase(t, base, file, c) })
			n++
		}
	}
	t.Logf("%d rule cases", n)
}

func readCaseFile(t *testing.T, file string) caseFile {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var cf caseFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cf); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return cf
}

func runCase(t *testing.T, base *rules.Params, file string, c ruleCase) {
	f := formulas[c.Formula]
	if f == nil {
		t.Fatalf("%s:%d: unknown formula %q", file, c.Input.Line, c.Formula)
	}
	p := base
	if c.Params.Kind != 0 {
		data, err := yaml.Marshal(&c.Params)
		if err != nil {
			t.Fatal(err)
		}
		if p, err = base.Overlay(fmt.Sprintf("%s (case at line %d)", file, c.Params.Line), data); err != nil {
			t.Fatalf("params overlay: %v", err)
		}
	}
	in, err := json.Marshal(jsonValue(&c.Input))
	if err != nil {
		t.Fatal(err)
	}
	res, err := f(p, in)
	if c.Error != "" {
		if err == nil || !strings.Contains(err.Error(), c.Error) {
			t.Fatalf("%s:%d: want error containing %q, got %v", file, c.Input.Line, c.Error, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s:%d: %v", file, c.Input.Line, err)
	}
	got := toGeneric(t, res)
	for _, msg := range match("", &c.Want, got) {
		t.Errorf("%s:%d: %s", file, c.Want.Line, msg)
	}
	checkTrace(t, got, c.TraceParams)
}

// jsonValue converts a YAML input node to a JSON value: integers and
// booleans as such, every other scalar (decimals, amounts, dates) as a
// string, which is how the JSON inputs carry them.
func jsonValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		return jsonValue(n.Content[0])
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = jsonValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		s := []any{}
		for _, c := range n.Content {
			s = append(s, jsonValue(c))
		}
		return s
	case 0:
		return map[string]any{}
	}
	switch n.Tag {
	case "!!int":
		return json.Number(n.Value)
	case "!!bool":
		return n.Value == "true"
	case "!!null":
		return nil
	}
	return n.Value
}

func toGeneric(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var g any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&g); err != nil {
		t.Fatal(err)
	}
	return g
}

// match compares want (a YAML node) with got (a generic JSON value): maps
// by the keys wanted, lists element by element and in full, scalars as
// text.
func match(path string, want *yaml.Node, got any) []string {
	switch want.Kind {
	case 0:
		return nil
	case yaml.MappingNode:
		m, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object, got %v", path, got)}
		}
		var out []string
		for i := 0; i+1 < len(want.Content); i += 2 {
			k := want.Content[i].Value
			v, ok := m[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: missing in the result", path, k))
				continue
			}
			out = append(out, match(path+"."+k, want.Content[i+1], v)...)
		}
		return out
	case yaml.SequenceNode:
		s, ok := got.([]any)
		if !ok || len(s) != len(want.Content) {
			return []string{fmt.Sprintf("%s: want %d elements, got %v", path, len(want.Content), got)}
		}
		var out []string
		for i, w := range want.Content {
			out = append(out, match(fmt.Sprintf("%s[%d]", path, i), w, s[i])...)
		}
		return out
	}
	g := fmt.Sprint(got)
	if got == nil {
		g = "null"
	}
	if g != want.Value {
		return []string{fmt.Sprintf("%s: want %s, got %s", path, want.Value, g)}
	}
	return nil
}

// checkTrace checks that every parameter step names its jurisdiction,
// date, reference and confidence, and that the named parameters appear.
func checkTrace(t *testing.T, got any, names []string) {
	t.Helper()
	m, _ := got.(map[string]any)
	steps, _ := m["trace"].([]any)
	seen := map[string]bool{}
	for _, s := range steps {
		st := s.(map[string]any)
		if st["kind"] != "parameter" {
			continue
		}
		name := fmt.Sprint(st["name"])
		if i := strings.IndexByte(name, '['); i > 0 {
			name = name[:i]
		}
		seen[name] = true
		for _, k := range []string{"jurisdiction", "from", "reference", "confidence"} {
			if st[k] == nil || st[k] == "" {
				t.Errorf("trace step for %s lacks %s", name, k)
			}
		}
	}
	for _, n := range names {
		if !seen[n] {
			t.Errorf("trace does not show parameter %s", n)
		}
	}
}
