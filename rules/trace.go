package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"hrss/rules/money"
	"hrss/rules/period"
)

// Step is one line of an explanation trace: an input, a parameter value
// read (with its jurisdiction, date, source and confidence), an
// intermediate or final value with the rule that produced it, or a note.
type Step struct {
	Kind         string `json:"kind"`                   // "input", "parameter", "value" or "note"
	Name         string `json:"name,omitempty"`         // input field, parameter (with [key] for a table row) or value name
	Value        string `json:"value,omitempty"`        // the value as text
	Rule         string `json:"rule,omitempty"`         // how a value was computed, or the note's text
	Jurisdiction string `json:"jurisdiction,omitempty"` // parameters: who set it
	From         string `json:"from,omitempty"`         // parameters: first day in force
	Reference    string `json:"reference,omitempty"`    // parameters: legal source
	Confidence   string `json:"confidence,omitempty"`   // parameters: verified, supported or unverified
}

// String renders the step on one line for an operator.
func (s Step) String() string {
	switch s.Kind {
	case "parameter":
		return fmt.Sprintf("parameter %s = %s  [%s, from %s, %s; %s]", s.Name, s.Value, s.Jurisdiction, s.From, s.Confidence, s.Reference)
	case "note":
		return "note      " + s.Rule
	case "input":
		return fmt.Sprintf("input     %s = %s", s.Name, s.Value)
	}
	if s.Rule == "" {
		return fmt.Sprintf("value     %s = %s", s.Name, s.Value)
	}
	return fmt.Sprintf("value     %s = %s  (%s)", s.Name, s.Value, s.Rule)
}

// decString is d.String() without the big.Int formatting, for the usual
// decimal of a trace (a coefficient of at most 18 digits, at most 18
// decimals, the decimal package's default settings); any other goes to
// d.String(). TestDecStringAsDecimal pins the two together.
func decString(d money.Dec) string {
	e := -int(d.Exponent())
	if e < 0 || e > 18 || d.NumDigits() > 18 || !decimal.TrimTrailingZeros || decimal.UseScientificNotation {
		return d.String()
	}
	c := d.CoefficientInt64()
	var buf [40]byte
	b := buf[:0]
	if c < 0 {
		b = append(b, '-')
		c = -c
	}
	p := int64(1)
	for range e {
		p *= 10
	}
	b = strconv.AppendInt(b, c/p, 10)
	if f := c % p; f != 0 {
		for f%10 == 0 { // trailing zeros are trimmed
			f /= 10
			e--
		}
		var fd [20]byte
		digits := strconv.AppendInt(fd[:0], f, 10)
		b = append(b, '.')
		for range e - len(digits) { // leading zeros of the fraction
			b = append(b, '0')
		}
		b = append(b, digits...)
	}
	return string(b)
}

// trace collects steps; a nil *trace records nothing, so formulas cost no
// more than a nil check when no explanation is asked for.
type trace struct {
	steps []Step
	seen  []paramKey        // parameter reads already recorded, while few
	index map[paramKey]bool // the same, once there are many
	buf   [16]paramKey
	fen   money.Fen // the amount last written by fenText, and its text
	text  string
}

// fenText is f.String(), kept for the next call: a trace writes the same
// base in many steps.
func (t *trace) fenText(f money.Fen) string {
	if t.text == "" || t.fen != f {
		t.fen, t.text = f, f.String()
	}
	return t.text
}

// paramKey is a parameter value read: its name (with [key] for a table
// row), jurisdiction and first day in force.
type paramKey struct {
	name, jurisdiction string
	from               period.Date
}

// traceSteps is room for the steps of a usual trace (a contribution has
// 34), so that recording them rarely grows the slice.
const traceSteps = 40

func newTrace(explain bool) *trace {
	if !explain {
		return nil
	}
	t := &trace{steps: make([]Step, 0, traceSteps)}
	t.seen = t.buf[:0]
	return t
}

// manyParams is how many recorded parameter reads a trace scans before it
// keeps them in a map.
const manyParams = 32

// seenParam reports whether k was recorded, and notes it if it was not.
func (t *trace) seenParam(k paramKey) bool {
	if t.index != nil {
		if t.index[k] {
			return true
		}
		t.index[k] = true
		return false
	}
	for i := range t.seen {
		if t.seen[i] == k {
			return true
		}
	}
	if t.seen = append(t.seen, k); len(t.seen) > manyParams {
		t.index = make(map[paramKey]bool, 2*manyParams)
		for _, s := range t.seen {
			t.index[s] = true
		}
	}
	return false
}

func (t *trace) list() []Step {
	if t == nil {
		return nil
	}
	return t.steps
}

