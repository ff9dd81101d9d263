package rules

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"hrss/rules/msg"
	"hrss/rules/period"
)

// A parameter file may declare support programmes beside (or instead of)
// parameters, under the key programmes:
//
//	programmes:
//	  - code: expansion_2025           # lower case; its parameters are support.<code>.<name>
//	    formula: job_expansion         # one of Formulas
//	    family: job_expansion          # programmes of one family pay a key once between them
//	    name_zh: 一次性扩岗补助（2025年）
//	    name_en: One-time job expansion subsidy (2025)
//	    beneficiary: employer          # employer | person | bank
//	    per_employer: false            # the key is person × employer when true
//	    groups: [graduate_of_year, recent_graduate, unemployed_youth]
//	    insurances: [unemployment, work_injury, pension]
//	    from: 2025-01-01               # events (hires, starts) it covers
//	    until: 2025-12-31              # optional
//	    claim_until: 2026-12-31        # optional: the last day a grant may be found
//	    reference: 人社部发〔…〕…号
//	    confidence: verified
//	    note: optional remark
//
// A programme with the code of one already declared replaces it (a
// deployment's override); the parameters its formula reads must exist
// with their units, which the load checks and names by file and line.

var codeRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

var programmeKeys = []string{"code", "formula", "family", "name_zh", "name_en", "beneficiary", "per_employer", "groups",
	"insurances", "from", "until", "claim_until", "reference", "confidence", "note"}

// parseProgrammes reads the programmes list of a file (nil when absent).
func parseProgrammes(file string, list *yaml.Node, errs *fileErrors) []*Programme {
	if list == nil {
		return nil
	}
	if list.Kind != yaml.SequenceNode {
		errs.add(file, list.Line, "paramfile.programmes_list")
		return nil
	}
	var out []*Programme
	for _, n := range list.Content {
		if g, ok := parseProgramme(file, n, errs); ok {
			out = append(out, g)
		}
	}
	return out
}

// parseProgramme checks one programme entry.
func parseProgramme(file string, n *yaml.Node, errs *fileErrors) (*Programme, bool) {
	before := len(*errs)
	f := mapping(file, n, errs, programmeKeys...)
	g := &Programme{File: file, Line: n.Line, groupSet: map[Group]bool{}}
	g.Code, _ = scalar(file, n, f, "code", errs)
	if g.Code != "" && !codeRE.MatchString(g.Code) {
		errs.add(file, f["code"].Line, "paramfile.programme_code", msg.Text("code", g.Code))
	}
	formula, fl := scalar(file, n, f, "formula", errs)
	g.Formula = Formula(formula)
	if formula != "" && formulaParams[g.Formula] == nil {
		errs.add(file, fl, "paramfile.formula", msg.Text("formula", formula), msg.Text("known", joinFormulas()))
	}
	g.Family, _ = scalar(file, n, f, "family", errs)
	g.NameZH, _ = scalar(file, n, f, "name_zh", errs)
	g.NameEN, _ = scalar(file, n, f, "name_en", errs)
	ben, bl := scalar(file, n, f, "beneficiary", errs)
	g.Beneficiary = Beneficiary(ben)
	if ben != "" && g.Beneficiary != PaysEmployer && g.Beneficiary != PaysPerson && g.Beneficiary != PaysBank {
		errs.add(file, bl, "paramfile.beneficiary", msg.Text("beneficiary", ben))
	}
	if x, ok := f["per_employer"]; ok {
		g.PerEmployer = x.Value == "true"
		if x.Value != "true" && x.Value != "false" {
			errs.add(file, x.Line, "paramfile.bool", msg.Text("key", "per_employer"))
		}
	}
	parseProgrammeLists(file, f, g, errs)
	parseProgrammeDates(file, n, f, g, errs)
	g.Reference, g.Confidence, g.Note = sourced(file, n, f, errs)
	if g.Formula != FormulaStartupLoan && len(g.Groups) == 0 && len(*errs) == before {
		errs.add(file, n.Line, "paramfile.groups", msg.Text("programme", g.Code))
	}
	g.Parameters = paramsFor(g.Formula, g.groupSet)
	return g, len(*errs) == before
}

// parseProgrammeLists reads the groups and insurances.
func parseProgrammeLists(file string, f map[string]*yaml.Node, g *Programme, errs *fileErrors) {
	known := map[Group]bool{GroupGraduateOfYear: true, GroupRecentGraduate: true, GroupGraduate: true, GroupUnemployedYouth: true,
		GroupRegisteredUnemployed: true, GroupDifficulty: true}
	for _, s := range stringList(file, f["groups"], "groups", errs) {
		if !known[Group(s.Value)] {
			errs.add(file, s.Line, "paramfile.group", msg.Text("group", s.Value))
			continue
		}
		g.Groups = append(g.Groups, Group(s.Value))
		g.groupSet[Group(s.Value)] = true
	}
	for _, s := range stringList(file, f["insurances"], "insurances", errs) {
		switch x := Insurance(s.Value); x {
		case Pension, Medical, Unemployment, WorkInjury:
			g.Insurances = append(g.Insurances, x)
		default:
			errs.add(file, s.Line, "paramfile.insurance", msg.Text("insurance", s.Value))
		}
	}
}

