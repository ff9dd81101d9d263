package employment

import (
	"hrss/registry"
)

// The score of a match is the sum of six components, each a whole number
// of hundredths of a point: component = floor(weight × fraction / 10000),
// the fraction in basis points (0-10000) computed with integer arithmetic
// by the rules below, the weights parameters (employment.match_weight.*,
// read through Service.Rules) that sum to 100 points, so that a perfect
// match scores 100.00. docs/MATCHING.md states the same rules for people.

// full is a fraction of 1 in basis points.
const full = 10000

// Occupation fractions by Proximity: same occupation, same minor, same
// medium, same major category, unrelated.
var occFraction = [...]int64{10000, 7000, 4000, 1500, 0}

// Education fractions: meeting the requirement exactly is full; one
// level above 9000; two or more above (overqualified) 7000; one level
// below 4000; further below is refused by the education.minimum filter.
// A vacancy asking for no education gives every seeker full marks.
const (
	eduAbove = 9000
	eduOver  = 7000
	eduBelow = 4000
)

// Location fractions: the vacancy in the seeker's own division, in one
// the seeker accepts, in a neighbouring one, elsewhere in the city.
const (
	locHome     = 10000
	locAccepted = 9000
	locAdjacent = 6000
	locCity     = 3000
)

// Salary fit: an expectation inside the offered range is full; below
// the minimum the fraction falls by 5000 × (min − want) / min (a job
// pitched well above what the seeker asks for is a weaker fit); above the
// maximum it falls linearly from 6000 to 0 at salaryTolerance percent of
// the maximum, beyond which the salary.above_range filter refuses the
// pair. No expectation is full.
const (
	salaryBelowSpan = 5000
	salaryAboveMax  = 6000
	salaryTolerance = 120
)

// experienceGap is the shortfall in years from which experience.minimum
// refuses a pair; below it the fraction is (years+1)/(required+1).
const experienceGap = 3

// Rule names a hard filter; a refused pair names the rules it broke.
type Rule string

// The hard filters, checked before any score is computed.
const (
	RuleVacancyOpen Rule = "vacancy.open"       // the vacancy takes applications today (status, dates, openings left)
	RuleSeekerOpen  Rule = "seeker.active"      // the seeker's registration is active
	RuleEducation   Rule = "education.minimum"  // at most one level below the required education
	RuleSalary      Rule = "salary.above_range" // expectation at most 120% of the range's maximum
	RuleLocation    Rule = "location.mobility"  // a seeker who works only in chosen divisions
	RuleExperience  Rule = "experience.minimum" // short of the required experience by less than 3 years
	RuleOptOut      Rule = "personalisation.opt_out"
)

// ruleList indexes the rules a profile check can break.
var ruleList = []Rule{RuleEducation, RuleSalary, RuleLocation, RuleExperience}

// key is the catalogue's message explaining the rule (rules/msg).
func (r Rule) key() string { return "match.rule." + string(r) }

// divIndex maps Jiaxing's county-level divisions to 0-6.
var divIndex = func() map[string]int8 {
	m := map[string]int8{}
	for i, c := range registry.CountyCodes() {
		m[c] = int8(i)
	}
	return m
}()

// vacProfile is a vacancy compiled for scoring.
type vacProfile struct {
	id     int64
	key    occKey
	skills []skillRef // the required skills
	reqW   int64      // sum of their weights
	edu    int8
	exp    int8
	div    int8
	salMin int64
	salMax int64
}

// seekProfile is a seeker compiled for scoring.
type seekProfile struct {
	id       int64
	keys     []occKey
	skills   []uint64 // bitset over the vocabulary
	skillW   int64    // sum of the weights of the seeker's skills
	edu      int8
	exp      int8
	div      int8
	accepted uint8 // bitset of accepted divisions (home included)
	city     bool  // MobilityCity
	salMin   int64
}

// skillRef is a required skill: its vocabulary index and weight.
type skillRef struct{ idx, weight int32 }

func (s *seekProfile) has(skill int32) bool {
	w := int(skill >> 6)
	return w < len(s.skills) && s.skills[w]&(1<<(uint(skill)&63)) != 0
}

// Components are the parts of a score.
type Components struct {
	Occupation Points `json:"occupation"`
	Skills     Points `json:"skills"`
	Education  Points `json:"education"`
	Salary     Points `json:"salary"`
	Location   Points `json:"location"`
	Experience Points `json:"experience"`
}

// Total is the score: the sum of the components.
func (c Components) Total() Points {
	return c.Occupation + c.Skills + c.Education + c.Salary + c.Location + c.Experience
}

