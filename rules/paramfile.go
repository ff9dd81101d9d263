package rules

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"hrss/rules/fault"
	"hrss/rules/period"
)

// A parameter file (rules/params/*.yaml, an override directory, a reform)
// is a YAML mapping with one key, parameters, a list of entries:
//
//	parameters:
//	  - name: pension.employer_rate      # lower case, dotted
//	    description: Employer pension contribution rate.
//	    unit: rate                       # see the Unit constants
//	    jurisdiction: "330000"           # division code; 100000 national
//	    values:                          # sorted by from, no duplicate dates
//	      - from: 2019-05-01
//	        value: "0.14"
//	        reference: 国办发〔2019〕13号
//	        confidence: unverified       # verified | supported | unverified
//	        note: optional remark
//
// A table entry adds `key:` (age_years, year, risk_class, tier,
// contribution_years) and `of:` (the unit of its numbers) and writes each
// value as a mapping such as {40: 233, 41: 230}. In an overlay an entry may
// say `replace: true` to replace the jurisdiction's whole history, and may
// omit the description of a parameter that already exists.

type paramFile struct {
	name string
	data []byte
}

// entry is one parameter entry of a file, checked but not yet applied.
type entry struct {
	file                      string
	line                      int
	name, description         string
	unit, key, of             string
	jurisdiction              string
	replace                   bool
	values                    []Value
	unitLine, keyLine, ofLine int
}

// fileErrors collects the errors of one load, each "file:line: message".
type fileErrors []string

func (e *fileErrors) add(file string, line int, format string, args ...any) {
	*e = append(*e, fmt.Sprintf("%s:%d: %s", file, line, fmt.Sprintf(format, args...)))
}

func (e fileErrors) err() error {
	if len(e) == 0 {
		return nil
	}
	return fault.Invalidf("", "params.file", "%s", strings.Join(e, "\n"))
}

var (
	nameRE     = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)
	yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

// apply parses files and returns a copy of p with their entries applied.
// With overlay false (the embedded baseline) a parameter may be defined in
// one place per jurisdiction only; with overlay true entries merge into
// (or with replace: true, replace) what p holds.
func (p *Params) apply(files []paramFile, overlay bool) (*Params, error) {
	var errs fileErrors
	c := p.clone()
	seen := map[string]string{} // name@jurisdiction → file:line, for the baseline
	for _, f := range files {
		entries, progs := parseFile(f, &errs)
		for _, e := range entries {
			c.applyEntry(e, overlay, seen, &errs)
		}
		c.applyProgrammes(progs, overlay, &errs)
	}
	c.checkSchema(&errs)
	c.checkProgrammes(&errs)
	if err := errs.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// applyEntry adds one checked entry to c.
func (c *Params) applyEntry(e entry, overlay bool, seen map[string]string, errs *fileErrors) {
	d := c.defineName(e, errs)
	if d == nil {
		return
	}
	id := e.name + "@" + e.jurisdiction
	if !overlay {
		if at, dup := seen[id]; dup {
			errs.add(e.file, e.line, "parameter %s for jurisdiction %s is already defined at %s", e.name, e.jurisdiction, at)
			return
		}
		seen[id] = fmt.Sprintf("%s:%d", e.file, e.line)
	}
	s := d.series[e.jurisdiction]
	desc := e.description
	switch {
	case desc != "":
	case s != nil:
		desc = s.description
	default:
		desc = d.description
	}
	for i := range e.values {
		v := &e.values[i]
		v.Name, v.Unit, v.Key, v.Of, v.Jurisdiction, v.Description = e.name, e.unit, e.key, e.of, e.jurisdiction, desc
	}
	if s == nil || e.replace {
		d.series[e.jurisdiction] = &series{description: desc, values: e.values}
		return
	}
	s.values = mergeValues(s.values, e.values)
	s.description = desc
}

// defineName returns the definition of e's parameter, creating it for a
// new name; nil (after adding an error) when e contradicts it.
func (c *Params) defineName(e entry, errs *fileErrors) *def {
	d := c.defs[e.name]
	if d == nil {
		if e.description == "" {
			errs.add(e.file, e.line, "parameter %s is new here: it needs a description", e.name)
			return nil
		}
		d = &def{name: e.name, unit: e.unit, key: e.key, of: e.of, description: e.description,
			file: e.file, line: e.line, series: map[string]*series{}}
		c.defs[e.name] = d
		return d
	}
	if d.unit != e.unit || d.key != e.key || d.of != e.of {
		errs.add(e.file, e.unitLine, "parameter %s has unit %s%s at %s:%d, not %s%s",
			e.name, d.unit, tableSuffix(d.key, d.of), d.file, d.line, e.unit, tableSuffix(e.key, e.of))
		return nil
	}
	return d
}

// mergeValues returns old with add merged in by date: a value with the
// date of an old one replaces it.
func mergeValues(old, add []Value) []Value {
	byDate := map[period.Date]Value{}
	for _, v := range old {
		byDate[v.From] = v
	}
	for _, v := range add {
		byDate[v.From] = v
	}
	out := make([]Value, 0, len(byDate))
	for _, v := range byDate {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].From.Before(out[j].From) })
	return out
}

