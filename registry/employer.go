package registry

import (
	"context"
	"strings"

	"hrss/access"
	"hrss/registry/ident"
	"hrss/rules/fault"
)

// CreateEmployer validates in and registers a new employer. It fails with
// Invalid for a bad field, Forbidden for a division not the caller's, and
// Conflict if the credit code is registered.
func (s *Service) CreateEmployer(ctx context.Context, in EmployerInput) (Employer, error) {
	c, err := access.Require(ctx, access.WriteEmployers)
	if err != nil {
		return Employer{}, err
	}
	e, err := in.parse()
	if err != nil {
		return Employer{}, err
	}
	if err := checkDivision(c, "division", e.Division); err != nil {
		return Employer{}, err
	}
	e.CreatedAt, e.UpdatedAt = s.now(), s.now()
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := uniqueCode(ctx, tx, e.CreditCode, 0); err != nil {
			return err
		}
		if err := tx.InsertEmployer(ctx, &e); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "employer.create", object("employer", e.ID))
	})
	return e, err
}

// UpdateEmployer replaces the employer's fields with in. It fails with
// NotFound (also out of the caller's reach), Invalid, Forbidden for a new
// division not the caller's, or Conflict for a credit code taken.
func (s *Service) UpdateEmployer(ctx context.Context, id int64, in EmployerInput) (Employer, error) {
	c, err := access.Require(ctx, access.WriteEmployers)
	if err != nil {
		return Employer{}, err
	}
	e, err := in.parse()
	if err != nil {
		return Employer{}, err
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		old, err := visibleEmployer(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if err := access.UnchangedSince(in.UpdatedAt, old.UpdatedAt, "employer", old.Name); err != nil {
			return err
		}
		if err := checkDivision(c, "division", e.Division); err != nil {
			return err
		}
		e.ID, e.CreatedAt, e.UpdatedAt = id, old.CreatedAt, access.Touched(old.UpdatedAt, s.now())
		if err := uniqueCode(ctx, tx, e.CreditCode, id); err != nil {
			return err
		}
		if err := tx.UpdateEmployer(ctx, &e); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "employer.update", object("employer", id))
	})
	return e, err
}

// visibleEmployer reads an employer c may see, or answers NotFound.
func visibleEmployer(ctx context.Context, tx Tx, c access.Caller, id int64) (Employer, error) {
	e, err := tx.Employer(ctx, id)
	if err != nil {
		return e, err
	}
	if ok, err := canSeeEmployer(ctx, tx, c, e); err != nil || !ok {
		return Employer{}, orOutOfScope(err, "employer", id)
	}
	return e, nil
}

func uniqueCode(ctx context.Context, tx Tx, code ident.CreditCode, self int64) error {
	same, err := tx.ListEmployers(ctx, EmployerFilter{CreditCode: string(code), Page: Page{Limit: 1}})
	if err != nil {
		return err
	}
	if len(same) > 0 && same[0].ID != self {
		return fault.Conflictf("credit_code", "credit_code.unique", "credit code %s is already registered (employer %d)", code, same[0].ID)
	}
	return nil
}

// Employer returns the employer with the given ID, or NotFound (also
// when it is out of the caller's reach).
func (s *Service) Employer(ctx context.Context, id int64) (Employer, error) {
	c, err := access.Require(ctx, access.ReadEmployers)
	if err != nil {
		return Employer{}, err
	}
	var e Employer
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		e, err = visibleEmployer(ctx, tx, c, id)
		return err
	})
	return e, err
}

// EmployerQuery searches employers.
type EmployerQuery struct {
	CreditCode string
	NamePrefix string
	Division   string
	Page
}

// FindEmployers lists the employers matching q in ID order, leaving out
// those out of the caller's reach.
func (s *Service) FindEmployers(ctx context.Context, q EmployerQuery) ([]Employer, error) {
	c, err := access.Require(ctx, access.ReadEmployers)
	if err != nil {
		return nil, err
	}
	f := EmployerFilter{NamePrefix: strings.TrimSpace(q.NamePrefix)}
	if f.Page, err = clampPage(q.Page); err != nil {
		return nil, err
	}
	if q.CreditCode != "" {
		c, err := ident.ParseCreditCode(q.CreditCode)
		if err != nil {
			return nil, err
		}
		f.CreditCode = string(c)
	}
	if q.Division != "" {
		if f.Division, err = countyDivision("division", q.Division); err != nil {
			return nil, err
		}
	}
	if !scopeEmployers(c, &f) {
		return []Employer{}, nil
	}
	var out []Employer
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.ListEmployers(ctx, f)
		return err
	})
	return out, err
}

// scopeEmployers narrows f to c's reach; false means nothing is in reach.
func scopeEmployers(c access.Caller, f *EmployerFilter) bool {
	switch {
	case c.IsSystem():
	case c.DivisionScoped():
		var ok bool
		f.Divisions, ok = divisionScope(c)
		return ok
	case c.Role == access.EmployerAgent:
		f.ID = c.EmployerID
		return c.EmployerID != 0
	case c.Role == access.Citizen:
		f.PersonID = c.PersonID
		return c.PersonID != 0
	default:
		return false
	}
	return true
}
