package employment

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"hrss/rules/fault"
)

// FairInput is what a caseworker gives to create a job fair.
type FairInput struct {
	Name          string `json:"name"`
	Division      string `json:"division"`
	Date          string `json:"date"`
	Venue         string `json:"venue,omitempty"`
	Start         string `json:"start,omitempty"`          // HH:MM of the first slot, default 09:00
	SlotMinutes   int    `json:"slot_minutes,omitempty"`   // default 20
	MaxInterviews int    `json:"max_interviews,omitempty"` // per seeker, default 3
}

// MaxPreferences bounds the employers a seeker ranks at a fair.
const MaxPreferences = 10

func (in FairInput) parse() (JobFair, error) {
	f := JobFair{Name: strings.TrimSpace(in.Name), Venue: strings.TrimSpace(in.Venue), Start: orDefault(in.Start, "09:00"),
		SlotMinutes: in.SlotMinutes, MaxInterviews: in.MaxInterviews, Status: Open}
	var err error
	if n := utf8.RuneCountInString(f.Name); n == 0 || n > 100 {
		return f, fault.Invalidf("name", "fair.name", "the name must have 1 to 100 characters")
	}
	if f.Division, err = countyDivision("division", in.Division); err != nil {
		return f, err
	}
	if f.Date, err = parseDate("date", in.Date, f.Date); err != nil || f.Date.IsZero() {
		return f, fault.Invalidf("date", "date.format", "the fair needs a date YYYY-MM-DD")
	}
	if _, err := clock(f.Start); err != nil {
		return f, err
	}
	if f.SlotMinutes == 0 {
		f.SlotMinutes = 20
	}
	if f.MaxInterviews == 0 {
		f.MaxInterviews = 3
	}
	if f.SlotMinutes < 5 || f.SlotMinutes > 120 || f.MaxInterviews < 1 || f.MaxInterviews > MaxPreferences {
		return f, fault.Invalidf("slot_minutes", "fair.slots", "slots last 5-120 minutes and a seeker gets 1-%d interviews", MaxPreferences)
	}
	return f, nil
}

// clock reads HH:MM into minutes after midnight.
func clock(s string) (int, error) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, fault.Invalidf("start", "fair.start", "%q is not a time HH:MM", s)
	}
	if _, err := fmt.Sscanf(s, "%2d:%2d", &h, &m); err != nil || h > 23 || m > 59 {
		return 0, fault.Invalidf("start", "fair.start", "%q is not a time HH:MM", s)
	}
	return h*60 + m, nil
}

// SlotTime returns the HH:MM at which slot i of f begins.
func (f JobFair) SlotTime(i int) string {
	t, _ := clock(f.Start)
	t += i * f.SlotMinutes
	return fmt.Sprintf("%02d:%02d", t/60%24, t%60)
}

// CreateFair records a new job fair, open for employers and seekers.
func (s *Service) CreateFair(ctx context.Context, in FairInput) (JobFair, error) {
	if err := s.authorize(ctx, Access{Action: ManageFairs, Division: in.Division}); err != nil {
		return JobFair{}, err
	}
	f, err := in.parse()
	if err != nil {
		return f, err
	}
	if f.Date.Before(s.today()) {
		return f, fault.Invalidf("date", "fair.date", "the fair's date %s has passed", f.Date)
	}
	f.CreatedAt, f.UpdatedAt = s.now(), s.now()
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := tx.InsertFair(ctx, &f); err != nil {
			return err
		}
		return s.audit(ctx, tx, "fair.create", object("fair", f.ID))
	})
	return f, err
}

// Fair returns a job fair, or NotFound.
func (s *Service) Fair(ctx context.Context, id int64) (JobFair, error) {
	if err := s.authorize(ctx, Access{Action: ReadVacancies}); err != nil {
		return JobFair{}, err
	}
	var f JobFair
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		f, err = tx.Fair(ctx, id)
		return err
	})
	return f, err
}

// ListFairs lists job fairs in ID order.
func (s *Service) ListFairs(ctx context.Context, q FairFilter) ([]JobFair, error) {
	if err := s.authorize(ctx, Access{Action: ReadVacancies, Division: q.Division}); err != nil {
		return nil, err
	}
	var err error
	if q.Page, err = clampPage(q.Page); err != nil {
		return nil, err
	}
	var out []JobFair
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.ListFairs(ctx, q)
		return err
	})
	return out, err
}

func openFair(ctx context.Context, tx Tx, id int64) (JobFair, error) {
	f, err := tx.Fair(ctx, id)
	if err == nil && f.Status != Open {
		err = fault.Conflictf("fair_id", "fair.open", "fair %d has allocated its interview slots and takes no more registrations", id)
	}
	return f, err
}

// FairEmployerInput is what an employer gives to take part in a fair.
type FairEmployerInput struct {
	EmployerID int64   `json:"employer_id"`
	Slots      int     `json:"slots"`
	VacancyIDs []int64 `json:"vacancy_ids"`
}

