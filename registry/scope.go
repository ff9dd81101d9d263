package registry

import (
	"context"
	"fmt"

	"hrss/access"
	"hrss/registry/ident"
	"hrss/rules/fault"
)

// Who sees what of the registry (the permissions are access's; the reach
// of each role is drawn here):
//   - System and city-wide callers: everything;
//   - caseworkers and reviewers: persons living in their divisions,
//     employers registered there, relations whose person or employer is
//     theirs, flexible enrolments in their divisions or of their persons;
//   - an employer agent: their employer, its relations, and the persons of
//     those relations; and the person found by a whole resident ID (to
//     hire them), shown as its person ID, sex and birth only;
//   - a citizen: themselves, their relations and enrolments, and the
//     employers of their relations.
//
// A record out of reach answers NotFound, as if it did not exist; a list
// leaves it out. Resident IDs and phone numbers are masked in every answer
// for every role (ident.ResidentID.Masked, ident.MaskPhone), but for
// the whole numbers a writer has just given and the one record a role
// with access.RevealIdentity asks for, with a reason (RevealPerson).

// canSeePerson reports whether c may see person p.
func canSeePerson(ctx context.Context, tx Tx, c access.Caller, p Person) (bool, error) {
	switch {
	case c.IsSystem():
		return true, nil
	case c.DivisionScoped():
		return c.InDivision(p.ResidenceDivision), nil
	case c.Role == access.Citizen:
		return p.ID == c.PersonID, nil
	case c.Role == access.EmployerAgent:
		return hasRelation(ctx, tx, p.ID, c.EmployerID)
	}
	return false, nil
}

// hasRelation reports whether the person has (or had) a relation with the employer.
func hasRelation(ctx context.Context, tx Tx, personID, employerID int64) (bool, error) {
	if personID == 0 || employerID == 0 {
		return false, nil
	}
	rows, err := tx.ListEmployments(ctx, EmploymentFilter{PersonID: personID, EmployerID: employerID, Page: Page{Limit: 1}})
	return len(rows) > 0, err
}

// canSeeEmployer reports whether c may see employer e.
func canSeeEmployer(ctx context.Context, tx Tx, c access.Caller, e Employer) (bool, error) {
	switch {
	case c.IsSystem():
		return true, nil
	case c.DivisionScoped():
		return c.InDivision(e.Division), nil
	case c.Role == access.EmployerAgent:
		return e.ID == c.EmployerID, nil
	case c.Role == access.Citizen:
		return hasRelation(ctx, tx, c.PersonID, e.ID)
	}
	return false, nil
}

// canSeeEmployment reports whether c may see relation e.
func canSeeEmployment(ctx context.Context, tx Tx, c access.Caller, e Employment) (bool, error) {
	switch {
	case c.IsSystem():
		return true, nil
	case c.DivisionScoped():
		return partyInDivision(ctx, tx, c, e.PersonID, e.EmployerID)
	case c.Role == access.EmployerAgent:
		return e.EmployerID == c.EmployerID, nil
	case c.Role == access.Citizen:
		return e.PersonID == c.PersonID, nil
	}
	return false, nil
}

// partyInDivision reports whether the person lives, or the employer is
// registered, in one of c's divisions (a missing party is in none).
func partyInDivision(ctx context.Context, tx Tx, c access.Caller, personID, employerID int64) (bool, error) {
	if c.CityWide() {
		return true, nil
	}
	if in, err := personInDivision(ctx, tx, c, personID); in || err != nil {
		return in, err
	}
	e, err := tx.Employer(ctx, employerID)
	if err != nil {
		return false, missingIsFalse(err)
	}
	return c.InDivision(e.Division), nil
}

func personInDivision(ctx context.Context, tx Tx, c access.Caller, personID int64) (bool, error) {
	p, err := tx.Person(ctx, personID)
	if err != nil {
		return false, missingIsFalse(err)
	}
	return c.InDivision(p.ResidenceDivision), nil
}

func missingIsFalse(err error) error {
	if fault.KindOf(err) == fault.NotFound {
		return nil
	}
	return err
}

// canSeeFlexible reports whether c may see flexible enrolment f.
func canSeeFlexible(ctx context.Context, tx Tx, c access.Caller, f FlexibleWorker) (bool, error) {
	switch {
	case c.IsSystem():
		return true, nil
	case c.DivisionScoped():
		if c.InDivision(f.Division) {
			return true, nil
		}
		return personInDivision(ctx, tx, c, f.PersonID)
	case c.Role == access.Citizen:
		return f.PersonID == c.PersonID, nil
	}
	return false, nil
}

// checkDivision refuses a division outside c's, for a record c writes.
func checkDivision(c access.Caller, field, code string) error {
	if c.IsSystem() || c.InDivision(code) {
		return nil
	}
	return access.ForbiddenField(field, "division %s is not one of yours", code)
}

// divisionScope returns the divisions a list of c's must be narrowed to
// (nil: no narrowing), and false when c's scope is empty and the list
// must be too.
func divisionScope(c access.Caller) ([]string, bool) {
	d := c.ScopeDivisions()
	return d, c.CityWide() || len(d) > 0
}

// show opens a stored person for display: the resident ID and phone
// number masked.
func (s *Service) show(sp SealedPerson) (Person, error) {
	p, err := s.open(sp)
	return masked(p), err
}

// masked returns p with its resident ID and phone number masked.
func masked(p Person) Person {
	p.ResidentID = ident.ResidentID(p.ResidentID.Masked())
	p.Phone = ident.MaskPhone(p.Phone)
	return p
}

// minimal keeps what an employer needs to record a hire of the person
// whose whole resident ID they gave: the person's ID, and the sex and
// birth that number holds anyway. Nothing the employer did not know.
func minimal(p Person) Person {
	return Person{ID: p.ID, Sex: p.Sex, Birth: p.Birth}
}

// record appends an audit entry for c's action in tx, at the service clock.
func (s *Service) record(ctx context.Context, tx Tx, c access.Caller, action, object string, subjects ...int64) error {
	return access.Record(ctx, tx, c, s.now(), access.Event{Action: action, Object: object, Subjects: subjects})
}

func object(kind string, id int64) string { return fmt.Sprintf("%s/%d", kind, id) }