// stringList returns the scalar items of a list node (nil when absent).
func stringList(file string, n *yaml.Node, key string, errs *fileErrors) []*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		errs.add(file, n.Line, "paramfile.list", msg.Text("key", key))
		return nil
	}
	var out []*yaml.Node
	for _, x := range n.Content {
		if x.Kind != yaml.ScalarNode {
			errs.add(file, x.Line, "paramfile.list_item", msg.Text("key", key))
			continue
		}
		out = append(out, x)
	}
	return out
}

// parseProgrammeDates reads from and until.
func parseProgrammeDates(file string, n *yaml.Node, f map[string]*yaml.Node, g *Programme, errs *fileErrors) {
	if from, line := scalar(file, n, f, "from", errs); from != "" {
		d, err := period.ParseDate(from)
		if err != nil {
			errs.add(file, line, "paramfile.date", msg.Text("key", "from"), msg.Text("value", from))
		}
		g.From = d
	}
	if u, ok := f["until"]; ok {
		d, err := period.ParseDate(strings.TrimSpace(u.Value))
		switch {
		case err != nil:
			errs.add(file, u.Line, "paramfile.date", msg.Text("key", "until"), msg.Text("value", strings.TrimSpace(u.Value)))
		case d.Before(g.From):
			errs.add(file, u.Line, "paramfile.until", msg.Date("until", d), msg.Date("from", g.From))
		}
		g.Until = d
	}
	if u, ok := f["claim_until"]; ok {
		d, err := period.ParseDate(strings.TrimSpace(u.Value))
		switch {
		case err != nil:
			errs.add(file, u.Line, "paramfile.date", msg.Text("key", "claim_until"), msg.Text("value", strings.TrimSpace(u.Value)))
		case d.Before(g.From) || (!g.Until.IsZero() && d.Before(g.Until)):
			errs.add(file, u.Line, "paramfile.claim_until", msg.Date("claim_until", d))
		}
		g.ClaimUntil = d
	}
}

func joinFormulas() string {
	var s []string
	for _, f := range Formulas {
		s = append(s, string(f))
	}
	return strings.Join(s, ", ")
}

// applyProgrammes adds the programmes of one file to c. In the baseline a
// code may be declared once; an overlay replaces a programme of the same
// code.
func (c *Params) applyProgrammes(progs []*Programme, overlay bool, errs *fileErrors) {
	if c.progs == nil {
		c.progs = map[string]*Programme{}
	}
	for _, g := range progs {
		if old := c.progs[g.Code]; old != nil && !overlay {
			errs.add(g.File, g.Line, "paramfile.programme_twice", msg.Text("programme", g.Code), msg.Text("at", fmt.Sprintf("%s:%d", old.File, old.Line)))
			continue
		}
		c.progs[g.Code] = g
	}
}

// checkProgrammes checks that every parameter a programme's formula reads
// exists with the unit the formula expects, and that a family pays one
// beneficiary with one formula.
func (c *Params) checkProgrammes(errs *fileErrors) {
	families := map[string]*Programme{}
	for _, g := range c.Programmes() {
		for _, pp := range g.Parameters {
			name := g.ParamName(pp.Suffix)
			d := c.defs[name]
			if d == nil {
				errs.add(g.File, g.Line, "paramfile.programme_param", msg.Text("programme", g.Code), msg.Text("param", name), msg.Text("what", pp.What), msg.Text("unit", unitText(pp.Unit, pp.Key, pp.Of)))
				continue
			}
			if d.unit != pp.Unit || d.key != pp.Key || d.of != pp.Of {
				errs.add(d.file, d.line, "paramfile.programme_unit", msg.Text("param", name), msg.Text("unit", unitText(pp.Unit, pp.Key, pp.Of)), msg.Text("programme", g.Code))
			}
		}
		if f := families[g.Family]; f != nil && (f.Formula != g.Formula || f.Beneficiary != g.Beneficiary) {
			errs.add(g.File, g.Line, "paramfile.family", msg.Text("programme", g.Code), msg.Text("family", g.Family), msg.Text("other", f.Code))
		}
		families[g.Family] = g
	}
}

// String names the programme for an operator.
func (g *Programme) String() string { return fmt.Sprintf("%s (%s)", g.Code, g.NameEN) }