func tableSuffix(key, of string) string {
	if key == "" {
		return ""
	}
	return fmt.Sprintf(" (key %s, of %s)", key, of)
}

// parseFile reads one file into checked parameter entries and programme
// declarations, adding errors to errs.
func parseFile(f paramFile, errs *fileErrors) ([]entry, []*Programme) {
	var doc yaml.Node
	if err := yaml.Unmarshal(f.data, &doc); err != nil {
		msg := err.Error()
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			errs.add(f.name, n, "%s", m[2])
		} else {
			errs.add(f.name, 1, "%s", msg)
		}
		return nil, nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		errs.add(f.name, 1, "empty file: expected a mapping with the key parameters")
		return nil, nil
	}
	root := doc.Content[0]
	fields := mapping(f.name, root, errs, "parameters", "programmes")
	progs := parseProgrammes(f.name, fields["programmes"], errs)
	list, ok := fields["parameters"]
	if !ok {
		if root.Kind == yaml.MappingNode && fields["programmes"] == nil {
			errs.add(f.name, root.Line, "missing key parameters")
		}
		return nil, progs
	}
	if list.Kind != yaml.SequenceNode {
		errs.add(f.name, list.Line, "parameters must be a list of parameter entries")
		return nil, progs
	}
	var out []entry
	for _, n := range list.Content {
		if e, ok := parseEntry(f.name, n, errs); ok {
			out = append(out, e)
		}
	}
	return out, progs
}

