package web

import (
	"net/http"
	"net/url"
	"strings"

	"hrss/access"
	"hrss/employment"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules"
	"hrss/rules/fault"
)

// personSearch is the person search screen: the query and its results.
type personSearch struct {
	ResidentID, Name, Division string
	Divisions                  []registry.Division
	Searched                   bool
	Persons                    []registry.Person
	NextAfter                  int64
	NextQuery                  string
}

// XLSXQuery is the search's query for its download link (no paging).
func (d personSearch) XLSXQuery() string {
	q := url.Values{}
	for k, v := range map[string]string{"resident_id": d.ResidentID, "name": d.Name, "division": d.Division} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

// uiPersons searches persons by resident ID number, name prefix and
// division. The service narrows the search to the caller's scope and
// masks the numbers for roles that do not need them.
func (s *Server) uiPersons(w http.ResponseWriter, r *http.Request) {
	c, err := requireCaller(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	if c.Role == access.Citizen && c.PersonID != 0 {
		http.Redirect(w, r, "/persons/"+itoa(c.PersonID), http.StatusSeeOther)
		return
	}
	q := r.URL.Query()
	d := personSearch{ResidentID: strings.TrimSpace(q.Get("resident_id")), Name: strings.TrimSpace(q.Get("name")), Division: q.Get("division")}
	for _, div := range registry.Divisions {
		if div.Code != registry.CityCode && (c.CityWide() || c.InDivision(div.Code) || !c.DivisionScoped()) {
			d.Divisions = append(d.Divisions, div)
		}
	}
	p := newPage(r, "persons.title", &d)
	if d.ResidentID != "" || d.Name != "" || d.Division != "" || q.Has("after") {
		d.Searched = true
		pg, err := page(r)
		if err == nil {
			pg.Limit = uiPageSize
			d.Persons, err = s.Registry.FindPersons(r.Context(), registry.PersonQuery{ResidentID: d.ResidentID, NamePrefix: d.Name, Division: d.Division, Page: pg})
		}
		if err != nil {
			p.Error, p.Status = p.L.Error(err), statusOf(fault.KindOf(err))
		} else if len(d.Persons) == uiPageSize {
			d.NextAfter = d.Persons[len(d.Persons)-1].ID
			nq := r.URL.Query()
			nq.Set("after", itoa(d.NextAfter))
			d.NextQuery = nq.Encode()
		}
	}
	render(w, r, "persons", p)
}

// uiPageSize is the rows of a list screen per page.
const uiPageSize = 50

// personView is the person page: the record and each section the
// services at hand provide (a missing service omits its section).
type personView struct {
	Person      registry.Person
	Revealed    bool // the whole resident ID and phone number are shown (for the reason given)
	Employments []employmentRow
	HasJobs     bool
	CanSeek     bool // the caller may register a seeker and rank vacancies (caseworker, citizen)
	Seekers     []employment.SeekerRegistration
	Unemployed  []employment.UnemploymentRegistration
	CanEstimate bool
	Insurance   *insuranceSection // nil: no insurance service, or not for this role
	CanClaim    bool              // a caseworker may open a pension claim here
	Ended       []employmentRow   // ended relations, latest first, for an unemployment claim
	Category    string            // the retirement category the claim form proposes
}

// employmentRow is an employment relation with its employer's name, when
// the caller may see the employer.
type employmentRow struct {
	registry.Employment
	EmployerName string
}

// uiPerson shows one person, the resident ID and phone number masked. A
// person outside the caller's scope is NotFound, the same page as a
// person that does not exist. The view is audited by the registry, with
// the reason the search form asked for.
func (s *Server) uiPerson(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if reason := strings.TrimSpace(r.URL.Query().Get("reason")); reason != "" {
		ctx = access.WithReason(ctx, reason)
	}
	s.personPage(w, r.WithContext(ctx), false)
}

// uiRevealPerson shows one person with the whole resident ID and phone
// number, for the reason of the page's small form (audited by the
// registry as person.reveal). Without a reason the page stays masked and
// says why (422); a role that may not see whole numbers is refused (403).
func (s *Server) uiRevealPerson(w http.ResponseWriter, r *http.Request) {
	s.personPage(w, r, true)
}

// personPage renders the person page, whole numbers when reveal.
func (s *Server) personPage(w http.ResponseWriter, r *http.Request, reveal bool) {
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	ctx := r.Context()
	var per registry.Person
	var asked error // a reveal refused for want of a reason: the masked page says so
	if reveal {
		per, err = s.Registry.RevealPerson(ctx, id, r.PostFormValue("reason"))
		if fault.KindOf(err) == fault.Invalid {
			asked, reveal = err, false
		}
	}
	if !reveal {
		per, err = s.Registry.Person(ctx, id)
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v := personView{Person: per, Revealed: reveal, CanEstimate: s.Rules != nil}
	es, err := s.Registry.ListEmployments(ctx, registry.EmploymentFilter{PersonID: id, Page: registry.Page{Limit: registry.MaxPage}})
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	names := map[int64]string{}
	for _, e := range es {
		if _, ok := names[e.EmployerID]; !ok {
			names[e.EmployerID] = ""
			if emp, err := s.Registry.Employer(ctx, e.EmployerID); err == nil {
				names[e.EmployerID] = emp.Name
			}
		}
		v.Employments = append(v.Employments, employmentRow{e, names[e.EmployerID]})
	}
	if s.Jobs != nil {
		// registrations are a section of their own: a role that may not
		// read them (an employer agent) sees the page without it
		seekers, err1 := s.Jobs.ListSeekers(ctx, employment.SeekerFilter{PersonID: id})
		unemp, err2 := s.Jobs.ListUnemployment(ctx, employment.SeekerFilter{PersonID: id})
		if err1 == nil && err2 == nil {
			v.HasJobs, v.Seekers, v.Unemployed = true, seekers, unemp
			c, _ := access.CallerFrom(ctx)
			v.CanSeek = (c.Role == access.Caseworker || c.Role == access.Citizen) && !c.ReadOnly
		}
	}
	v.Insurance = s.personInsurance(ctx, id)
	if c, _ := access.CallerFrom(ctx); v.Insurance != nil && c.Role == access.Caseworker {
		v.CanClaim, v.Category = true, string(rules.Male)
		for i := len(v.Employments) - 1; i >= 0 && len(v.Ended) < 3; i-- {
			if !v.Employments[i].End.IsZero() {
				v.Ended = append(v.Ended, v.Employments[i])
			}
		}
		if per.Sex == ident.Female {
			v.Category = string(rules.Female55)
		}
	}
	p := newPage(r, "person.title", &v)
	if asked != nil {
		p.Error, p.Status = p.L.Error(asked), statusOf(fault.Invalid)
	}
	render(w, r, "person", p)
}
