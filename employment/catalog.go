package employment

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"hrss/rules/fault"
)

//go:embed data/occupations_demo.tsv
var demoOccupationsTSV []byte

//go:embed data/skills_demo.tsv
var demoSkillsTSV []byte

// DemoSource is the Source of the shipped demo entries.
const DemoSource = "demo"

// Catalog is the occupational classification and the skill vocabulary in
// force: the imported lists, or the shipped demo subsets when none was
// imported. A Catalog is immutable once built.
type Catalog struct {
	occupations map[OccupationCode]Occupation
	occOrder    []OccupationCode
	skills      []Skill        // by index
	skillIndex  map[string]int // code → index
}

// NewCatalog builds a catalog from lists; duplicates keep the last entry.
func NewCatalog(occs []Occupation, skills []Skill) *Catalog {
	c := &Catalog{occupations: map[OccupationCode]Occupation{}, skillIndex: map[string]int{}}
	for _, o := range occs {
		if _, dup := c.occupations[o.Code]; !dup {
			c.occOrder = append(c.occOrder, o.Code)
		}
		c.occupations[o.Code] = o
	}
	slices.Sort(c.occOrder)
	for _, s := range skills {
		if i, dup := c.skillIndex[s.Code]; dup {
			c.skills[i] = s
			continue
		}
		c.skillIndex[s.Code] = len(c.skills)
		c.skills = append(c.skills, s)
	}
	return c
}

// DemoCatalog returns the shipped demo subsets of the classification and
// the skill vocabulary (clearly labelled Source "demo").
func DemoCatalog() *Catalog {
	occs, err := ParseOccupations(bytes.NewReader(demoOccupationsTSV), DemoSource)
	if err != nil {
		panic("employment: demo occupations: " + err.Error())
	}
	skills, err := ParseSkills(bytes.NewReader(demoSkillsTSV), DemoSource)
	if err != nil {
		panic("employment: demo skills: " + err.Error())
	}
	return NewCatalog(occs, skills)
}

// Occupation returns the entry for code.
func (c *Catalog) Occupation(code OccupationCode) (Occupation, bool) {
	o, ok := c.occupations[code]
	return o, ok
}

// Occupations lists the classification in code order.
func (c *Catalog) Occupations() []Occupation {
	out := make([]Occupation, len(c.occOrder))
	for i, code := range c.occOrder {
		out[i] = c.occupations[code]
	}
	return out
}

// Skills lists the vocabulary in the order it was given.
func (c *Catalog) Skills() []Skill { return slices.Clone(c.skills) }

// Skill returns the vocabulary entry for code.
func (c *Catalog) Skill(code string) (Skill, bool) {
	i, ok := c.skillIndex[code]
	if !ok {
		return Skill{}, false
	}
	return c.skills[i], true
}

// checkOccupation returns code if it is in the catalog, or Invalid.
func (c *Catalog) checkOccupation(field, s string) (OccupationCode, error) {
	code, err := ParseOccupationCode(field, s)
	if err != nil {
		return "", err
	}
	if _, ok := c.occupations[code]; !ok {
		return "", fault.Invalidf(field, "occupation.known", "%s is not in the occupational classification in force (%d entries); import the full list with hrss occupations import", code, len(c.occupations))
	}
	return code, nil
}

