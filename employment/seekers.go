package employment

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"hrss/access"
	"hrss/registry"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// SeekerInput is what a caller gives to register or update a job seeker.
// Every field is text or a number so that a bad value is reported by its
// field name; empty fields take the registry's values where it has them.
type SeekerInput struct {
	PersonID          int64    `json:"person_id"`
	Division          string   `json:"division,omitempty"`   // default: the person's residence division
	Registered        string   `json:"registered,omitempty"` // YYYY-MM-DD, default today
	Occupations       []string `json:"occupations,omitempty"`
	Skills            []string `json:"skills,omitempty"`
	Education         string   `json:"education,omitempty"` // default: the person's
	ExperienceYears   int      `json:"experience_years,omitempty"`
	SalaryMin         string   `json:"salary_min,omitempty"` // yuan, e.g. "6500.00"
	AcceptedDivisions []string `json:"accepted_divisions,omitempty"`
	Mobility          string   `json:"mobility,omitempty"` // "divisions" (default) or "city"
	OptOut            bool     `json:"opt_out,omitempty"`
	// UpdatedAt, on a change, is the updated_at the caller read: the
	// change is refused (409) if the registration changed since (access.UnchangedSince).
	UpdatedAt string `json:"updated_at,omitempty"`
}

// maxSalary bounds a salary or an expectation: 10 million yuan a month.
const maxSalary = money.Fen(10_000_000_00)

func (in SeekerInput) parse(cat *Catalog, p registry.Person, today period.Date) (SeekerRegistration, error) {
	s := SeekerRegistration{PersonID: p.ID, Status: Active, Experience: in.ExperienceYears, OptOut: in.OptOut,
		Occupations: []OccupationCode{}, Divisions: []string{}}
	var err error
	if s.Division, err = countyDivision("division", orDefault(in.Division, p.ResidenceDivision)); err != nil {
		return s, err
	}
	if s.Registered, err = parseDate("registered", in.Registered, today); err != nil {
		return s, err
	}
	if today.Before(s.Registered) {
		return s, fault.Invalidf("registered", "date.not_future", "registration date %s is after today", s.Registered)
	}
	s.LastContact = s.Registered
	if len(in.Occupations) > MaxDesired {
		return s, fault.Invalidf("occupations", "seeker.occupations", "at most %d desired occupations", MaxDesired)
	}
	for _, o := range in.Occupations {
		code, err := cat.checkOccupation("occupations", o)
		if err != nil {
			return s, err
		}
		if !slices.Contains(s.Occupations, code) {
			s.Occupations = append(s.Occupations, code)
		}
	}
	if s.Skills, err = cat.checkSkills("skills", in.Skills, MaxSkills); err != nil {
		return s, err
	}
	if s.Skills == nil {
		s.Skills = []string{}
	}
	if s.Education, err = parseEducation("education", in.Education, p.Education); err != nil {
		return s, err
	}
	if s.Experience < 0 || s.Experience > 60 {
		return s, fault.Invalidf("experience_years", "experience.range", "%d is not a number of years from 0 to 60", s.Experience)
	}
	if s.SalaryMin, err = parseSalary("salary_min", in.SalaryMin, true); err != nil {
		return s, err
	}
	for _, d := range in.AcceptedDivisions {
		code, err := countyDivision("accepted_divisions", d)
		if err != nil {
			return s, err
		}
		if code != s.Division && !slices.Contains(s.Divisions, code) {
			s.Divisions = append(s.Divisions, code)
		}
	}
	slices.Sort(s.Divisions)
	switch Mobility(orDefault(in.Mobility, string(MobilityDivisions))) {
	case MobilityDivisions:
		s.Mobility = MobilityDivisions
	case MobilityCity:
		s.Mobility = MobilityCity
	default:
		return s, fault.Invalidf("mobility", "seeker.mobility", "%q is not divisions or city", in.Mobility)
	}
	s.Graduate = isRecentGraduate(p, s.Registered)
	return s, nil
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return strings.TrimSpace(s)
}

func parseEducation(field, s string, def registry.Education) (registry.Education, error) {
	if strings.TrimSpace(s) == "" {
		return def, nil
	}
	e := registry.Education(strings.TrimSpace(s))
	if e.Rank() < 0 {
		return "", fault.Invalidf(field, "education.level", "%q is not an education level (%v)", s, registry.EducationLevels)
	}
	return e, nil
}

