package web

import (
	"net/http"
	"strconv"
	"strings"

	"hrss/access"
	"hrss/employment"
	"hrss/registry"
	"hrss/rules/fault"
)

// Job-seeker registration (求职登记) and vacancy posting from the browser:
// a citizen registers themselves (a caseworker registers a person of
// their division) and goes straight to their explained recommendations;
// an employer agent posts its employer's vacancies. The employment
// service checks who may and validates every field; the occupations and
// skills offered are its catalogue's.

// seekerForm is the registration form as typed.
type seekerForm struct {
	PersonID              int64
	PersonName            string
	Occupations, Skills   []string
	SalaryMin, Experience string
	Mobility              string
	OptOut                bool
	OccupationList        []employment.Occupation
	SkillList             []employment.Skill
}

// HasOcc and HasSkill report whether the form has a code chosen.
func (f seekerForm) HasOcc(c employment.OccupationCode) bool {
	return contains(f.Occupations, string(c))
}
func (f seekerForm) HasSkill(c string) bool { return contains(f.Skills, c) }

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// uiSeekerForm shows the registration form for ?person=ID, or for the
// signed-in citizen.
func (s *Server) uiSeekerForm(w http.ResponseWriter, r *http.Request) {
	f := seekerForm{Mobility: string(employment.MobilityDivisions)}
	f.PersonID, _ = queryInt(r, "person")
	s.renderSeekerForm(w, r, &f, nil)
}

func (s *Server) renderSeekerForm(w http.ResponseWriter, r *http.Request, f *seekerForm, formErr error) {
	if s.Jobs == nil {
		s.uiNotFound(w, r)
		return
	}
	c, err := requireCaller(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	if f.PersonID == 0 && c.Role == access.Citizen {
		f.PersonID = c.PersonID
	}
	per, err := s.Registry.Person(r.Context(), f.PersonID)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	f.PersonName = per.Name
	cat, err := s.Jobs.Catalog(r.Context())
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	f.OccupationList, f.SkillList = cat.Occupations(), cat.Skills()
	p := newPage(r, "seeker.title", f)
	if formErr != nil {
		p.Error, p.Status = p.L.Error(formErr), statusOf(fault.KindOf(formErr))
	}
	render(w, r, "seeker", p)
}

// uiRegisterSeeker registers the person of the form as a job seeker and
// shows their recommendations.
func (s *Server) uiRegisterSeeker(w http.ResponseWriter, r *http.Request) {
	if s.Jobs == nil {
		s.uiNotFound(w, r)
		return
	}
	r.ParseForm()
	f := seekerForm{Occupations: r.PostForm["occupations"], Skills: r.PostForm["skills"], SalaryMin: strings.TrimSpace(r.PostFormValue("salary_min")),
		Experience: strings.TrimSpace(r.PostFormValue("experience_years")), Mobility: r.PostFormValue("mobility"), OptOut: r.PostFormValue("opt_out") == "true"}
	var err error
	f.PersonID, err = formID(r, "person_id")
	in := employment.SeekerInput{PersonID: f.PersonID, Occupations: f.Occupations, Skills: f.Skills, SalaryMin: f.SalaryMin, Mobility: f.Mobility, OptOut: f.OptOut}
	if err == nil && f.Experience != "" {
		if in.ExperienceYears, err = strconv.Atoi(f.Experience); err != nil || in.ExperienceYears < 0 {
			err = fault.Invalidf("experience_years", "number.format", "%q is not a number of years", f.Experience)
		}
	}
	var sk employment.SeekerRegistration
	if err == nil {
		sk, err = s.Jobs.RegisterSeeker(r.Context(), in)
	}
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
			s.uiError(w, r, err)
			return
		}
		s.renderSeekerForm(w, r, &f, err)
		return
	}
	http.Redirect(w, r, "/seekers/"+itoa(sk.ID)+"/matches", http.StatusSeeOther)
}

// vacanciesView is an employer's vacancies and the posting form.
type vacanciesView struct {
	Employer       registry.Employer
	Vacancies      []employment.Vacancy
	Form           employment.VacancyInput
	OccupationList []employment.Occupation
	SkillList      []employment.Skill
	CanPost        bool
	Posted         bool
	Updated        bool
	Editing        int64  // the vacancy the form changes (0: it posts a new one)
	UpdatedAt      string // the edited vacancy's, as the form was first shown (access.Seen)
}

// HasSkill reports whether the form has skill c chosen.
func (v vacanciesView) HasSkill(c string) bool { return contains(v.Form.Skills, c) }

