package web

import (
	"net/http"
	"net/url"

	"hrss/access"
)

// The auditor's screen: the audit trail, newest first, narrowed to one
// person ("who looked at this person"), one user or one action, and the
// chain's verification on request. The access service checks ReadAudit.

// auditView is the audit screen.
type auditView struct {
	PersonID, UserID int64
	Action           string
	Entries          []access.Entry
	NextQuery        string
	Verified         *access.Report
}

// XLSXQuery is the trail's filters for its download link.
func (v auditView) XLSXQuery() string {
	q := url.Values{}
	if v.PersonID != 0 {
		q.Set("person_id", itoa(v.PersonID))
	}
	if v.UserID != 0 {
		q.Set("user_id", itoa(v.UserID))
	}
	if v.Action != "" {
		q.Set("action", v.Action)
	}
	return q.Encode()
}

// uiAudit lists the trail with the filters of the form (as the API's
// person_id, user_id, action and before), 50 entries a page.
func (s *Server) uiAudit(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilter(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	f.Limit = uiPageSize
	v := auditView{PersonID: f.PersonID, UserID: f.UserID, Action: f.Action}
	if v.Entries, err = s.Access.ListAudit(r.Context(), f); err != nil {
		s.uiError(w, r, err)
		return
	}
	if len(v.Entries) == uiPageSize {
		q := r.URL.Query()
		q.Set("before", itoa(v.Entries[len(v.Entries)-1].Seq))
		v.NextQuery = q.Encode()
	}
	if r.URL.Query().Get("verify") == "1" {
		rep, err := s.Access.VerifyAudit(r.Context())
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		v.Verified = &rep
	}
	render(w, r, "audit", newPage(r, "audit.title", &v))
}
