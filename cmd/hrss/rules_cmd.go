package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// rulesCommand is one subcommand of hrss rules.
type rulesCommand struct {
	name, summary string
	run           func(g *globals, args []string) error
}

var rulesCommands = []rulesCommand{
	{"retirement-age", "statutory retirement age, month and flexible window", rulesRetirementAge},
	{"divisor", "months divisor for an age at retirement", rulesDivisor},
	{"pension", "Zhejiang monthly basic pension from a JSON input on stdin", rulesPension},
	{"contribution", "contributions of one person-month from a JSON input on stdin", rulesContribution},
	{"unemployment", "unemployment benefit eligibility, months and amount from JSON on stdin", rulesUnemployment},
	{"account", "personal pension account balance from JSON on stdin", rulesAccount},
	{"params", "parameters in force, with source and confidence", rulesParams},
}

// runRules dispatches hrss rules SUBCOMMAND.
func runRules(g *globals, args []string) error {
	if len(args) == 0 {
		rulesUsage(g.stderr)
		return errUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		rulesUsage(g.stdout)
		return nil
	}
	for _, c := range rulesCommands {
		if c.name == args[0] {
			return c.run(g, args[1:])
		}
	}
	fmt.Fprintf(g.stderr, "hrss rules: unknown subcommand %q\n", args[0])
	rulesUsage(g.stderr)
	return errUsage
}

func rulesUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: hrss [--params DIR] rules SUBCOMMAND [flags]\n\nThe law as code: dated, sourced parameters and the formulas that use them.\n\nSubcommands:")
	for _, c := range rulesCommands {
		fmt.Fprintf(w, "  %-15s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun hrss rules SUBCOMMAND --help for its flags. --json prints JSON (money as strings);\notherwise text, with --explain for the trace of inputs, parameters and intermediate values.")
}

// outputFlags are the flags every formula subcommand shares (--lang is
// every command's, see globals).
type outputFlags struct {
	json, explain bool
}

func (o *outputFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&o.json, "json", false, "print JSON (with the trace, each step's text in --lang) instead of text")
	fs.BoolVar(&o.explain, "explain", false, "with text output, also print the trace")
}

// language is the language of --lang, or the locale's; a --lang hrss
// does not speak is refused.
func (g *globals) language() (msg.Lang, error) { return parseLang(g.langCode) }

// lang is the language of --lang, or the locale's when --lang is not one
// hrss speaks (which language() refuses).
func (g *globals) lang() msg.Lang {
	if l, err := g.language(); err == nil {
		return l
	}
	return msg.FromLocale()
}

// parseLang reads a --lang value; "" is the environment's locale.
func parseLang(s string) (msg.Lang, error) {
	if s == "" {
		return msg.FromLocale(), nil
	}
	l, ok := msg.Parse(s)
	if !ok {
		return "", fault.Invalidf("lang", "lang.known", "%q is not a language hrss speaks: use zh-CN or en", s)
	}
	return l, nil
}

// inLang returns err worded in l when it is an error worded by the
// catalogue (a rule's, a parameter file's); any other error as it is.
func inLang(err error, l msg.Lang) error {
	var fe *fault.Error
	if !errors.As(err, &fe) || !fe.Worded() || l == msg.EN {
		return err
	}
	c := *fe
	c.Message = fe.In(l)
	return &c
}

// loadParams loads the embedded parameters with the --params overrides.
func loadParams(g *globals) (*rules.Params, error) { return rules.Load(g.params) }

