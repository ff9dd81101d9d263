package employment

import (
	"slices"

	"hrss/rules"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// Match is one ranked pair of a seeker and a vacancy, with the score
// decomposed into its components and explained in plain language.
type Match struct {
	Rank          int               `json:"rank"`
	VacancyID     int64             `json:"vacancy_id"`
	SeekerID      int64             `json:"seeker_id"`
	Score         Points            `json:"score"`
	Components    Components        `json:"components"`
	MatchedSkills []string          `json:"matched_skills"`
	MissingSkills []string          `json:"missing_skills"`
	Why           rules.Why         `json:"why"`          // the explanation as messages of the catalogue (rules/msg, match.*)
	Explanation   string            `json:"explanation"`  // Why in the language asked for
	Explanations  map[string]string `json:"explanations"` // Why in "zh-CN" and "en"
	Personalised  bool              `json:"personalised"`
	Refused       []Refusal         `json:"refused,omitempty"` // the hard filters the pair breaks (Explain only)
}

// Refusal is a hard filter a pair breaks, explained: the catalogue's
// message match.rule.RULE, written in English and Chinese.
type Refusal struct {
	Rule     Rule   `json:"rule"`
	Key      string `json:"key"`
	Reason   string `json:"reason"` // English
	ReasonZH string `json:"reason_zh"`
}

// Languages of explanations; LangZH is the default.
const (
	LangZH = "zh-CN"
	LangEN = "en"
)

// ForSeeker returns the n best open vacancies for s, best first (ties by
// vacancy ID). A seeker who opted out of personalised recommendations
// gets the non-personalised list (Newest) instead. lang picks the
// language of Explanation.
func (m *Matcher) ForSeeker(s SeekerRegistration, n int, lang string) ([]Match, Stats) {
	st := Stats{Candidates: len(m.vacs)}
	if s.OptOut {
		st.finish()
		return m.Newest(n, "", lang), st
	}
	q := m.compileSeeker(&s)
	return m.forSeekerProfile(&q, n, nil, lang, &st), st
}

func (m *Matcher) forSeekerProfile(q *seekProfile, n int, blocked []bool, lang string, st *Stats) []Match {
	hits := m.searchVacancies(q, n, blocked, st)
	st.finish()
	out := make([]Match, len(hits))
	for i, h := range hits {
		out[i] = m.explain(q, &m.vacs[h.item], &m.vacRows[h.item], lang)
		out[i].Rank = i + 1
	}
	return out
}

// searchVacancies is the hot path of a seeker's query: hits only.
func (m *Matcher) searchVacancies(q *seekProfile, n int, blocked []bool, st *Stats) []hit {
	return m.search(&m.vacIdx, q.keys, n, blocked, st, func(it int32) (hit, int) {
		v := &m.vacs[it]
		if r := filter(q, v); r != 0 {
			return hit{}, r
		}
		c, _ := m.sc.score(q, v)
		return hit{item: it, id: v.id, score: c.Total()}, 0
	})
}

// ForVacancy returns the n best active seekers for v, best first (ties by
// seeker ID). Seekers who opted out of personalised recommendations are
// not ranked.
func (m *Matcher) ForVacancy(v Vacancy, n int, lang string) ([]Match, Stats) {
	return m.ForVacancyIn(v, n, lang, nil)
}

// ForVacancyIn is ForVacancy among the seekers registered in divisions
// (all seekers when divisions is nil): a caseworker ranks only the
// seekers of their own divisions.
func (m *Matcher) ForVacancyIn(v Vacancy, n int, lang string, divisions []string) ([]Match, Stats) {
	st := Stats{Candidates: len(m.seeks)}
	vp := m.compileVacancy(&v)
	var blocked []bool
	if divisions != nil {
		blocked = make([]bool, len(m.seeks))
		for i := range m.seekRows {
			blocked[i] = !slices.Contains(divisions, m.seekRows[i].Division)
		}
	}
	hits := m.search(&m.seekIdx, []occKey{vp.key}, n, blocked, &st, func(it int32) (hit, int) {
		q := &m.seeks[it]
		if r := filter(q, &vp); r != 0 {
			return hit{}, r
		}
		c, _ := m.sc.score(q, &vp)
		return hit{item: it, id: q.id, score: c.Total()}, 0
	})
	st.finish()
	out := make([]Match, len(hits))
	for i, h := range hits {
		out[i] = m.explain(&m.seeks[h.item], &vp, &v, lang)
		out[i].Rank = i + 1
	}
	return out, st
}

// Explain scores one pair, or lists the hard filters it breaks (with a
// zero score) if it breaks any; an opted-out seeker is refused.
func (m *Matcher) Explain(s SeekerRegistration, v Vacancy, lang string) Match {
	q, vp := m.compileSeeker(&s), m.compileVacancy(&v)
	var refused []Rule
	if s.OptOut {
		refused = append(refused, RuleOptOut)
	}
	if s.Status != Active {
		refused = append(refused, RuleSeekerOpen)
	}
	if !v.OpenOn(m.today) {
		refused = append(refused, RuleVacancyOpen)
	}
	refused = append(refused, brokenRules(&q, &vp)...)
	if len(refused) == 0 {
		return m.explain(&q, &vp, &v, lang)
	}
	mt := Match{VacancyID: v.ID, SeekerID: s.ID, Personalised: !s.OptOut, MatchedSkills: []string{}, MissingSkills: []string{},
		Why: rules.Why{rules.Msg("match.not_matched")}}
	for _, r := range refused {
		why := rules.Msg(r.key(), msg.Text("rule", string(r)))
		mt.Refused = append(mt.Refused, Refusal{Rule: r, Key: why.Key, Reason: why.In(msg.EN), ReasonZH: why.In(msg.ZH)})
		mt.Why = append(mt.Why, why)
	}
	mt.setExplanations(lang)
	return mt
}

// setExplanations writes Why in both languages, and in lang as
// Explanation (Chinese unless lang is English).
func (mt *Match) setExplanations(lang string) {
	zh, en := mt.Why.In(msg.ZH), mt.Why.In(msg.EN)
	mt.Explanations = map[string]string{LangZH: zh, LangEN: en}
	mt.Explanation = zh
	if lang == LangEN {
		mt.Explanation = en
	}
}

// Newest is the non-personalised list (PIPL Art. 24): the open vacancies
// posted most recently (ties by ID), optionally in one division the
// caller chose, with no use of anyone's profile.
func (m *Matcher) Newest(n int, division string, lang string) []Match {
	out := []Match{}
	for _, i := range m.newest {
		if len(out) == n {
			break
		}
		v := &m.vacRows[i]
		if division != "" && v.Division != division {
			continue
		}
		mt := Match{Rank: len(out) + 1, VacancyID: v.ID, MatchedSkills: []string{}, MissingSkills: append([]string{}, v.Skills...),
			Why: rules.Why{rules.Msg("match.newest", msg.Date("posted", v.ValidFrom))}}
		mt.setExplanations(lang)
		out = append(out, mt)
	}
	return out
}

// seekerPerson returns the person of a ranked seeker.
func (m *Matcher) seekerPerson(seekerID int64) int64 {
	if i, ok := m.seekByID[seekerID]; ok {
		return m.seekRows[i].PersonID
	}
	return 0
}

// Today returns the day m was built for.
func (m *Matcher) Today() period.Date { return m.today }
