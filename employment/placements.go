package employment

import (
	"context"
	"fmt"

	"hrss/access"

	"hrss/registry"
	"hrss/rules/period"
)

// RecordHire is what the registry's hire path calls when an employment
// relation starts (or what Sync calls when it finds one): if the person
// had an active job-seeker or unemployment registration on or before the
// start, the registrations end on ground hired, a vacancy of the employer
// the hire is attributed to gets one opening filled, and the placement is
// recorded, attributed to the fair interview, job lead or recommendation
// with the employer that preceded the start by at most the attribution
// window (employment.placement_attribution_days; the latest one; on the same day fair before job lead before
// recommendation). It returns ok=false when the person was not
// registered, and is idempotent: a relation is placed at most once.
func (s *Service) RecordHire(ctx context.Context, employmentID int64) (p Placement, ok bool, err error) {
	if err := s.authorize(ctx, Access{Action: RunBatch}); err != nil {
		return Placement{}, false, err
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		e, err := tx.Employment(ctx, employmentID)
		if err != nil {
			return err
		}
		person, err := tx.Person(ctx, e.PersonID)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, Access{Action: RunBatch, Division: person.ResidenceDivision, PersonID: e.PersonID}); err != nil {
			return err
		}
		p, ok, _, err = s.hire(ctx, tx, e)
		return err
	})
	s.invalidate()
	return p, ok, err
}

// hire does the work of RecordHire inside a transaction; isNew tells a
// placement recorded now from one recorded before.
func (s *Service) hire(ctx context.Context, tx Tx, e registry.Employment) (p Placement, ok, isNew bool, err error) {
	done, err := tx.ListPlacements(ctx, PlacementFilter{PersonID: e.PersonID, Page: Page{Limit: MaxPage}})
	if err != nil {
		return p, false, false, err
	}
	for _, p := range done {
		if p.EmploymentID == e.ID {
			return p, true, false, nil
		}
	}
	ok, err = s.endRegistrations(ctx, tx, e)
	if err != nil || !ok {
		return p, false, false, err
	}
	p = Placement{PersonID: e.PersonID, EmploymentID: e.ID, EmployerID: e.EmployerID, Start: e.Start, Source: SourceNone, CreatedAt: s.now()}
	r, err := s.Rules(p.Start)
	if err != nil {
		return p, false, false, err
	}
	if err := attribute(ctx, tx, &p, r.AttributionDays); err != nil {
		return p, false, false, err
	}
	if err := fillOpening(ctx, tx, p.VacancyID, s); err != nil {
		return p, false, false, err
	}
	if err := tx.InsertPlacement(ctx, &p); err != nil {
		return p, false, false, err
	}
	return p, true, true, s.audit(ctx, tx, "placement.record."+string(p.Source), object("placement", p.ID), p.PersonID)
}

// endRegistrations ends, on ground hired, the person's active
// registrations made on or before the start of e, and reports whether
// there was any.
func (s *Service) endRegistrations(ctx context.Context, tx Tx, e registry.Employment) (bool, error) {
	seekers, err := tx.ListSeekers(ctx, SeekerFilter{PersonID: e.PersonID, Status: Active, Page: Page{Limit: 10}})
	if err != nil {
		return false, err
	}
	unemp, err := tx.ListUnemployment(ctx, SeekerFilter{PersonID: e.PersonID, Status: Active, Page: Page{Limit: 10}})
	if err != nil {
		return false, err
	}
	registered := false
	for _, r := range seekers {
		if !e.Start.Before(r.Registered) {
			registered = true
			r.Status, r.Ground, r.ClosedOn, r.UpdatedAt = Closed, GroundHired, e.Start, access.Touched(r.UpdatedAt, s.now())
			if err := tx.UpdateSeeker(ctx, &r); err != nil {
				return false, err
			}
		}
	}
	for _, u := range unemp {
		if !e.Start.Before(u.Registered) {
			registered = true
			u.Status, u.Ground, u.EndedOn, u.EmploymentID, u.UpdatedAt = Closed, GroundHired, e.Start, e.ID, access.Touched(u.UpdatedAt, s.now())
			if err := tx.UpdateUnemployment(ctx, &u); err != nil {
				return false, err
			}
		}
	}
	return registered, nil
}

// candidate is a service that may have led to a hire.
type candidate struct {
	date      period.Date
	source    PlacementSource
	id        int64
	vacancyID int64
}

var sourceOrder = map[PlacementSource]int{SourceFair: 0, SourceJobLead: 1, SourceRecommendation: 2}