// emit prints a result as JSON (each step of its trace with its text in
// l beside its key and arguments) or as its text plus, on request, its
// trace's lines in l.
func emit(g *globals, o outputFlags, l msg.Lang, v any, text string, trace []rules.Step) error {
	if o.json {
		rules.Localize(trace, l) // the steps are v's: their text is filled in place
		enc := json.NewEncoder(g.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	}
	fmt.Fprint(g.stdout, text)
	if o.explain {
		fmt.Fprintln(g.stdout, "\n"+msg.Render(l, "cli.trace"))
		for _, s := range trace {
			fmt.Fprintln(g.stdout, "  "+s.Line(l))
		}
	}
	return nil
}

// runFormula runs a formula subcommand's formula once its flags are
// read: it loads the parameters, runs, and emits the result in the
// language of --lang, errors included.
func runFormula(g *globals, o outputFlags, run func(p *rules.Params, l msg.Lang) (any, string, []rules.Step, error)) error {
	l, err := g.language()
	if err != nil {
		return err
	}
	p, err := loadParams(g)
	if err != nil {
		return err
	}
	res, text, trace, err := run(p, l)
	if err != nil {
		return inLang(err, l)
	}
	return emit(g, o, l, res, text, trace)
}

// readInput decodes one JSON object from stdin into v, refusing unknown
// fields.
func readInput(g *globals, v any) error {
	dec := json.NewDecoder(g.stdin)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var fe *fault.Error
		if errors.As(err, &fe) {
			return fe
		}
		return fault.Invalidf("input", "input.json", "standard input is not the expected JSON object: %v", err)
	}
	return nil
}

func rulesRetirementAge(g *globals, args []string) error {
	fs := newFlags(g, "rules retirement-age", "rules retirement-age --category male|female-55|female-50 --birth YYYY-MM [--division CODE] [--json] [--explain] [--lang zh-CN|en]")
	var o outputFlags
	o.register(fs)
	cat := fs.String("category", "", "male, female-55 (women whose original age was 55) or female-50")
	birth := fs.String("birth", "", "birth month YYYY-MM (a full date YYYY-MM-DD is accepted; the day does not matter)")
	div := fs.String("division", rules.National, "division whose parameters apply")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return runFormula(g, o, func(p *rules.Params, l msg.Lang) (any, string, []rules.Step, error) {
		b, err := rules.ParseMonth("birth", *birth)
		if err != nil {
			return nil, "", nil, err
		}
		res, err := p.RetirementAge(rules.RetirementInput{Category: rules.Category(*cat), Birth: b, Division: *div}, true)
		return res, retirementSummary(l, res), res.Trace, err
	})
}

func rulesDivisor(g *globals, args []string) error {
	fs := newFlags(g, "rules divisor", "rules divisor --age 50y5m [--at YYYY-MM] [--division CODE] [--json] [--explain] [--lang zh-CN|en]")
	var o outputFlags
	o.register(fs)
	age := fs.String("age", "", "age at retirement: 50y5m, 50y or 50")
	at := fs.String("at", "", "month of retirement, whose table applies (default: this month)")
	div := fs.String("division", rules.National, "division whose parameters apply")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return runFormula(g, o, func(p *rules.Params, _ msg.Lang) (any, string, []rules.Step, error) {
		a, err := rules.ParseAge(*age)
		if err != nil {
			return nil, "", nil, err
		}
		m, err := monthOrNow("at", *at)
		if err != nil {
			return nil, "", nil, err
		}
		res, err := p.Divisor(a, m, *div, true)
		return res, res.Divisor.String() + "\n", res.Trace, err
	})
}

// dateOrToday parses a date flag, defaulting to today.
func dateOrToday(field, s string) (period.Date, error) {
	if s == "" {
		return period.FromTime(time.Now()), nil
	}
	d, err := period.ParseDate(s)
	if err != nil {
		return d, fault.Invalidf(field, "date.format", "%v", err)
	}
	return d, nil
}

// monthOrNow parses a month flag, defaulting to the current month.
func monthOrNow(field, s string) (period.YearMonth, error) {
	if s == "" {
		return period.FromTime(time.Now()).Month(), nil
	}
	return rules.ParseMonth(field, s)
}

// stdinCommand runs a formula subcommand that reads its input from stdin.
func stdinCommand(g *globals, args []string, name, example string, run func(p *rules.Params, l msg.Lang) (any, string, []rules.Step, error), input any) error {
	fs := newFlags(g, "rules "+name, "rules "+name+" [--json] [--explain] [--lang zh-CN|en] < input.json\n\nInput (JSON on standard input), for example:\n  "+example)
	var o outputFlags
	o.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := readInput(g, input); err != nil {
		return err
	}
	return runFormula(g, o, run)
}