// JoinFair enrols an employer in an open fair with interview slots and
// some of its vacancies open on the fair's date (again to change them).
func (s *Service) JoinFair(ctx context.Context, fairID int64, in FairEmployerInput) (FairEmployer, error) {
	if err := s.authorize(ctx, Access{Action: WriteVacancies, EmployerID: in.EmployerID}); err != nil {
		return FairEmployer{}, err
	}
	fe := FairEmployer{FairID: fairID, EmployerID: in.EmployerID, Slots: in.Slots}
	if in.Slots < 1 || in.Slots > 500 {
		return fe, fault.Invalidf("slots", "fair.employer_slots", "%d is not a number of interview slots from 1 to 500", in.Slots)
	}
	if len(in.VacancyIDs) == 0 || len(in.VacancyIDs) > 50 {
		return fe, fault.Invalidf("vacancy_ids", "fair.vacancies", "name 1 to 50 of the employer's vacancies")
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		f, err := openFair(ctx, tx, fairID)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, Access{Action: WriteVacancies, Division: f.Division, EmployerID: in.EmployerID}); err != nil {
			return err
		}
		for _, id := range in.VacancyIDs {
			v, err := tx.Vacancy(ctx, id)
			if err != nil || v.EmployerID != in.EmployerID || !v.OpenOn(f.Date) {
				return fault.Invalidf("vacancy_ids", "fair.vacancy_of_employer", "vacancy %d is not a vacancy of employer %d open on %s", id, in.EmployerID, f.Date)
			}
			if !slices.Contains(fe.Vacancies, id) {
				fe.Vacancies = append(fe.Vacancies, id)
			}
		}
		if err := tx.UpsertFairEmployer(ctx, fe); err != nil {
			return err
		}
		return s.audit(ctx, tx, "fair.join", object("fair", fairID))
	})
	return fe, err
}

// FairRegistrationInput is a seeker's registration for a fair.
type FairRegistrationInput struct {
	SeekerID    int64   `json:"seeker_id"`
	Preferences []int64 `json:"preferences"` // employer IDs, best first
}

// RegisterForFair registers an active seeker for an open fair with the
// participating employers it wants to meet, best first (again to change).
func (s *Service) RegisterForFair(ctx context.Context, fairID int64, in FairRegistrationInput) (FairRegistration, error) {
	if err := s.authorize(ctx, Access{Action: WriteSeekers}); err != nil {
		return FairRegistration{}, err
	}
	r := FairRegistration{FairID: fairID, SeekerID: in.SeekerID}
	if len(in.Preferences) == 0 || len(in.Preferences) > MaxPreferences {
		return r, fault.Invalidf("preferences", "fair.preferences", "rank 1 to %d participating employers", MaxPreferences)
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		if _, err := openFair(ctx, tx, fairID); err != nil {
			return err
		}
		sk, err := s.loadSeeker(ctx, tx, in.SeekerID, WriteSeekers)
		if fault.KindOf(err) == fault.NotFound || err == nil && sk.Status != Active {
			return fault.Invalidf("seeker_id", "fair.seeker_active", "seeker %d has no active registration", in.SeekerID)
		} else if err != nil {
			return err
		}
		emps, err := tx.FairEmployers(ctx, fairID)
		if err != nil {
			return err
		}
		for _, e := range in.Preferences {
			if !slices.ContainsFunc(emps, func(x FairEmployer) bool { return x.EmployerID == e }) {
				return fault.Invalidf("preferences", "fair.employer_participates", "employer %d does not take part in fair %d", e, fairID)
			}
			if slices.Contains(r.Preferences, e) {
				return fault.Invalidf("preferences", "fair.preferences_unique", "employer %d is ranked twice", e)
			}
			r.Preferences = append(r.Preferences, e)
		}
		if err := tx.UpsertFairRegistration(ctx, r); err != nil {
			return err
		}
		return s.audit(ctx, tx, "fair.register", object("fair", fairID), sk.PersonID)
	})
	return r, err
}

// FairAllocation is the outcome of allocating a fair's interview slots.
type FairAllocation struct {
	Fair       JobFair         `json:"fair"`
	Interviews []ScheduledSlot `json:"interviews"`
	Seekers    int             `json:"seekers"`
	Placed     int             `json:"seekers_with_interview"`
	Clashes    int             `json:"clashes"`
	FirstPicks int             `json:"first_choice"` // interviews with the seeker's first choice
}

// ScheduledSlot is an interview with its time.
type ScheduledSlot struct {
	Interview
	Time string `json:"time"`
}