// attribute sets p's source to the latest service with p's employer in
// the window days before the start (employment.placement_attribution_days).
func attribute(ctx context.Context, tx Tx, p *Placement, window int) error {
	from := p.Start.AddDays(-window)
	within := func(d period.Date) bool { return !d.Before(from) && !p.Start.Before(d) }
	var best *candidate
	consider := func(c candidate) {
		if within(c.date) && (best == nil || best.date.Before(c.date) || best.date == c.date && sourceOrder[c.source] < sourceOrder[best.source]) {
			best = &c
		}
	}
	employerOf := func(vacancyID int64) int64 {
		v, err := tx.Vacancy(ctx, vacancyID)
		if err != nil {
			return 0
		}
		return v.EmployerID
	}
	all, err := tx.ListSeekers(ctx, SeekerFilter{PersonID: p.PersonID, Page: Page{Limit: 100}})
	if err != nil {
		return err
	}
	for _, r := range all {
		recs, err := tx.ListRecommendations(ctx, r.ID, from)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			if employerOf(rec.VacancyID) == p.EmployerID {
				consider(candidate{rec.Date, SourceRecommendation, rec.ID, rec.VacancyID})
			}
		}
		ivs, err := tx.InterviewsOf(ctx, r.ID)
		if err != nil {
			return err
		}
		for _, iv := range ivs {
			if iv.EmployerID == p.EmployerID {
				consider(candidate{iv.Date, SourceFair, iv.FairID, 0})
			}
		}
	}
	svcs, err := tx.ListServices(ctx, []int64{p.PersonID})
	if err != nil {
		return err
	}
	for _, sv := range svcs {
		if sv.Kind == JobLead && employerOf(sv.VacancyID) == p.EmployerID {
			consider(candidate{sv.Date, SourceJobLead, sv.ID, sv.VacancyID})
		}
	}
	if best != nil {
		p.Source, p.SourceID, p.VacancyID = best.source, best.id, best.vacancyID
	}
	return nil
}

// fillOpening counts one opening of the vacancy as filled.
func fillOpening(ctx context.Context, tx Tx, vacancyID int64, s *Service) error {
	if vacancyID == 0 {
		return nil
	}
	v, err := tx.Vacancy(ctx, vacancyID)
	if err != nil || v.Filled >= v.Openings {
		return err
	}
	v.Filled++
	v.UpdatedAt = access.Touched(v.UpdatedAt, s.now())
	return tx.UpdateVacancy(ctx, &v)
}

// ListPlacements lists placements in ID order.
func (s *Service) ListPlacements(ctx context.Context, f PlacementFilter) ([]Placement, error) {
	if err := s.authorize(ctx, Access{Action: ReadPlacements, PersonID: f.PersonID, EmployerID: f.EmployerID}); err != nil {
		return nil, err
	}
	if c, ok := access.CallerFrom(ctx); ok {
		switch c.Role {
		case access.Citizen:
			f.PersonID = c.PersonID
		case access.EmployerAgent:
			f.EmployerID = c.EmployerID
		default:
			f.Divisions = scopeDivisions(ctx)
		}
	}
	var err error
	if f.Page, err = clampPage(f.Page); err != nil {
		return nil, err
	}
	var out []Placement
	err = s.Store.Update(ctx, func(tx Tx) (err error) {
		if out, err = tx.ListPlacements(ctx, f); err != nil || len(out) == 0 {
			return err
		}
		subjects := make([]int64, len(out))
		for i, p := range out {
			subjects[i] = p.PersonID
		}
		return s.audit(ctx, tx, "placement.list", "placements", subjects...)
	})
	return out, err
}

// SyncReport is what a synchronisation run did.
type SyncReport struct {
	Today             period.Date `json:"today"`
	SeekersChecked    int         `json:"seekers_checked"`
	UnemployedChecked int         `json:"unemployed_checked"`
	Placements        int         `json:"placements"` // registrations ended by a hire
	Attributed        int         `json:"attributed"` // of which attributed to a service
	NoContact         int         `json:"no_contact"` // registrations ended after 6 months without contact
}

// syncChunk is the number of registrations one transaction of Sync handles.
const syncChunk = 500

// Sync is the scheduled reconciliation job (hrss employment sync): it
// walks the active registrations in chunks, one transaction each, ends
// those whose person started an employment relation since registering
// (RecordHire) and those without contact for NoContactMonths (ground
// no_contact, on the day the six months ran out). It is resumable: a
// rerun continues where an interrupted one stopped, since ended
// registrations are no longer active.
func (s *Service) Sync(ctx context.Context) (SyncReport, error) {
	if err := s.authorize(ctx, Access{Action: RunSync}); err != nil {
		return SyncReport{}, err
	}
	rep := SyncReport{Today: s.today()}
	for _, kind := range []string{"seekers", "unemployment"} {
		after := int64(0)
		for {
			n, last, err := s.syncChunk(ctx, kind, after, &rep)
			if err != nil {
				return rep, err
			}
			if n < syncChunk {
				break
			}
			after = last
		}
	}
	s.invalidate()
	return rep, nil
}