// mapping checks that n is a mapping whose keys are all in allowed, each
// once, and returns its value nodes by key.
func mapping(file string, n *yaml.Node, errs *fileErrors, allowed ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n.Kind == yaml.AliasNode {
		errs.add(file, n.Line, "anchors and aliases are not allowed in parameter files")
		return out
	}
	if n.Kind != yaml.MappingNode {
		errs.add(file, n.Line, "expected a mapping with the keys %s", strings.Join(allowed, ", "))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !contains(allowed, k.Value) {
			errs.add(file, k.Line, "unknown key %q (allowed: %s)", k.Value, strings.Join(allowed, ", "))
			continue
		}
		if _, dup := out[k.Value]; dup {
			errs.add(file, k.Line, "key %q appears twice", k.Value)
			continue
		}
		if v.Kind == yaml.AliasNode {
			errs.add(file, v.Line, "anchors and aliases are not allowed in parameter files")
			continue
		}
		out[k.Value] = v
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// scalar returns the text of a required scalar field, or "" after adding
// an error.
func scalar(file string, parent *yaml.Node, fields map[string]*yaml.Node, key string, errs *fileErrors) (string, int) {
	n, ok := fields[key]
	if !ok {
		errs.add(file, parent.Line, "missing key %s", key)
		return "", parent.Line
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || strings.TrimSpace(n.Value) == "" {
		errs.add(file, n.Line, "%s must be a non-empty value", key)
		return "", n.Line
	}
	return strings.TrimSpace(n.Value), n.Line
}

// parseEntry checks one parameter entry.
func parseEntry(file string, n *yaml.Node, errs *fileErrors) (entry, bool) {
	before := len(*errs)
	f := mapping(file, n, errs, "name", "description", "unit", "key", "of", "jurisdiction", "replace", "values")
	e := entry{file: file, line: n.Line}
	e.name, _ = scalar(file, n, f, "name", errs)
	if e.name != "" && !nameRE.MatchString(e.name) {
		errs.add(file, f["name"].Line, "name %q must be lower-case words joined by dots, e.g. pension.calc_base", e.name)
	}
	if d, ok := f["description"]; ok {
		e.description = strings.TrimSpace(d.Value)
	}
	e.unit, e.unitLine = scalar(file, n, f, "unit", errs)
	if _, ok := unitDoc[e.unit]; e.unit != "" && !ok {
		errs.add(file, e.unitLine, "unknown unit %q (known: %s)", e.unit, unitList())
	}
	parseTableShape(file, n, f, &e, errs)
	e.jurisdiction, _ = scalar(file, n, f, "jurisdiction", errs)
	if e.jurisdiction != "" && !validDivision(e.jurisdiction) {
		errs.add(file, f["jurisdiction"].Line, "jurisdiction %q is not a division code (100000 national, 330000 province, 330400 city, 330402 ...)", e.jurisdiction)
	}
	if r, ok := f["replace"]; ok {
		e.replace = r.Value == "true"
		if r.Value != "true" && r.Value != "false" {
			errs.add(file, r.Line, "replace must be true or false")
		}
	}
	if len(*errs) > before {
		return e, false
	}
	e.values = parseValues(file, n, f, e, errs)
	return e, len(*errs) == before
}

// parseTableShape checks key and of, which tables need and scalars refuse.
func parseTableShape(file string, n *yaml.Node, f map[string]*yaml.Node, e *entry, errs *fileErrors) {
	if e.unit != UnitTable {
		for _, k := range []string{"key", "of"} {
			if x, ok := f[k]; ok {
				errs.add(file, x.Line, "%s is only for unit table", k)
			}
		}
		return
	}
	e.key, e.keyLine = scalar(file, n, f, "key", errs)
	if _, ok := tableKeys[e.key]; e.key != "" && !ok {
		errs.add(file, e.keyLine, "unknown table key %q (known: %s)", e.key, tableKeyList())
	}
	e.of, e.ofLine = scalar(file, n, f, "of", errs)
	if _, ok := unitDoc[e.of]; e.of != "" && (!ok || e.of == UnitTable || e.of == UnitYearMonth || e.of == UnitDivisions) {
		errs.add(file, e.ofLine, "unknown unit %q for table numbers (known: %s, except table, year_month and divisions)", e.of, unitList())
	}
}

// parseValues checks the dated values of an entry.
func parseValues(file string, n *yaml.Node, f map[string]*yaml.Node, e entry, errs *fileErrors) []Value {
	list, ok := f["values"]
	if !ok || list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		line := n.Line
		if ok {
			line = list.Line
		}
		errs.add(file, line, "values must be a non-empty list of dated values")
		return nil
	}
	var out []Value
	for _, vn := range list.Content {
		v, ok := parseValue(file, vn, e, errs)
		if !ok {
			continue
		}
		if k := len(out); k > 0 && !out[k-1].From.Before(v.From) {
			what := "unsorted dates"
			if out[k-1].From == v.From {
				what = "duplicate date"
			}
			errs.add(file, v.Line, "%s: %s comes after %s (line %d); list values oldest first, one per date", what, v.From, out[k-1].From, out[k-1].Line)
			continue
		}
		out = append(out, v)
	}
	return out
}

// parseValue checks one dated value.
func parseValue(file string, n *yaml.Node, e entry, errs *fileErrors) (Value, bool) {
	before := len(*errs)
	f := mapping(file, n, errs, "from", "value", "reference", "confidence", "note")
	v := Value{File: file, Line: n.Line}
	if from, line := scalar(file, n, f, "from", errs); from != "" {
		d, err := period.ParseDate(from)
		if err != nil {
			errs.add(file, line, "from: %v", err)
		}
		v.From = d
	}
	v.Reference, v.Confidence, v.Note = sourced(file, n, f, errs)
	vn, ok := f["value"]
	if !ok {
		errs.add(file, n.Line, "missing key value")
	} else {
		parseValueText(file, vn, e, &v, errs)
	}
	return v, len(*errs) == before
}

// sourced reads what every sourced entry carries: its reference, its
// confidence (verified, supported or unverified) and an optional note.
func sourced(file string, n *yaml.Node, f map[string]*yaml.Node, errs *fileErrors) (reference, confidence, note string) {
	reference, _ = scalar(file, n, f, "reference", errs)
	confidence, line := scalar(file, n, f, "confidence", errs)
	if confidence != "" && confidence != Verified && confidence != Supported && confidence != Unverified {
		errs.add(file, line, "confidence %q must be verified, supported or unverified", confidence)
	}
	if x, ok := f["note"]; ok {
		note = strings.TrimSpace(x.Value)
	}
	return reference, confidence, note
}

// parseValueText reads the value node by the entry's unit.
func parseValueText(file string, n *yaml.Node, e entry, v *Value, errs *fileErrors) {
	switch {
	case e.unit == UnitTable:
		parseTable(file, n, e, v, errs)
	case n.Kind != yaml.ScalarNode || n.Tag == "!!null":
		errs.add(file, n.Line, "value must be a single %s", unitDoc[e.unit])
	case e.unit == UnitYearMonth:
		ym, err := parseYearMonth(n.Value)
		if err != nil {
			errs.add(file, n.Line, "value: %v", err)
		}
		v.ym, v.Text = ym, n.Value
	default:
		d, err := parseNumber(e.unit, n.Value)
		if err != nil {
			errs.add(file, n.Line, "bad number for unit %s: %v", e.unit, err)
		}
		v.num, v.Text = d, n.Value
	}
}

// parseTable reads a table value: a mapping of integer keys to numbers.
func parseTable(file string, n *yaml.Node, e entry, v *Value, errs *fileErrors) {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		errs.add(file, n.Line, "a table value is a mapping of %s to %s, e.g. {1: ..., 2: ...}", e.key, e.of)
		return
	}
	var texts []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, x := n.Content[i], n.Content[i+1]
		key, err := strconv.Atoi(k.Value)
		if err != nil || k.Kind != yaml.ScalarNode {
			errs.add(file, k.Line, "table key %q is not a whole number (%s)", k.Value, tableKeys[e.key])
			continue
		}
		if x.Kind != yaml.ScalarNode {
			errs.add(file, x.Line, "table number for key %d must be a single value", key)
			continue
		}
		d, err := parseNumber(e.of, x.Value)
		if err != nil {
			errs.add(file, x.Line, "bad number for key %d: %v", key, err)
			continue
		}
		if len(v.rows) > 0 && v.rows[len(v.rows)-1].Key >= key {
			errs.add(file, k.Line, "table keys must be ascending and unique: %d after %d", key, v.rows[len(v.rows)-1].Key)
			continue
		}
		v.rows = append(v.rows, TableRow{Key: key, Value: d, Text: x.Value})
		texts = append(texts, fmt.Sprintf("%d: %s", key, x.Value))
	}
	v.Text = strings.Join(texts, ", ")
}

// checkSchema checks that every parameter the formulas read has the unit
// they expect, so an override cannot change a rate into an amount.
func (c *Params) checkSchema(errs *fileErrors) {
	for _, name := range c.Names() {
		want, ok := schema[name]
		if !ok {
			continue
		}
		d := c.defs[name]
		if d.unit != want.unit || d.key != want.key || d.of != want.of {
			errs.add(d.file, d.line, "parameter %s must have unit %s%s: the formulas read it so", name, want.unit, tableSuffix(want.key, want.of))
		}
	}
}
