package web

import (
	"net/http"

	"hrss/employment"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// The employment services' routes (job seekers, unemployment, vacancies,
// matching, "1131" follow-up, fairs, placements). Each handler parses,
// calls employment.Service and renders; the service checks the caller.

// jobs wraps a handler of the employment services: a server wired
// without them answers 500 rather than panicking.
func (s *Server) jobs(h func(http.ResponseWriter, *http.Request, *employment.Service)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Jobs == nil {
			writeError(w, r, &fault.Error{Kind: fault.Internal, Message: "the employment services are not wired into this server"})
			return
		}
		h(w, r, s.Jobs)
	}
}

// queryDate reads an optional YYYY-MM-DD query parameter.
func queryDate(r *http.Request, name string) (period.Date, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return period.Date{}, nil
	}
	d, err := period.ParseDate(v)
	if err != nil {
		return d, fault.Invalidf(name, "date.format", "%v", err)
	}
	return d, nil
}

// regFilter reads the filter of a registration list.
func regFilter(r *http.Request) (employment.SeekerFilter, error) {
	pg, err := page(r)
	if err != nil {
		return employment.SeekerFilter{}, err
	}
	q := r.URL.Query()
	pid, err := queryInt(r, "person_id")
	f := employment.SeekerFilter{Division: q.Get("division"), PersonID: pid, Status: employment.Status(q.Get("status")), Page: pg}
	return f, err
}

