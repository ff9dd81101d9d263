package web

import (
	"net/http"

	"hrss/access"
)

// The auditor's routes: the trail, newest first, and its verification.
// The access service checks the permission (access.ReadAudit).

// auditPage is a page of the trail; NextBefore, when non-zero, is the
// before value of the next (older) page.
type auditPage struct {
	Items      []access.Entry `json:"items"`
	NextBefore int64          `json:"next_before,omitempty"`
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilter(r)
	var es []access.Entry
	if err == nil {
		es, err = s.Access.ListAudit(r.Context(), f)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	p := auditPage{Items: es}
	if p.Items == nil {
		p.Items = []access.Entry{}
	}
	limit := f.Limit
	if limit == 0 {
		limit = access.DefaultPage
	}
	if len(es) > 0 && len(es) == limit {
		p.NextBefore = es[len(es)-1].Seq
	}
	writeJSON(w, http.StatusOK, p)
}

// auditFilter reads person_id ("who looked at this person"), user_id,
// action, before and limit.
func auditFilter(r *http.Request) (access.AuditFilter, error) {
	f := access.AuditFilter{Action: r.URL.Query().Get("action")}
	var err error
	var limit int64
	for _, q := range []struct {
		name string
		dst  *int64
	}{{"person_id", &f.PersonID}, {"user_id", &f.UserID}, {"before", &f.Before}, {"limit", &limit}} {
		if *q.dst, err = queryInt(r, q.name); err != nil {
			return f, err
		}
	}
	f.Limit = int(min(limit, access.MaxPage+1)) // the service refuses above MaxPage
	return f, nil
}

func (s *Server) verifyAudit(w http.ResponseWriter, r *http.Request) {
	rep, err := s.Access.VerifyAudit(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}