// AllocateFair allocates the interview slots of an open fair by deferred
// acceptance (DeferredAcceptance): employers rate each seeker by the best
// match score against their vacancies at the fair (0 for a pair the hard
// filters refuse), ties by seeker ID. It records the interviews and closes
// the fair's registrations.
func (s *Service) AllocateFair(ctx context.Context, fairID int64) (FairAllocation, error) {
	if err := s.authorize(ctx, Access{Action: ManageFairs}); err != nil {
		return FairAllocation{}, err
	}
	var out FairAllocation
	err := s.Store.Update(ctx, func(tx Tx) error {
		f, err := tx.Fair(ctx, fairID)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, Access{Action: ManageFairs, Division: f.Division}); err != nil {
			return err
		}
		if f, err = openFair(ctx, tx, fairID); err != nil {
			return err
		}
		bookings, err := tx.FairBookings(ctx, fairID)
		if err != nil {
			return err
		}
		seekers, hosts, err := s.fairParties(ctx, tx, f, bookings)
		if err != nil {
			return err
		}
		ivs := DeferredAcceptance(seekers, hosts, f.MaxInterviews)
		if err := tx.ReplaceInterviews(ctx, fairID, ivs); err != nil {
			return err
		}
		f.Status, f.AllocatedAt, f.UpdatedAt = Closed, s.now(), s.now()
		if err := tx.UpdateFair(ctx, &f); err != nil {
			return err
		}
		out = summarise(f, ivs, len(seekers))
		return s.audit(ctx, tx, "fair.allocate", object("fair", fairID))
	})
	return out, err
}

func summarise(f JobFair, ivs []Interview, seekers int) FairAllocation {
	out := FairAllocation{Fair: f, Seekers: seekers, Interviews: []ScheduledSlot{}}
	placed := map[int64]bool{}
	for _, iv := range ivs {
		out.Interviews = append(out.Interviews, ScheduledSlot{Interview: iv, Time: f.SlotTime(iv.Slot)})
		placed[iv.SeekerID] = true
		if iv.Clash {
			out.Clashes++
		}
		if iv.SeekerRank == 1 {
			out.FirstPicks++
		}
	}
	out.Placed = len(placed)
	return out
}

// fairParties builds the inputs of deferred acceptance for fair f: the
// citizens' bookings are the hosts' booked slots and, for a registered
// seeker who booked, a busy slot and an employer not proposed to again.
func (s *Service) fairParties(ctx context.Context, tx Tx, f JobFair, bookings []FairBooking) ([]FairSeeker, []FairHost, error) {
	emps, err := tx.FairEmployers(ctx, f.ID)
	if err != nil {
		return nil, nil, err
	}
	regs, err := tx.FairRegistrations(ctx, f.ID)
	if err != nil {
		return nil, nil, err
	}
	cat, err := loadCatalog(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.newMatcher(cat, f.Date, nil, nil)
	if err != nil {
		return nil, nil, err
	}
	booked := bookedSlots(bookings)
	byPerson := map[int64]FairBooking{}
	for _, b := range bookings {
		byPerson[b.PersonID] = b
	}
	vacs := map[int64][]Vacancy{}
	hosts := make([]FairHost, len(emps))
	for i, e := range emps {
		hosts[i] = FairHost{ID: e.EmployerID, Slots: e.Slots, Booked: booked[e.EmployerID]}
		for _, id := range e.Vacancies {
			v, err := tx.Vacancy(ctx, id)
			if err != nil {
				return nil, nil, err
			}
			vacs[e.EmployerID] = append(vacs[e.EmployerID], v)
		}
	}
	seekers := make([]FairSeeker, 0, len(regs))
	for _, r := range regs {
		sk, err := tx.Seeker(ctx, r.SeekerID)
		if err != nil {
			return nil, nil, err
		}
		if sk.Status != Active {
			continue
		}
		sk.OptOut = false // the seeker asked for these employers: the employer rates the application
		fs := FairSeeker{ID: r.SeekerID}
		b, hasBooking := byPerson[sk.PersonID]
		if hasBooking {
			fs.Busy = []int{b.Slot}
		}
		for _, e := range r.Preferences {
			if hasBooking && e == b.EmployerID {
				continue // booked with this employer already
			}
			fs.Prefs = append(fs.Prefs, e)
			best := Points(0)
			for _, v := range vacs[e] {
				if mt := m.Explain(sk, v, LangEN); len(mt.Refused) == 0 {
					best = max(best, mt.Score)
				}
			}
			fs.Scores = append(fs.Scores, best)
		}
		seekers = append(seekers, fs)
	}
	return seekers, hosts, nil
}

// FairDetail is a fair with its employers, registrations and interviews.
type FairDetail struct {
	Fair          JobFair         `json:"fair"`
	Employers     []FairEmployer  `json:"employers"`
	Registrations int             `json:"registrations"`
	Interviews    []ScheduledSlot `json:"interviews"`
}

// FairDetails returns a fair with its employers and, once allocated, its
// interview schedule (by employer, then slot).
func (s *Service) FairDetails(ctx context.Context, id int64) (FairDetail, error) {
	if err := s.authorize(ctx, Access{Action: ReadSeekers}); err != nil {
		return FairDetail{}, err
	}
	var d FairDetail
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		if d.Fair, err = tx.Fair(ctx, id); err != nil {
			return err
		}
		if err := s.authorize(ctx, Access{Action: ReadSeekers, Division: d.Fair.Division}); err != nil {
			return err
		}
		if d.Employers, err = tx.FairEmployers(ctx, id); err != nil {
			return err
		}
		regs, err := tx.FairRegistrations(ctx, id)
		if err != nil {
			return err
		}
		d.Registrations = len(regs)
		ivs, err := tx.Interviews(ctx, id)
		d.Interviews = summarise(d.Fair, ivs, 0).Interviews
		return err
	})
	return d, err
}
