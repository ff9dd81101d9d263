package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"hrss/registry/ident"
	"hrss/rules/fault"
)

// idcheckResult is the verdict on one number; --json prints a list of them.
type idcheckResult struct {
	Input     string `json:"input"`
	Kind      string `json:"kind"` // resident-id, credit-code or unknown
	Valid     bool   `json:"valid"`
	Error     string `json:"error"`               // "" when valid
	Canonical string `json:"canonical,omitempty"` // the canonical form, when valid and different from the input
	Birth     string `json:"birth,omitempty"`     // valid resident IDs only
	Sex       string `json:"sex,omitempty"`       // valid resident IDs only
	Division  string `json:"division,omitempty"`  // valid resident IDs only

	rule     string // the broken rule's key, for text mode
	category string // a valid credit code's authority and category
	ccDiv    string // a valid credit code's division
	legacy   bool   // a valid 15-digit resident ID
}

// runIdcheck checks resident ID numbers and unified social credit codes
// given as arguments (or, for "-", one a line on standard input), printing
// one verdict per number. It returns exitCode(1) if any is invalid.
func runIdcheck(g *globals, args []string) error {
	fs := newFlags(g, "idcheck", "idcheck [--json] NUMBER...\n\n"+
		"Tells for each NUMBER whether it is a valid resident ID number (GB 11643)\n"+
		"or unified social credit code (GB 32100) and, if not, why. A 15-digit\n"+
		"legacy resident ID number is valid and shown in its 18-digit form. An\n"+
		"argument \"-\" reads further numbers from standard input, one a line.\n"+
		"The exit status is 0 only if every number is valid.")
	asJSON := fs.Bool("json", false, `print a JSON array of {"input","kind","valid","error","birth","sex","division"}`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var inputs []string
	for _, a := range fs.Args() {
		if a != "-" {
			inputs = append(inputs, a)
			continue
		}
		if g.stdin == nil {
			continue
		}
		lines, err := idcheckReadLines(g.stdin)
		if err != nil {
			return fmt.Errorf("idcheck: reading standard input: %w", err)
		}
		inputs = append(inputs, lines...)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}

	results := make([]idcheckResult, 0, len(inputs))
	allValid := true
	for _, in := range inputs {
		r := idcheckOne(in)
		allValid = allValid && r.Valid
		results = append(results, r)
	}
	if *asJSON {
		enc := json.NewEncoder(g.stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(results); err != nil {
			return err
		}
	} else {
		w := bufio.NewWriter(g.stdout)
		for _, r := range results {
			fmt.Fprintln(w, r.text())
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	if !allValid {
		return exitCode(1)
	}
	return nil
}

// idcheckOne checks one number.
func idcheckOne(in string) idcheckResult {
	r := idcheckResult{Input: in, Kind: ident.Kind(in)}
	var err error
	switch r.Kind {
	case ident.KindResidentID:
		var id ident.ResidentID
		id, err = ident.ParseResidentID(in)
		if err == nil {
			r.Birth, r.Sex, r.Division = id.Birth().String(), string(id.Sex()), id.Division()
			r.legacy = ident.IsLegacy(in)
			if string(id) != in {
				r.Canonical = string(id)
			}
		}
	case ident.KindCreditCode:
		var c ident.CreditCode
		c, err = ident.ParseCreditCode(in)
		if err == nil {
			r.category, r.ccDiv = c.Category(), c.Division()
			if string(c) != in {
				r.Canonical = string(c)
			}
		}
	default:
		err = idcheckUnknown(in)
	}
	r.Valid = err == nil
	if err != nil {
		r.Error = err.Error()
		var fe *fault.Error
		if errors.As(err, &fe) {
			r.rule = fe.Rule
		}
	}
	return r
}

// idcheckUnknown explains why in is neither kind of number.
func idcheckUnknown(in string) error {
	s := strings.TrimSpace(in)
	if s == "" {
		return fault.Invalidf("number", "number.required", "empty: give a resident ID number or a unified social credit code")
	}
	if n := utf8.RuneCountInString(s); n != 15 && n != 18 {
		return fault.Invalidf("number", "number.length",
			"has %d characters, but a resident ID number has 18 (or 15 digits in the legacy form) and a unified social credit code 18", n)
	}
	pos := 0
	for _, c := range s {
		pos++
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return fault.Invalidf("number", "number.character",
				"character %s at position %d belongs neither in a resident ID number (digits, and X last) nor in a unified social credit code (digits and letters)", idcheckQuote(c), pos)
		}
	}
	// 15 letters and digits with a letter: too short for a credit code.
	return fault.Invalidf("number", "number.character",
		"has 15 characters with letters: a legacy resident ID number has 15 digits and a unified social credit code 18 characters")
}

// text renders r as one line of text mode.
func (r idcheckResult) text() string {
	in := idcheckDisplay(r.Input)
	if !r.Valid {
		what := "not a resident ID number or unified social credit code"
		switch r.Kind {
		case ident.KindResidentID:
			what = "invalid resident ID number"
		case ident.KindCreditCode:
			what = "invalid unified social credit code"
		}
		msg := r.Error
		if i := strings.Index(msg, ": "); i >= 0 {
			msg = msg[i+2:] // the kind already names the field
		}
		if r.rule != "" {
			msg += " [" + r.rule + "]"
		}
		return in + ": " + what + ": " + msg
	}
	switch r.Kind {
	case ident.KindResidentID:
		form := ""
		switch {
		case r.legacy:
			form = " (legacy 15-digit form of " + r.Canonical + ")"
		case r.Canonical != "":
			form = " (canonical form " + r.Canonical + ")"
		}
		return fmt.Sprintf("%s: valid resident ID number%s: %s, born %s, division %s", in, form, r.Sex, r.Birth, r.Division)
	default:
		form := ""
		if r.Canonical != "" {
			form = " (canonical form " + r.Canonical + ")"
		}
		return fmt.Sprintf("%s: valid unified social credit code%s: category %s, division %s", in, form, r.category, r.ccDiv)
	}
}

// idcheckDisplay shows an input as given, quoted if it is empty or holds
// spaces or characters that do not print.
func idcheckDisplay(s string) string {
	if s == "" {
		return `""`
	}
	for _, c := range s {
		if !unicode.IsGraphic(c) || unicode.IsSpace(c) {
			return strconv.Quote(s)
		}
	}
	return s
}

// idcheckQuote renders one character for a message.
func idcheckQuote(c rune) string {
	if c == ' ' {
		return "' ' (space)"
	}
	if unicode.IsGraphic(c) {
		return "'" + string(c) + "'"
	}
	return fmt.Sprintf("U+%04X", c)
}

// idcheckReadLines reads the non-blank lines of r.
func idcheckReadLines(r io.Reader) ([]string, error) {
	var lines []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			lines = append(lines, line)
		}
	}
	return lines, sc.Err()
}
