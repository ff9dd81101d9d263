package rules

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"hrss/rules/fault"
	"hrss/rules/msg"
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

// FileError is one error of a parameter file: where, and a message of
// the catalogue (paramfile.*) with its arguments.
type FileError struct {
	File string
	Line int
	Message
}

// In writes the error in l as "file:line: message".
func (e FileError) In(l msg.Lang) string {
	return e.File + ":" + strconv.Itoa(e.Line) + ": " + e.Message.In(l)
}

// FileErrors are the errors of one load of parameter files, in order.
type FileErrors []FileError

// In writes the errors in l, one a line (the Words of the load's
// fault.Error, so that the CLI prints them in --lang).
func (e FileErrors) In(l msg.Lang) string {
	lines := make([]string, len(e))
	for i, x := range e {
		lines[i] = x.In(l)
	}
	return strings.Join(lines, "\n")
}

// fileErrors collects the errors of one load.
type fileErrors = FileErrors

func (e *FileErrors) add(file string, line int, key string, args ...msg.Arg) {
	*e = append(*e, FileError{File: file, Line: line, Message: Msg(key, args...)})
}

func (e FileErrors) err() error {
	if len(e) == 0 {
		return nil
	}
	return fault.InvalidWords("", "params.file", e)
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
			errs.add(e.file, e.line, "paramfile.duplicate", msg.Text("param", e.name), msg.Text("jurisdiction", e.jurisdiction), msg.Text("at", at))
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
			errs.add(e.file, e.line, "paramfile.description", msg.Text("param", e.name))
			return nil
		}
		d = &def{name: e.name, unit: e.unit, key: e.key, of: e.of, description: e.description,
			file: e.file, line: e.line, series: map[string]*series{}}
		c.defs[e.name] = d
		return d
	}
	if d.unit != e.unit || d.key != e.key || d.of != e.of {
		errs.add(e.file, e.unitLine, "paramfile.unit_changed", msg.Text("param", e.name), msg.Text("unit", unitText(d.unit, d.key, d.of)),
			msg.Text("at", fmt.Sprintf("%s:%d", d.file, d.line)), msg.Text("given", unitText(e.unit, e.key, e.of)))
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

// unitText writes a unit with, for a table, its key and the unit of its
// numbers: "rate", "table(key=age_years, of=months)".
func unitText(unit, key, of string) string {
	if key == "" {
		return unit
	}
	return unit + "(key=" + key + ", of=" + of + ")"
}

// parseFile reads one file into checked parameter entries and programme
// declarations, adding errors to errs.
func parseFile(f paramFile, errs *fileErrors) ([]entry, []*Programme) {
	var doc yaml.Node
	if err := yaml.Unmarshal(f.data, &doc); err != nil {
		text := err.Error()
		if m := yamlLineRE.FindStringSubmatch(text); m != nil {
			n, _ := strconv.Atoi(m[1])
			errs.add(f.name, n, "paramfile.yaml", msg.Text("detail", m[2]))
		} else {
			errs.add(f.name, 1, "paramfile.yaml", msg.Text("detail", text))
		}
		return nil, nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		errs.add(f.name, 1, "paramfile.empty")
		return nil, nil
	}
	root := doc.Content[0]
	fields := mapping(f.name, root, errs, "parameters", "programmes")
	progs := parseProgrammes(f.name, fields["programmes"], errs)
	list, ok := fields["parameters"]
	if !ok {
		if root.Kind == yaml.MappingNode && fields["programmes"] == nil {
			errs.add(f.name, root.Line, "paramfile.missing_key", msg.Text("key", "parameters"))
		}
		return nil, progs
	}
	if list.Kind != yaml.SequenceNode {
		errs.add(f.name, list.Line, "paramfile.parameters_list")
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
		errs.add(file, n.Line, "paramfile.alias")
		return out
	}
	if n.Kind != yaml.MappingNode {
		errs.add(file, n.Line, "paramfile.mapping", msg.Text("allowed", strings.Join(allowed, ", ")))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !contains(allowed, k.Value) {
			errs.add(file, k.Line, "paramfile.unknown_key", msg.Text("key", k.Value), msg.Text("allowed", strings.Join(allowed, ", ")))
			continue
		}
		if _, dup := out[k.Value]; dup {
			errs.add(file, k.Line, "paramfile.key_twice", msg.Text("key", k.Value))
			continue
		}
		if v.Kind == yaml.AliasNode {
			errs.add(file, v.Line, "paramfile.alias")
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
		errs.add(file, parent.Line, "paramfile.missing_key", msg.Text("key", key))
		return "", parent.Line
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || strings.TrimSpace(n.Value) == "" {
		errs.add(file, n.Line, "paramfile.empty_value", msg.Text("key", key))
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
		errs.add(file, f["name"].Line, "paramfile.name", msg.Text("name", e.name))
	}
	if d, ok := f["description"]; ok {
		e.description = strings.TrimSpace(d.Value)
	}
	e.unit, e.unitLine = scalar(file, n, f, "unit", errs)
	if _, ok := unitDoc[e.unit]; e.unit != "" && !ok {
		errs.add(file, e.unitLine, "paramfile.unknown_unit", msg.Text("unit", e.unit), msg.Text("known", unitList()))
	}
	parseTableShape(file, n, f, &e, errs)
	e.jurisdiction, _ = scalar(file, n, f, "jurisdiction", errs)
	if e.jurisdiction != "" && !validDivision(e.jurisdiction) {
		errs.add(file, f["jurisdiction"].Line, "paramfile.jurisdiction", msg.Text("jurisdiction", e.jurisdiction))
	}
	if r, ok := f["replace"]; ok {
		e.replace = r.Value == "true"
		if r.Value != "true" && r.Value != "false" {
			errs.add(file, r.Line, "paramfile.bool", msg.Text("key", "replace"))
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
				errs.add(file, x.Line, "paramfile.table_only", msg.Text("key", k))
			}
		}
		return
	}
	e.key, e.keyLine = scalar(file, n, f, "key", errs)
	if _, ok := tableKeys[e.key]; e.key != "" && !ok {
		errs.add(file, e.keyLine, "paramfile.table_key", msg.Text("key", e.key), msg.Text("known", tableKeyList()))
	}
	e.of, e.ofLine = scalar(file, n, f, "of", errs)
	if _, ok := unitDoc[e.of]; e.of != "" && (!ok || e.of == UnitTable || e.of == UnitYearMonth || e.of == UnitDivisions) {
		errs.add(file, e.ofLine, "paramfile.table_unit", msg.Text("unit", e.of), msg.Text("known", unitList()))
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
		errs.add(file, line, "paramfile.values")
		return nil
	}
	var out []Value
	for _, vn := range list.Content {
		v, ok := parseValue(file, vn, e, errs)
		if !ok {
			continue
		}
		if k := len(out); k > 0 && !out[k-1].From.Before(v.From) {
			key := "paramfile.unsorted"
			if out[k-1].From == v.From {
				key = "paramfile.duplicate_date"
			}
			errs.add(file, v.Line, key, msg.Date("from", v.From), msg.Date("before", out[k-1].From), msg.Int("line", out[k-1].Line))
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
			errs.add(file, line, "paramfile.date", msg.Text("key", "from"), msg.Text("value", from))
		}
		v.From = d
	}
	v.Reference, v.Confidence, v.Note = sourced(file, n, f, errs)
	vn, ok := f["value"]
	if !ok {
		errs.add(file, n.Line, "paramfile.missing_key", msg.Text("key", "value"))
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
		errs.add(file, line, "paramfile.confidence", msg.Text("confidence", confidence))
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
		errs.add(file, n.Line, "paramfile.single", msg.Text("unit", e.unit), msg.Text("doc", unitDoc[e.unit]))
	case e.unit == UnitYearMonth:
		ym, err := parseYearMonth(n.Value)
		if err != nil {
			errs.add(file, n.Line, "paramfile.year_month", msg.Text("value", n.Value))
		}
		v.ym, v.Text = ym, n.Value
	default:
		d, err := parseNumber(e.unit, n.Value)
		if err != nil {
			errs.add(file, n.Line, "paramfile.number", msg.Text("unit", e.unit), msg.Text("value", n.Value), msg.Text("detail", err.Error()))
		}
		v.num, v.Text = d, n.Value
	}
}

// parseTable reads a table value: a mapping of integer keys to numbers.
func parseTable(file string, n *yaml.Node, e entry, v *Value, errs *fileErrors) {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		errs.add(file, n.Line, "paramfile.table", msg.Text("key", e.key), msg.Text("of", e.of))
		return
	}
	var texts []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, x := n.Content[i], n.Content[i+1]
		key, err := strconv.Atoi(k.Value)
		if err != nil || k.Kind != yaml.ScalarNode {
			errs.add(file, k.Line, "paramfile.table_whole", msg.Text("value", k.Value), msg.Text("key", e.key), msg.Text("doc", tableKeys[e.key]))
			continue
		}
		if x.Kind != yaml.ScalarNode {
			errs.add(file, x.Line, "paramfile.table_single", msg.Int("key", key))
			continue
		}
		d, err := parseNumber(e.of, x.Value)
		if err != nil {
			errs.add(file, x.Line, "paramfile.table_number", msg.Int("key", key), msg.Text("value", x.Value), msg.Text("detail", err.Error()))
			continue
		}
		if len(v.rows) > 0 && v.rows[len(v.rows)-1].Key >= key {
			errs.add(file, k.Line, "paramfile.table_order", msg.Int("key", key), msg.Int("after", v.rows[len(v.rows)-1].Key))
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
			errs.add(d.file, d.line, "paramfile.schema", msg.Text("param", name), msg.Text("unit", unitText(want.unit, want.key, want.of)))
		}
	}
}
