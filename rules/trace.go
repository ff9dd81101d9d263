package rules

import (
	"encoding/json"
	"strconv"
	"strings"

	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// Step is one line of an explanation trace: an input, a parameter value
// read (with its jurisdiction, date, source and confidence), an
// intermediate or final value with the rule that produced it, or a note.
// How a value was computed, and a note, are a message key of the
// catalogue (rules/msg) with typed arguments, never a sentence: the
// reader's side writes them in the reader's language (Line, Explain,
// Localize).
type Step struct {
	Kind  string    // "input", "parameter", "value" or "note"
	Name  string    // input field, parameter (with [key] for a table row) or value name
	Value string    // the value as text, the same in every language
	Key   string    // values and notes: the message of the rule or note
	Args  []msg.Arg // its arguments
	// Rule is the English text of a step recorded before steps had keys
	// (a grant's trace kept in the database); it is shown as it is.
	Rule string
	// Text is the whole line in the reader's language, filled by Localize
	// for an API answer; rules leaves it empty.
	Text string
	src  *Value // parameters: the value read (its jurisdiction, first day, source, confidence)
}

// Jurisdiction is who set a parameter step's value.
func (s Step) Jurisdiction() string { return s.param().Jurisdiction }

// From is the first day a parameter step's value is in force.
func (s Step) From() period.Date { return s.param().From }

// Reference is the legal source of a parameter step's value.
func (s Step) Reference() string { return s.param().Reference }

// Confidence is verified, supported or unverified for a parameter step.
func (s Step) Confidence() string { return s.param().Confidence }

func (s Step) param() *Value {
	if s.src == nil {
		return &noValue
	}
	return s.src
}

// stepJSON is a step as JSON carries it.
type stepJSON struct {
	Kind         string      `json:"kind"`
	Name         string      `json:"name,omitempty"`
	Value        string      `json:"value,omitempty"`
	Key          string      `json:"key,omitempty"`
	Args         []msg.Arg   `json:"args,omitempty"`
	Jurisdiction string      `json:"jurisdiction,omitempty"`
	From         period.Date `json:"from,omitzero"`
	Reference    string      `json:"reference,omitempty"`
	Confidence   string      `json:"confidence,omitempty"`
	Rule         string      `json:"rule,omitempty"`
	Text         string      `json:"text,omitempty"`
}

// MarshalJSON writes the step with its parameter's source inline.
func (s Step) MarshalJSON() ([]byte, error) {
	p := s.param()
	return json.Marshal(stepJSON{s.Kind, s.Name, s.Value, s.Key, s.Args, p.Jurisdiction, p.From, p.Reference, p.Confidence, s.Rule, s.Text})
}

// UnmarshalJSON reads what MarshalJSON writes, and a step recorded before
// keys (with its English rule).
func (s *Step) UnmarshalJSON(b []byte) error {
	var j stepJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*s = Step{Kind: j.Kind, Name: j.Name, Value: j.Value, Key: j.Key, Args: j.Args, Rule: j.Rule, Text: j.Text}
	if j.Jurisdiction != "" || !j.From.IsZero() || j.Reference != "" || j.Confidence != "" {
		s.src = &Value{Jurisdiction: j.Jurisdiction, From: j.From, Reference: j.Reference, Confidence: j.Confidence}
	}
	return nil
}

// String renders the step on one line in English, for an operator.
func (s Step) String() string { return s.Line(msg.EN) }

// Label is the step's name in l: the catalogue's label of the name
// (name.NAME, without a table row's [key]), or the name itself.
func (s Step) Label(l msg.Lang) string {
	base, row, _ := strings.Cut(s.Name, "[")
	key := "name." + base
	if !msg.Has(key) {
		key = programmeParam(base)
	}
	if !msg.Has(key) {
		return s.Name
	}
	label := msg.Render(l, key)
	if row != "" {
		label += "[" + row
	}
	return label
}

// programmeParam is the label key of a support programme's parameter,
// support.CODE.PART, by its last part: name.support.PART.
func programmeParam(name string) string {
	if !strings.HasPrefix(name, "support.") {
		return ""
	}
	return "name.support." + name[strings.LastIndexByte(name, '.')+1:]
}

// Explain is how the value was computed, or the note, in l.
func (s Step) Explain(l msg.Lang) string {
	if s.Key == "" {
		return s.Rule
	}
	return msg.Render(l, s.Key, s.Args...)
}

// Line renders the step on one line in l.
func (s Step) Line(l msg.Lang) string {
	value := s.Value
	if l != msg.EN && (value == "true" || value == "false") {
		value = msg.Render(l, "word."+value) // English lines keep true and false as they were
	}
	args := []msg.Arg{msg.Text("name", s.Name), msg.Text("label", s.Label(l)), msg.Text("value", value),
		msg.Text("rule", s.Explain(l)), msg.Text("jurisdiction", s.Jurisdiction()), msg.Date("from", s.From()),
		msg.Label("confidence", "confidence."+s.Confidence()), msg.Text("reference", s.Reference())}
	key := "line." + s.Kind
	if s.Kind == "value" && s.Key == "" && s.Rule == "" {
		key = "line.value_bare"
	}
	return msg.Render(l, key, args...)
}

// Localize fills the Text of each step with its line in l, for an answer
// that carries both the keys and the text in the reader's language.
func Localize(steps []Step, l msg.Lang) []Step {
	for i := range steps {
		steps[i].Text = steps[i].Line(l)
	}
	return steps
}

// trace collects steps; a nil *trace records nothing, so formulas cost no
// more than a nil check when no explanation is asked for.
type trace struct {
	steps []Step
	seen  []paramKey        // parameter reads already recorded, while few
	index map[paramKey]bool // the same, once there are many
	buf   [16]paramKey
	args  []msg.Arg // the steps' arguments (see keep)
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

// traceSteps is room for the steps of a usual trace (a pension's has
// about 30), so that recording them rarely grows the slice; an
// employee's contribution has exactly contributionSteps.
const (
	traceSteps        = 32
	contributionSteps = 34
)

// traceArgs is room for the arguments of a usual trace's steps (an
// employee's contribution has 29).
const traceArgs = 32

func newTrace(explain bool) *trace { return newTraceOf(explain, traceSteps) }

// newTraceOf is newTrace with room for steps steps.
func newTraceOf(explain bool, steps int) *trace {
	if !explain {
		return nil
	}
	t := &trace{steps: make([]Step, 0, steps), args: make([]msg.Arg, 0, traceArgs)}
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

// value records a value computed by the rule of message key with args.
func (t *trace) value(name, value, key string, args ...msg.Arg) {
	if t != nil {
		t.steps = append(t.steps, Step{Kind: "value", Name: name, Value: value, Key: key, Args: t.keep(args)})
	}
}

// note records a note: a message key with its arguments.
func (t *trace) note(key string, args ...msg.Arg) {
	if t != nil {
		t.steps = append(t.steps, Step{Kind: "note", Key: key, Args: t.keep(args)})
	}
}

// keep copies args into the trace's one store of arguments and returns
// the copy: the steps of a trace share a few allocations rather than one
// each. A store that grows leaves the earlier steps' arguments where they
// were, unchanged.
func (t *trace) keep(args []msg.Arg) []msg.Arg {
	if len(args) == 0 {
		return nil
	}
	n := len(t.args)
	t.args = append(t.args, args...)
	return t.args[n:len(t.args):len(t.args)]
}

// param records a parameter read once per (name, jurisdiction, date).
func (t *trace) param(v *Value, name, text string) {
	if t == nil {
		return
	}
	if t.seenParam(paramKey{name, v.Jurisdiction, v.From}) {
		return
	}
	t.steps = append(t.steps, Step{Kind: "parameter", Name: name, Value: text, src: v})
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
func (r reader) lookup(name string, at period.Date) (*Value, error) {
	v, ok, err := r.opt0(name, at)
	if err == nil && !ok {
		err = notInForce(name, at, r.div)
	}
	return v, err
}

func (r reader) opt0(name string, at period.Date) (*Value, bool, error) {
	if r.err != nil {
		return &noValue, false, r.err
	}
	return r.p.lookupRef(name, at, r.chain)
}

// get returns the value of name in force on at, recording it.
func (r reader) get(name string, at period.Date) (*Value, error) {
	v, err := r.lookup(name, at)
	if err == nil {
		r.tr.param(v, name, v.Text)
	}
	return v, err
}

// opt is get for a parameter that may have no value in force.
func (r reader) opt(name string, at period.Date) (*Value, bool, error) {
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

func notInTable(name string, v *Value, key int) error {
	return invalid("", "params.table_key", "error.params.table_key", msg.Text("param", name), msg.Text("jurisdiction", v.Jurisdiction), msg.Date("from", v.From), msg.Int("key", key))
}
