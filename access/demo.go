package access

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
)

// DemoScope says whom the demo users act for. Zero EmployerID and
// PersonID are picked from the registry: a relation whose employer is
// registered in Division and whose person lives there.
type DemoScope struct {
	Division   string // the caseworker's and reviewer's division, e.g. "330402"
	EmployerID int64  // the employer agent's employer
	PersonID   int64  // the citizen
}

// DemoUser is a demo account with its password in clear, to be printed once.
type DemoUser struct {
	User
	Password string
}

// CreateDemoUsers creates one user per role, named after the role
// ("caseworker", "employer_agent", …), each with a random password, and
// returns them with the passwords. A demo user that exists already is
// reset (scope, password, unlocked, enabled). ctx needs a caller with
// ManageUsers (System from the CLI). It fails with NotFound when scope
// leaves an employer or person to pick and the registry has no relation
// in scope.Division.
func CreateDemoUsers(ctx context.Context, s *Service, scope DemoScope) ([]DemoUser, error) {
	if _, err := Require(ctx, ManageUsers); err != nil {
		return nil, err
	}
	if scope.EmployerID == 0 || scope.PersonID == 0 {
		if err := s.Store.View(ctx, func(tx Tx) error {
			p, e, err := tx.SampleRelation(ctx, scope.Division)
			if scope.PersonID == 0 {
				scope.PersonID = p
			}
			if scope.EmployerID == 0 {
				scope.EmployerID = e
			}
			return err
		}); err != nil {
			return nil, err
		}
	}
	var out []DemoUser
	for _, r := range Roles {
		u, err := s.demoUser(ctx, r, scope)
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", r, err)
		}
		out = append(out, u)
	}
	return out, nil
}

// demoUser creates or resets the demo user of role r.
func (s *Service) demoUser(ctx context.Context, r Role, scope DemoScope) (DemoUser, error) {
	in := UserInput{Name: string(r), Role: string(r), Password: RandomPassword(16)}
	switch r {
	case Caseworker, Reviewer:
		in.Divisions = []string{scope.Division}
	case EmployerAgent:
		in.EmployerID = scope.EmployerID
	case Citizen:
		in.PersonID = scope.PersonID
	}
	old, err := s.UserByName(ctx, in.Name)
	var u User
	switch {
	case err == nil:
		u, err = s.UpdateUser(ctx, old.ID, in)
	case isNotFound(err):
		u, err = s.CreateUser(ctx, in)
	}
	return DemoUser{User: u, Password: in.Password}, err
}

// WriteDemoUsers prints the demo users and their passwords as a table.
func WriteDemoUsers(w io.Writer, users []DemoUser) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USER\tPASSWORD\tSCOPE")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Name, u.Password, describeScope(u.User))
	}
	fmt.Fprintln(tw, "\nThe passwords are shown only now: sign in on the web page below, or with POST /api/v1/session.")
	return tw.Flush()
}

// describeScope says in a few words whom u acts for.
func describeScope(u User) string {
	switch {
	case len(u.Divisions) > 0:
		return fmt.Sprintf("%s, divisions %v", u.Role, u.Divisions)
	case u.EmployerID != 0:
		return fmt.Sprintf("%s for employer %d", u.Role, u.EmployerID)
	case u.PersonID != 0:
		return fmt.Sprintf("%s: person %d", u.Role, u.PersonID)
	}
	return string(u.Role)
}
