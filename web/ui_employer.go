package web

import (
	"net/http"

	"hrss/access"
	"hrss/registry"
	"hrss/rules/fault"
)

// employerView is the employer page: the employer and a page of its
// employment relations.
type employerView struct {
	Employer   registry.Employer
	Rows       []employeeRow
	NextAfter  int64
	CanWrite   bool      // the caller may enrol and separate
	Enrol      enrolForm // the enrol form, as typed or fresh
	Insurances []registry.Insurance
	Done       string        // "enrolled" or "separated" after a form
	Billing    *billsSection // nil: no insurance service, or not for this role
}

// employeeRow is an employment relation with the person's name when the
// page has it (an employer agent's own persons).
type employeeRow struct {
	registry.Employment
	PersonName string
}

// uiEmployer shows an employer and its employees, 50 relations a page.
// An employer outside the caller's scope is NotFound.
func (s *Server) uiEmployer(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	s.renderEmployer(w, r, id, nil, nil)
}

// renderEmployer renders the employer page; form and formErr, when set,
// are the enrol form as typed and why it was refused.
func (s *Server) renderEmployer(w http.ResponseWriter, r *http.Request, id int64, form *enrolForm, formErr error) {
	ctx := r.Context()
	e, err := s.Registry.Employer(ctx, id)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	pg, err := page(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	pg.Limit = uiPageSize
	es, err := s.Registry.ListEmployments(ctx, registry.EmploymentFilter{EmployerID: id, Page: pg})
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	c, _ := access.CallerFrom(ctx)
	v := employerView{Employer: e, CanWrite: c.Can(access.WriteEmployments) && !c.ReadOnly, Insurances: registry.AllInsurances,
		Enrol: enrolForm{Start: s.today().String()}}
	for _, x := range registry.AllInsurances {
		v.Enrol.Insurances = append(v.Enrol.Insurances, string(x))
	}
	if form != nil {
		v.Enrol = *form
	}
	if d := r.URL.Query().Get("done"); d == "enrolled" || d == "separated" {
		v.Done = d
	}
	names := map[int64]string{}
	if c.Role == access.EmployerAgent && len(es) > 0 {
		// an agent's person search is their employer's persons: one query
		// names the page's employees
		ps, err := s.Registry.FindPersons(ctx, registry.PersonQuery{Page: registry.Page{Limit: registry.MaxPage}})
		if err == nil {
			for _, p := range ps {
				names[p.ID] = p.Name
			}
		}
	}
	for _, x := range es {
		v.Rows = append(v.Rows, employeeRow{x, names[x.PersonID]})
	}
	if len(es) == uiPageSize {
		v.NextAfter = es[len(es)-1].ID
	}
	v.Billing = s.employerInsurance(ctx, id, s.today())
	p := newPage(r, "employer.title", &v)
	if formErr != nil {
		p.Error, p.Status = p.L.Error(formErr), statusOf(fault.KindOf(formErr))
	}
	render(w, r, "employer", p)
}
