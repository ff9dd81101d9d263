package web

import (
	"net/http"

	"hrss/access"
)

// The administrator's routes: users and API tokens. The access service
// checks the permission (access.ManageUsers).

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	pg, err := page(r)
	var us []access.User
	if err == nil {
		f := access.UserFilter{Role: access.Role(r.URL.Query().Get("role")), Page: access.Page{After: pg.After, Limit: pg.Limit}}
		us, err = s.Access.ListUsers(r.Context(), f)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newList(us, pg.Limit, func(u access.User) int64 { return u.ID }))
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	create(w, r, s.Access.CreateUser)
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) { get(w, r, s.Access.User) }

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) {
	update(w, r, s.Access.UpdateUser)
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	pg, err := page(r)
	var ts []access.Token
	if err == nil {
		f := access.TokenFilter{Page: access.Page{After: pg.After, Limit: pg.Limit}}
		if f.UserID, err = queryInt(r, "user_id"); err == nil {
			ts, err = s.Access.ListTokens(r.Context(), f)
		}
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newList(ts, pg.Limit, func(t access.Token) int64 { return t.ID }))
}

// createdToken answers POST /api/v1/tokens: the secret is shown this once.
type createdToken struct {
	access.Token
	Secret string `json:"secret"`
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	var in access.TokenInput
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	t, secret, err := s.Access.CreateToken(r.Context(), in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, createdToken{Token: t, Secret: secret})
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) { get(w, r, s.Access.RevokeToken) }
