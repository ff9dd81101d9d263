package rules

import (
	"embed"
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// The confidence of a parameter value (see reference/RULES.md).
const (
	Verified   = "verified"   // checked in an official or primary source and recomputed
	Supported  = "supported"  // several public secondary sources cite the official document
	Unverified = "unverified" // a plausible default that a deployment must confirm
)

//go:embed params/*.yaml
var embedded embed.FS

// Params is a set of parameters with dated, sourced values: the embedded
// baseline, possibly with a deployment's overrides or a reform overlaid.
// A Params is immutable once built and safe for concurrent use.
type Params struct {
	defs  map[string]*def
	progs map[string]*Programme // the support programmes, by code
}

// def is one parameter name with its values per jurisdiction.
type def struct {
	name, unit, key, of string
	description         string // of the first entry that defined the name
	file                string
	line                int
	series              map[string]*series // by jurisdiction
}

// series is the history of one parameter in one jurisdiction.
type series struct {
	description string
	values      []Value // sorted by From, no duplicate dates
}

// Value is one dated value of a parameter in one jurisdiction, with its
// legal source and confidence.
type Value struct {
	Name         string      // the parameter, e.g. "pension.calc_base"
	Description  string      // what the parameter is, from its file
	Unit         string      // one of the Unit constants
	Key, Of      string      // for tables: what the keys mean, and the unit of the numbers
	Jurisdiction string      // division code of the jurisdiction that set it
	From         period.Date // the first day it is in force
	Text         string      // the value as written (tables: "40: 233, 41: 230, ...")
	Reference    string      // document number and/or URL
	Confidence   string      // Verified, Supported or Unverified
	Note         string      // optional remark, e.g. which part is unverified
	File         string      // the file it was read from
	Line         int         // its line in that file

	num  money.Dec
	ym   period.YearMonth
	rows []TableRow
}

// Dec returns a numeric scalar value as a decimal (yuan for money units).
func (v Value) Dec() money.Dec { return v.num }

// Fen returns a money value (unit yuan or yuan_per_month) in fen.
func (v Value) Fen() money.Fen { return money.Fen(v.num.Shift(2).IntPart()) }

// Int returns a whole-number value (months, years, tier).
func (v Value) Int() int { return int(v.num.IntPart()) }

// YearMonth returns a year_month value.
func (v Value) YearMonth() period.YearMonth { return v.ym }

// Rows returns the rows of a table value, sorted by key. The slice is
// shared: do not modify it.
func (v Value) Rows() []TableRow { return v.rows }

// MarshalJSON writes the value with its source: tables as an object of
// key to number (in key order), scalars as the text written in the file.
func (v Value) MarshalJSON() ([]byte, error) {
	var val json.RawMessage
	if v.Unit == UnitTable {
		var b strings.Builder
		b.WriteByte('{')
		for i, r := range v.rows {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(strconv.Itoa(r.Key)) + ":" + strconv.Quote(r.Text))
		}
		b.WriteByte('}')
		val = json.RawMessage(b.String())
	} else {
		val, _ = json.Marshal(v.Text)
	}
	return json.Marshal(struct {
		Name         string          `json:"name"`
		Description  string          `json:"description"`
		Unit         string          `json:"unit"`
		Key          string          `json:"key,omitempty"`
		Of           string          `json:"of,omitempty"`
		Jurisdiction string          `json:"jurisdiction"`
		From         string          `json:"from"`
		Value        json.RawMessage `json:"value"`
		Reference    string          `json:"reference"`
		Confidence   string          `json:"confidence"`
		Note         string          `json:"note,omitempty"`
		File         string          `json:"file"`
		Line         int             `json:"line"`
	}{v.Name, v.Description, v.Unit, v.Key, v.Of, v.Jurisdiction, v.From.String(), val,
		v.Reference, v.Confidence, v.Note, v.File, v.Line})
}

var (
	baseOnce   sync.Once
	baseParams *Params
	baseErr    error
)

// Embedded returns the parameters embedded in the binary (rules/params).
// It fails only if an embedded file is broken, which the tests prevent.
func Embedded() (*Params, error) {
	baseOnce.Do(func() { baseParams, baseErr = loadEmbedded() })
	return baseParams, baseErr
}

