package employment

import (
	"context"
	"slices"
	"time"

	"hrss/access"
	"hrss/rules/fault"
)

// A citizen books an interview slot with one employer taking part in an
// open job fair, first come, first served: one booking per fair and
// person, never more than the employer's slots. The fair's allocation
// (AllocateFair) gives the slots left to the registered seekers and keeps
// the booked ones.

// FairBooking is a citizen's booked interview slot at a fair.
type FairBooking struct {
	FairID     int64     `json:"fair_id"`
	PersonID   int64     `json:"person_id"`
	EmployerID int64     `json:"employer_id"`
	Slot       int       `json:"slot"` // 0-based slot of the employer's schedule
	Time       string    `json:"time"` // HH:MM the slot begins
	CreatedAt  time.Time `json:"created_at"`
}

// FairOffer is an upcoming open fair as a citizen sees it: the employers
// taking part with their vacancies at the fair and the slots still free,
// and the caller's own booking.
type FairOffer struct {
	Fair      JobFair             `json:"fair"`
	Employers []FairOfferEmployer `json:"employers"`
	Booking   *FairBooking        `json:"booking,omitempty"`
}

// FairOfferEmployer is one employer of a FairOffer.
type FairOfferEmployer struct {
	EmployerID int64     `json:"employer_id"`
	Name       string    `json:"name"`
	Slots      int       `json:"slots"`
	Free       int       `json:"free"`
	Vacancies  []Vacancy `json:"vacancies"`
}

// MaxUpcoming bounds the fairs of one UpcomingFairs answer.
const MaxUpcoming = 50

// UpcomingFairs lists the open job fairs from today on (in division, or
// all when it is ""), at most MaxUpcoming in ID order, with their
// employers, vacancies, free slots and the caller's booking. Fairs are
// public information: every role that reads vacancies may list them.
func (s *Service) UpcomingFairs(ctx context.Context, division string) ([]FairOffer, error) {
	if err := s.authorize(ctx, Access{Action: ReadVacancies}); err != nil {
		return nil, err
	}
	if division != "" {
		var err error
		if division, err = countyDivision("division", division); err != nil {
			return nil, err
		}
	}
	c, _ := access.CallerFrom(ctx)
	out := []FairOffer{}
	err := s.Store.View(ctx, func(tx Tx) error {
		fairs, err := tx.ListFairs(ctx, FairFilter{Division: division, From: s.today(), Page: Page{Limit: MaxUpcoming}})
		if err != nil {
			return err
		}
		for _, f := range fairs {
			if f.Status != Open {
				continue
			}
			o, err := fairOffer(ctx, tx, f, c)
			if err != nil {
				return err
			}
			out = append(out, o)
		}
		return nil
	})
	return out, err
}

// fairOffer builds the offer of fair f for caller c.
func fairOffer(ctx context.Context, tx Tx, f JobFair, c access.Caller) (FairOffer, error) {
	o := FairOffer{Fair: f, Employers: []FairOfferEmployer{}}
	emps, err := tx.FairEmployers(ctx, f.ID)
	if err != nil {
		return o, err
	}
	bookings, err := tx.FairBookings(ctx, f.ID)
	if err != nil {
		return o, err
	}
	booked := bookedSlots(bookings)
	for _, e := range emps {
		emp, err := tx.Employer(ctx, e.EmployerID)
		if err != nil {
			return o, err
		}
		oe := FairOfferEmployer{EmployerID: e.EmployerID, Name: emp.Name, Slots: e.Slots, Free: e.Slots - len(booked[e.EmployerID]), Vacancies: []Vacancy{}}
		for _, id := range e.Vacancies {
			if v, err := tx.Vacancy(ctx, id); err == nil && v.OpenOn(f.Date) {
				oe.Vacancies = append(oe.Vacancies, v)
			} else if err != nil && fault.KindOf(err) != fault.NotFound {
				return o, err
			}
		}
		o.Employers = append(o.Employers, oe)
	}
	for _, b := range bookings {
		if c.Role == access.Citizen && b.PersonID == c.PersonID {
			b.Time = f.SlotTime(b.Slot)
			o.Booking = &b
		}
	}
	return o, nil
}

