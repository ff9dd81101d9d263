package employment

import (
	"context"
	"strings"
	"time"

	"hrss/access"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// Offer is what a registered unemployed person was offered and refused.
type Offer string

// The offers whose refusal without good reason stops an unemployment
// benefit (社会保险法 第五十一条第五项: 适当工作或者提供的培训).
const (
	OfferWork     Offer = "work"     // suitable work introduced by the public employment service
	OfferTraining Offer = "training" // training it provided
)

// OfferRefusal is one refusal without good reason of suitable work or
// training offered to a registered unemployed person, recorded on the
// unemployment registration by a caseworker.
type OfferRefusal struct {
	ID             int64       `json:"id"`
	RegistrationID int64       `json:"registration_id"`
	PersonID       int64       `json:"person_id"`
	RefusedOn      period.Date `json:"refused_on"`
	VacancyID      int64       `json:"vacancy_id,omitempty"` // the vacancy offered, when it was one of hrss's
	Offer          Offer       `json:"offer"`
	Note           string      `json:"note"` // what was offered and why the refusal had no good reason
	RecordedBy     string      `json:"recorded_by"`
	CreatedAt      time.Time   `json:"created_at"`
}

// OfferRefusalInput is what a caseworker enters to record a refusal.
type OfferRefusalInput struct {
	Date      string `json:"date,omitempty"`       // YYYY-MM-DD, default today
	Offer     string `json:"offer"`                // work or training
	VacancyID int64  `json:"vacancy_id,omitempty"` // the vacancy offered, if any
	Note      string `json:"note"`                 // required: what was offered, why without good reason
}

// RecordRefusal records on active unemployment registration id that the
// person refused suitable work or training offered without good reason,
// and then calls BenefitEvent in the same transaction (a running benefit
// stops once the refusals reach the rules' count). It fails with Invalid
// naming the field (offer, date, note, vacancy_id), Conflict for a closed
// registration, NotFound out of the caller's reach, and Forbidden for a
// caller who may not write registrations (a citizen records none).
func (s *Service) RecordRefusal(ctx context.Context, id int64, in OfferRefusalInput) (OfferRefusal, error) {
	if err := s.authorize(ctx, Access{Action: WriteSeekers}); err != nil {
		return OfferRefusal{}, err
	}
	if c, ok := access.CallerFrom(ctx); ok && c.Role == access.Citizen {
		return OfferRefusal{}, access.ForbiddenField("offer", "a caseworker records a refusal of an offer")
	}
	rf := OfferRefusal{Offer: Offer(strings.TrimSpace(in.Offer)), VacancyID: in.VacancyID, Note: strings.TrimSpace(in.Note), CreatedAt: s.now()}
	if rf.Offer != OfferWork && rf.Offer != OfferTraining {
		return rf, fault.Invalidf("offer", "refusal.offer", "%q is not work or training (社会保险法 Art. 51(5))", in.Offer)
	}
	if rf.Note == "" || len(rf.Note) > 500 {
		return rf, fault.Invalidf("note", "refusal.note", "say what was offered and why the refusal had no good reason (1 to 500 characters)")
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		u, err := tx.Unemployment(ctx, id)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, Access{Action: WriteSeekers, Division: u.Division, PersonID: u.PersonID}); err != nil {
			return err
		}
		if u.Status != Active {
			return fault.Conflictf("status", "unemployment.active", "registration %d is already ended (%s)", id, u.Ground)
		}
		if rf.RefusedOn, err = parseDate("date", in.Date, s.today()); err != nil {
			return err
		}
		if rf.RefusedOn.Before(u.Registered) || s.today().Before(rf.RefusedOn) {
			return fault.Invalidf("date", "refusal.date", "date %s must lie between the registration %s and today", rf.RefusedOn, u.Registered)
		}
		if rf.VacancyID != 0 {
			if _, err := tx.Vacancy(ctx, rf.VacancyID); fault.KindOf(err) == fault.NotFound {
				return fault.Invalidf("vacancy_id", "reference.exists", "there is no vacancy with id %d", rf.VacancyID)
			} else if err != nil {
				return err
			}
		}
		rf.RegistrationID, rf.PersonID, rf.RecordedBy = u.ID, u.PersonID, actorOf(ctx)
		if err := tx.InsertRefusal(ctx, &rf); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, "unemployment.refusal", object("unemployment", id), u.PersonID); err != nil {
			return err
		}
		return s.benefitEvent(ctx, tx, u.PersonID)
	})
	return rf, err
}

// RegistrationRefusals is an unemployment registration with the refusals
// of offers recorded on it.
type RegistrationRefusals struct {
	Registration UnemploymentRegistration `json:"registration"`
	Refusals     []OfferRefusal           `json:"refusals"` // in date order
}

// Refusals returns unemployment registration id with the refusals
// recorded on it, in date order; the view is audited. It fails with
// NotFound out of the caller's reach, Forbidden for a role that may not
// read registrations.
func (s *Service) Refusals(ctx context.Context, id int64) (RegistrationRefusals, error) {
	if err := s.authorize(ctx, Access{Action: ReadSeekers}); err != nil {
		return RegistrationRefusals{}, err
	}
	var out RegistrationRefusals
	err := s.Store.Update(ctx, func(tx Tx) error {
		u, err := tx.Unemployment(ctx, id)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, Access{Action: ReadSeekers, Division: u.Division, PersonID: u.PersonID}); err != nil {
			return err
		}
		out.Registration = u
		if out.Refusals, err = tx.ListRefusals(ctx, id); err != nil {
			return err
		}
		if out.Refusals == nil {
			out.Refusals = []OfferRefusal{}
		}
		return s.audit(ctx, tx, "unemployment.refusals", object("unemployment", id), u.PersonID)
	})
	return out, err
}

// benefitEvent calls the BenefitEvent hook, if wired.
func (s *Service) benefitEvent(ctx context.Context, tx Tx, person int64) error {
	if s.BenefitEvent == nil {
		return nil
	}
	return s.BenefitEvent(ctx, tx, person)
}

// actorOf names the caller for a record's recorded_by.
func actorOf(ctx context.Context) string {
	if c, ok := access.CallerFrom(ctx); ok {
		return c.Actor()
	}
	return "system"
}
