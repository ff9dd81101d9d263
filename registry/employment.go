package registry

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"

	"hrss/access"
	"hrss/registry/ident"
	"hrss/rules/fault"
)

// CreateEmployment records a new employment relation. It fails with
// Invalid for a bad field or an unknown person or employer (an employer
// agent names their own employer; a caseworker's person or employer must
// be of their divisions), and Conflict when it overlaps another relation
// with the same employer.
func (s *Service) CreateEmployment(ctx context.Context, in EmploymentInput) (Employment, error) {
	c, err := access.Require(ctx, access.WriteEmployments)
	if err != nil {
		return Employment{}, err
	}
	e, err := in.parse()
	if err != nil {
		return Employment{}, err
	}
	err = s.Store.Update(ctx, func(tx Tx) error { return s.create(ctx, tx, c, &e, in.ResidentID) })
	return e, err
}

// create records the parsed relation e in tx: reach, parties, overlap,
// insert, the hire hook and the audit entry.
func (s *Service) create(ctx context.Context, tx Tx, c access.Caller, e *Employment, residentID string) error {
	e.CreatedAt, e.UpdatedAt = s.now(), s.now()
	if err := s.relationInReach(ctx, tx, c, e.PersonID, e.EmployerID, residentID); err != nil {
		return err
	}
	if err := checkParties(ctx, tx, e.PersonID, e.EmployerID); err != nil {
		return err
	}
	if err := noOverlap(ctx, tx, *e); err != nil {
		return err
	}
	if err := tx.InsertEmployment(ctx, e); err != nil {
		return err
	}
	if s.Hired != nil {
		if err := s.Hired(ctx, tx, *e); err != nil {
			return err
		}
	}
	return s.record(ctx, tx, c, "employment.create", object("employment", e.ID), e.PersonID)
}

// relationInReach refuses a new relation c may not record, with the same
// answer whether the parties exist or not: an employer agent records
// relations of their employer only, of a person whose whole resident ID
// they give; a caseworker those whose person or employer is of their
// divisions.
func (s *Service) relationInReach(ctx context.Context, tx Tx, c access.Caller, personID, employerID int64, residentID string) error {
	switch {
	case c.IsSystem():
		return nil
	case c.Role == access.EmployerAgent && employerID == c.EmployerID && employerID != 0:
		return s.holdsResidentID(ctx, tx, personID, residentID)
	case c.DivisionScoped():
		if ok, err := partyInDivision(ctx, tx, c, personID, employerID); ok || err != nil {
			return err
		}
		return fault.Invalidf("employer_id", "scope.relation", "neither person %d nor employer %d is a record of your divisions", personID, employerID)
	}
	return fault.Invalidf("employer_id", "reference.exists", "there is no record with id %d", employerID)
}

// holdsResidentID refuses unless residentID is the whole, valid resident
// ID number of person personID; the answer is the same whether the person
// exists or not.
func (s *Service) holdsResidentID(ctx context.Context, tx Tx, personID int64, residentID string) error {
	if residentID == "" {
		return fault.Invalidf("resident_id", "employment.resident_id_required", "an employer records a hire with the person's whole resident ID number")
	}
	id, err := ident.ParseResidentID(residentID)
	if err != nil {
		return err
	}
	p, err := tx.Person(ctx, personID)
	if err != nil && fault.KindOf(err) != fault.NotFound {
		return err
	}
	if err != nil || !hmac.Equal(p.IDHash, s.Vault.Hash(id)) {
		return fault.Invalidf("resident_id", "employment.resident_id_matches", "the resident ID number is not that of person %d", personID)
	}
	return nil
}

// UpdateEmployment replaces the relation's fields with in (to declare a
// new wage, record a separation or correct dates). The person and the
// employer of a relation cannot change.
func (s *Service) UpdateEmployment(ctx context.Context, id int64, in EmploymentInput) (Employment, error) {
	c, err := access.Require(ctx, access.WriteEmployments)
	if err != nil {
		return Employment{}, err
	}
	e, err := in.parse()
	if err != nil {
		return Employment{}, err
	}
	err = s.Store.Update(ctx, func(tx Tx) error { return s.update(ctx, tx, c, id, &e, in.UpdatedAt) })
	return e, err
}

