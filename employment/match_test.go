package employment

import (
	"math/rand/v2"
	"slices"
	"testing"

	"hrss/registry"
	"hrss/rules/period"
)

var today = period.Date{Y: 2026, M: 6, D: 15}

// pool returns n synthetic open vacancies and a generator for seekers.
func pool(t testing.TB, seed uint64, n int) ([]Vacancy, *Synth) {
	t.Helper()
	g := NewSynth(seed)
	vs := make([]Vacancy, n)
	for i := range vs {
		vs[i] = g.Vacancy(int64(i+1), int64(i%500+1), g.Division(), today)
	}
	return vs, g
}

// TestQualityCheck is the acceptance check: for seekers generated
// from a vacancy's profile with noise, that vacancy is in their top 10 at
// least 90% of the time, among 10,000 open vacancies: 122 per demo occupation, denser than a real
// pool (tens of thousands of vacancies over hundreds of occupations). The
// noise is that of Synth.SeekerFor.
func TestQualityCheck(t *testing.T) {
	vs, g := pool(t, 7, 10000)
	m := NewMatcher(EmbeddedRules(today), g.Catalog(), today, vs, nil)
	const trials = 1000
	hits := 0
	for i := 0; i < trials; i++ {
		v := vs[g.rng.IntN(len(vs))]
		s := g.SeekerFor(v, int64(i+1))
		top, _ := m.ForSeeker(s, 10, LangEN)
		if slices.ContainsFunc(top, func(mt Match) bool { return mt.VacancyID == v.ID }) {
			hits++
		}
	}
	pct := hits * 1000 / trials
	t.Logf("quality check: target vacancy in the top 10 for %d of %d noisy seekers (%d.%d%%)", hits, trials, pct/10, pct%10)
	if hits*10 < trials*9 {
		t.Fatalf("target in top 10 only %d of %d times, want at least 90%%", hits, trials)
	}
}

// bruteForce scores every vacancy and sorts: the reference for search.
func bruteForce(m *Matcher, s SeekerRegistration, n int) []Match {
	var all []Match
	for _, v := range m.vacRows {
		mt := m.Explain(s, v, LangEN)
		if len(mt.Refused) == 0 {
			all = append(all, mt)
		}
	}
	slices.SortFunc(all, func(a, b Match) int {
		if a.Score != b.Score {
			return int(b.Score - a.Score)
		}
		return cmpID(a.VacancyID, b.VacancyID)
	})
	return all[:min(n, len(all))]
}

func TestSearchEqualsBruteForce(t *testing.T) {
	vs, g := pool(t, 11, 3000)
	m := NewMatcher(EmbeddedRules(today), g.Catalog(), today, vs, nil)
	for i := 0; i < 60; i++ {
		s := g.Seeker(int64(i+1), int64(i+1), g.Division(), registry.EducationLevels[2+i%5], i%3 == 0, today)
		s.OptOut = false
		n := 1 + i%25
		got, _ := m.ForSeeker(s, n, LangEN)
		want := bruteForce(m, s, n)
		if len(got) != len(want) {
			t.Fatalf("seeker %d: %d results, brute force %d", i, len(got), len(want))
		}
		for j := range got {
			if got[j].VacancyID != want[j].VacancyID || got[j].Score != want[j].Score {
				t.Fatalf("seeker %d rank %d: got %d (%s), brute force %d (%s)", i, j+1, got[j].VacancyID, got[j].Score, want[j].VacancyID, want[j].Score)
			}
		}
	}
}

func TestScoreIsSumOfComponentsAndDeterministic(t *testing.T) {
	vs, g := pool(t, 3, 2000)
	m := NewMatcher(EmbeddedRules(today), g.Catalog(), today, vs, nil)
	s := g.SeekerFor(vs[5], 1)
	a, _ := m.ForSeeker(s, 20, LangZH)
	b, _ := m.ForSeeker(s, 20, LangZH)
	if !slices.EqualFunc(a, b, func(x, y Match) bool {
		return x.VacancyID == y.VacancyID && x.Score == y.Score && x.Explanation == y.Explanation
	}) {
		t.Fatal("two runs differ")
	}
	for i, mt := range a {
		if mt.Components.Total() != mt.Score {
			t.Errorf("rank %d: components sum to %s, score %s", i+1, mt.Components.Total(), mt.Score)
		}
		if i > 0 && (a[i-1].Score < mt.Score || a[i-1].Score == mt.Score && a[i-1].VacancyID > mt.VacancyID) {
			t.Errorf("rank %d out of order", i+1)
		}
		if mt.Explanations[LangEN] == "" || mt.Explanations[LangZH] != mt.Explanation {
			t.Errorf("explanations %v", mt.Explanations)
		}
	}
}