func parseSalary(field, s string, optional bool) (money.Fen, error) {
	if strings.TrimSpace(s) == "" && optional {
		return 0, nil
	}
	f, err := money.Parse(strings.TrimSpace(s))
	if err != nil {
		return 0, fault.Invalidf(field, "money.format", "%v", err)
	}
	if f < 0 || f > maxSalary {
		return 0, fault.Invalidf(field, "salary.range", "%s must lie between 0 and %s yuan a month", f, maxSalary)
	}
	return f, nil
}

// GraduateYears is how long after leaving school a graduate is followed
// (离校2年内, RULES.md §6).
const GraduateYears = 2

// isRecentGraduate reports whether p left school within GraduateYears
// before day (and not after it).
func isRecentGraduate(p registry.Person, day period.Date) bool {
	g := p.Graduation
	if g == nil || day.Before(g.Date) {
		return false
	}
	return !g.Date.Before(period.Date{Y: day.Y - GraduateYears, M: day.M, D: min(day.D, period.DaysIn(day.Y-GraduateYears, day.M))})
}

// employedOn returns the relation of person covering day, if any.
func employedOn(ctx context.Context, tx Tx, personID int64, day period.Date) (registry.Employment, bool, error) {
	f := registry.EmploymentFilter{PersonID: personID, Page: Page{Limit: MaxPage}}
	for {
		rows, err := tx.ListEmployments(ctx, f)
		if err != nil {
			return registry.Employment{}, false, err
		}
		for _, e := range rows {
			if !day.Before(e.Start) && (e.End.IsZero() || !e.End.Before(day)) {
				return e, true, nil
			}
		}
		if len(rows) < f.Limit {
			return registry.Employment{}, false, nil
		}
		f.After = rows[len(rows)-1].ID
	}
}

func personOf(ctx context.Context, tx Tx, id int64) (registry.Person, error) {
	sp, err := tx.Person(ctx, id)
	if fault.KindOf(err) == fault.NotFound {
		return registry.Person{}, fault.Invalidf("person_id", "reference.exists", "there is no person with id %d", id)
	}
	return sp.Person, err
}

// RegisterSeeker registers a job seeker (求职登记). It fails with Invalid
// for a bad field or an unknown person, and Conflict if the person has an
// active registration.
func (s *Service) RegisterSeeker(ctx context.Context, in SeekerInput) (SeekerRegistration, error) {
	if err := s.authorize(ctx, Access{Action: WriteSeekers, PersonID: in.PersonID}); err != nil {
		return SeekerRegistration{}, err
	}
	var out SeekerRegistration
	err := s.Store.Update(ctx, func(tx Tx) error {
		p, cat, err := s.personAndCatalog(ctx, tx, in.PersonID)
		if err != nil {
			return err
		}
		if out, err = in.parse(cat, p, s.today()); err != nil {
			return err
		}
		if err := s.authorize(ctx, Access{Action: WriteSeekers, Division: out.Division, PersonID: p.ID}); err != nil {
			return err
		}
		if act, err := tx.ListSeekers(ctx, SeekerFilter{PersonID: p.ID, Status: Active, Page: Page{Limit: 1}}); err != nil || len(act) > 0 {
			if err == nil {
				err = fault.Conflictf("person_id", "seeker.one_active", "person %d already has an active job-seeker registration (%d)", p.ID, act[0].ID)
			}
			return err
		}
		out.CreatedAt, out.UpdatedAt = s.now(), s.now()
		if err := tx.InsertSeeker(ctx, &out); err != nil {
			return err
		}
		return s.audit(ctx, tx, "seeker.register", object("seeker", out.ID), out.PersonID)
	})
	s.invalidate()
	return out, err
}

func (s *Service) personAndCatalog(ctx context.Context, tx Tx, personID int64) (registry.Person, *Catalog, error) {
	p, err := personOf(ctx, tx, personID)
	if err != nil {
		return p, nil, err
	}
	cat, err := loadCatalog(ctx, tx)
	return p, cat, err
}