// update replaces relation id with the parsed e in tx (the parties stay),
// unless it changed since the caller saw it at seen (access.UnchangedSince).
func (s *Service) update(ctx context.Context, tx Tx, c access.Caller, id int64, e *Employment, seen string) error {
	old, err := visibleEmployment(ctx, tx, c, id)
	if err != nil {
		return err
	}
	if err := access.UnchangedSince(seen, old.UpdatedAt, "employment", fmt.Sprintf("#%d", id)); err != nil {
		return err
	}
	if (e.PersonID != 0 && e.PersonID != old.PersonID) || (e.EmployerID != 0 && e.EmployerID != old.EmployerID) {
		return fault.Invalidf("person_id", "employment.parties_fixed", "the person and employer of a relation cannot change; end it and record a new one")
	}
	e.ID, e.PersonID, e.EmployerID, e.CreatedAt, e.UpdatedAt = id, old.PersonID, old.EmployerID, old.CreatedAt, access.Touched(old.UpdatedAt, s.now())
	if err := noOverlap(ctx, tx, *e); err != nil {
		return err
	}
	if err := tx.UpdateEmployment(ctx, e); err != nil {
		return err
	}
	return s.record(ctx, tx, c, "employment.update", object("employment", id), e.PersonID)
}

// EmploymentChange is one row of a batch: a new relation (ID 0) or the
// new fields of relation ID; Row locates it in the caller's file.
type EmploymentChange struct {
	Row   int
	ID    int64
	Input EmploymentInput
}

// ApplyEmployments records every change in one transaction, all or
// nothing, as an employer's file of hires and wages is applied: the first
// refused change (Invalid, Conflict, NotFound, as CreateEmployment and
// UpdateEmployment refuse it) fails the whole batch, located at its row,
// and nothing is written.
func (s *Service) ApplyEmployments(ctx context.Context, changes []EmploymentChange) error {
	c, err := access.Require(ctx, access.WriteEmployments)
	if err != nil {
		return err
	}
	parsed := make([]Employment, len(changes))
	for i, ch := range changes {
		if parsed[i], err = ch.Input.parse(); err != nil {
			return atRow(err, ch.Row)
		}
	}
	return s.Store.Update(ctx, func(tx Tx) error {
		for i, ch := range changes {
			if ch.ID == 0 {
				err = s.create(ctx, tx, c, &parsed[i], ch.Input.ResidentID)
			} else {
				err = s.update(ctx, tx, c, ch.ID, &parsed[i], ch.Input.UpdatedAt)
			}
			if err != nil {
				return atRow(err, ch.Row)
			}
		}
		return nil
	})
}

// atRow locates a refusal at row of the caller's file.
func atRow(err error, row int) error {
	var fe *fault.Error
	if row > 0 && errors.As(err, &fe) && fe.Kind != fault.Internal {
		return fe.At(row, "")
	}
	return err
}