// TestAddingMissingSkillNeverRaisesScore is the property: adding a
// required skill the seeker lacks never raises the score of the pair.
func TestAddingMissingSkillNeverRaisesScore(t *testing.T) {
	vs, g := pool(t, 5, 500)
	cat := g.Catalog()
	m := NewMatcher(EmbeddedRules(today), cat, today, nil, nil)
	skills := cat.Skills()
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		v := vs[r.IntN(len(vs))]
		s := g.SeekerFor(vs[r.IntN(len(vs))], 1)
		if r.IntN(2) == 0 {
			s = g.SeekerFor(v, 1)
		}
		before := m.Explain(s, v, LangEN)
		var lacking []string
		for _, sk := range skills {
			if !slices.Contains(s.Skills, sk.Code) && !slices.Contains(v.Skills, sk.Code) {
				lacking = append(lacking, sk.Code)
			}
		}
		v2 := v
		v2.Skills = append(slices.Clone(v.Skills), lacking[r.IntN(len(lacking))])
		slices.Sort(v2.Skills)
		after := m.Explain(s, v2, LangEN)
		if after.Score > before.Score {
			t.Fatalf("adding a lacking skill raised the score from %s to %s (%v → %v)", before.Score, after.Score, v.Skills, v2.Skills)
		}
		if len(before.Refused) != len(after.Refused) {
			t.Fatalf("adding a skill changed the hard filters")
		}
	}
}

func TestHardFiltersNameTheirRules(t *testing.T) {
	cat := DemoCatalog()
	m := NewMatcher(EmbeddedRules(today), cat, today, nil, nil)
	v := Vacancy{ID: 1, Occupation: "2-02-10-03", Skills: []string{"go", "sql"}, Education: "bachelor", Experience: 4,
		SalaryMin: 1000000, SalaryMax: 1500000, Division: "330402", Openings: 1, Status: Open, ValidFrom: today, ValidTo: today.AddDays(30)}
	s := SeekerRegistration{ID: 1, Status: Active, Occupations: []OccupationCode{"2-02-10-03"}, Skills: []string{"go"},
		Education: "senior", Experience: 0, SalaryMin: 2000000, Division: "330483", Mobility: MobilityDivisions}
	mt := m.Explain(s, v, LangEN)
	var rules []Rule
	for _, r := range mt.Refused {
		rules = append(rules, r.Rule)
	}
	want := []Rule{RuleEducation, RuleSalary, RuleLocation, RuleExperience}
	if !slices.Equal(rules, want) || mt.Score != 0 {
		t.Fatalf("refused %v, want %v (%s)", rules, want, mt.Explanation)
	}
	s.Education, s.Experience, s.SalaryMin, s.Division = "bachelor", 4, 900000, "330402"
	mt = m.Explain(s, v, LangEN)
	if len(mt.Refused) != 0 || mt.Score != 3000+2199+1000+950+1000+1000 {
		t.Fatalf("got %s: %s", mt.Score, mt.Explanation)
	}
	if !slices.Equal(mt.MatchedSkills, []string{"go"}) || !slices.Equal(mt.MissingSkills, []string{"sql"}) {
		t.Fatalf("skills %v %v", mt.MatchedSkills, mt.MissingSkills)
	}
}

func TestOptOutGetsNonPersonalisedList(t *testing.T) {
	vs, g := pool(t, 9, 300)
	m := NewMatcher(EmbeddedRules(today), g.Catalog(), today, vs, nil)
	s := g.SeekerFor(vs[0], 1)
	s.OptOut = true
	got, _ := m.ForSeeker(s, 10, LangEN)
	s2 := g.SeekerFor(vs[100], 2)
	s2.OptOut = true
	got2, _ := m.ForSeeker(s2, 10, LangEN)
	if len(got) != 10 {
		t.Fatalf("%d results", len(got))
	}
	for i := range got {
		if got[i].Personalised || got[i].VacancyID != got2[i].VacancyID {
			t.Fatalf("list depends on the profile or is marked personalised: %+v", got[i])
		}
	}
}

func TestForVacancyRanksSeekers(t *testing.T) {
	vs, g := pool(t, 13, 100)
	var ss []SeekerRegistration
	for i := 0; i < 2000; i++ {
		ss = append(ss, g.SeekerFor(vs[i%100], int64(i+1)))
	}
	m := NewMatcher(EmbeddedRules(today), g.Catalog(), today, vs, ss)
	got, st := m.ForVacancy(vs[3], 10, LangEN)
	if len(got) != 10 || st.Candidates != 2000 {
		t.Fatalf("%d results of %d", len(got), st.Candidates)
	}
	// the reference: every seeker scored alone
	var all []Match
	for _, s := range ss {
		if mt := m.Explain(s, vs[3], LangEN); len(mt.Refused) == 0 {
			all = append(all, mt)
		}
	}
	slices.SortFunc(all, func(a, b Match) int {
		if a.Score != b.Score {
			return int(b.Score - a.Score)
		}
		return cmpID(a.SeekerID, b.SeekerID)
	})
	for i := range got {
		if got[i].SeekerID != all[i].SeekerID || got[i].Score != all[i].Score {
			t.Fatalf("rank %d: %d %s, want %d %s", i+1, got[i].SeekerID, got[i].Score, all[i].SeekerID, all[i].Score)
		}
	}
}