func (s *Server) listSeekers(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	f, err := regFilter(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	rows, err := svc.ListSeekers(r.Context(), f)
	respond(w, r, http.StatusOK, newList(rows, f.Limit, func(x employment.SeekerRegistration) int64 { return x.ID }), err)
}

func (s *Server) registerSeeker(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	create(w, r, svc.RegisterSeeker)
}

func (s *Server) getSeeker(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	get(w, r, svc.Seeker)
}

func (s *Server) updateSeeker(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	update(w, r, svc.UpdateSeeker)
}

func (s *Server) closeSeeker(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	update(w, r, svc.CloseSeeker)
}

func (s *Server) contactSeeker(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	get(w, r, svc.Contact)
}

// matchList is a ranked list with the search statistics.
type matchList struct {
	Items []employment.Match `json:"items"`
	Stats employment.Stats   `json:"stats"`
}

func (s *Server) matchSeeker(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	top, err := queryInt(r, "top")
	if err != nil {
		writeError(w, r, err)
		return
	}
	ms, st, err := svc.MatchSeeker(r.Context(), id, int(top), apiLang(r).Code)
	respond(w, r, http.StatusOK, matchList{Items: nonNil(ms), Stats: st}, err)
}

func (s *Server) matchVacancy(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	top, err := queryInt(r, "top")
	if err != nil {
		writeError(w, r, err)
		return
	}
	ms, st, err := svc.MatchVacancy(r.Context(), id, int(top), apiLang(r).Code)
	respond(w, r, http.StatusOK, matchList{Items: nonNil(ms), Stats: st}, err)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Server) explainPair(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	vid, err := queryInt(r, "vacancy_id")
	if err == nil && vid == 0 {
		err = fault.Invalidf("vacancy_id", "query.required", "give vacancy_id")
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	m, err := svc.ExplainPair(r.Context(), id, vid, apiLang(r).Code)
	respond(w, r, http.StatusOK, m, err)
}

func (s *Server) recommend(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	top, err := queryInt(r, "top")
	if err != nil {
		writeError(w, r, err)
		return
	}
	ms, err := svc.Recommend(r.Context(), id, int(top), apiLang(r).Code)
	respond(w, r, http.StatusCreated, matchList{Items: nonNil(ms)}, err)
}

func (s *Server) listRecommendations(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	since, err := queryDate(r, "since")
	if err != nil {
		writeError(w, r, err)
		return
	}
	recs, err := svc.Recommendations(r.Context(), id, since)
	respond(w, r, http.StatusOK, list[employment.Recommendation]{Items: nonNil(recs)}, err)
}

func (s *Server) listUnemployment(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	f, err := regFilter(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	rows, err := svc.ListUnemployment(r.Context(), f)
	respond(w, r, http.StatusOK, newList(rows, f.Limit, func(x employment.UnemploymentRegistration) int64 { return x.ID }), err)
}

func (s *Server) registerUnemployed(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	create(w, r, svc.RegisterUnemployed)
}

func (s *Server) deregisterUnemployed(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	update(w, r, svc.Deregister)
}

func (s *Server) listVacancies(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	pg, err := page(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	emp, err := queryInt(r, "employer_id")
	if err != nil {
		writeError(w, r, err)
		return
	}
	f := employment.VacancyFilter{EmployerID: emp, Division: q.Get("division"), Occupation: q.Get("occupation"), Page: pg}
	if q.Get("all") != "true" {
		f.OpenOn = svc.Today()
	}
	rows, err := svc.ListVacancies(r.Context(), f)
	respond(w, r, http.StatusOK, newList(rows, pg.Limit, func(x employment.Vacancy) int64 { return x.ID }), err)
}

func (s *Server) postVacancy(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	create(w, r, svc.PostVacancy)
}

func (s *Server) getVacancy(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	get(w, r, svc.Vacancy)
}

func (s *Server) updateVacancy(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	update(w, r, svc.UpdateVacancy)
}

func (s *Server) closeVacancy(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	get(w, r, svc.CloseVacancy)
}

func (s *Server) listOccupations(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	cat, err := svc.Catalog(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cat.Occupations())
}

func (s *Server) listSkills(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	cat, err := svc.Catalog(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cat.Skills())
}

func (s *Server) listGraduates(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	pg, err := page(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	q := employment.GraduateQuery{Division: r.URL.Query().Get("division"), OverdueOnly: r.URL.Query().Get("overdue") == "true", Page: pg}
	rows, err := svc.FollowUps(r.Context(), q)
	respond(w, r, http.StatusOK, newList(rows, pg.Limit, func(x employment.FollowUp) int64 { return x.PersonID }), err)
}

func (s *Server) recordService(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	create(w, r, svc.RecordService)
}

// batchInput is the body of POST /api/v1/match-batches.
type batchInput struct {
	Division string `json:"division,omitempty"`
	Top      int    `json:"top,omitempty"`
	K        int    `json:"k,omitempty"`
}

func (s *Server) runBatch(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	var in batchInput
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	run, err := svc.RunBatch(r.Context(), employment.BatchOptions{Division: in.Division, TopN: in.Top, K: in.K})
	respond(w, r, http.StatusCreated, run, err)
}

func (s *Server) listFairs(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	pg, err := page(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	rows, err := svc.ListFairs(r.Context(), employment.FairFilter{Division: r.URL.Query().Get("division"), Page: pg})
	respond(w, r, http.StatusOK, newList(rows, pg.Limit, func(x employment.JobFair) int64 { return x.ID }), err)
}

func (s *Server) createFair(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	create(w, r, svc.CreateFair)
}

func (s *Server) getFair(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	get(w, r, svc.FairDetails)
}

func (s *Server) joinFair(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	update(w, r, svc.JoinFair)
}

func (s *Server) registerForFair(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	update(w, r, svc.RegisterForFair)
}

func (s *Server) allocateFair(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	get(w, r, svc.AllocateFair)
}

func (s *Server) listPlacements(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	pg, err := page(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	f := employment.PlacementFilter{Page: pg}
	if f.PersonID, err = queryInt(r, "person_id"); err == nil {
		if f.EmployerID, err = queryInt(r, "employer_id"); err == nil {
			if f.From, err = queryDate(r, "from"); err == nil {
				f.To, err = queryDate(r, "to")
			}
		}
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	rows, err := svc.ListPlacements(r.Context(), f)
	respond(w, r, http.StatusOK, newList(rows, pg.Limit, func(x employment.Placement) int64 { return x.ID }), err)
}

// hireResult is the answer of POST /api/v1/employments/{id}/placement.
type hireResult struct {
	Placed    bool                  `json:"placed"`
	Placement *employment.Placement `json:"placement,omitempty"`
}

func (s *Server) recordHire(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	p, ok, err := svc.RecordHire(r.Context(), id)
	res := hireResult{Placed: ok}
	if ok {
		res.Placement = &p
	}
	respond(w, r, http.StatusOK, res, err)
}

func (s *Server) syncEmployment(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	rep, err := svc.Sync(r.Context())
	respond(w, r, http.StatusOK, rep, err)
}

func (s *Server) jobIndicators(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	from, err := queryDate(r, "from")
	if err != nil {
		writeError(w, r, err)
		return
	}
	ind, err := svc.Indicators(r.Context(), from)
	respond(w, r, http.StatusOK, ind, err)
}