// uiVacancies lists employer {id}'s vacancies with the posting form.
func (s *Server) uiVacancies(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	q := r.URL.Query()
	v := vacanciesView{Form: employment.VacancyInput{Openings: 1, ValidTo: s.today().AddDays(90).String()}, Posted: q.Get("done") == "posted", Updated: q.Get("done") == "updated"}
	if q.Get("edit") != "" && s.Jobs != nil {
		vid, err := strconv.ParseInt(q.Get("edit"), 10, 64)
		var vac employment.Vacancy
		if err == nil {
			vac, err = s.Jobs.Vacancy(r.Context(), vid)
		}
		if err == nil && vac.EmployerID != id {
			err = fault.NotFoundf("employer %d has no vacancy %d", id, vid)
		}
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		v.Form, v.Editing, v.UpdatedAt = editedVacancy(vac), vac.ID, access.Seen(vac.UpdatedAt)
	}
	s.renderVacancies(w, r, id, &v, nil)
}

// editedVacancy is vacancy v as its edit form shows it.
func editedVacancy(v employment.Vacancy) employment.VacancyInput {
	return employment.VacancyInput{EmployerID: v.EmployerID, Title: v.Title, Occupation: string(v.Occupation), Skills: v.Skills, Education: string(v.Education),
		ExperienceYears: v.Experience, SalaryMin: v.SalaryMin.String(), SalaryMax: v.SalaryMax.String(), Openings: v.Openings, ValidTo: v.ValidTo.String(),
		Description: v.Description}
}

func (s *Server) renderVacancies(w http.ResponseWriter, r *http.Request, id int64, v *vacanciesView, formErr error) {
	if s.Jobs == nil {
		s.uiNotFound(w, r)
		return
	}
	ctx := r.Context()
	e, err := s.Registry.Employer(ctx, id)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v.Employer = e
	if v.Vacancies, err = s.Jobs.ListVacancies(ctx, employment.VacancyFilter{EmployerID: id, Page: employment.Page{Limit: uiPageSize}}); err != nil {
		s.uiError(w, r, err)
		return
	}
	cat, err := s.Jobs.Catalog(ctx)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v.OccupationList, v.SkillList = cat.Occupations(), cat.Skills()
	c, _ := access.CallerFrom(ctx)
	v.CanPost = (c.Role == access.EmployerAgent || c.Role == access.Caseworker) && !c.ReadOnly
	p := newPage(r, "vacancies.title", v)
	if formErr != nil {
		p.Error, p.Status = p.L.Error(formErr), statusOf(fault.KindOf(formErr))
	}
	render(w, r, "vacancies", p)
}

// uiPostVacancy posts the vacancy of the form for employer {id}, or, when
// the form edits one (vacancy_id), changes it unless it changed since the
// form was shown (updated_at; 409 asking to reload).
func (s *Server) uiPostVacancy(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	if s.Jobs == nil {
		s.uiNotFound(w, r)
		return
	}
	r.ParseForm()
	in := employment.VacancyInput{EmployerID: id, Title: strings.TrimSpace(r.PostFormValue("title")), Occupation: r.PostFormValue("occupation"),
		Skills: r.PostForm["skills"], Education: r.PostFormValue("education"), SalaryMin: strings.TrimSpace(r.PostFormValue("salary_min")),
		SalaryMax: strings.TrimSpace(r.PostFormValue("salary_max")), ValidTo: strings.TrimSpace(r.PostFormValue("valid_to")),
		Description: strings.TrimSpace(r.PostFormValue("description"))}
	if in.Openings, err = strconv.Atoi(strings.TrimSpace(r.PostFormValue("openings"))); err != nil {
		err = fault.Invalidf("openings", "number.format", "%q is not a number", r.PostFormValue("openings"))
	}
	edit := vacanciesView{Form: in, UpdatedAt: r.PostFormValue("updated_at")}
	if err == nil {
		edit.Editing, err = formID(r, "vacancy_id")
	}
	done := "posted"
	switch {
	case err == nil && edit.Editing != 0:
		in.UpdatedAt, done = edit.UpdatedAt, "updated"
		_, err = s.Jobs.UpdateVacancy(r.Context(), edit.Editing, in)
	case err == nil:
		_, err = s.Jobs.PostVacancy(r.Context(), in)
	}
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
			s.uiError(w, r, err)
			return
		}
		s.renderVacancies(w, r, id, &edit, err)
		return
	}
	http.Redirect(w, r, "/employers/"+itoa(id)+"/vacancies?done="+done, http.StatusSeeOther)
}