// regRef is what Sync needs of either kind of registration.
type regRef struct {
	id, personID int64
	registered   period.Date
	lastContact  period.Date
}

func (s *Service) syncChunk(ctx context.Context, kind string, after int64, rep *SyncReport) (int, int64, error) {
	var n int
	var last int64
	err := s.Store.Update(ctx, func(tx Tx) error {
		refs, err := activeRefs(ctx, tx, kind, after)
		if err != nil {
			return err
		}
		n = len(refs)
		for _, r := range refs {
			last = r.id
			if kind == "seekers" {
				rep.SeekersChecked++
			} else {
				rep.UnemployedChecked++
			}
			if err := s.syncOne(ctx, tx, kind, r, rep); err != nil {
				return err
			}
		}
		return nil
	})
	return n, last, err
}

func activeRefs(ctx context.Context, tx Tx, kind string, after int64) ([]regRef, error) {
	f := SeekerFilter{Status: Active, Page: Page{After: after, Limit: syncChunk}}
	var out []regRef
	if kind == "seekers" {
		rows, err := tx.ListSeekers(ctx, f)
		for _, r := range rows {
			out = append(out, regRef{r.ID, r.PersonID, r.Registered, r.LastContact})
		}
		return out, err
	}
	rows, err := tx.ListUnemployment(ctx, f)
	for _, r := range rows {
		out = append(out, regRef{r.ID, r.PersonID, r.Registered, r.LastContact})
	}
	return out, err
}

func (s *Service) syncOne(ctx context.Context, tx Tx, kind string, r regRef, rep *SyncReport) error {
	today := s.today()
	hired, err := startedSince(ctx, tx, r.personID, r.registered, today)
	if err != nil {
		return err
	}
	if hired != nil {
		p, _, isNew, err := s.hire(ctx, tx, *hired)
		if err == nil && isNew {
			rep.Placements++
			if p.Source != SourceNone {
				rep.Attributed++
			}
		}
		return err
	}
	due := r.lastContact.Month().Add(NoContactMonths)
	end := period.Date{Y: due.Year(), M: due.Month(), D: min(r.lastContact.D, period.DaysIn(due.Year(), due.Month()))}
	if end.Before(today) {
		rep.NoContact++
		return endNoContact(ctx, tx, kind, r.id, end, s)
	}
	return nil
}

// startedSince returns the earliest relation of the person that started
// on or after from and by today.
func startedSince(ctx context.Context, tx Tx, personID int64, from, today period.Date) (*registry.Employment, error) {
	rows, err := tx.ListEmployments(ctx, registry.EmploymentFilter{PersonID: personID, Page: Page{Limit: MaxPage}})
	if err != nil {
		return nil, err
	}
	var best *registry.Employment
	for i := range rows {
		e := &rows[i]
		if !e.Start.Before(from) && !today.Before(e.Start) && (best == nil || e.Start.Before(best.Start)) {
			best = e
		}
	}
	return best, nil
}

func endNoContact(ctx context.Context, tx Tx, kind string, id int64, day period.Date, s *Service) error {
	if kind == "seekers" {
		r, err := tx.Seeker(ctx, id)
		if err != nil {
			return err
		}
		r.Status, r.Ground, r.ClosedOn, r.UpdatedAt = Closed, GroundNoContact, day, access.Touched(r.UpdatedAt, s.now())
		if err := tx.UpdateSeeker(ctx, &r); err != nil {
			return err
		}
		return s.audit(ctx, tx, "seeker.close.no_contact", object("seeker", id), r.PersonID)
	}
	u, err := tx.Unemployment(ctx, id)
	if err != nil {
		return err
	}
	u.Status, u.Ground, u.EndedOn, u.UpdatedAt = Closed, GroundNoContact, day, access.Touched(u.UpdatedAt, s.now())
	if err := tx.UpdateUnemployment(ctx, &u); err != nil {
		return err
	}
	return s.audit(ctx, tx, "unemployment.deregister.no_contact", object("unemployment", id), u.PersonID)
}

// Hired is the registry's hook (registry.Service.Hired): inside the
// transaction that records a new employment relation it does what
// RecordHire does, so that the hire, the end of the person's
// registrations and the placement commit together. A relation starting
// after today is left to Sync, which ends the registrations on the day.
// rtx must be the store's transaction, which implements Tx as well.
func (s *Service) Hired(ctx context.Context, rtx registry.Tx, e registry.Employment) error {
	tx, ok := rtx.(Tx)
	if !ok {
		return fmt.Errorf("employment: the registry's transaction %T does not implement employment.Tx", rtx)
	}
	if s.today().Before(e.Start) {
		return nil
	}
	_, _, _, err := s.hire(ctx, tx, e)
	s.invalidate()
	return err
}
