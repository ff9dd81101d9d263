package employment

import (
	"context"

	"hrss/access"

	"hrss/registry"
	"hrss/rules/period"
)

// Store runs transactions over the employment services' data. store/
// implements it for SQLite and PostgreSQL.
type Store interface {
	// Update runs fn in one read-write transaction, retried as a whole on
	// a serialization failure; fn's error rolls it back and is returned.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in one read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Appender appends the audit entry of a read after its snapshot
	// (access.ViewAudited).
	access.Appender
}

// Tx is what the employment services read and write inside a
// transaction. Reads of a missing row return a *fault.Error of Kind
// NotFound. It reads the registry through the same transaction.
type Tx interface {
	access.AuditTx

	Person(ctx context.Context, id int64) (registry.SealedPerson, error)
	Employer(ctx context.Context, id int64) (registry.Employer, error)
	Employment(ctx context.Context, id int64) (registry.Employment, error)
	ListEmployments(ctx context.Context, f registry.EmploymentFilter) ([]registry.Employment, error)

	Occupations(ctx context.Context) ([]Occupation, error)
	ReplaceOccupations(ctx context.Context, os []Occupation) error
	Skills(ctx context.Context) ([]Skill, error)
	ReplaceSkills(ctx context.Context, ss []Skill) error

	InsertSeeker(ctx context.Context, s *SeekerRegistration) error // sets s.ID
	UpdateSeeker(ctx context.Context, s *SeekerRegistration) error
	Seeker(ctx context.Context, id int64) (SeekerRegistration, error)
	ListSeekers(ctx context.Context, f SeekerFilter) ([]SeekerRegistration, error)

	InsertUnemployment(ctx context.Context, u *UnemploymentRegistration) error // sets u.ID
	UpdateUnemployment(ctx context.Context, u *UnemploymentRegistration) error
	Unemployment(ctx context.Context, id int64) (UnemploymentRegistration, error)
	ListUnemployment(ctx context.Context, f SeekerFilter) ([]UnemploymentRegistration, error)
	InsertRefusal(ctx context.Context, r *OfferRefusal) error // sets r.ID
	// ListRefusals lists the refusals of a registration in date order.
	ListRefusals(ctx context.Context, registration int64) ([]OfferRefusal, error)

	InsertVacancy(ctx context.Context, v *Vacancy) error // sets v.ID
	UpdateVacancy(ctx context.Context, v *Vacancy) error
	Vacancy(ctx context.Context, id int64) (Vacancy, error)
	ListVacancies(ctx context.Context, f VacancyFilter) ([]Vacancy, error)

	InsertService(ctx context.Context, s *ServiceRecord) error // sets s.ID
	ListServices(ctx context.Context, personIDs []int64) ([]ServiceRecord, error)
	ListGraduates(ctx context.Context, f GraduateFilter) ([]GraduateRow, error)

	InsertRecommendations(ctx context.Context, rs []Recommendation) error
	ListRecommendations(ctx context.Context, seekerID int64, since period.Date) ([]Recommendation, error)
	InsertBatch(ctx context.Context, b *BatchRun) error // sets b.ID

	InsertFair(ctx context.Context, f *JobFair) error // sets f.ID
	UpdateFair(ctx context.Context, f *JobFair) error
	Fair(ctx context.Context, id int64) (JobFair, error)
	ListFairs(ctx context.Context, f FairFilter) ([]JobFair, error)
	UpsertFairEmployer(ctx context.Context, e FairEmployer) error
	InsertFairBooking(ctx context.Context, b FairBooking) error
	DeleteFairBooking(ctx context.Context, fairID, personID int64) error
	FairBookings(ctx context.Context, fairID int64) ([]FairBooking, error)     // by employer, then slot
	PersonBookings(ctx context.Context, personID int64) ([]FairBooking, error) // by fair
	FairEmployers(ctx context.Context, fairID int64) ([]FairEmployer, error)
	UpsertFairRegistration(ctx context.Context, r FairRegistration) error
	FairRegistrations(ctx context.Context, fairID int64) ([]FairRegistration, error)
	ReplaceInterviews(ctx context.Context, fairID int64, ivs []Interview) error
	Interviews(ctx context.Context, fairID int64) ([]Interview, error)
	InterviewsOf(ctx context.Context, seekerID int64) ([]FairInterview, error)

	InsertPlacement(ctx context.Context, p *Placement) error // sets p.ID; Conflict if the relation is placed already
	CountJobs(ctx context.Context, today, from period.Date) (Counts, error)
	ListPlacements(ctx context.Context, f PlacementFilter) ([]Placement, error)

	// MatcherVersion is a number that moves whenever the Matcher's inputs
	// (catalogue, vacancies, seekers) change, by any writer on any server.
	MatcherVersion(ctx context.Context) (int64, error)
}

// Page selects a page of a list ordered by ID.
type Page = registry.Page

// SeekerFilter selects registrations; zero fields do not filter.
type SeekerFilter struct {
	PersonID int64
	Division string
	Status   Status
	Page
}

// VacancyFilter selects vacancies; zero fields do not filter. OpenOn
// keeps those taking applications on that day.
type VacancyFilter struct {
	EmployerID int64
	Division   string
	Occupation string // a code or a code prefix such as "2-02"
	OpenOn     period.Date
	Page
}

// GraduateFilter selects the graduates of the follow-up list: persons
// living in Division whose graduation date lies in [LeftFrom, LeftTo] and
// who have no employment relation or flexible-worker enrolment covering
// Today.
type GraduateFilter struct {
	Division string
	LeftFrom period.Date
	LeftTo   period.Date
	Today    period.Date
	Page
}

// GraduateRow is a graduate as the store finds them; Since is the end of
// their last employment relation, if any.
type GraduateRow struct {
	PersonID   int64
	Name       string
	Division   string
	Graduation registry.Graduation
	LastEnd    period.Date
}

// FairFilter selects job fairs.
type FairFilter struct {
	Division string
	From     period.Date // fairs on or after this day, when set
	Page
}

// PlacementFilter selects placements.
type PlacementFilter struct {
	PersonID   int64
	EmployerID int64
	From, To   period.Date // start dates, inclusive; zero for open
	Divisions  []string    // persons living in one of these (a caller's scope); nil for all
	Page
}
