package web

import (
	"fmt"
	"net/http"
	"strings"

	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// whatIfParams are the parameters the what-if screen offers to change:
// the contribution rates and the base limits (the reform engine takes any
// overlay; the command line takes a whole file).
var whatIfParams = []string{
	"pension.employer_rate", "pension.individual_rate", "medical.employer_rate", "medical.individual_rate",
	"unemployment.employer_rate", "unemployment.individual_rate", "contribution.base_floor_ratio", "contribution.base_ceiling_ratio",
}

// whatIfView is the what-if screen: one parameter set to a new value from
// a date, evaluated over the registry's insured of one month.
type whatIfView struct {
	Params                []string
	Name, Value, From, At string
	Current               *rules.Value // the value in force for the city at the month
	Report                *rules.SimReport
}

// uiWhatIf shows the form and, once it has a new value, the difference the
// change makes to the month's contribution income, by division and line.
func (s *Server) uiWhatIf(w http.ResponseWriter, r *http.Request) {
	if _, err := requireCaller(r); err != nil {
		s.uiError(w, r, err)
		return
	}
	q := r.URL.Query()
	last := s.today().Month().Add(-1)
	v := whatIfView{Params: whatIfParams, Name: pick(q.Get("name"), whatIfParams[0]), Value: strings.TrimSpace(q.Get("value")),
		At: pick(q.Get("at"), last.String())}
	v.From = pick(q.Get("from"), v.At+"-01")
	p := newPage(r, "whatif.title", &v)
	err := s.whatIf(r, &v)
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid {
			s.uiError(w, r, err)
			return
		}
		p.Error, p.Status = p.L.Error(err), statusOf(fault.KindOf(err))
	}
	render(w, r, "whatif", p)
}

// whatIf reads the form into v, shows the value in force and, with a new
// value given, runs the simulation through the insurance service (which
// decides who may).
func (s *Server) whatIf(r *http.Request, v *whatIfView) error {
	if s.Rules == nil || s.Insurance == nil {
		return fault.NotFoundf("the what-if needs the rules and social insurance on this server")
	}
	known := false
	for _, n := range whatIfParams {
		known = known || n == v.Name
	}
	if !known {
		return fault.Invalidf("name", "whatif.parameter", "%q is not a parameter this screen changes", v.Name)
	}
	at, err := period.ParseYearMonth(v.At)
	if err != nil {
		return fault.Invalidf("at", "period.format", "%v", err)
	}
	cur, err := s.Rules.Lookup(v.Name, at.First(), registry.CityCode)
	if err != nil {
		return err
	}
	v.Current = &cur
	if v.Value == "" {
		return nil
	}
	reform, err := whatIfReform(s.Rules, cur, v.Value, v.From)
	if err != nil {
		return err
	}
	v.Report, err = s.Insurance.Simulate(r.Context(), reform, at)
	return err
}

// whatIfReform overlays value from the date from on the parameter of cur,
// for the whole city (the most specific jurisdiction wins).
func whatIfReform(base *rules.Params, cur rules.Value, value, from string) (*rules.Params, error) {
	d, err := money.ParseDec(value)
	if err != nil || d.IsNegative() || d.Exponent() < -6 {
		return nil, fault.Invalidf("value", "whatif.value", "%q is not a number of at least 0 with at most 6 decimals", value)
	}
	if _, err := period.ParseDate(from); err != nil {
		return nil, fault.Invalidf("from", "date.format", "%v", err)
	}
	yaml := fmt.Sprintf(`parameters:
  - name: %s
    description: what-if from the screen
    unit: %s
    jurisdiction: "%s"
    values:
      - from: %s
        value: "%s"
        reference: what-if (not law)
        confidence: unverified
`, cur.Name, cur.Unit, registry.CityCode, from, d.String())
	return base.Overlay("what-if", []byte(yaml))
}
