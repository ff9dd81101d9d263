package web

import (
	"context"
	"net/http"
)

// The caller's own second factor (TOTP) over the API, as the account
// screen does it (ui_account.go): begin (a new secret, shown once),
// confirm with a code of it, disable with a current code. The access
// service allows it to a user signed in with their password, never to an
// API token, and refuses to replace an active second factor.

// totpCode is the body of confirm and disable.
type totpCode struct {
	Code string `json:"code"`
}

// totpState answers confirm and disable.
type totpState struct {
	TOTP bool `json:"totp"`
}

func (s *Server) apiBeginTOTP(w http.ResponseWriter, r *http.Request) {
	key, err := s.Access.BeginTOTP(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, key)
}

func (s *Server) apiConfirmTOTP(w http.ResponseWriter, r *http.Request) {
	s.totpChange(w, r, s.Access.ConfirmTOTP, true)
}

func (s *Server) apiDisableTOTP(w http.ResponseWriter, r *http.Request) {
	s.totpChange(w, r, s.Access.DisableTOTP, false)
}

// totpChange decodes the code, calls change with it and answers the
// second factor's state after it.
func (s *Server) totpChange(w http.ResponseWriter, r *http.Request, change func(context.Context, string) error, after bool) {
	var in totpCode
	err := decode(r, &in)
	if err == nil {
		err = change(r.Context(), in.Code)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, totpState{TOTP: after})
}