func (t *trace) input(name, value string) {
	if t != nil {
		t.steps = append(t.steps, Step{Kind: "input", Name: name, Value: value})
	}
}

func (t *trace) value(name, value, rule string) {
	if t != nil {
		t.steps = append(t.steps, Step{Kind: "value", Name: name, Value: value, Rule: rule})
	}
}

func (t *trace) note(format string, args ...any) {
	if t == nil {
		return
	}
	if len(args) == 0 && strings.IndexByte(format, '%') < 0 {
		t.noteText(format) // reads as written: no need for fmt
		return
	}
	t.noteText(fmt.Sprintf(format, args...))
}

// noteText records a note already written out.
func (t *trace) noteText(text string) {
	if t != nil {
		t.steps = append(t.steps, Step{Kind: "note", Rule: text})
	}
}

// param records a parameter read once per (name, jurisdiction, date).
func (t *trace) param(v Value, name, text string) {
	if t == nil {
		return
	}
	if t.seenParam(paramKey{name, v.Jurisdiction, v.From}) {
		return
	}
	t.steps = append(t.steps, Step{Kind: "parameter", Name: name, Value: text, Jurisdiction: v.Jurisdiction,
		From: v.From.String(), Reference: v.Reference, Confidence: v.Confidence})
}

// reader reads parameters for one division, recording each read in a trace.
type reader struct {
	p     *Params
	div   string
	chain []string // the division's jurisdictions, most specific first
	err   error    // a bad division code, returned by every read
	tr    *trace
}

func (p *Params) reader(division string, tr *trace) reader {
	if division == "" {
		division = National
	}
	chain, err := Jurisdictions(division)
	return reader{p: p, div: division, chain: chain, err: err, tr: tr}
}

// on reports whether a trace is being recorded, so that call sites build
// the text of a step only when it is.
func (r reader) on() bool { return r.tr != nil }

// lookup returns the value of name in force on at, without recording it.
func (r reader) lookup(name string, at period.Date) (Value, error) {
	v, ok, err := r.opt0(name, at)
	if err == nil && !ok {
		err = notInForce(name, at, r.div)
	}
	return v, err
}

func (r reader) opt0(name string, at period.Date) (Value, bool, error) {
	if r.err != nil {
		return Value{}, false, r.err
	}
	return r.p.lookupIn(name, at, r.chain)
}

// get returns the value of name in force on at, recording it.
func (r reader) get(name string, at period.Date) (Value, error) {
	v, err := r.lookup(name, at)
	if err == nil {
		r.tr.param(v, name, v.Text)
	}
	return v, err
}

// opt is get for a parameter that may have no value in force.
func (r reader) opt(name string, at period.Date) (Value, bool, error) {
	v, ok, err := r.opt0(name, at)
	if ok {
		r.tr.param(v, name, v.Text)
	}
	return v, ok, err
}

func (r reader) dec(name string, at period.Date) (money.Dec, error) {
	v, err := r.get(name, at)
	return v.num, err
}

func (r reader) fen(name string, at period.Date) (money.Fen, error) {
	v, err := r.get(name, at)
	return v.Fen(), err
}

func (r reader) int(name string, at period.Date) (int, error) {
	v, err := r.get(name, at)
	return v.Int(), err
}

// row returns the row of table name with exactly key, recording the row.
func (r reader) row(name string, at period.Date, key int) (money.Dec, error) {
	v, err := r.lookup(name, at)
	if err != nil {
		return money.Dec{}, err
	}
	for _, row := range v.rows {
		if row.Key == key {
			if r.on() {
				r.tr.param(v, name+"["+strconv.Itoa(key)+"]", row.Text)
			}
			return row.Value, nil
		}
	}
	return money.Dec{}, notInTable(name, v, key)
}

// step returns the row of table name with the greatest key not above x;
// an x below the first key takes the first row (the "≤" column of a step
// table). It records the row used.
func (r reader) step(name string, at period.Date, x int) (money.Dec, error) {
	v, err := r.lookup(name, at)
	if err != nil {
		return money.Dec{}, err
	}
	if len(v.rows) == 0 {
		return money.Dec{}, notInTable(name, v, x)
	}
	row := v.rows[0]
	for _, rw := range v.rows {
		if rw.Key <= x {
			row = rw
		}
	}
	if r.on() {
		r.tr.param(v, name+"["+strconv.Itoa(row.Key)+"]", row.Text)
	}
	return row.Value, nil
}

func notInTable(name string, v Value, key int) error {
	return invalid("", "params.table_key", "parameter %s (%s, from %s) has no row for %d", name, v.Jurisdiction, v.From, key)
}