func loadEmbedded() (*Params, error) {
	names, err := fs.Glob(embedded, "params/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var files []paramFile
	for _, n := range names {
		data, err := embedded.ReadFile(n)
		if err != nil {
			return nil, err
		}
		files = append(files, paramFile{name: path.Join("rules", n), data: data})
	}
	return (&Params{defs: map[string]*def{}}).apply(files, false)
}

// Load returns the embedded parameters with the files of dir (*.yaml and
// *.yml, in name order) overlaid: a value with the date of an existing one
// in the same jurisdiction replaces it, others are added. dir "" means no
// overrides. A broken file fails with an Invalid error naming its file and
// line; an unreadable directory fails with the I/O error.
func Load(dir string) (*Params, error) {
	base, err := Embedded()
	if err != nil || dir == "" {
		return base, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []paramFile
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !(strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml")) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		files = append(files, paramFile{name: filepath.Join(dir, n), data: data})
	}
	return base.apply(files, true)
}

// OverlayFile returns p with the parameter file at path overlaid (a reform,
// or a deployment's override), leaving p unchanged. The file has the
// format of rules/params; an entry with `replace: true` replaces the whole
// history of its parameter in its jurisdiction instead of merging by date.
// It fails like Load.
func (p *Params) OverlayFile(path string) (*Params, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return p.Overlay(path, data)
}

// Overlay is OverlayFile for a file already read; name is used in errors.
func (p *Params) Overlay(name string, data []byte) (*Params, error) {
	return p.apply([]paramFile{{name: name, data: data}}, true)
}

// Names returns the names of all parameters, sorted.
func (p *Params) Names() []string {
	out := make([]string, 0, len(p.defs))
	for n := range p.defs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// History returns every value of parameter name in every jurisdiction,
// ordered by jurisdiction code then date; nil for an unknown name.
func (p *Params) History(name string) []Value {
	d := p.defs[name]
	if d == nil {
		return nil
	}
	var js []string
	for j := range d.series {
		js = append(js, j)
	}
	sort.Strings(js)
	var out []Value
	for _, j := range js {
		out = append(out, d.series[j].values...)
	}
	return out
}

// Lookup returns the value of parameter name in force on date at in
// division: the latest value dated on or before at in the most specific
// jurisdiction of the division's chain (see Jurisdictions) that has one.
// It fails with an Invalid error for a bad division code, an unknown
// parameter, or when no value is in force.
func (p *Params) Lookup(name string, at period.Date, division string) (Value, error) {
	v, ok, err := p.lookupOpt(name, at, division)
	if err == nil && !ok {
		err = notInForce(name, at, division)
	}
	return v, err
}

func notInForce(name string, at period.Date, division string) error {
	return fault.InvalidMsg("", "params.not_in_force", "error.params.not_in_force", msg.Text("param", name), msg.Date("at", at), msg.Text("division", division))
}

// lookupOpt is Lookup that reports "none in force" as ok=false.
func (p *Params) lookupOpt(name string, at period.Date, division string) (Value, bool, error) {
	chain, err := Jurisdictions(division)
	if err != nil {
		return Value{}, false, err
	}
	return p.lookupIn(name, at, chain)
}

// lookupIn is lookupOpt over a chain of jurisdictions, most specific first.
func (p *Params) lookupIn(name string, at period.Date, chain []string) (Value, bool, error) {
	v, ok, err := p.lookupRef(name, at, chain)
	return *v, ok, err
}

// noValue is what lookupRef points to when no value is in force.
var noValue Value

// lookupRef is lookupIn answering the value held by p (which no one
// changes), so that a reader copies nothing and a trace's parameter step
// points to it; &noValue when none is in force.
func (p *Params) lookupRef(name string, at period.Date, chain []string) (*Value, bool, error) {
	d := p.defs[name]
	if d == nil {
		return &noValue, false, fault.InvalidMsg("", "params.unknown", "error.params.unknown", msg.Text("param", name))
	}
	for _, j := range chain {
		s := d.series[j]
		if s == nil {
			continue
		}
		i := sort.Search(len(s.values), func(i int) bool { return at.Before(s.values[i].From) })
		if i > 0 {
			return &s.values[i-1], true, nil
		}
	}
	return &noValue, false, nil
}

// InForce returns, for every parameter that has a value in force on date at
// in division, that value (by Lookup's rule), sorted by name. It fails
// only for a bad division code.
func (p *Params) InForce(at period.Date, division string) ([]Value, error) {
	if _, err := Jurisdictions(division); err != nil {
		return nil, err
	}
	var out []Value
	for _, n := range p.Names() {
		if v, ok, _ := p.lookupOpt(n, at, division); ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// clone returns a deep copy of p's structure (values are shared: they are
// never modified in place).
func (p *Params) clone() *Params {
	c := &Params{defs: make(map[string]*def, len(p.defs)), progs: make(map[string]*Programme, len(p.progs))}
	for k, g := range p.progs {
		c.progs[k] = g
	}
	for n, d := range p.defs {
		dc := *d
		dc.series = make(map[string]*series, len(d.series))
		for j, s := range d.series {
			sc := *s
			sc.values = append([]Value(nil), s.values...)
			dc.series[j] = &sc
		}
		c.defs[n] = &dc
	}
	return c
}
