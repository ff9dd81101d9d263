package rules_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// TestEveryMessageInCatalogue runs every formula with its trace (every
// rule case of testdata, a sample of contributions, projections and loan
// subsidies) and checks that each step, reason and error it emits is a
// key of the catalogue whose text in each language finds all of its
// arguments, and that each step's name has a label; that the steps come
// back the same from JSON; and that every key of the catalogue is used.
func TestEveryMessageInCatalogue(t *testing.T) {
	p, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	c := &keyCheck{t: t, used: map[string]bool{}}
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, file := range files {
		cf := readCaseFile(t, file)
		for _, rc := range cf.Cases {
			if rc.Formula == "" {
				rc.Formula = cf.Formula
			}
			if rc.Params.Kind != 0 {
				continue // an overlay's parameters may have no label
			}
			in, err := json.Marshal(jsonValue(&rc.Input))
			if err != nil {
				t.Fatal(err)
			}
			res, err := formulas[rc.Formula](p, in)
			where := fmt.Sprintf("%s %q", filepath.Base(file), rc.Name)
			c.err(where, err)
			c.result(where, res)
		}
	}
	c.samples(p)
	for _, k := range msg.Keys() {
		// labels, and the words a reason's argument is written with
		labels := strings.HasPrefix(k, "name.") || strings.HasPrefix(k, "support.group.") || strings.HasPrefix(k, "support.reason.") ||
			strings.HasPrefix(k, "insurance.") || k == "sep.items"
		if !c.used[k] && !labels && !unusedOK[k] && !ownedElsewhere(k) {
			t.Errorf("catalogue key %s is emitted by no formula run here: remove it or add a case that emits it", k)
		}
	}
}

// unusedOK are keys that the runs above do not reach: errors of inputs
// that the JSON cases cannot express and words used only by some.
var unusedOK = map[string]bool{
	"error.contribution.kind":       true, // a Kind value outside the two (Go callers only)
	"error.params.precision":        true, // a parameter file the engine cannot hold
	"error.params.range":            true,
	"error.params.at_least_one":     true,
	"error.population.period":       true,
	"error.population.float_class":  true, // the engine's check of a group, after Append
	"error.params.table_key":        true, // a divisor's missing row is error.pension.divisor_age
	"error.loan.programme":          true, // LoanTerms of a programme that is no loan (Go callers)
	"error.pension.flexible_window": true,
	"error.pension.past":            true,
	"line.value_bare":               true, // a value without a rule: none today, kept for stored traces
	"support.open_ended":            true, // a reason's date argument "open"
	// a parameter file's employment rules (TestEmploymentRules breaks them)
	"error.employment.weight_decimals":     true,
	"error.employment.weight_sum":          true,
	"error.employment.neighbour_outside":   true,
	"error.employment.neighbour_symmetric": true,
	"support.eligible.loan_month":          true, // support/loans.go's reason of a month's loan subsidy
}

// emittedElsewhere are the prefixes of keys that other packages emit,
// whose tests check them (each emitted key in the catalogue with its
// arguments, every key of the prefix emitted): match.* and education.*
// (employment's TestMatchMessagesInCatalogue), claim.stop.* (insurance's
// TestStopReasonMessages), cli.* (cmd/hrss's TestCLIMessages), and
// paramfile.* (TestParamFileErrorsInCatalogue, here).
var emittedElsewhere = []string{"match.", "education.", "claim.stop.", "cli.", "paramfile.", "record.", "error.record."}

