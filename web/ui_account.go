package web

import (
	"net/http"
	"strings"

	"hrss/access"
	"hrss/rules/fault"
)

// The signed-in user's own account: who they are and, for staff, setting
// up the second factor (TOTP) by themselves: begin (a new secret, shown
// once, to type or scan into an authenticator), then confirm with a code
// of it. The access service refuses to replace an active second factor.

// accountView is the account screen.
type accountView struct {
	Caller access.Caller
	Key    *access.TOTPKey // the new secret, while setting up
	Done   bool            // the second factor is now active
}

func (s *Server) uiAccount(w http.ResponseWriter, r *http.Request) {
	c, err := requireCaller(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v := &accountView{Caller: c, Done: r.URL.Query().Get("done") == "totp"}
	render(w, r, "account", newPage(r, "account.title", v))
}

// uiBeginTOTP starts the caller's second-factor enrolment and shows the
// secret with the form for its first code.
func (s *Server) uiBeginTOTP(w http.ResponseWriter, r *http.Request) {
	c, err := requireCaller(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v := &accountView{Caller: c}
	p := newPage(r, "account.title", v)
	key, err := s.Access.BeginTOTP(r.Context())
	if err != nil {
		if k := fault.KindOf(err); k != fault.Conflict && k != fault.Invalid {
			s.uiError(w, r, err)
			return
		}
		p.Error, p.Status = p.L.Error(err), statusOf(fault.KindOf(err))
	} else {
		v.Key = &key
	}
	render(w, r, "account", p)
}

// uiConfirmTOTP makes the pending secret the caller's second factor when
// the code typed is one of its codes.
func (s *Server) uiConfirmTOTP(w http.ResponseWriter, r *http.Request) {
	c, err := requireCaller(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	if err := s.Access.ConfirmTOTP(r.Context(), strings.TrimSpace(r.PostFormValue("code"))); err != nil {
		if fault.KindOf(err) != fault.Invalid {
			s.uiError(w, r, err)
			return
		}
		p := newPage(r, "account.title", &accountView{Caller: c})
		p.Error, p.Status = p.L.Error(err), statusOf(fault.KindOf(err))
		render(w, r, "account", p)
		return
	}
	http.Redirect(w, r, "/account?done=totp", http.StatusSeeOther)
}