// visibleEmployment reads a relation c may see, or answers NotFound.
func visibleEmployment(ctx context.Context, tx Tx, c access.Caller, id int64) (Employment, error) {
	e, err := tx.Employment(ctx, id)
	if err != nil {
		return e, err
	}
	if ok, err := canSeeEmployment(ctx, tx, c, e); err != nil || !ok {
		return Employment{}, orOutOfScope(err, "employment relation", id)
	}
	return e, nil
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

// Employment returns the relation with the given ID, or NotFound (also
// when it is out of the caller's reach). The view is audited.
func (s *Service) Employment(ctx context.Context, id int64) (Employment, error) {
	c, err := access.Require(ctx, access.ReadEmployments)
	if err != nil {
		return Employment{}, err
	}
	return viewAudited(ctx, s, c, "employment.view", object("employment", id),
		func(tx Tx) (Employment, error) { return visibleEmployment(ctx, tx, c, id) },
		func(e Employment) int64 { return e.PersonID })
}

// viewAudited reads one record with load in a snapshot and records the
// view of its person in the audit trail, as action on object.
func viewAudited[T any](ctx context.Context, s *Service, c access.Caller, action, object string, load func(Tx) (T, error), person func(T) int64) (T, error) {
	var out T
	err := access.ViewAudited(ctx, s.Store, c, s.now(), func(tx Tx) (access.Event, error) {
		var err error
		if out, err = load(tx); err != nil {
			return access.Event{}, err
		}
		return access.Event{Action: action, Object: object, Subjects: []int64{person(out)}}, nil
	})
	return out, err
}

// ListEmployments lists relations of a person and/or an employer in ID
// order, leaving out those out of the caller's reach. The persons whose
// relations are listed are audited.
func (s *Service) ListEmployments(ctx context.Context, f EmploymentFilter) ([]Employment, error) {
	c, err := access.Require(ctx, access.ReadEmployments)
	if err != nil {
		return nil, err
	}
	if f.Page, err = clampPage(f.Page); err != nil {
		return nil, err
	}
	if !scopeEmployments(c, &f) {
		return []Employment{}, nil
	}
	return listAudited(ctx, s, c, "employment.list", "employments",
		func(tx Tx) ([]Employment, error) { return tx.ListEmployments(ctx, f) },
		func(e Employment) int64 { return e.PersonID })
}

// listAudited runs list in a snapshot and records the persons of the
// rows it returns in the audit trail, as action on object.
func listAudited[T any](ctx context.Context, s *Service, c access.Caller, action, object string, list func(Tx) ([]T, error), person func(T) int64) ([]T, error) {
	var out []T
	err := access.ViewAudited(ctx, s.Store, c, s.now(), func(tx Tx) (access.Event, error) {
		var err error
		if out, err = list(tx); err != nil {
			return access.Event{}, err
		}
		ids := make([]int64, len(out))
		for i, x := range out {
			ids[i] = person(x)
		}
		return access.Event{Action: action, Object: object, Subjects: ids}, nil
	})
	return out, err
}

// scopeEmployments narrows f to c's reach; false means nothing is in reach.
func scopeEmployments(c access.Caller, f *EmploymentFilter) bool {
	switch {
	case c.IsSystem():
		return true
	case c.DivisionScoped():
		var ok bool
		f.Divisions, ok = divisionScope(c)
		return ok
	case c.Role == access.EmployerAgent:
		ok := c.EmployerID != 0 && (f.EmployerID == 0 || f.EmployerID == c.EmployerID)
		f.EmployerID = c.EmployerID
		return ok
	case c.Role == access.Citizen:
		ok := c.PersonID != 0 && (f.PersonID == 0 || f.PersonID == c.PersonID)
		f.PersonID = c.PersonID
		return ok
	}
	return false
}

// EnrolFlexible enrols a person as a flexible worker. A person has at most
// one enrolment covering any day. It fails with Invalid, Forbidden for a
// division not the caller's, or Conflict for an overlap.
func (s *Service) EnrolFlexible(ctx context.Context, in FlexibleInput) (FlexibleWorker, error) {
	c, err := access.Require(ctx, access.WriteFlexible)
	if err != nil {
		return FlexibleWorker{}, err
	}
	f, err := in.parse()
	if err != nil {
		return FlexibleWorker{}, err
	}
	if err := checkDivision(c, "division", f.Division); err != nil {
		return FlexibleWorker{}, err
	}
	f.CreatedAt, f.UpdatedAt = s.now(), s.now()
	err = s.Store.Update(ctx, func(tx Tx) error {
		p, err := tx.Person(ctx, f.PersonID)
		if err != nil {
			return fieldNotFound(err, "person_id", f.PersonID)
		}
		if ok, err := canSeePerson(ctx, tx, c, p.Person); err != nil || !ok {
			// a person out of reach answers as one that does not exist
			return fieldNotFound(fault.NotFoundf("person %d", f.PersonID), "person_id", f.PersonID)
		}
		if err := noFlexibleOverlap(ctx, tx, f); err != nil {
			return err
		}
		if err := tx.InsertFlexible(ctx, &f); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "flexible.create", object("flexible", f.ID), f.PersonID)
	})
	return f, err
}