func ownedElsewhere(k string) bool {
	for _, p := range emittedElsewhere {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

type keyCheck struct {
	t    *testing.T
	used map[string]bool
}

// samples runs the formulas that the cases do not: a contribution
// sample, projections and loan subsidies with their traces, and the
// population's errors.
func (c *keyCheck) samples(p *rules.Params) {
	r := rand.New(rand.NewPCG(3, 5))
	for range 200 {
		x := randomPerson(r)
		res, err := p.Contribution(rules.ContributionInput{Division: x.Division, Period: x.Period, Wage: x.Wage, Kind: x.Kind,
			RiskClass: x.RiskClass, Float: decimal.New(int64(x.FloatPct), -2)}, true)
		c.err("contribution sample", err)
		c.result("contribution sample", res)
	}
	for _, cat := range []rules.Category{rules.Male, rules.Female55, rules.Female50} {
		est, err := p.Project(rules.ProjectionInput{Division: "330402", Birth: period.New(1975, 8), Category: cat, From: period.New(2025, 6),
			Balance: money.Yuan(80000), ContributionYears: money.MustDec("20"), Index: money.MustDec("1"), Wage: money.Yuan(7000)})
		c.err("projection", err)
		c.err("projection", est.PensionErr)
		c.result("projection", est)
	}
	t, err := p.LoanTerms(rules.LoanInput{Programme: "startup_loan", Division: "330402", Borrower: rules.BorrowerIndividual,
		Signed: period.Date{Y: 2025, M: 4, D: 1}, Principal: money.Yuan(200000), TermMonths: 24, ContractRate: money.MustDec("0.035")}, true)
	c.err("loan", err)
	c.result("loan", t)
	for _, inDefault := range []bool{false, true} {
		m := rules.LoanSchedule(rules.LoanInput{Signed: period.Date{Y: 2025, M: 4, D: 1}, Principal: money.Yuan(200000), TermMonths: 24, ContractRate: money.MustDec("0.035")}, t)[13]
		_, steps, err := p.LoanSubsidy("startup_loan", "330402", period.Date{Y: 2025, M: 4, D: 1}, m, inDefault, true)
		c.err("loan subsidy", err)
		c.steps("loan subsidy", steps)
	}
	c.badInputs(p)
	grad, err := p.Decide("startup_subsidy", rules.Facts{Division: "330402", Event: period.Date{Y: 2025, M: 3, D: 15}, AsOf: period.Date{Y: 2026, M: 3, D: 15},
		Birth: period.Date{Y: 2001, M: 1, D: 1}, Graduated: period.Date{Y: 2024, M: 6, D: 30}, FirstBusiness: true}, true)
	c.err("graduate's business", err)
	c.result("graduate's business", grad)
	old, err := p.RetirementAge(rules.RetirementInput{Category: rules.Male, Birth: period.New(1900, 1), Division: "330402"}, true)
	c.err("retirement before any minimum", err)
	c.result("retirement before any minimum", old)
	for _, in := range []rules.Person{{Division: "330402", Kind: 9}, {Division: "330402", Kind: rules.KindEmployee, RiskClass: 1, FloatPct: 100, Wage: -1}, {Division: "330402", Kind: rules.KindEmployee, RiskClass: 9},
		{Division: "330402", Kind: rules.KindEmployee, RiskClass: 1, FloatPct: 2000}, {Division: "33"}} {
		in.Period = period.New(2025, 3)
		var pop rules.Population
		c.err("population", pop.Append(in))
	}
}

// badInputs calls the formulas with the bad inputs that the cases do
// not hold, for their errors.
func (c *keyCheck) badInputs(p *rules.Params) {
	m := period.New(2025, 3)
	day := period.Date{Y: 2025, M: 3, D: 1}
	one, neg := money.MustDec("1"), money.MustDec("-1")
	base := money.Fen(-1)
	pension := func(f func(*rules.PensionInput)) error {
		in := rules.PensionInput{Division: "330402", Birth: period.New(1965, 1), Retire: period.New(2025, 1), AverageIndex: one, ContributionYears: money.MustDec("30")}
		f(&in)
		_, err := p.Pension(in, true)
		return err
	}
	loan := func(f func(*rules.LoanInput)) error {
		in := rules.LoanInput{Programme: "startup_loan", Division: "330402", Borrower: rules.BorrowerIndividual, Signed: day,
			Principal: money.Yuan(1000), TermMonths: 12, ContractRate: money.MustDec("0.03")}
		f(&in)
		_, err := p.LoanTerms(in, true)
		return err
	}
	account := func(f func(*rules.AccountInput)) error {
		in := rules.AccountInput{Division: "330402", OpeningYear: 2024, At: m}
		f(&in)
		_, err := p.Account(in, true)
		return err
	}
	errs := []error{
		pension(func(in *rules.PensionInput) { in.Birth = 0 }),
		pension(func(in *rules.PensionInput) { in.AverageIndex = money.Dec{} }),
		pension(func(in *rules.PensionInput) { in.ContributionYears = money.Dec{} }),
		pension(func(in *rules.PensionInput) { in.TransitionalYears = neg }),
		pension(func(in *rules.PensionInput) { in.TransitionalYears, in.TransitionalIndex = money.MustDec("40"), one }),
		pension(func(in *rules.PensionInput) { in.AccountBalance = -1 }),
		pension(func(in *rules.PensionInput) { in.CalcBase = &base }),
		loan(func(in *rules.LoanInput) { in.Borrower = "bank" }),
		loan(func(in *rules.LoanInput) { in.Signed = period.Date{} }),
		loan(func(in *rules.LoanInput) { in.TermMonths = 200 }),
		loan(func(in *rules.LoanInput) { in.ContractRate = one }),
		loan(func(in *rules.LoanInput) { in.Signed = period.Date{Y: 2001, M: 1, D: 1} }),
		account(func(in *rules.AccountInput) { in.OpeningYear = 1980 }),
		account(func(in *rules.AccountInput) { in.Opening = -1 }),
		account(func(in *rules.AccountInput) { in.Months = []rules.AccountMonth{{Period: m, Base: -1}} }),
		loan(func(in *rules.LoanInput) { in.Staff = -1 }),
	}
	_, err := p.FlexibleBase("330402", m, 10)
	errs = append(errs, err)
	_, _, err = p.PensionAdjustment("330402", 2090, 100)
	errs = append(errs, err)
	_, err = p.Contribution(rules.ContributionInput{Division: "330402", Wage: 1, Kind: rules.KindEmployee, RiskClass: 1}, true)
	errs = append(errs, err)
	_, err = p.Contribution(rules.ContributionInput{Division: "330402", Period: m, Wage: -1, Kind: rules.KindEmployee, RiskClass: 1}, true)
	errs = append(errs, err)
	_, err = p.RetirementAge(rules.RetirementInput{Category: rules.Male}, true)
	errs = append(errs, err)
	_, err = p.UnemploymentBenefit(rules.UnemploymentInput{Division: "330402"}, true)
	errs = append(errs, err)
	_, err = p.LateFee(100, day, day, "330402")
	errs = append(errs, err)
	_, err = rules.ParseMonth("birth", "1975-13")
	errs = append(errs, err)
	_, err = p.Divisor(rules.Age(80*12), m, "330402", true)
	errs = append(errs, err)
	for i, err := range errs {
		if err == nil {
			c.t.Errorf("bad input %d: no error", i)
		}
		c.err(fmt.Sprintf("bad input %d", i), err)
	}
}

// result checks the traces and reasons of a formula's result, found in
// its JSON (where an API user reads them).
func (c *keyCheck) result(where string, res any) {
	data, err := json.Marshal(res)
	if err != nil {
		c.t.Fatalf("%s: %v", where, err)
	}
	var v any
	json.Unmarshal(data, &v)
	c.walk(where, v)
}

func (c *keyCheck) walk(where string, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == "trace" || k == "Trace" {
				data, _ := json.Marshal(e)
				var steps []rules.Step
				if err := json.Unmarshal(data, &steps); err != nil {
					c.t.Errorf("%s: the trace does not read back from JSON: %v", where, err)
				}
				back, _ := json.Marshal(steps)
				var generic any
				json.Unmarshal(back, &generic)
				if !reflect.DeepEqual(generic, e) {
					c.t.Errorf("%s: the trace reads back from JSON as\n%s\nnot\n%s", where, back, data)
				}
				c.steps(where, steps)
				continue
			}
			if r, ok := e.(map[string]any); ok && k == "reason" && r["key"] != "" {
				data, _ := json.Marshal(r)
				var why rules.Reason
				json.Unmarshal(data, &why)
				m := why.Message()
				c.message(where, m.Key, m.Args)
			}
			if k == "why" {
				data, _ := json.Marshal(e)
				var why rules.Why
				json.Unmarshal(data, &why)
				for _, m := range why {
					c.message(where, m.Key, m.Args)
				}
				if len(why) > 1 {
					c.used["sep.lead"], c.used["sep.list"] = true, true
				}
			}
			c.walk(where, e)
		}
	case []any:
		for _, e := range x {
			c.walk(where, e)
		}
	}
}

