package registry

import (
	"context"

	"hrss/rules/fault"
)

// CreateEmployment records a new employment relation. It fails with
// Invalid for a bad field, NotFound for an unknown person or employer,
// and Conflict when it overlaps another relation with the same employer.
func (s *Service) CreateEmployment(ctx context.Context, in EmploymentInput) (Employment, error) {
	e, err := in.parse()
	if err != nil {
		return Employment{}, err
	}
	e.CreatedAt, e.UpdatedAt = s.now(), s.now()
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := checkParties(ctx, tx, e.PersonID, e.EmployerID); err != nil {
			return err
		}
		if err := noOverlap(ctx, tx, e); err != nil {
			return err
		}
		return tx.InsertEmployment(ctx, &e)
	})
	return e, err
}

// UpdateEmployment replaces the relation's fields with in (to declare a
// new wage, record a separation or correct dates). The person and the
// employer of a relation cannot change.
func (s *Service) UpdateEmployment(ctx context.Context, id int64, in EmploymentInput) (Employment, error) {
	e, err := in.parse()
	if err != nil {
		return Employment{}, err
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		old, err := tx.Employment(ctx, id)
		if err != nil {
			return err
		}
		if (e.PersonID != 0 && e.PersonID != old.PersonID) || (e.EmployerID != 0 && e.EmployerID != old.EmployerID) {
			return fault.Invalidf("person_id", "employment.parties_fixed", "the person and employer of a relation cannot change; end it and record a new one")
		}
		e.ID, e.PersonID, e.EmployerID, e.CreatedAt, e.UpdatedAt = id, old.PersonID, old.EmployerID, old.CreatedAt, s.now()
		if err := noOverlap(ctx, tx, e); err != nil {
			return err
		}
		return tx.UpdateEmployment(ctx, &e)
	})
	return e, err
}

func checkParties(ctx context.Context, tx Tx, personID, employerID int64) error {
	if _, err := tx.Person(ctx, personID); err != nil {
		return fieldNotFound(err, "person_id", personID)
	}
	if _, err := tx.Employer(ctx, employerID); err != nil {
		return fieldNotFound(err, "employer_id", employerID)
	}
	return nil
}

// fieldNotFound turns a NotFound on a referenced row into an Invalid error
// naming the field that referenced it.
func fieldNotFound(err error, field string, id int64) error {
	if fault.KindOf(err) == fault.NotFound {
		return fault.Invalidf(field, "reference.exists", "there is no record with id %d", id)
	}
	return err
}

// noOverlap refuses e if another relation between the same person and
// employer shares a day with it.
func noOverlap(ctx context.Context, tx Tx, e Employment) error {
	f := EmploymentFilter{PersonID: e.PersonID, EmployerID: e.EmployerID, Page: Page{Limit: MaxPage}}
	for {
		rows, err := tx.ListEmployments(ctx, f)
		if err != nil {
			return err
		}
		for _, o := range rows {
			if o.ID != e.ID && overlaps(e, o) {
				return fault.Conflictf("start", "employment.no_overlap", "overlaps relation %d with the same employer (%s to %s)", o.ID, o.Start, endText(o))
			}
		}
		if len(rows) < f.Limit {
			return nil
		}
		f.After = rows[len(rows)-1].ID
	}
}

func overlaps(a, b Employment) bool {
	aEndsBeforeB := !a.End.IsZero() && a.End.Before(b.Start)
	bEndsBeforeA := !b.End.IsZero() && b.End.Before(a.Start)
	return !aEndsBeforeB && !bEndsBeforeA
}

func endText(e Employment) string {
	if e.End.IsZero() {
		return "open"
	}
	return e.End.String()
}

// Employment returns the relation with the given ID, or NotFound.
func (s *Service) Employment(ctx context.Context, id int64) (Employment, error) {
	var e Employment
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		e, err = tx.Employment(ctx, id)
		return err
	})
	return e, err
}

// ListEmployments lists relations of a person and/or an employer in ID order.
func (s *Service) ListEmployments(ctx context.Context, f EmploymentFilter) ([]Employment, error) {
	var err error
	if f.Page, err = clampPage(f.Page); err != nil {
		return nil, err
	}
	var out []Employment
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.ListEmployments(ctx, f)
		return err
	})
	return out, err
}

// EnrolFlexible enrols a person as a flexible worker. A person has at most
// one enrolment covering any day.
func (s *Service) EnrolFlexible(ctx context.Context, in FlexibleInput) (FlexibleWorker, error) {
	f, err := in.parse()
	if err != nil {
		return FlexibleWorker{}, err
	}
	f.CreatedAt, f.UpdatedAt = s.now(), s.now()
	err = s.Store.Update(ctx, func(tx Tx) error {
		if _, err := tx.Person(ctx, f.PersonID); err != nil {
			return fieldNotFound(err, "person_id", f.PersonID)
		}
		if err := noFlexibleOverlap(ctx, tx, f); err != nil {
			return err
		}
		return tx.InsertFlexible(ctx, &f)
	})
	return f, err
}

// UpdateFlexible replaces an enrolment's fields (to end it or change the base level).
func (s *Service) UpdateFlexible(ctx context.Context, id int64, in FlexibleInput) (FlexibleWorker, error) {
	f, err := in.parse()
	if err != nil {
		return FlexibleWorker{}, err
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		old, err := tx.Flexible(ctx, id)
		if err != nil {
			return err
		}
		f.ID, f.PersonID, f.CreatedAt, f.UpdatedAt = id, old.PersonID, old.CreatedAt, s.now()
		if err := noFlexibleOverlap(ctx, tx, f); err != nil {
			return err
		}
		return tx.UpdateFlexible(ctx, &f)
	})
	return f, err
}

func noFlexibleOverlap(ctx context.Context, tx Tx, f FlexibleWorker) error {
	rows, err := tx.ListFlexible(ctx, FlexibleFilter{PersonID: f.PersonID, Page: Page{Limit: MaxPage}})
	if err != nil {
		return err
	}
	a := Employment{Start: f.Start, End: f.End}
	for _, o := range rows {
		if o.ID != f.ID && overlaps(a, Employment{Start: o.Start, End: o.End}) {
			return fault.Conflictf("start", "flexible.no_overlap", "overlaps flexible enrolment %d (%s to %s)", o.ID, o.Start, endText(Employment{End: o.End}))
		}
	}
	return nil
}

// Flexible returns the flexible-worker enrolment with the given ID.
func (s *Service) Flexible(ctx context.Context, id int64) (FlexibleWorker, error) {
	var f FlexibleWorker
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		f, err = tx.Flexible(ctx, id)
		return err
	})
	return f, err
}

// ListFlexible lists flexible-worker enrolments in ID order.
func (s *Service) ListFlexible(ctx context.Context, f FlexibleFilter) ([]FlexibleWorker, error) {
	var err error
	if f.Page, err = clampPage(f.Page); err != nil {
		return nil, err
	}
	if f.Division != "" {
		if f.Division, err = countyDivision("division", f.Division); err != nil {
			return nil, err
		}
	}
	var out []FlexibleWorker
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.ListFlexible(ctx, f)
		return err
	})
	return out, err
}
