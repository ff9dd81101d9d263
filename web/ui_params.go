package web

import (
	"net/http"
	"strings"

	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// paramsView is the parameters screen: the values in force on a day in a
// division, each with its legal source and confidence.
type paramsView struct {
	At         string
	Division   string
	Prefix     string
	Divisions  []registry.Division
	Values     []rules.Value
	Unverified int
}

// uiParameters lists the parameters in force (rules.InForce) on the day
// asked (today by default) for a division's chain of jurisdictions.
// Unverified values are marked on the page and counted above the table.
// The parameters are public law: every signed-in user may read them.
func (s *Server) uiParameters(w http.ResponseWriter, r *http.Request) {
	if _, err := requireCaller(r); err != nil {
		s.uiError(w, r, err)
		return
	}
	if s.Rules == nil {
		s.uiError(w, r, fault.NotFoundf("the rules are not loaded on this server"))
		return
	}
	q := r.URL.Query()
	v := paramsView{At: pick(q.Get("at"), s.today().String()), Division: pick(q.Get("division"), registry.CityCode), Prefix: strings.TrimSpace(q.Get("name")),
		Divisions: registry.Divisions}
	p := newPage(r, "params.title", &v)
	at, err := period.ParseDate(v.At)
	if err != nil {
		err = fault.Invalidf("at", "date.format", "%q is not a date YYYY-MM-DD", v.At)
	}
	var vals []rules.Value
	if err == nil {
		vals, err = s.Rules.InForce(at, v.Division)
	}
	if err != nil {
		p.Error, p.Status = p.L.Error(err), statusOf(fault.KindOf(err))
		render(w, r, "params", p)
		return
	}
	for _, x := range vals {
		if v.Prefix != "" && !strings.HasPrefix(x.Name, v.Prefix) {
			continue
		}
		v.Values = append(v.Values, x)
		if x.Confidence == rules.Unverified {
			v.Unverified++
		}
	}
	render(w, r, "params", p)
}

// IsURL reports whether a reference is a link (shown as one).
func (paramsView) IsURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}
