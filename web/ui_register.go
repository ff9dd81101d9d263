package web

import (
	"net/http"
	"strconv"
	"strings"

	"hrss/access"
	"hrss/registry"
	"hrss/rules/fault"
)

// Registering persons and employers, and finding employers: a
// caseworker's counter work. The registry validates every field (resident
// ID check character, credit code, industry, division) and decides who
// may; a refused form comes back with what was typed and the translated
// error naming the field.

// personForm is the person registration form.
type personForm struct {
	In        registry.PersonInput
	Grad      registry.GraduationInput
	Divisions []registry.Division
	Levels    []registry.Education
	ErrField  string
}

func (s *Server) uiNewPerson(w http.ResponseWriter, r *http.Request) {
	s.renderPersonForm(w, r, &personForm{}, nil)
}

func (s *Server) renderPersonForm(w http.ResponseWriter, r *http.Request, f *personForm, formErr error) {
	c, err := requireCaller(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	for _, d := range registry.Divisions {
		if d.Code != registry.CityCode && c.InDivision(d.Code) {
			f.Divisions = append(f.Divisions, d)
		}
	}
	f.Levels = registry.EducationLevels
	p := newPage(r, "register.person", f)
	if formErr != nil {
		p.Error, p.Status, f.ErrField = p.L.Error(formErr), statusOf(fault.KindOf(formErr)), fieldOf(formErr)
	}
	render(w, r, "person_new", p)
}

// uiCreatePerson registers the person of the form and shows them.
func (s *Server) uiCreatePerson(w http.ResponseWriter, r *http.Request) {
	f := &personForm{In: registry.PersonInput{ResidentID: strings.ToUpper(strings.TrimSpace(r.PostFormValue("resident_id"))), Name: strings.TrimSpace(r.PostFormValue("name")),
		HukouDivision: strings.TrimSpace(r.PostFormValue("hukou_division")), ResidenceDivision: r.PostFormValue("residence_division"),
		Education: r.PostFormValue("education"), Phone: strings.TrimSpace(r.PostFormValue("phone"))},
		Grad: registry.GraduationInput{School: strings.TrimSpace(r.PostFormValue("school")), Major: strings.TrimSpace(r.PostFormValue("major")),
			Degree: r.PostFormValue("degree"), Date: strings.TrimSpace(r.PostFormValue("graduated"))}}
	in := f.In
	if f.Grad.School != "" || f.Grad.Date != "" {
		g := f.Grad
		in.Graduation = &g
	}
	per, err := s.Registry.CreatePerson(r.Context(), in)
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict && k != fault.Forbidden {
			s.uiError(w, r, err)
			return
		}
		s.renderPersonForm(w, r, f, err)
		return
	}
	http.Redirect(w, r, "/persons/"+itoa(per.ID), http.StatusSeeOther)
}

// employerForm is the employer registration form.
type employerForm struct {
	In        registry.EmployerInput
	Risk      string
	Divisions []registry.Division
	Sections  []string
	ErrField  string
}

// IndustryDivisions lists the two-digit divisions of every section, for
// the industry select.
func (employerForm) IndustryDivisions(section string) []string {
	return registry.IndustryDivisions(section)
}

func (s *Server) uiNewEmployer(w http.ResponseWriter, r *http.Request) {
	s.renderEmployerForm(w, r, &employerForm{Risk: "1"}, nil)
}

func (s *Server) renderEmployerForm(w http.ResponseWriter, r *http.Request, f *employerForm, formErr error) {
	c, err := requireCaller(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	for _, d := range registry.Divisions {
		if d.Code != registry.CityCode && c.InDivision(d.Code) {
			f.Divisions = append(f.Divisions, d)
		}
	}
	f.Sections = registry.IndustrySections()
	p := newPage(r, "register.employer", f)
	if formErr != nil {
		p.Error, p.Status, f.ErrField = p.L.Error(formErr), statusOf(fault.KindOf(formErr)), fieldOf(formErr)
	}
	render(w, r, "employer_new", p)
}

// uiCreateEmployer registers the employer of the form and shows it.
func (s *Server) uiCreateEmployer(w http.ResponseWriter, r *http.Request) {
	f := &employerForm{In: registry.EmployerInput{CreditCode: strings.ToUpper(strings.TrimSpace(r.PostFormValue("credit_code"))), Name: strings.TrimSpace(r.PostFormValue("name")),
		Division: r.PostFormValue("division"), RiskFloat: strings.TrimSpace(r.PostFormValue("risk_float"))}, Risk: strings.TrimSpace(r.PostFormValue("risk_class"))}
	if sec, div, ok := strings.Cut(r.PostFormValue("industry"), "-"); ok {
		f.In.IndustrySection, f.In.IndustryDivision = sec, div
	}
	var err error
	if f.In.RiskClass, err = strconv.Atoi(f.Risk); err != nil {
		err = fault.Invalidf("risk_class", "risk_class.range", "%q is not a risk class 1-8", f.Risk)
	}
	var e registry.Employer
	if err == nil {
		e, err = s.Registry.CreateEmployer(r.Context(), f.In)
	}
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict && k != fault.Forbidden {
			s.uiError(w, r, err)
			return
		}
		s.renderEmployerForm(w, r, f, err)
		return
	}
	http.Redirect(w, r, "/employers/"+itoa(e.ID), http.StatusSeeOther)
}

// employerSearch is the employer search screen.
type employerSearch struct {
	CreditCode, Name, Division string
	Divisions                  []registry.Division
	Searched                   bool
	Employers                  []registry.Employer
	NextQuery                  string
	CanRegister                bool
}

// uiEmployers finds employers by credit code, name prefix and division,
// within the caller's scope (the registry narrows the search).
func (s *Server) uiEmployers(w http.ResponseWriter, r *http.Request) {
	c, err := requireCaller(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	if c.Role == access.EmployerAgent && c.EmployerID != 0 {
		http.Redirect(w, r, "/employers/"+itoa(c.EmployerID), http.StatusSeeOther)
		return
	}
	q := r.URL.Query()
	d := employerSearch{CreditCode: strings.TrimSpace(q.Get("credit_code")), Name: strings.TrimSpace(q.Get("name")), Division: q.Get("division"),
		CanRegister: c.Can(access.WriteEmployers) && !c.ReadOnly}
	for _, div := range registry.Divisions {
		if div.Code != registry.CityCode && (c.InDivision(div.Code) || !c.DivisionScoped()) {
			d.Divisions = append(d.Divisions, div)
		}
	}
	p := newPage(r, "employers.title", &d)
	if d.CreditCode != "" || d.Name != "" || d.Division != "" || q.Has("after") {
		d.Searched = true
		pg, err := page(r)
		if err == nil {
			pg.Limit = uiPageSize
			d.Employers, err = s.Registry.FindEmployers(r.Context(), registry.EmployerQuery{CreditCode: d.CreditCode, NamePrefix: d.Name, Division: d.Division, Page: pg})
		}
		if err != nil {
			p.Error, p.Status = p.L.Error(err), statusOf(fault.KindOf(err))
		} else if len(d.Employers) == uiPageSize {
			nq := r.URL.Query()
			nq.Set("after", itoa(d.Employers[len(d.Employers)-1].ID))
			d.NextQuery = nq.Encode()
		}
	}
	render(w, r, "employers", p)
}