func rulesPension(g *globals, args []string) error {
	var in rules.PensionInput
	return stdinCommand(g, args, "pension",
		`{"division":"330400","birth":"1975-08","retire":"2025-08","calc_base":"8310","avg_index":"0.6977","years":"25.08","transitional_index":"0","transitional_years":"0","account_balance":"110378.42"}`+
			"\n  calc_base is optional: without it the base for the retirement month is taken from the parameters.",
		func(p *rules.Params, l msg.Lang) (any, string, []rules.Step, error) {
			res, err := p.Pension(in, true)
			return res, pensionSummary(l, res), res.Trace, err
		}, &in)
}

func rulesContribution(g *globals, args []string) error {
	var in rules.ContributionInput
	return stdinCommand(g, args, "contribution",
		`{"division":"330402","period":"2025-03","wage":"6500.00","kind":"employee","risk_class":1,"float":"1.0"}`+
			"\n  kind is employee or flexible (a flexible worker's wage is the chosen base).",
		func(p *rules.Params, l msg.Lang) (any, string, []rules.Step, error) {
			res, err := p.Contribution(in, true)
			return res, contributionSummary(l, res), res.Trace, err
		}, &in)
}

func rulesUnemployment(g *globals, args []string) error {
	var in rules.UnemploymentInput
	return stdinCommand(g, args, "unemployment",
		`{"division":"330402","separated":"2025-03-15","involuntary":true,"contribution_months":70,"carried_months":0}`+
			"\n  registered (true or false) is optional and defaults to true.",
		func(p *rules.Params, l msg.Lang) (any, string, []rules.Step, error) {
			res, err := p.UnemploymentBenefit(in, true)
			return res, unemploymentSummary(l, res), res.Trace, err
		}, &in)
}

func rulesAccount(g *globals, args []string) error {
	var in rules.AccountInput
	return stdinCommand(g, args, "account",
		`{"division":"330400","opening_year":2024,"opening":"50000.00","months":[{"period":"2024-01","base":"6500.00"}],"at":"2025-06","interest_to_date":true}`,
		func(p *rules.Params, l msg.Lang) (any, string, []rules.Step, error) {
			res, err := p.Account(in, true)
			return res, accountSummary(l, res), res.Trace, err
		}, &in)
}

func rulesParams(g *globals, args []string) error {
	fs := newFlags(g, "rules params", "rules params [--at YYYY-MM-DD] [--division CODE] [--name PREFIX] [--json]")
	at := fs.String("at", "", "date the values are in force (default: today)")
	div := fs.String("division", "330400", "division whose chain of jurisdictions applies")
	prefix := fs.String("name", "", "only parameters whose name starts with this")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	day, err := dateOrToday("at", *at)
	if err != nil {
		return err
	}
	p, err := loadParams(g)
	if err != nil {
		return err
	}
	vals, err := p.InForce(day, *div)
	if err != nil {
		return err
	}
	vals = withPrefix(vals, *prefix)
	if *asJSON {
		enc := json.NewEncoder(g.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			At         string        `json:"at"`
			Division   string        `json:"division"`
			Parameters []rules.Value `json:"parameters"`
		}{day.String(), *div, vals})
	}
	return printParams(g.stdout, day, *div, vals)
}

// withPrefix keeps the values whose parameter name starts with prefix.
func withPrefix(vals []rules.Value, prefix string) []rules.Value {
	out := []rules.Value{}
	for _, v := range vals {
		if strings.HasPrefix(v.Name, prefix) {
			out = append(out, v)
		}
	}
	return out
}

// printParams writes the parameters in force as a table for an operator.
func printParams(w io.Writer, day period.Date, div string, vals []rules.Value) error {
	fmt.Fprintf(w, "Parameters in force on %s in division %s (most specific jurisdiction wins)\n\n", day, div)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVALUE\tUNIT\tJURISDICTION\tFROM\tCONFIDENCE\tREFERENCE")
	unverified := 0
	for _, v := range vals {
		text := v.Text
		if len(text) > 60 {
			text = text[:57] + "..."
		}
		unit := v.Unit
		if v.Unit == rules.UnitTable {
			unit = "table of " + v.Of + " by " + v.Key
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.Name, text, unit, v.Jurisdiction, v.From, v.Confidence, v.Reference)
		if v.Confidence == rules.Unverified {
			unverified++
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d parameters, %d unverified (a deployment must confirm them). Tables in full: --json.\n", len(vals), unverified)
	return nil
}
