package employment

import (
	"time"

	"hrss/registry"
	"hrss/rules/money"
	"hrss/rules/period"
)

// Status is the state of a registration, vacancy or fair.
type Status string

// The statuses.
const (
	Active Status = "active" // a registration in force
	Closed Status = "closed" // a registration ended (with a Ground), a vacancy withdrawn or filled
	Open   Status = "open"   // a vacancy taking applications, a fair taking registrations
)

// Ground is why a registration ended (RULES.md §6: 失业登记注销).
type Ground string

// The deregistration grounds of RULES.md §6, and withdrawal at the
// person's own request (seeker registrations only).
const (
	GroundHired        Ground = "hired"            // a new employment relation started (就业)
	GroundBusiness     Ground = "business_started" // started a business (自主创业)
	GroundStableWork   Ground = "stable_work"      // stable flexible work paying at least the minimum wage
	GroundPension      Ground = "pension"          // draws a pension (享受基本养老保险待遇)
	GroundIncapacity   Ground = "incapacity"       // lost the capacity to work
	GroundEducation    Ground = "education"        // entered full-time education (升学)
	GroundMilitary     Ground = "military"         // entered military service (应征入伍)
	GroundEmigration   Ground = "emigration"       // settled abroad (出境定居)
	GroundImprisonment Ground = "imprisonment"     // serving a sentence (被判刑收监)
	GroundRefused      Ground = "refused_services" // refused services without good reason
	GroundNoContact    Ground = "no_contact"       // no contact for 6 consecutive months
	GroundWithdrawn    Ground = "withdrawn"        // withdrew the job-seeker registration
)

// Grounds lists the grounds in display order.
var Grounds = []Ground{GroundHired, GroundBusiness, GroundStableWork, GroundPension, GroundIncapacity, GroundEducation,
	GroundMilitary, GroundEmigration, GroundImprisonment, GroundRefused, GroundNoContact, GroundWithdrawn}

// NoContactMonths is the number of consecutive months without contact
// after which a registration ends (RULES.md §6) [U].
const NoContactMonths = 6

// Mobility says where a seeker will work.
type Mobility string

// The mobility choices.
const (
	MobilityDivisions Mobility = "divisions" // the home division and the listed ones only (a hard filter)
	MobilityCity      Mobility = "city"      // anywhere in Jiaxing (nearer scores higher)
)

// SeekerRegistration is a job-seeker registration (求职登记): the person's
// profile that matching reads. A person has at most one active one.
type SeekerRegistration struct {
	ID          int64              `json:"id"`
	PersonID    int64              `json:"person_id"`
	Division    string             `json:"division"` // where registered and living: a Jiaxing county-level division
	Registered  period.Date        `json:"registered"`
	LastContact period.Date        `json:"last_contact"`
	Status      Status             `json:"status"`
	ClosedOn    period.Date        `json:"closed_on,omitzero"`
	Ground      Ground             `json:"ground,omitempty"`
	Occupations []OccupationCode   `json:"occupations"`        // desired, at most MaxDesired
	Skills      []string           `json:"skills"`             // skill codes, sorted
	Education   registry.Education `json:"education"`          // highest completed
	Experience  int                `json:"experience_years"`   // years of work experience
	SalaryMin   money.Fen          `json:"salary_min"`         // expected monthly wage, at least; 0 = no expectation
	Divisions   []string           `json:"accepted_divisions"` // other divisions the seeker accepts
	Mobility    Mobility           `json:"mobility"`
	OptOut      bool               `json:"opt_out"`  // refuses personalised recommendations (PIPL Art. 24)
	Graduate    bool               `json:"graduate"` // left school within 2 years when registering (from the registry)
	CreatedAt   time.Time          `json:"created_at"`
	UpdatedAt   time.Time          `json:"updated_at"`
}

// MaxDesired bounds the desired occupations of a seeker.
const MaxDesired = 3

// MaxSkills bounds the skills of a seeker or a vacancy.
const MaxSkills = 20

// UnemploymentRegistration is an unemployment registration (失业登记). A
// person has at most one active one.
type UnemploymentRegistration struct {
	ID           int64       `json:"id"`
	PersonID     int64       `json:"person_id"`
	Division     string      `json:"division"`
	Registered   period.Date `json:"registered"`
	LastContact  period.Date `json:"last_contact"`
	Status       Status      `json:"status"`
	EndedOn      period.Date `json:"ended_on,omitzero"`
	Ground       Ground      `json:"ground,omitempty"`
	EmploymentID int64       `json:"employment_id,omitempty"` // the relation that ended it (ground hired)
	CreatedAt    time.Time   `json:"created_at"`
	UpdatedAt    time.Time   `json:"updated_at"`
}

// Vacancy is an open position an employer posts (岗位).
type Vacancy struct {
	ID          int64              `json:"id"`
	EmployerID  int64              `json:"employer_id"`
	Title       string             `json:"title"`
	Occupation  OccupationCode     `json:"occupation"`
	Skills      []string           `json:"skills"` // required, sorted
	Education   registry.Education `json:"education"`
	Experience  int                `json:"experience_years"`
	SalaryMin   money.Fen          `json:"salary_min"`
	SalaryMax   money.Fen          `json:"salary_max"`
	Division    string             `json:"division"`
	Openings    int                `json:"openings"`
	Filled      int                `json:"filled"`
	ValidFrom   period.Date        `json:"valid_from"`
	ValidTo     period.Date        `json:"valid_to"`
	Status      Status             `json:"status"` // open or closed
	Description string             `json:"description,omitempty"`
	CreatedAt   time.Time          `json:"created_at"`
	UpdatedAt   time.Time          `json:"updated_at"`
}