// UpdateSeeker replaces the profile of an active registration with in
// and counts as a contact. The person cannot change. It fails with
// Conflict (rule record.changed) if the registration changed since
// in.UpdatedAt.
func (s *Service) UpdateSeeker(ctx context.Context, id int64, in SeekerInput) (SeekerRegistration, error) {
	if err := s.authorize(ctx, Access{Action: WriteSeekers}); err != nil {
		return SeekerRegistration{}, err
	}
	var out SeekerRegistration
	err := s.Store.Update(ctx, func(tx Tx) error {
		old, err := s.loadSeeker(ctx, tx, id, WriteSeekers)
		if err != nil {
			return err
		}
		if in.PersonID != 0 && in.PersonID != old.PersonID {
			return fault.Invalidf("person_id", "seeker.person_fixed", "the person of a registration cannot change")
		}
		if old.Status != Active {
			return fault.Conflictf("status", "seeker.active", "registration %d is closed (%s)", id, old.Ground)
		}
		if err := access.UnchangedSince(in.UpdatedAt, old.UpdatedAt, "seeker", fmt.Sprintf("#%d", id)); err != nil {
			return err
		}
		p, cat, err := s.personAndCatalog(ctx, tx, old.PersonID)
		if err != nil {
			return err
		}
		in.Registered = old.Registered.String()
		if out, err = in.parse(cat, p, s.today()); err != nil {
			return err
		}
		out.ID, out.CreatedAt, out.UpdatedAt, out.LastContact, out.Graduate = id, old.CreatedAt, access.Touched(old.UpdatedAt, s.now()), s.today(), old.Graduate
		if err := tx.UpdateSeeker(ctx, &out); err != nil {
			return err
		}
		return s.audit(ctx, tx, "seeker.update", object("seeker", id), out.PersonID)
	})
	s.invalidate()
	return out, err
}

func (s *Service) loadSeeker(ctx context.Context, tx Tx, id int64, a Action) (SeekerRegistration, error) {
	r, err := tx.Seeker(ctx, id)
	if err != nil {
		return r, err
	}
	return r, s.authorize(ctx, Access{Action: a, Division: r.Division, PersonID: r.PersonID})
}

// Seeker returns the registration with the given ID, or NotFound.
func (s *Service) Seeker(ctx context.Context, id int64) (SeekerRegistration, error) {
	if err := s.authorize(ctx, Access{Action: ReadSeekers}); err != nil {
		return SeekerRegistration{}, err
	}
	var r SeekerRegistration
	err := s.Store.Update(ctx, func(tx Tx) (err error) {
		if r, err = s.loadSeeker(ctx, tx, id, ReadSeekers); err != nil {
			return err
		}
		return s.audit(ctx, tx, "seeker.view", object("seeker", id), r.PersonID)
	})
	return r, err
}

// ListSeekers lists registrations in ID order, a page at a time.
func (s *Service) ListSeekers(ctx context.Context, f SeekerFilter) ([]SeekerRegistration, error) {
	if err := s.authorize(ctx, Access{Action: ReadSeekers, Division: f.Division, PersonID: f.PersonID}); err != nil {
		return nil, err
	}
	var err error
	if f.Page, err = clampPage(f.Page); err != nil {
		return nil, err
	}
	if f.Division != "" {
		if f.Division, err = countyDivision("division", f.Division); err != nil {
			return nil, err
		}
	}
	if f.Status != "" && f.Status != Active && f.Status != Closed {
		return nil, fault.Invalidf("status", "seeker.status", "%q is not active or closed", f.Status)
	}
	if err := narrow(ctx, &f); err != nil {
		return nil, err
	}
	var out []SeekerRegistration
	err = s.Store.Update(ctx, func(tx Tx) (err error) {
		if out, err = tx.ListSeekers(ctx, f); err != nil || len(out) == 0 {
			return err
		}
		subjects := make([]int64, len(out))
		for i, r := range out {
			subjects[i] = r.PersonID
		}
		return s.audit(ctx, tx, "seeker.list", "seekers", subjects...)
	})
	return out, err
}

// Deregistration is why and when a registration ends.
type Deregistration struct {
	Ground string `json:"ground"`
	Date   string `json:"date,omitempty"` // default today
}

func (d Deregistration) parse(today period.Date, registered period.Date, allowWithdrawn bool) (Ground, period.Date, error) {
	g := Ground(strings.TrimSpace(d.Ground))
	if !slices.Contains(Grounds, g) || (g == GroundWithdrawn && !allowWithdrawn) {
		return "", period.Date{}, fault.Invalidf("ground", "deregistration.ground", "%q is not a deregistration ground (RULES.md §6: %v)", d.Ground, Grounds)
	}
	day, err := parseDate("date", d.Date, today)
	if err == nil && (day.Before(registered) || today.Before(day)) {
		err = fault.Invalidf("date", "deregistration.date", "date %s must lie between the registration %s and today", day, registered)
	}
	return g, day, err
}