// bookedSlots lists the booked slot numbers of each employer, ascending.
func bookedSlots(bs []FairBooking) map[int64][]int {
	out := map[int64][]int{}
	for _, b := range bs {
		out[b.EmployerID] = append(out[b.EmployerID], b.Slot)
	}
	for _, s := range out {
		slices.Sort(s)
	}
	return out
}

// citizen returns the signed-in citizen, who alone books and cancels
// their own slots.
func citizen(ctx context.Context) (access.Caller, error) {
	c, err := access.Current(ctx)
	if err != nil {
		return c, err
	}
	if c.Role != access.Citizen || c.PersonID == 0 {
		return c, fault.Forbiddenf("a fair's slot is booked by the citizen themselves")
	}
	return c, nil
}

// BookFair books the caller (a citizen) the earliest free interview slot
// with employer at open fair fairID. It fails with Forbidden for any
// other role, NotFound for no such fair, Invalid (field employer_id) for
// an employer not taking part or a fair in the past, and Conflict when
// the fair is allocated, the caller has booked there already (cancel it
// first) or the employer's slots are all booked.
func (s *Service) BookFair(ctx context.Context, fairID, employerID int64) (FairBooking, error) {
	if err := s.authorize(ctx, Access{Action: WriteSeekers}); err != nil {
		return FairBooking{}, err
	}
	c, err := citizen(ctx)
	if err != nil {
		return FairBooking{}, err
	}
	b := FairBooking{FairID: fairID, PersonID: c.PersonID, EmployerID: employerID, CreatedAt: s.now()}
	err = s.Store.Update(ctx, func(tx Tx) error {
		f, err := openFair(ctx, tx, fairID)
		if err != nil {
			return err
		}
		if f.Date.Before(s.today()) {
			return fault.Invalidf("fair_id", "fair.date", "the fair's date %s has passed", f.Date)
		}
		emps, err := tx.FairEmployers(ctx, fairID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(emps, func(e FairEmployer) bool { return e.EmployerID == employerID })
		if i < 0 {
			return fault.Invalidf("employer_id", "fair.employer_participates", "employer %d does not take part in fair %d", employerID, fairID)
		}
		bookings, err := tx.FairBookings(ctx, fairID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(bookings, func(x FairBooking) bool { return x.PersonID == c.PersonID }) {
			return fault.Conflictf("fair_id", "fair.booked", "you have booked a slot at fair %d already: cancel it first", fairID)
		}
		used := bookedSlots(bookings)[employerID]
		for b.Slot < emps[i].Slots && slices.Contains(used, b.Slot) {
			b.Slot++
		}
		if b.Slot >= emps[i].Slots {
			return fault.Conflictf("employer_id", "fair.full", "employer %d's %d slots at fair %d are all booked", employerID, emps[i].Slots, fairID)
		}
		b.Time = f.SlotTime(b.Slot)
		if err := tx.InsertFairBooking(ctx, b); err != nil {
			return err
		}
		return s.audit(ctx, tx, "fair.book", object("fair", fairID), c.PersonID)
	})
	return b, err
}

// CancelBooking cancels the caller's (a citizen's) booking at open fair
// fairID. It fails with Forbidden for any other role, NotFound when there
// is no such booking, and Conflict when the fair is allocated.
func (s *Service) CancelBooking(ctx context.Context, fairID int64) error {
	if err := s.authorize(ctx, Access{Action: WriteSeekers}); err != nil {
		return err
	}
	c, err := citizen(ctx)
	if err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx Tx) error {
		if _, err := openFair(ctx, tx, fairID); err != nil {
			return err
		}
		bookings, err := tx.PersonBookings(ctx, c.PersonID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(bookings, func(b FairBooking) bool { return b.FairID == fairID }) {
			return fault.NotFoundf("no booking of yours at fair %d", fairID)
		}
		if err := tx.DeleteFairBooking(ctx, fairID, c.PersonID); err != nil {
			return err
		}
		return s.audit(ctx, tx, "fair.cancel_booking", object("fair", fairID), c.PersonID)
	})
}