// UpdateFlexible replaces an enrolment's fields (to end it or change the
// base level). It fails with NotFound (also out of the caller's reach),
// Invalid, Forbidden for a division not the caller's, or Conflict.
func (s *Service) UpdateFlexible(ctx context.Context, id int64, in FlexibleInput) (FlexibleWorker, error) {
	c, err := access.Require(ctx, access.WriteFlexible)
	if err != nil {
		return FlexibleWorker{}, err
	}
	f, err := in.parse()
	if err != nil {
		return FlexibleWorker{}, err
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		old, err := visibleFlexible(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if err := access.UnchangedSince(in.UpdatedAt, old.UpdatedAt, "flexible_worker", fmt.Sprintf("#%d", id)); err != nil {
			return err
		}
		if err := checkDivision(c, "division", f.Division); err != nil {
			return err
		}
		f.ID, f.PersonID, f.CreatedAt, f.UpdatedAt = id, old.PersonID, old.CreatedAt, access.Touched(old.UpdatedAt, s.now())
		if err := noFlexibleOverlap(ctx, tx, f); err != nil {
			return err
		}
		if err := tx.UpdateFlexible(ctx, &f); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "flexible.update", object("flexible", id), f.PersonID)
	})
	return f, err
}

// visibleFlexible reads an enrolment c may see, or answers NotFound.
func visibleFlexible(ctx context.Context, tx Tx, c access.Caller, id int64) (FlexibleWorker, error) {
	f, err := tx.Flexible(ctx, id)
	if err != nil {
		return f, err
	}
	if ok, err := canSeeFlexible(ctx, tx, c, f); err != nil || !ok {
		return FlexibleWorker{}, orOutOfScope(err, "flexible-worker enrolment", id)
	}
	return f, nil
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

// Flexible returns the flexible-worker enrolment with the given ID, or
// NotFound (also when it is out of the caller's reach). The view is audited.
func (s *Service) Flexible(ctx context.Context, id int64) (FlexibleWorker, error) {
	c, err := access.Require(ctx, access.ReadFlexible)
	if err != nil {
		return FlexibleWorker{}, err
	}
	return viewAudited(ctx, s, c, "flexible.view", object("flexible", id),
		func(tx Tx) (FlexibleWorker, error) { return visibleFlexible(ctx, tx, c, id) },
		func(f FlexibleWorker) int64 { return f.PersonID })
}

// ListFlexible lists flexible-worker enrolments in ID order, leaving out
// those out of the caller's reach. The persons listed are audited.
func (s *Service) ListFlexible(ctx context.Context, f FlexibleFilter) ([]FlexibleWorker, error) {
	c, err := access.Require(ctx, access.ReadFlexible)
	if err != nil {
		return nil, err
	}
	if f.Page, err = clampPage(f.Page); err != nil {
		return nil, err
	}
	if f.Division != "" {
		if f.Division, err = countyDivision("division", f.Division); err != nil {
			return nil, err
		}
	}
	if !scopeFlexible(c, &f) {
		return []FlexibleWorker{}, nil
	}
	return listAudited(ctx, s, c, "flexible.list", "flexible-workers",
		func(tx Tx) ([]FlexibleWorker, error) { return tx.ListFlexible(ctx, f) },
		func(x FlexibleWorker) int64 { return x.PersonID })
}

// scopeFlexible narrows f to c's reach; false means nothing is in reach.
func scopeFlexible(c access.Caller, f *FlexibleFilter) bool {
	switch {
	case c.IsSystem():
		return true
	case c.DivisionScoped():
		var ok bool
		f.Divisions, ok = divisionScope(c)
		return ok
	case c.Role == access.Citizen:
		ok := c.PersonID != 0 && (f.PersonID == 0 || f.PersonID == c.PersonID)
		f.PersonID = c.PersonID
		return ok
	}
	return false
}
