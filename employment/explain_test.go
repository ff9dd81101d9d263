package employment

import (
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"hrss/registry"
	"hrss/rules"
	"hrss/rules/msg"
)

// TestMatchMessagesInCatalogue runs the matcher's explanations through
// the catalogue: every message of a ranked pair, a refused pair and the
// non-personalised list is a key of rules/msg whose texts in both
// languages find their arguments; Explanation and Explanations are Why
// in the languages; every component names its weight's parameter; and
// every match.* and education.* key of the catalogue is emitted.
func TestMatchMessagesInCatalogue(t *testing.T) {
	vs, g := pool(t, 21, 2000)
	var ss []SeekerRegistration
	for i := range 600 {
		s := g.SeekerFor(vs[i%len(vs)], int64(i+1))
		switch i % 7 {
		case 0:
			s.Occupations = nil // no desired occupation
		case 1:
			s.SalaryMin = 0 // no expectation
		case 2:
			s.Education = registry.EducationLevels[i/7%len(registry.EducationLevels)]
		}
		ss = append(ss, s)
	}
	m := NewMatcher(EmbeddedRules(today), g.Catalog(), today, vs, ss)
	used := map[string]bool{}
	check := func(mt Match) {
		t.Helper()
		if len(mt.Why) == 0 {
			t.Fatalf("match %d/%d has no explanation", mt.SeekerID, mt.VacancyID)
		}
		for _, w := range mt.Why {
			used[w.Key] = true
			if err := msg.Check(w.Key, w.Args...); err != nil {
				t.Errorf("match %d/%d: %v", mt.SeekerID, mt.VacancyID, err)
			}
			for _, a := range w.Args {
				if a.Kind == msg.KLabel {
					used[a.Value()] = true
				}
			}
		}
		if mt.Explanations[LangZH] != mt.Why.In(msg.ZH) || mt.Explanations[LangEN] != mt.Why.In(msg.EN) {
			t.Errorf("explanations %v are not Why in the languages", mt.Explanations)
		}
	}
	for i, s := range ss {
		ms, _ := m.ForSeeker(s, 5, LangEN)
		for _, mt := range ms {
			check(mt)
			if mt.Explanation != mt.Explanations[LangEN] {
				t.Fatalf("explanation %q is not the English", mt.Explanation)
			}
			if len(mt.Why) != 7 {
				t.Fatalf("%d messages: %v", len(mt.Why), mt.Why)
			}
			for j, w := range mt.Why[1:] {
				if p := argValue(w, "param"); p != weightParams[j] {
					t.Errorf("%s names the weight %q, not %s", w.Key, p, weightParams[j])
				}
			}
		}
		mt := m.Explain(s, vs[(i*7)%len(vs)], LangZH)
		check(mt)
		if mt.Explanation != mt.Explanations[LangZH] {
			t.Fatalf("explanation %q is not the Chinese", mt.Explanation)
		}
	}
	// every hard filter, the closed vacancy, the closed registration, the opt-out
	v := vs[0]
	v.Status = Closed
	s := ss[0]
	s.Status, s.OptOut, s.Education, s.SalaryMin, s.Experience, s.Mobility = Closed, true, registry.EduNone, 100000000, 0, MobilityDivisions
	v.Education, v.Experience, s.Division = registry.EduDoctor, 10, "330483"
	v.Division = "330402"
	check(m.Explain(s, v, LangEN))
	bare := vs[1]
	bare.Skills = nil // a vacancy asking no skill
	check(m.Explain(ss[1], bare, LangEN))
	for _, mt := range m.Newest(3, "", LangZH) {
		check(mt)
	}
	for _, k := range msg.Keys() {
		if (strings.HasPrefix(k, "match.") || strings.HasPrefix(k, "education.")) && !used[k] {
			t.Errorf("catalogue key %s is emitted by no match here", k)
		}
	}
}

func argValue(m rules.Message, name string) string {
	for _, a := range m.Args {
		if a.Name == name {
			return a.Value()
		}
	}
	return ""
}

// TestExplanationsNotFormatted: the files that explain a match build no
// sentence with fmt (they record messages; rules/msg writes them).
func TestExplanationsNotFormatted(t *testing.T) {
	for _, file := range []string{"explain.go", "query.go", "score.go"} {
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "fmt" {
				t.Errorf("%s imports fmt: an explanation is messages of rules/msg, not a formatted sentence", file)
			}
		}
	}
}