// CloseSeeker ends an active job-seeker registration on a ground.
func (s *Service) CloseSeeker(ctx context.Context, id int64, d Deregistration) (SeekerRegistration, error) {
	if err := s.authorize(ctx, Access{Action: WriteSeekers}); err != nil {
		return SeekerRegistration{}, err
	}
	var r SeekerRegistration
	err := s.Store.Update(ctx, func(tx Tx) (err error) {
		if r, err = s.loadSeeker(ctx, tx, id, WriteSeekers); err != nil {
			return err
		}
		if r.Status != Active {
			return fault.Conflictf("status", "seeker.active", "registration %d is already closed (%s)", id, r.Ground)
		}
		if r.Ground, r.ClosedOn, err = d.parse(s.today(), r.Registered, true); err != nil {
			return err
		}
		if err := citizenGround(ctx, r.Ground); err != nil {
			return err
		}
		r.Status, r.UpdatedAt = Closed, access.Touched(r.UpdatedAt, s.now())
		if err := tx.UpdateSeeker(ctx, &r); err != nil {
			return err
		}
		return s.audit(ctx, tx, "seeker.close."+string(r.Ground), object("seeker", id), r.PersonID)
	})
	s.invalidate()
	return r, err
}

// UnemploymentInput is what a caller gives to register a person as unemployed.
type UnemploymentInput struct {
	PersonID   int64  `json:"person_id"`
	Division   string `json:"division,omitempty"`   // default: the person's residence division
	Registered string `json:"registered,omitempty"` // default today
}

// MinWorkingAge is the youngest age at which a person may register as
// unemployed (劳动年龄, RULES.md §6).
const MinWorkingAge = 16

// RegisterUnemployed records an unemployment registration (失业登记). The
// person must be of working age and have no employment relation covering
// the registration day; it fails with Conflict if they have an active one.
func (s *Service) RegisterUnemployed(ctx context.Context, in UnemploymentInput) (UnemploymentRegistration, error) {
	if err := s.authorize(ctx, Access{Action: WriteSeekers, PersonID: in.PersonID}); err != nil {
		return UnemploymentRegistration{}, err
	}
	var u UnemploymentRegistration
	err := s.Store.Update(ctx, func(tx Tx) error {
		p, err := personOf(ctx, tx, in.PersonID)
		if err != nil {
			return err
		}
		u = UnemploymentRegistration{PersonID: p.ID, Status: Active}
		if u.Division, err = countyDivision("division", orDefault(in.Division, p.ResidenceDivision)); err != nil {
			return err
		}
		if err := s.authorize(ctx, Access{Action: WriteSeekers, Division: u.Division, PersonID: p.ID}); err != nil {
			return err
		}
		if u.Registered, err = parseDate("registered", in.Registered, s.today()); err != nil {
			return err
		}
		if err := checkUnemployed(ctx, tx, p, u.Registered, s.today()); err != nil {
			return err
		}
		u.LastContact, u.CreatedAt, u.UpdatedAt = u.Registered, s.now(), s.now()
		if err := tx.InsertUnemployment(ctx, &u); err != nil {
			return err
		}
		return s.audit(ctx, tx, "unemployment.register", object("unemployment", u.ID), u.PersonID)
	})
	return u, err
}

func checkUnemployed(ctx context.Context, tx Tx, p registry.Person, day, today period.Date) error {
	if today.Before(day) {
		return fault.Invalidf("registered", "date.not_future", "registration date %s is after today", day)
	}
	if age := ageOn(p.Birth, day); age < MinWorkingAge {
		return fault.Invalidf("person_id", "unemployment.working_age", "person %d is %d on %s, under the working age of %d", p.ID, age, day, MinWorkingAge)
	}
	if e, ok, err := employedOn(ctx, tx, p.ID, day); err != nil || ok {
		if err == nil {
			err = fault.Conflictf("person_id", "unemployment.not_employed", "person %d is employed on %s (relation %d with employer %d)", p.ID, day, e.ID, e.EmployerID)
		}
		return err
	}
	act, err := tx.ListUnemployment(ctx, SeekerFilter{PersonID: p.ID, Status: Active, Page: Page{Limit: 1}})
	if err == nil && len(act) > 0 {
		err = fault.Conflictf("person_id", "unemployment.one_active", "person %d already has an active unemployment registration (%d)", p.ID, act[0].ID)
	}
	return err
}

func ageOn(birth, day period.Date) int {
	a := day.Y - birth.Y
	if day.M < birth.M || day.M == birth.M && day.D < birth.D {
		a--
	}
	return a
}