// OpenOn reports whether v takes applications on day d: open, within its
// validity dates and with openings left.
func (v Vacancy) OpenOn(d period.Date) bool {
	return v.Status == Open && !d.Before(v.ValidFrom) && !v.ValidTo.Before(d) && v.Filled < v.Openings
}

// ServiceKind is one element of the "1131" package for unemployed graduates.
type ServiceKind string

// The kinds of service (RULES.md §6, "1131").
const (
	PolicyBriefing ServiceKind = "policy_briefing"        // 政策宣介: at least 1
	CareerGuidance ServiceKind = "career_guidance"        // 职业指导: at least 1
	JobLead        ServiceKind = "job_lead"               // 岗位信息: at least 3, each linked to a vacancy
	Training       ServiceKind = "training_or_internship" // 技能培训或就业见习机会: at least 1
)

// ServiceKinds lists the kinds with the number the package requires.
var ServiceKinds = []ServiceNeed{{PolicyBriefing, 1}, {CareerGuidance, 1}, {JobLead, 3}, {Training, 1}}

// ServiceNeed is how many services of a kind the package requires.
type ServiceNeed struct {
	Kind ServiceKind
	Need int
}

// ServiceRecord is one service of the "1131" package given to a person
// and recorded by a caseworker (the glossary's Service).
type ServiceRecord struct {
	ID         int64       `json:"id"`
	PersonID   int64       `json:"person_id"`
	Kind       ServiceKind `json:"kind"`
	Date       period.Date `json:"date"`
	VacancyID  int64       `json:"vacancy_id,omitempty"` // job leads
	Note       string      `json:"note,omitempty"`
	RecordedBy string      `json:"recorded_by,omitempty"`
	CreatedAt  time.Time   `json:"created_at"`
}

// Recommendation records that a vacancy was recommended to a seeker, on
// demand or by a batch run; placements are attributed to it.
type Recommendation struct {
	ID        int64       `json:"id"`
	SeekerID  int64       `json:"seeker_id"`
	VacancyID int64       `json:"vacancy_id"`
	Score     Points      `json:"score"`
	Rank      int         `json:"rank"`
	BatchID   int64       `json:"batch_id,omitempty"` // 0 for an on-demand recommendation
	Date      period.Date `json:"date"`
	CreatedAt time.Time   `json:"created_at"`
}

// PlacementSource is what a placement is attributed to.
type PlacementSource string

// The sources, in the order attribution prefers them on the same day.
const (
	SourceFair           PlacementSource = "fair"           // an interview slot at a job fair with the employer
	SourceJobLead        PlacementSource = "job_lead"       // a job lead to one of the employer's vacancies
	SourceRecommendation PlacementSource = "recommendation" // a recommended vacancy of the employer
	SourceNone           PlacementSource = "none"           // no service preceded the hire
)

// Placement is a registered seeker or unemployed person starting an
// employment relation, attributed to the service that preceded it.
type Placement struct {
	ID           int64           `json:"id"`
	PersonID     int64           `json:"person_id"`
	EmploymentID int64           `json:"employment_id"`
	EmployerID   int64           `json:"employer_id"`
	Start        period.Date     `json:"start"`
	Source       PlacementSource `json:"source"`
	SourceID     int64           `json:"source_id,omitempty"` // recommendation, service or fair ID
	VacancyID    int64           `json:"vacancy_id,omitempty"`
	CreatedAt    time.Time       `json:"created_at"`
}

// BatchRun records a batch matching run and its coverage.
type BatchRun struct {
	ID        int64       `json:"id"`
	Date      period.Date `json:"date"`
	Coverage  Coverage    `json:"coverage"`
	CreatedAt time.Time   `json:"created_at"`
}

// JobFair is a job fair (招聘会) with interview slots.
type JobFair struct {
	ID            int64       `json:"id"`
	Name          string      `json:"name"`
	Division      string      `json:"division"`
	Date          period.Date `json:"date"`
	Venue         string      `json:"venue"`
	Start         string      `json:"start"`          // first slot, HH:MM
	SlotMinutes   int         `json:"slot_minutes"`   // length of an interview slot
	MaxInterviews int         `json:"max_interviews"` // interviews a seeker may get
	Status        Status      `json:"status"`         // open until slots are allocated, then closed
	AllocatedAt   time.Time   `json:"allocated_at,omitzero"`
	CreatedAt     time.Time   `json:"created_at"`
	UpdatedAt     time.Time   `json:"updated_at"`
}

// FairEmployer is an employer taking part in a fair with some of its
// vacancies and a number of interview slots.
type FairEmployer struct {
	FairID     int64   `json:"fair_id"`
	EmployerID int64   `json:"employer_id"`
	Slots      int     `json:"slots"`
	Vacancies  []int64 `json:"vacancy_ids"`
}

// FairRegistration is a seeker's registration for a fair with the
// participating employers it wants to meet, best first.
type FairRegistration struct {
	FairID      int64   `json:"fair_id"`
	SeekerID    int64   `json:"seeker_id"`
	Preferences []int64 `json:"preferences"` // employer IDs
}

// FairInterview is an interview of a seeker at a fair.
type FairInterview struct {
	FairID int64       `json:"fair_id"`
	Date   period.Date `json:"date"`
	Interview
}
