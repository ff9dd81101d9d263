package web

import (
	"context"
	"net/http"
	"strings"

	"hrss/registry"
)

func (s *Server) listDivisions(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, registry.Divisions)
}

func (s *Server) listPersons(w http.ResponseWriter, r *http.Request) {
	pg, err := page(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	ps, err := s.Registry.FindPersons(r.Context(), registry.PersonQuery{ResidentID: q.Get("resident_id"), NamePrefix: q.Get("name"), Division: q.Get("division"), Page: pg})
	if err != nil {
		writeError(w, r, err)
		return
	}
	// the service masks the resident IDs and phone numbers
	writeJSON(w, http.StatusOK, newList(ps, pg.Limit, func(p registry.Person) int64 { return p.ID }))
}

func (s *Server) createPerson(w http.ResponseWriter, r *http.Request) {
	create(w, r, s.Registry.CreatePerson)
}

func (s *Server) getPerson(w http.ResponseWriter, r *http.Request) { get(w, r, s.Registry.Person) }

// revealPerson answers one person's record with the whole numbers, for
// the reason of the query (?reason=) or of the Hrss-Reason header.
func (s *Server) revealPerson(w http.ResponseWriter, r *http.Request) {
	get(w, r, func(ctx context.Context, id int64) (registry.Person, error) {
		return s.Registry.RevealPerson(ctx, id, reasonOf(r))
	})
}

// reasonOf returns why the request looks at personal data: the query's
// reason, else the Hrss-Reason header's.
func reasonOf(r *http.Request) string {
	if q := strings.TrimSpace(r.URL.Query().Get("reason")); q != "" {
		return q
	}
	return strings.TrimSpace(r.Header.Get(reasonHeader))
}

func (s *Server) updatePerson(w http.ResponseWriter, r *http.Request) {
	update(w, r, s.Registry.UpdatePerson)
}

func (s *Server) listEmployers(w http.ResponseWriter, r *http.Request) {
	pg, err := page(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	es, err := s.Registry.FindEmployers(r.Context(), registry.EmployerQuery{CreditCode: q.Get("credit_code"), NamePrefix: q.Get("name"), Division: q.Get("division"), Page: pg})
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newList(es, pg.Limit, func(e registry.Employer) int64 { return e.ID }))
}

func (s *Server) createEmployer(w http.ResponseWriter, r *http.Request) {
	create(w, r, s.Registry.CreateEmployer)
}

func (s *Server) getEmployer(w http.ResponseWriter, r *http.Request) { get(w, r, s.Registry.Employer) }

func (s *Server) updateEmployer(w http.ResponseWriter, r *http.Request) {
	update(w, r, s.Registry.UpdateEmployer)
}

func (s *Server) personEmployments(w http.ResponseWriter, r *http.Request) {
	s.employments(w, r, "person_id")
}

func (s *Server) employerEmployments(w http.ResponseWriter, r *http.Request) {
	s.employments(w, r, "employer_id")
}

func (s *Server) listEmployments(w http.ResponseWriter, r *http.Request) { s.employments(w, r, "") }

// employments lists relations filtered by the path {id} as byPath
// ("person_id" or "employer_id"), or by the query parameters of the same names.
func (s *Server) employments(w http.ResponseWriter, r *http.Request, byPath string) {
	pg, err := page(r)
	f := registry.EmploymentFilter{Page: pg}
	if err == nil {
		f.PersonID, err = queryInt(r, "person_id")
	}
	if err == nil {
		f.EmployerID, err = queryInt(r, "employer_id")
	}
	if err == nil && byPath != "" {
		var id int64
		if id, err = pathID(r); byPath == "person_id" {
			f.PersonID = id
		} else {
			f.EmployerID = id
		}
	}
	var es []registry.Employment
	if err == nil {
		es, err = s.Registry.ListEmployments(r.Context(), f)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newList(es, pg.Limit, func(e registry.Employment) int64 { return e.ID }))
}

func (s *Server) createEmployment(w http.ResponseWriter, r *http.Request) {
	create(w, r, s.Registry.CreateEmployment)
}

func (s *Server) getEmployment(w http.ResponseWriter, r *http.Request) {
	get(w, r, s.Registry.Employment)
}

func (s *Server) updateEmployment(w http.ResponseWriter, r *http.Request) {
	update(w, r, s.Registry.UpdateEmployment)
}

func (s *Server) listFlexible(w http.ResponseWriter, r *http.Request) {
	pg, err := page(r)
	f := registry.FlexibleFilter{Page: pg, Division: r.URL.Query().Get("division")}
	if err == nil {
		f.PersonID, err = queryInt(r, "person_id")
	}
	var fs []registry.FlexibleWorker
	if err == nil {
		fs, err = s.Registry.ListFlexible(r.Context(), f)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newList(fs, pg.Limit, func(f registry.FlexibleWorker) int64 { return f.ID }))
}

func (s *Server) createFlexible(w http.ResponseWriter, r *http.Request) {
	create(w, r, s.Registry.EnrolFlexible)
}

func (s *Server) getFlexible(w http.ResponseWriter, r *http.Request) { get(w, r, s.Registry.Flexible) }

func (s *Server) updateFlexible(w http.ResponseWriter, r *http.Request) {
	update(w, r, s.Registry.UpdateFlexible)
}
