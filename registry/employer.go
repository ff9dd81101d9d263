package registry

import (
	"context"
	"strings"

	"hrss/registry/ident"
	"hrss/rules/fault"
)

// CreateEmployer validates in and registers a new employer. It fails with
// Invalid for a bad field and Conflict if the credit code is registered.
func (s *Service) CreateEmployer(ctx context.Context, in EmployerInput) (Employer, error) {
	e, err := in.parse()
	if err != nil {
		return Employer{}, err
	}
	e.CreatedAt, e.UpdatedAt = s.now(), s.now()
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := uniqueCode(ctx, tx, e.CreditCode, 0); err != nil {
			return err
		}
		return tx.InsertEmployer(ctx, &e)
	})
	return e, err
}

// UpdateEmployer replaces the employer's fields with in.
func (s *Service) UpdateEmployer(ctx context.Context, id int64, in EmployerInput) (Employer, error) {
	e, err := in.parse()
	if err != nil {
		return Employer{}, err
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		old, err := tx.Employer(ctx, id)
		if err != nil {
			return err
		}
		e.ID, e.CreatedAt, e.UpdatedAt = id, old.CreatedAt, s.now()
		if err := uniqueCode(ctx, tx, e.CreditCode, id); err != nil {
			return err
		}
		return tx.UpdateEmployer(ctx, &e)
	})
	return e, err
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

// Employer returns the employer with the given ID, or NotFound.
func (s *Service) Employer(ctx context.Context, id int64) (Employer, error) {
	var e Employer
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		e, err = tx.Employer(ctx, id)
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

// FindEmployers lists the employers matching q in ID order.
func (s *Service) FindEmployers(ctx context.Context, q EmployerQuery) ([]Employer, error) {
	f := EmployerFilter{NamePrefix: strings.TrimSpace(q.NamePrefix)}
	var err error
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
	var out []Employer
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.ListEmployers(ctx, f)
		return err
	})
	return out, err
}