func (c *keyCheck) steps(where string, steps []rules.Step) {
	for _, s := range steps {
		c.message(where, "line."+s.Kind, nil)
		if s.Kind == "value" || s.Kind == "note" {
			if s.Key == "" {
				c.t.Errorf("%s: step %s %s has no message key", where, s.Kind, s.Name)
				continue
			}
			c.message(where, s.Key, s.Args)
		}
		if s.Kind == "parameter" {
			c.used["confidence."+s.Confidence()] = true
		}
		if s.Name != "" && s.Label(msg.ZH) == s.Name {
			c.t.Errorf("%s: step name %s has no label (name.%s in the catalogue)", where, s.Name, s.Name)
		}
	}
}

func (c *keyCheck) err(where string, err error) {
	var fe *fault.Error
	if err == nil || !errors.As(err, &fe) {
		return
	}
	if fe.Key == "" {
		c.t.Errorf("%s: error %q has no message key", where, err)
		return
	}
	if got := msg.Render(msg.EN, fe.Key, fe.Args...); got != fe.Message {
		c.t.Errorf("%s: error message %q is not the catalogue's English %q", where, fe.Message, got)
	}
	c.message(where, fe.Key, fe.Args)
}

// message checks that key is in the catalogue and that each language's
// text has an argument for each of its placeholders.
func (c *keyCheck) message(where, key string, args []msg.Arg) {
	c.used[key] = true
	if !msg.Has(key) {
		c.t.Errorf("%s: key %s is not in the catalogue", where, key)
		return
	}
	if strings.HasPrefix(key, "line.") {
		return // the line's placeholders are the step's fields
	}
	have := map[string]bool{}
	for _, a := range args {
		have[a.Name] = true
		if a.Kind == msg.KLabel {
			c.message(where, a.Value(), nil)
		}
		if a.Kind == msg.KBool {
			c.used["word."+a.Value()] = true
		}
	}
	for _, l := range msg.Langs {
		text, _ := msg.Template(l, key)
		for _, ph := range msg.Placeholders(text) {
			if !have[ph] {
				c.t.Errorf("%s: the %s text of %s wants {%s}, which the formula does not give", where, l, key, ph)
			}
		}
	}
}
