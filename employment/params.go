package employment

import (
	"sync"

	"hrss/registry"
	"hrss/rules"
	"hrss/rules/period"
)

// embeddedParams are the parameters built into the binary, read once: what
// a Service without Params, and the synthetic city, use.
var embeddedParams = sync.OnceValues(rules.Embedded)

// params returns the service's parameters: Params, or the embedded ones.
func (s *Service) params() (*rules.Params, error) {
	if s.Params != nil {
		return s.Params, nil
	}
	return embeddedParams()
}

// Rules returns the employment services' parameters in force on day
// in the city (rules/params/employment.yaml): the 1131 follow-up
// deadlines, the placement attribution window, the match weights and the
// neighbouring divisions. It fails when a parameter is missing or broken.
func (s *Service) Rules(day period.Date) (rules.EmploymentRules, error) {
	p, err := s.params()
	if err != nil {
		return rules.EmploymentRules{}, err
	}
	return ReadRules(p, day)
}

// ReadRules reads the employment services' parameters of Jiaxing's
// county-level divisions from p on day (see rules.Params.EmploymentRules).
func ReadRules(p *rules.Params, day period.Date) (rules.EmploymentRules, error) {
	return p.EmploymentRules(registry.CityCode, registry.CountyCodes(), day)
}

// EmbeddedRules is ReadRules over the embedded parameters: for the
// benchmarks and the synthetic city, which run without a deployment's
// overrides. It panics if the embedded parameters are broken, which the
// tests prevent.
func EmbeddedRules(day period.Date) rules.EmploymentRules {
	p, err := embeddedParams()
	if err == nil {
		var r rules.EmploymentRules
		if r, err = ReadRules(p, day); err == nil {
			return r
		}
	}
	panic(err)
}

// scoring is the match rules compiled for a Matcher: the component
// weights, the neighbours as bit masks over divIndex, and the most points
// all components but occupation can give (for the search's bound).
type scoring struct {
	w    Components
	adj  [8]uint8
	rest Points
}

func newScoring(r rules.EmploymentRules) scoring {
	w := r.Weights
	sc := scoring{w: Components{Occupation: Points(w[0]), Skills: Points(w[1]), Education: Points(w[2]),
		Salary: Points(w[3]), Location: Points(w[4]), Experience: Points(w[5])}}
	sc.rest = sc.w.Total() - sc.w.Occupation
	for a, ns := range r.Neighbours {
		for _, b := range ns {
			i, ok1 := divIndex[a]
			j, ok2 := divIndex[b]
			if ok1 && ok2 {
				sc.adj[i] |= 1 << uint(j)
			}
		}
	}
	return sc
}

// newMatcher is NewMatcher with the service's match rules in force on
// today.
func (s *Service) newMatcher(cat *Catalog, today period.Date, vacancies []Vacancy, seekers []SeekerRegistration) (*Matcher, error) {
	r, err := s.Rules(today)
	if err != nil {
		return nil, err
	}
	return NewMatcher(r, cat, today, vacancies, seekers), nil
}
