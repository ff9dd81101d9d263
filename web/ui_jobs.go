package web

import (
	"net/http"
	"strings"

	"hrss/access"
	"hrss/employment"
	"hrss/registry"
	"hrss/rules/fault"
)

// The employment screens: a seeker's recommendations with the matcher's
// explanations, and a division's follow-up list of unemployed graduates
// with their "1131" completeness. The employment service decides who may
// see what (its access checks); the handlers only ask and render.

// matchesView is a seeker's ranked vacancies.
type matchesView struct {
	Seeker  employment.SeekerRegistration
	Person  registry.Person
	Matches []matchRow
	Stats   employment.Stats
	Done    bool // the recommendations were just recorded
}

// matchRow is a match with its vacancy and employer named.
type matchRow struct {
	employment.Match
	Vacancy      employment.Vacancy
	EmployerName string
	Explanation  string // in the page's language
}

// uiMatchRows is how many vacancies the recommendations screen ranks.
const uiMatchRows = 10

// uiSeekerMatches ranks open vacancies for seeker {id}, each with its
// score, components and explanation in the page's language.
func (s *Server) uiSeekerMatches(w http.ResponseWriter, r *http.Request) {
	if s.Jobs == nil {
		s.uiNotFound(w, r)
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	ctx, l := r.Context(), langOf(r)
	sk, err := s.Jobs.Seeker(ctx, id)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	per, err := s.Registry.Person(ctx, sk.PersonID)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	ms, st, err := s.Jobs.MatchSeeker(ctx, id, uiMatchRows, l.Code)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v := matchesView{Seeker: sk, Person: per, Stats: st, Done: r.URL.Query().Get("done") == "recommended"}
	for _, m := range ms {
		row := matchRow{Match: m, Explanation: m.Why.In(l.M())}
		if vac, err := s.Jobs.Vacancy(ctx, m.VacancyID); err == nil {
			row.Vacancy = vac
			if e, err := s.Registry.Employer(ctx, vac.EmployerID); err == nil {
				row.EmployerName = e.Name
			}
		}
		v.Matches = append(v.Matches, row)
	}
	render(w, r, "matches", newPage(r, "matches.title", &v))
}

// uiRecommend records the top vacancies as recommended to seeker {id}
// (counted as job leads of the 1131 package) and shows the list again.
func (s *Server) uiRecommend(w http.ResponseWriter, r *http.Request) {
	if s.Jobs == nil {
		s.uiNotFound(w, r)
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	if _, err := s.Jobs.Recommend(r.Context(), id, uiMatchRows, langOf(r).Code); err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/seekers/"+itoa(id)+"/matches?done=recommended", http.StatusSeeOther)
}

// graduatesView is the follow-up list of unemployed graduates.
type graduatesView struct {
	Division    string
	OverdueOnly bool
	Divisions   []registry.Division
	Rows        []employment.FollowUp
	NextQuery   string
	Kinds       []employment.ServiceKind
	CanRecord   bool   // a caseworker records services given
	Here        string // this list, to come back to after recording
	Recorded    bool
}

// uiGraduates lists the unemployed graduates to follow up in a division
// (the caller's by default), with the services given and what is missing
// or overdue.
func (s *Server) uiGraduates(w http.ResponseWriter, r *http.Request) {
	if s.Jobs == nil {
		s.uiNotFound(w, r)
		return
	}
	c, err := requireCaller(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	q := r.URL.Query()
	v := graduatesView{Division: q.Get("division"), OverdueOnly: q.Get("overdue") == "true", CanRecord: c.Role == access.Caseworker && !c.ReadOnly,
		Recorded: q.Get("done") == "recorded",
		Kinds:    []employment.ServiceKind{employment.PolicyBriefing, employment.CareerGuidance, employment.JobLead, employment.Training}}
	if v.Division == "" {
		v.Division = defaultDivision(c)
	}
	for _, d := range registry.Divisions {
		if d.Code != registry.CityCode && (c.InDivision(d.Code) || !c.DivisionScoped()) {
			v.Divisions = append(v.Divisions, d)
		}
	}
	pg, err := page(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	pg.Limit = uiPageSize
	p := newPage(r, "graduates.title", &v)
	v.Here = "/graduates?" + v.XLSXQuery()
	v.Rows, err = s.Jobs.FollowUps(r.Context(), employment.GraduateQuery{Division: v.Division, OverdueOnly: v.OverdueOnly, Page: pg})
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid {
			s.uiError(w, r, err)
			return
		}
		p.Error, p.Status = p.L.Error(err), statusOf(fault.KindOf(err))
	}
	if len(v.Rows) == uiPageSize {
		nq := r.URL.Query()
		nq.Set("after", itoa(v.Rows[len(v.Rows)-1].PersonID))
		v.NextQuery = nq.Encode()
	}
	render(w, r, "graduates", p)
}

// uiRecordService records a service of the 1131 package given to a
// graduate and goes back to the list.
func (s *Server) uiRecordService(w http.ResponseWriter, r *http.Request) {
	if s.Jobs == nil {
		s.uiNotFound(w, r)
		return
	}
	in := employment.ServiceInput{Kind: r.PostFormValue("kind"), Note: r.PostFormValue("note")}
	var err error
	if in.PersonID, err = formID(r, "person_id"); err == nil {
		in.VacancyID, err = formID(r, "vacancy_id")
	}
	if err == nil {
		_, err = s.Jobs.RecordService(r.Context(), in)
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	back := localPath(r.PostFormValue("back"))
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	http.Redirect(w, r, back+sep+"done=recorded", http.StatusSeeOther)
}

// defaultDivision is the division a person-level list of c starts with:
// their first, the city's first county for a city-wide caller, else none.
func defaultDivision(c access.Caller) string {
	switch {
	case c.CityWide():
		return registry.CountyCodes()[0]
	case c.DivisionScoped() && len(c.Divisions) > 0:
		return c.Divisions[0]
	}
	return ""
}

// Count returns how many services of kind k row f has had.
func (graduatesView) Count(f employment.FollowUp, k employment.ServiceKind) int { return f.Services[k] }
