package support

import (
	"context"
	"time"

	"hrss/access"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// Service is the support programmes' one entry point. Each method runs in
// one transaction of Store, except the scan, which reads in one and
// writes in chunks (each idempotent by the grants' unique keys).
type Service struct {
	Store  Store
	Params *rules.Params
	Now    func() time.Time // the service clock; time.Now when nil
	// Chunk is the number of grants a scan writes per transaction; 1,000
	// when zero.
	Chunk int
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return access.Stamp(s.Now()) // optimistic concurrency compares what is stored
	}
	return access.Stamp(time.Now())
}

func (s *Service) today() period.Date { return period.FromTime(s.now()) }

func (s *Service) chunk() int {
	if s.Chunk > 0 {
		return s.Chunk
	}
	return 1000
}

// authorize is the check at the top of every method: the caller's role
// must have the permission (access.Require); batch jobs (RunSupport) need
// a city-wide caseworker or System; a record of division must lie in a
// division-scoped caller's divisions, else NotFound as if it did not
// exist. division "" when the method checks the scope itself.
func authorize(ctx context.Context, p access.Perm, division string) (access.Caller, error) {
	c, err := access.Require(ctx, p)
	if err != nil || c.IsSystem() {
		return c, err
	}
	if p == access.RunSupport && !c.CityWide() {
		return c, fault.Forbiddenf("the support programmes' batch jobs are run by a city-wide caseworker")
	}
	if division != "" && c.DivisionScoped() && !c.InDivision(division) {
		return c, fault.NotFoundf("not found")
	}
	return c, nil
}

// sees reports whether c may see grant g: staff of its division, the
// employer's agent for an employer's grant, the person for their own.
func sees(c access.Caller, g Grant) bool {
	switch {
	case c.IsSystem():
		return true
	case c.DivisionScoped():
		return c.InDivision(g.Division)
	case c.Role == access.EmployerAgent:
		return g.Beneficiary == rules.PaysEmployer && g.EmployerID == c.EmployerID
	case c.Role == access.Citizen:
		return g.Beneficiary == rules.PaysPerson && g.PersonID == c.PersonID
	}
	return false
}

// narrow restricts f to what c may list.
func narrow(c access.Caller, f GrantFilter) (GrantFilter, bool) {
	switch {
	case c.IsSystem():
	case c.DivisionScoped():
		if !c.CityWide() {
			if len(f.Divisions) == 0 {
				f.Divisions = c.Divisions
			}
			for _, d := range f.Divisions {
				if !c.InDivision(d) {
					return f, false
				}
			}
		}
	case c.Role == access.EmployerAgent && c.EmployerID != 0:
		f.Payee, f.PayeeID = rules.PaysEmployer, c.EmployerID
	case c.Role == access.Citizen && c.PersonID != 0:
		f.Payee, f.PayeeID = rules.PaysPerson, c.PersonID
	default:
		return f, false
	}
	return f, true
}

// record appends an audit entry in tx.
func (s *Service) record(ctx context.Context, tx access.AuditTx, c access.Caller, action, object string, subjects ...int64) error {
	return access.Record(ctx, tx, c, s.now(), access.Event{Action: action, Object: object, Subjects: subjects})
}

// Programmes returns the programmes of the rules with their parameters in
// force on day (today when zero) in division (the city when ""), for
// the programme pages. Every caller may read them.
func (s *Service) Programmes(ctx context.Context, day period.Date, division string) ([]ProgrammeView, error) {
	if _, err := access.Current(ctx); err != nil {
		return nil, err
	}
	if day.IsZero() {
		day = s.today()
	}
	if division == "" {
		division = access.CityWide
	}
	var out []ProgrammeView
	for _, g := range s.Params.Programmes() {
		v := ProgrammeView{Programme: g}
		for _, pp := range g.Parameters {
			val, err := s.Params.Lookup(g.ParamName(pp.Suffix), maxDate(day, g.From), division)
			if err != nil {
				return nil, err
			}
			v.Values = append(v.Values, ParamValue{ProgParam: pp, Value: val})
		}
		out = append(out, v)
	}
	return out, nil
}

func maxDate(a, b period.Date) period.Date {
	if a.Before(b) {
		return b
	}
	return a
}

// ProgrammeView is a programme with the values of its parameters.
type ProgrammeView struct {
	*rules.Programme
	Values []ParamValue `json:"values"`
}

// ParamValue is one parameter of a programme with its value in force.
type ParamValue struct {
	rules.ProgParam
	Value rules.Value `json:"value"`
}