// filter returns the index in ruleList+1 of the first hard filter the pair
// breaks, or 0.
func filter(s *seekProfile, v *vacProfile) int {
	if v.edu > 0 && s.edu < v.edu-1 {
		return 1
	}
	if s.salMin > 0 && s.salMin*100 > v.salMax*salaryTolerance {
		return 2
	}
	if !s.city && v.div >= 0 && s.accepted&(1<<uint(v.div)) == 0 {
		return 3
	}
	if int(v.exp)-int(s.exp) >= experienceGap {
		return 4
	}
	return 0
}

// brokenRules lists every hard filter the pair breaks.
func brokenRules(s *seekProfile, v *vacProfile) []Rule {
	var out []Rule
	for _, r := range ruleList {
		if ruleBroken(s, v, r) {
			out = append(out, r)
		}
	}
	return out
}

func ruleBroken(s *seekProfile, v *vacProfile, r Rule) bool {
	switch r {
	case RuleEducation:
		return v.edu > 0 && s.edu < v.edu-1
	case RuleSalary:
		return s.salMin > 0 && s.salMin*100 > v.salMax*salaryTolerance
	case RuleLocation:
		return !s.city && v.div >= 0 && s.accepted&(1<<uint(v.div)) == 0
	case RuleExperience:
		return int(v.exp)-int(s.exp) >= experienceGap
	}
	return false
}

// score computes the components of a pair that passed the filters, and
// the proximity of the occupations.
func (sc *scoring) score(s *seekProfile, v *vacProfile) (Components, Proximity) {
	var c Components
	prox := Unrelated
	for _, k := range s.keys {
		if p := proximityOf(k, v.key); p < prox {
			prox = p
		}
	}
	c.Occupation = part(sc.w.Occupation, occFraction[prox])
	c.Skills = part(sc.w.Skills, skillFraction(s, v))
	c.Education = part(sc.w.Education, eduFraction(s.edu, v.edu))
	c.Salary = part(sc.w.Salary, salaryFraction(s.salMin, v.salMin, v.salMax))
	c.Location = part(sc.w.Location, sc.locFraction(s, v.div))
	c.Experience = part(sc.w.Experience, expFraction(s.exp, v.exp))
	return c, prox
}

func part(w Points, frac int64) Points { return Points(int64(w) * frac / full) }

// skillFraction blends two shares of skill weight: coverage, the share of
// the vacancy's required skills the seeker has (Σ weight(matched) × 10000
// / Σ weight(required); full if none is required), and relevance, the
// share of the seeker's skills the vacancy asks for (Σ weight(matched) ×
// 10000 / Σ weight(seeker's skills); 0 if the seeker lists none):
// fraction = (2 × coverage + relevance) / 3. Adding a required skill the
// seeker lacks grows only coverage's denominator and leaves relevance as
// it is, so it never raises the fraction.
func skillFraction(s *seekProfile, v *vacProfile) int64 {
	var got int64
	for _, sk := range v.skills {
		if sk.idx >= 0 && s.has(sk.idx) {
			got += int64(sk.weight)
		}
	}
	return blendSkills(got, v.reqW, s.skillW)
}

func blendSkills(got, required, own int64) int64 {
	coverage, relevance := int64(full), int64(0)
	if required > 0 {
		coverage = got * full / required
	}
	if own > 0 {
		relevance = got * full / own
	}
	return (2*coverage + relevance) / 3
}

func eduFraction(have, need int8) int64 {
	switch d := have - need; {
	case need <= 0 || d == 0:
		return full
	case d == 1:
		return eduAbove
	case d >= 2:
		return eduOver
	case d == -1:
		return eduBelow
	}
	return 0
}

func salaryFraction(want, lo, hi int64) int64 {
	switch {
	case want == 0 || (want >= lo && want <= hi):
		return full
	case want < lo:
		return full - salaryBelowSpan*(lo-want)/lo
	}
	limit := hi * salaryTolerance / 100
	if want >= limit || limit == hi {
		return 0
	}
	return salaryAboveMax * (limit - want) / (limit - hi)
}

func (sc *scoring) locFraction(s *seekProfile, div int8) int64 {
	switch {
	case div < 0:
		return locCity
	case div == s.div:
		return locHome
	case s.accepted&(1<<uint(div)) != 0:
		return locAccepted
	case s.div >= 0 && sc.adj[s.div]&(1<<uint(div)) != 0:
		return locAdjacent
	}
	return locCity
}

func expFraction(have, need int8) int64 {
	if have >= need {
		return full
	}
	return (int64(have) + 1) * full / (int64(need) + 1)
}
