package web

import (
	"net/http"
	"strings"

	"hrss/access"
	"hrss/registry"
	"hrss/rules/fault"
)

// The enrol and separate forms: an employer agent (or a caseworker of the
// employer's division) records a hire and ends a relation. The registry
// decides who may (WriteEmployments and scope) and what is valid; a
// refusal shows the form again with the translated error and the values
// typed.

// enrolForm is the enrol form as typed.
type enrolForm struct {
	ResidentID, Start, Wage string
	Insurances              []string
}

// Has reports whether the form has insurance ins ticked.
func (f enrolForm) Has(ins registry.Insurance) bool {
	for _, x := range f.Insurances {
		if x == string(ins) {
			return true
		}
	}
	return false
}

// uiEnrol records a new employment relation of the employer {id} with the
// person of the resident ID number typed, then goes back to the employer
// page. The person must be registered already (a caseworker registers
// persons).
func (s *Server) uiEnrol(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	f := enrolForm{ResidentID: strings.TrimSpace(r.PostFormValue("resident_id")), Start: strings.TrimSpace(r.PostFormValue("start")),
		Wage: strings.TrimSpace(r.PostFormValue("declared_wage")), Insurances: r.PostForm["insurances"]}
	err = s.enrol(r, id, f)
	if err == nil {
		http.Redirect(w, r, "/employers/"+itoa(id)+"?done=enrolled", http.StatusSeeOther)
		return
	}
	if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict && k != fault.Forbidden {
		s.uiError(w, r, err)
		return
	}
	s.renderEmployer(w, r, id, &f, err)
}

func (s *Server) enrol(r *http.Request, employerID int64, f enrolForm) error {
	if f.ResidentID == "" {
		return fault.Invalidf("resident_id", "resident_id.required", "enter the resident ID number")
	}
	ps, err := s.Registry.FindPersons(r.Context(), registry.PersonQuery{ResidentID: f.ResidentID, Page: registry.Page{Limit: 1}})
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		return fault.Invalidf("resident_id", "reference.exists", "no person with this resident ID number is registered; a caseworker registers them first")
	}
	_, err = s.Registry.CreateEmployment(r.Context(), registry.EmploymentInput{PersonID: ps[0].ID, EmployerID: employerID, Start: f.Start,
		DeclaredWage: f.Wage, Insurances: f.Insurances, ResidentID: f.ResidentID})
	return err
}

// separateView is the separate form: the relation and what was typed.
type separateView struct {
	Employment  registry.Employment
	PersonName  string
	End, Reason string
	Reasons     []registry.Separation
	UpdatedAt   string // the relation's, as the form was first shown (access.Seen)
}

var separations = []registry.Separation{registry.SepResignation, registry.SepContractEnd, registry.SepDismissed, registry.SepEmployerFault,
	registry.SepMutual, registry.SepEmployerGone, registry.SepRetired, registry.SepDeceased}

// uiSeparateForm shows the form that ends relation {id}.
func (s *Server) uiSeparateForm(w http.ResponseWriter, r *http.Request) {
	s.separate(w, r, false)
}

// uiSeparate ends relation {id} on the date and for the reason given
// (registry.UpdateEmployment with the relation's other fields unchanged,
// refused if the relation changed since the form was shown) and goes
// back to the employer page.
func (s *Server) uiSeparate(w http.ResponseWriter, r *http.Request) {
	s.separate(w, r, true)
}

func (s *Server) separate(w http.ResponseWriter, r *http.Request, post bool) {
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	e, err := s.Registry.Employment(r.Context(), id)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v := separateView{Employment: e, End: r.PostFormValue("end"), Reason: r.PostFormValue("separation"), Reasons: separations, UpdatedAt: access.Seen(e.UpdatedAt)}
	if post {
		v.UpdatedAt = r.PostFormValue("updated_at")
	}
	if c, _ := access.CallerFrom(r.Context()); c.Role != access.EmployerAgent {
		if p, err := s.Registry.Person(r.Context(), e.PersonID); err == nil {
			v.PersonName = p.Name
		}
	}
	p := newPage(r, "separate.title", &v)
	if post {
		ins := make([]string, len(e.Insurances))
		for i, x := range e.Insurances {
			ins[i] = string(x)
		}
		_, err := s.Registry.UpdateEmployment(r.Context(), id, registry.EmploymentInput{PersonID: e.PersonID, EmployerID: e.EmployerID,
			Start: e.Start.String(), End: strings.TrimSpace(v.End), Separation: v.Reason, DeclaredWage: e.DeclaredWage.String(), Insurances: ins, UpdatedAt: v.UpdatedAt})
		if err == nil {
			http.Redirect(w, r, "/employers/"+itoa(e.EmployerID)+"?done=separated", http.StatusSeeOther)
			return
		}
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict && k != fault.Forbidden {
			s.uiError(w, r, err)
			return
		}
		p.Error, p.Status = p.L.Error(err), statusOf(fault.KindOf(err))
	}
	render(w, r, "separate", p)
}
