package web

import (
	"net/http"

	"hrss/insurance"
	"hrss/registry"
	"hrss/rules/fault"
)

// incomeView is the screen of contribution income and arrears by
// division, period and kind of payer: aggregates for analysts and the
// divisions' staff (insurance.Service.Income), no payer or person in it.
type incomeView struct {
	From, To    string
	Division    string
	ByPayerKind bool
	Divisions   []registry.Division
	Income      *insurance.Income
}

// uiIncome shows the income view asked by the query (from, to, division,
// by=payer_kind); without from and to, the six months before this one.
func (s *Server) uiIncome(w http.ResponseWriter, r *http.Request) {
	if s.Insurance == nil {
		s.uiNotFound(w, r)
		return
	}
	q := r.URL.Query()
	last := s.today().Month().Add(-1)
	v := incomeView{From: pick(q.Get("from"), last.Add(-5).String()), To: pick(q.Get("to"), last.String()), Division: q.Get("division"),
		ByPayerKind: q.Get("by") == "payer_kind", Divisions: registry.Divisions}
	p := newPage(r, "income.title", &v)
	f := insurance.IncomeFilter{Division: v.Division, ByPayerKind: v.ByPayerKind}
	var err error
	if f.From, err = parsePeriod("from", v.From); err == nil {
		if f.To, err = parsePeriod("to", v.To); err == nil {
			var inc insurance.Income
			if inc, err = s.Insurance.Income(r.Context(), f); err == nil {
				v.Income = &inc
			}
		}
	}
	if err != nil {
		if fault.KindOf(err) != fault.Invalid {
			s.uiError(w, r, err)
			return
		}
		p.Error, p.Status = p.L.Error(err), statusOf(fault.KindOf(err))
	}
	render(w, r, "income", p)
}