// checkSkills returns the distinct known skill codes of in, sorted.
func (c *Catalog) checkSkills(field string, in []string, max int) ([]string, error) {
	var out []string
	for _, s := range in {
		code, err := checkSkillCode(field, s)
		if err != nil {
			return nil, err
		}
		if _, ok := c.skillIndex[code]; !ok {
			return nil, fault.Invalidf(field, "skill.known", "%q is not in the skill vocabulary in force; see hrss skills list", code)
		}
		out = append(out, code)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > max {
		return nil, fault.Invalidf(field, "skill.count", "at most %d skills, got %d", max, len(out))
	}
	return out, nil
}

// table reads a CSV or TSV file (the separator is a tab if the header has
// one) with a header row naming its columns; lines starting with # are
// comments. It returns the rows as maps with their line numbers.
type tableRow struct {
	line   int
	fields map[string]string
}

func readTable(r io.Reader, required, optional []string) ([]tableRow, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comment, cr.FieldsPerRecord, cr.TrimLeadingSpace = '#', -1, true
	if first := firstDataLine(data); strings.Contains(first, "\t") {
		cr.Comma, cr.LazyQuotes = '\t', true
	}
	header, err := cr.Read()
	if err != nil {
		return nil, fault.Invalidf("file", "file.header", "the file needs a header row naming the columns %s: %v", strings.Join(required, ", "), err)
	}
	cols := map[string]int{}
	for i, h := range header {
		cols[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, name := range required {
		if _, ok := cols[name]; !ok {
			return nil, (&fault.Error{Kind: fault.Invalid, Field: "file", Rule: "file.column", Message: "the header has no column " + name + " (required: " + strings.Join(required, ", ") + "; optional: " + strings.Join(optional, ", ") + ")"}).At(1, name)
		}
	}
	var rows []tableRow
	var errs fault.List
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			errs = append(errs, (&fault.Error{Kind: fault.Invalid, Field: "file", Rule: "file.syntax", Message: err.Error()}).At(line, ""))
			if pe == nil {
				break // not a syntax error of one row: reading cannot go on
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		row := tableRow{line: line, fields: map[string]string{}}
		for name, i := range cols {
			if i < len(rec) {
				row.fields[name] = strings.TrimSpace(rec[i])
			}
		}
		rows = append(rows, row)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return rows, nil
}

func firstDataLine(data []byte) string {
	for _, l := range strings.Split(string(data), "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			return l
		}
	}
	return ""
}

// ParseOccupations reads an occupation list: a CSV or TSV file with the
// columns code and name_zh, and optionally name_en. Every bad row is
// reported (a fault.List of Invalid errors with row and column); nothing
// is returned unless every row is good.
func ParseOccupations(r io.Reader, source string) ([]Occupation, error) {
	rows, err := readTable(r, []string{"code", "name_zh"}, []string{"name_en"})
	if err != nil {
		return nil, err
	}
	var out []Occupation
	var errs fault.List
	seen := map[OccupationCode]int{}
	for _, row := range rows {
		f := row.fields
		code, err := ParseOccupationCode("code", f["code"])
		switch {
		case err != nil:
			errs = append(errs, err.(*fault.Error).At(row.line, "code"))
		case f["name_zh"] == "":
			errs = append(errs, fault.Invalidf("name_zh", "occupation.name", "the Chinese name is empty").At(row.line, "name_zh"))
		case seen[code] != 0:
			errs = append(errs, fault.Invalidf("code", "occupation.unique", "%s is listed twice (first on row %d)", code, seen[code]).At(row.line, "code"))
		default:
			seen[code] = row.line
			out = append(out, Occupation{Code: code, NameZH: f["name_zh"], NameEN: f["name_en"], Source: source})
		}
	}
	return out, joinErrs(errs, len(out), "occupation")
}

// ParseSkills reads a skill vocabulary: a CSV or TSV file with the columns
// code and name_zh, and optionally name_en and weight (1-3, default 2).
// Errors are reported as ParseOccupations does.
func ParseSkills(r io.Reader, source string) ([]Skill, error) {
	rows, err := readTable(r, []string{"code", "name_zh"}, []string{"name_en", "weight"})
	if err != nil {
		return nil, err
	}
	var out []Skill
	var errs fault.List
	seen := map[string]int{}
	for _, row := range rows {
		s, err := parseSkillRow(row.fields)
		if err == nil && seen[s.Code] != 0 {
			err = fault.Invalidf("code", "skill.unique", "%s is listed twice (first on row %d)", s.Code, seen[s.Code])
		}
		if err != nil {
			fe := err.(*fault.Error)
			errs = append(errs, fe.At(row.line, fe.Field))
			continue
		}
		seen[s.Code] = row.line
		s.Source = source
		out = append(out, s)
	}
	return out, joinErrs(errs, len(out), "skill")
}

func parseSkillRow(f map[string]string) (Skill, error) {
	code, err := checkSkillCode("code", f["code"])
	if err != nil {
		return Skill{}, err
	}
	s := Skill{Code: code, NameZH: f["name_zh"], NameEN: f["name_en"], Weight: 2}
	if s.NameZH == "" {
		return s, fault.Invalidf("name_zh", "skill.name", "the Chinese name is empty")
	}
	if s.NameEN == "" {
		s.NameEN = s.NameZH
	}
	if w := f["weight"]; w != "" {
		n, err := strconv.Atoi(w)
		if err != nil || n < 1 || n > MaxSkillWeight {
			return s, fault.Invalidf("weight", "skill.weight", "%q is not a weight from 1 to %d", w, MaxSkillWeight)
		}
		s.Weight = n
	}
	return s, nil
}

func joinErrs(errs fault.List, n int, what string) error {
	if len(errs) > 0 {
		return errs
	}
	if n == 0 {
		return fault.Invalidf("file", "file.empty", "the file lists no %s", what)
	}
	return nil
}