// citizenGround refuses a citizen any ground but withdrawn: the others
// (hired, education, emigration …) are facts a caseworker records, so a
// citizen withdraws a job-seeker registration and cannot end an
// unemployment registration themselves.
func citizenGround(ctx context.Context, g Ground) error {
	if c, ok := access.CallerFrom(ctx); ok && c.Role == access.Citizen && g != GroundWithdrawn {
		return access.ForbiddenField("ground", "a citizen withdraws their registration; a caseworker records the other grounds (%s)", g)
	}
	return nil
}

// Deregister ends an active unemployment registration on one of the
// grounds of RULES.md §6 (withdrawn is not one), and then calls
// BenefitEvent in the same transaction (military service, emigration, a
// pension or a business started stop a running benefit).
func (s *Service) Deregister(ctx context.Context, id int64, d Deregistration) (UnemploymentRegistration, error) {
	if err := s.authorize(ctx, Access{Action: WriteSeekers}); err != nil {
		return UnemploymentRegistration{}, err
	}
	var u UnemploymentRegistration
	err := s.Store.Update(ctx, func(tx Tx) (err error) {
		if u, err = tx.Unemployment(ctx, id); err != nil {
			return err
		}
		if err := s.authorize(ctx, Access{Action: WriteSeekers, Division: u.Division, PersonID: u.PersonID}); err != nil {
			return err
		}
		if u.Status != Active {
			return fault.Conflictf("status", "unemployment.active", "registration %d is already ended (%s)", id, u.Ground)
		}
		if u.Ground, u.EndedOn, err = d.parse(s.today(), u.Registered, false); err != nil {
			return err
		}
		if err := citizenGround(ctx, u.Ground); err != nil {
			return err
		}
		u.Status, u.UpdatedAt = Closed, access.Touched(u.UpdatedAt, s.now())
		if err := tx.UpdateUnemployment(ctx, &u); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, "unemployment.deregister."+string(u.Ground), object("unemployment", id), u.PersonID); err != nil {
			return err
		}
		return s.benefitEvent(ctx, tx, u.PersonID)
	})
	return u, err
}

// ListUnemployment lists unemployment registrations in ID order.
func (s *Service) ListUnemployment(ctx context.Context, f SeekerFilter) ([]UnemploymentRegistration, error) {
	if err := s.authorize(ctx, Access{Action: ReadSeekers, Division: f.Division, PersonID: f.PersonID}); err != nil {
		return nil, err
	}
	var err error
	if f.Page, err = clampPage(f.Page); err != nil {
		return nil, err
	}
	if err := narrow(ctx, &f); err != nil {
		return nil, err
	}
	var out []UnemploymentRegistration
	err = s.Store.Update(ctx, func(tx Tx) (err error) {
		if out, err = tx.ListUnemployment(ctx, f); err != nil || len(out) == 0 {
			return err
		}
		subjects := make([]int64, len(out))
		for i, r := range out {
			subjects[i] = r.PersonID
		}
		return s.audit(ctx, tx, "unemployment.list", "unemployment", subjects...)
	})
	return out, err
}

// Contact records that the person of a registration was in contact today
// (visit, call, service): it resets the six months of NoContactMonths.
func (s *Service) Contact(ctx context.Context, seekerID int64) (SeekerRegistration, error) {
	if err := s.authorize(ctx, Access{Action: WriteSeekers}); err != nil {
		return SeekerRegistration{}, err
	}
	var r SeekerRegistration
	err := s.Store.Update(ctx, func(tx Tx) (err error) {
		if r, err = s.loadSeeker(ctx, tx, seekerID, WriteSeekers); err != nil {
			return err
		}
		r.LastContact, r.UpdatedAt = s.today(), access.Touched(r.UpdatedAt, s.now())
		if err := tx.UpdateSeeker(ctx, &r); err != nil {
			return err
		}
		return s.audit(ctx, tx, "seeker.contact", object("seeker", seekerID), r.PersonID)
	})
	return r, err
}

// narrow keeps a person-level list within the caller's reach: a citizen
// sees only themselves; a caseworker or reviewer of several divisions
// names one of them (one division is taken as given).
func narrow(ctx context.Context, f *SeekerFilter) error {
	if p := callerPerson(ctx); p != 0 {
		f.PersonID = p
		return nil
	}
	divs := scopeDivisions(ctx)
	switch {
	case divs == nil || f.Division != "":
		return nil
	case len(divs) == 1:
		f.Division = divs[0]
		return nil
	}
	return fault.Invalidf("division", "scope.division", "name one of your divisions (%v)", divs)
}
