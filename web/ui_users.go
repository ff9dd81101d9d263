package web

import (
	"net/http"
	"strconv"
	"strings"

	"hrss/access"
	"hrss/registry"
	"hrss/rules/fault"
)

// The administrator's screen: users, their roles and scopes; create one
// (with a password typed, or a random one shown once), disable or enable
// one. The access service checks ManageUsers and validates the scope.

// usersView is the users screen.
type usersView struct {
	Users     []access.User
	Roles     []access.Role
	Divisions []registry.Division
	Form      access.UserInput
	Created   string // the name of the user just created
	Password  string // their password, shown once when generated
	NextQuery string
}

// Has reports whether the form has division code ticked.
func (v usersView) Has(code string) bool {
	for _, d := range v.Form.Divisions {
		if d == code {
			return true
		}
	}
	return false
}

func (s *Server) uiUsers(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, &usersView{}, nil)
}

// renderUsers lists the users (a page of them) under the create form.
func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, v *usersView, formErr error) {
	v.Roles, v.Divisions = access.Roles, registry.Divisions
	after, err := queryInt(r, "after")
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v.Users, err = s.Access.ListUsers(r.Context(), access.UserFilter{Page: access.Page{After: after, Limit: uiPageSize}})
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	if len(v.Users) == uiPageSize {
		v.NextQuery = "after=" + itoa(v.Users[len(v.Users)-1].ID)
	}
	p := newPage(r, "users.title", v)
	if formErr != nil {
		p.Error, p.Status = p.L.Error(formErr), statusOf(fault.KindOf(formErr))
	}
	render(w, r, "users", p)
}

// uiCreateUser creates the user of the form; without a password typed it
// makes a random one and shows it once.
func (s *Server) uiCreateUser(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	in := access.UserInput{Name: strings.TrimSpace(r.PostFormValue("name")), Role: r.PostFormValue("role"), Divisions: r.PostForm["divisions"],
		Password: r.PostFormValue("password")}
	var err error
	if in.EmployerID, err = formID(r, "employer_id"); err == nil {
		in.PersonID, err = formID(r, "person_id")
	}
	v := &usersView{Form: in}
	generated := in.Password == ""
	if generated {
		in.Password = access.RandomPassword(16)
	}
	if err == nil {
		_, err = s.Access.CreateUser(r.Context(), in)
	}
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
			s.uiError(w, r, err)
			return
		}
		v.Form.Password = ""
		s.renderUsers(w, r, v, err)
		return
	}
	v.Form, v.Created = access.UserInput{}, in.Name
	if generated {
		v.Password = in.Password
	}
	s.renderUsers(w, r, v, nil)
}

// uiSetDisabled disables or enables user {id}, keeping the rest, unless
// the user changed since the list showed it (its form's updated_at).
func (s *Server) uiSetDisabled(disabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		u, err := s.Access.User(r.Context(), id)
		if err == nil {
			_, err = s.Access.UpdateUser(r.Context(), id, access.UserInput{Name: u.Name, Role: string(u.Role), Divisions: u.Divisions,
				EmployerID: u.EmployerID, PersonID: u.PersonID, Disabled: disabled, UpdatedAt: r.PostFormValue("updated_at")})
		}
		if fault.KindOf(err) == fault.Conflict {
			s.renderUsers(w, r, &usersView{}, err)
			return
		}
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		http.Redirect(w, r, "/users", http.StatusSeeOther)
	}
}

// formID reads an optional positive id from a form field.
func formID(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fault.Invalidf(name, "query.integer", "%q is not a record id", v)
	}
	return n, nil
}
