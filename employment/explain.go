package employment

import (
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/msg"
)

// A match's explanation is messages of the catalogue (rules/msg, keys
// match.*) with typed arguments, never a sentence: a lead-in with the
// score, then one message per component with its points, its weight and
// the weight's parameter, and why (the occupation level and names, the
// skills' weights and names, the education levels, the wage and range,
// the divisions, the years). The reader's side writes them in the
// reader's language (rules.Why.In); Explanation and Explanations are
// those texts, written here for the caller that asked for a language.

// weightParams are the parameters of the six component weights, in the
// order of Components (rules/params/employment.yaml).
var weightParams = [6]string{
	"employment.match_weight.occupation", "employment.match_weight.skills", "employment.match_weight.education",
	"employment.match_weight.salary", "employment.match_weight.location", "employment.match_weight.experience",
}

// explain builds the full Match of a pair that passed the filters.
func (m *Matcher) explain(q *seekProfile, vp *vacProfile, v *Vacancy, lang string) Match {
	c, prox := m.sc.score(q, vp)
	mt := Match{VacancyID: v.ID, SeekerID: q.id, Score: c.Total(), Components: c, Personalised: true,
		MatchedSkills: []string{}, MissingSkills: []string{}}
	var gotW int64
	for i, sk := range vp.skills {
		if sk.idx >= 0 && q.has(sk.idx) {
			mt.MatchedSkills = append(mt.MatchedSkills, v.Skills[i])
			gotW += int64(sk.weight)
		} else {
			mt.MissingSkills = append(mt.MissingSkills, v.Skills[i])
		}
	}
	w := m.sc.w
	mt.Why = rules.Why{
		rules.Msg("match.score", points("score", mt.Score)),
		m.occWhy(partArgs(0, c.Occupation, w.Occupation), q, v, prox),
		m.skillWhy(partArgs(1, c.Skills, w.Skills), mt, gotW, vp.reqW, q.skillW),
		eduWhy(partArgs(2, c.Education, w.Education), q.edu, v.Education),
		salaryWhy(partArgs(3, c.Salary, w.Salary), q.salMin, v),
		m.locWhy(partArgs(4, c.Location, w.Location), q, v.Division),
		rules.Msg("match.experience", append(partArgs(5, c.Experience, w.Experience), msg.Int("years", int(q.exp)), msg.Int("asked", v.Experience))...),
	}
	mt.setExplanations(lang)
	return mt
}

// points is an argument of points.
func points(name string, p Points) msg.Arg { return msg.Points(name, int64(p)) }

// partArgs is the arguments every component's message has: the points got,
// the most it gives (its weight) and the weight's parameter.
func partArgs(i int, got, of Points) []msg.Arg {
	return []msg.Arg{points("got", got), msg.Int("of", int(of/100)), msg.Text("param", weightParams[i])}
}

// proximityKeys label the occupation levels of a match.
var proximityKeys = [...]string{"match.proximity.same_occupation", "match.proximity.same_minor", "match.proximity.same_medium",
	"match.proximity.same_major", "match.proximity.unrelated"}

func (m *Matcher) occWhy(args []msg.Arg, q *seekProfile, v *Vacancy, prox Proximity) rules.Message {
	zh, en := string(v.Occupation), string(v.Occupation)
	if o, ok := m.cat.Occupation(v.Occupation); ok {
		zh, en = o.NameZH, o.NameZH
		if o.NameEN != "" {
			en = o.NameEN
		}
	}
	args = append(args, msg.Text("code", string(v.Occupation)), msg.Text("occupation_zh", zh), msg.Text("occupation_en", en))
	switch {
	case len(q.keys) == 0:
		return rules.Msg("match.occupation.none", args...)
	case prox == Unrelated || prox == SameOccupation:
		return rules.Msg("match.occupation", append(args, msg.Label("level", proximityKeys[prox]))...)
	}
	return rules.Msg("match.occupation.level", append(args, msg.Label("level", proximityKeys[prox]), msg.Text("level_code", v.Occupation.levelCode(prox)))...)
}

func (m *Matcher) skillWhy(args []msg.Arg, mt Match, got, of, own int64) rules.Message {
	args = append(args, msg.Int("covered", int(got)), msg.Int("required", int(of)), msg.Int("own", int(own)))
	key := "match.skills"
	if len(mt.MatchedSkills) > 0 {
		key += ".has"
		args = append(args, m.skillNames("has", mt.MatchedSkills)...)
	}
	if len(mt.MissingSkills) > 0 {
		key += ".lacks"
		args = append(args, m.skillNames("lacks", mt.MissingSkills)...)
	}
	return rules.Msg(key, args...)
}

// skillNames are the names of skills in each language, as two arguments
// name_zh and name_en.
func (m *Matcher) skillNames(name string, codes []string) []msg.Arg {
	zh, en := "", ""
	for i, c := range codes {
		z, e := c, c
		if s, ok := m.cat.Skill(c); ok {
			z, e = s.NameZH, s.NameEN
		}
		if i > 0 {
			zh, en = zh+msg.Render(msg.ZH, "sep.items"), en+msg.Render(msg.EN, "sep.items")
		}
		zh, en = zh+z, en+e
	}
	return []msg.Arg{msg.Text(name+"_zh", zh), msg.Text(name+"_en", en)}
}

func eduWhy(args []msg.Arg, have int8, need registry.Education) rules.Message {
	h := registry.EduNone
	if have >= 0 && int(have) < len(registry.EducationLevels) {
		h = registry.EducationLevels[have]
	}
	return rules.Msg("match.education", append(args, msg.Label("have", "education."+string(h)), msg.Label("need", "education."+string(need)))...)
}

func salaryWhy(args []msg.Arg, want int64, v *Vacancy) rules.Message {
	args = append(args, msg.Fen("min", v.SalaryMin), msg.Fen("max", v.SalaryMax))
	if want == 0 {
		return rules.Msg("match.salary.none", args...)
	}
	return rules.Msg("match.salary", append(args, msg.Fen("want", money.Fen(want)))...)
}

func (m *Matcher) locWhy(args []msg.Arg, q *seekProfile, division string) rules.Message {
	d, _ := registry.DivisionByCode(division)
	args = append(args, msg.Text("division", division), msg.Text("division_zh", d.Name), msg.Text("division_en", d.NameEN))
	key := "match.location.elsewhere"
	switch i := divOf(division); {
	case i >= 0 && i == q.div:
		key = "match.location.same"
	case i >= 0 && q.accepted&(1<<uint(i)) != 0:
		key = "match.location.accepted"
	case i >= 0 && q.div >= 0 && m.sc.adj[q.div]&(1<<uint(i)) != 0:
		key = "match.location.neighbour"
	}
	return rules.Msg(key, args...)
}
