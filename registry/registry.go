// Package registry holds the bureau's registry: persons, employers,
// employment relations and flexible workers, their validation, and the
// service that reads and writes them through a Store.
//
// It knows nothing of HTTP or SQL: store/ implements Store, web/ and cmd/
// call Service.
package registry

import (
	"time"

	"hrss/registry/ident"
	"hrss/rules/money"
	"hrss/rules/period"
)

// Education is a person's highest completed education.
type Education string

// The education levels, lowest first.
const (
	EduNone       Education = "none"
	EduPrimary    Education = "primary"    // 小学
	EduJunior     Education = "junior"     // 初中
	EduSenior     Education = "senior"     // 高中/中专
	EduVocational Education = "vocational" // 大专
	EduBachelor   Education = "bachelor"   // 本科
	EduMaster     Education = "master"     // 硕士
	EduDoctor     Education = "doctor"     // 博士
)

// EducationLevels lists the education levels, lowest first.
var EducationLevels = []Education{EduNone, EduPrimary, EduJunior, EduSenior, EduVocational, EduBachelor, EduMaster, EduDoctor}

// Rank returns the position of e in EducationLevels, or -1.
func (e Education) Rank() int {
	for i, l := range EducationLevels {
		if l == e {
			return i
		}
	}
	return -1
}

// Graduation records where and when a person left school.
type Graduation struct {
	School string      `json:"school"`
	Major  string      `json:"major"`
	Degree Education   `json:"degree"`
	Date   period.Date `json:"date"`
}

// Person is anyone in the registry (参保人).
type Person struct {
	ID                int64            `json:"id"`
	ResidentID        ident.ResidentID `json:"resident_id"` // whole, or masked by Service for callers whose role does not need it
	Name              string           `json:"name"`
	Sex               ident.Sex        `json:"sex"`
	Birth             period.Date      `json:"birth"`
	HukouDivision     string           `json:"hukou_division"`     // household registration (户籍)
	ResidenceDivision string           `json:"residence_division"` // where the person lives: a Jiaxing division
	Education         Education        `json:"education"`
	Phone             string           `json:"phone,omitempty"`
	Graduation        *Graduation      `json:"graduation,omitempty"`
	CreatedAt         time.Time        `json:"created_at"`
	UpdatedAt         time.Time        `json:"updated_at"`
}

// SealedPerson is a Person as stored: the resident ID encrypted and hashed.
type SealedPerson struct {
	Person
	IDSealed []byte
	IDHash   []byte
}

// Employer is an organisation that employs and contributes (参保单位).
type Employer struct {
	ID               int64            `json:"id"`
	CreditCode       ident.CreditCode `json:"credit_code"`
	Name             string           `json:"name"`
	IndustrySection  string           `json:"industry_section"`  // GB/T 4754 section, A-T
	IndustryDivision string           `json:"industry_division"` // GB/T 4754 two-digit division
	Division         string           `json:"division"`          // where it is registered: a Jiaxing division
	RiskClass        int              `json:"risk_class"`        // work-injury industry risk class, 1-8
	RiskFloat        money.Dec        `json:"risk_float"`        // floating factor of the work-injury rate, 0.5-1.5
	CreatedAt        time.Time        `json:"created_at"`
	UpdatedAt        time.Time        `json:"updated_at"`
}

// Insurance is one of the insurances a person is enrolled in.
type Insurance string

// The insurances (maternity is merged into medical).
const (
	Pension      Insurance = "pension"
	Medical      Insurance = "medical"
	Unemployment Insurance = "unemployment"
	WorkInjury   Insurance = "work_injury"
)

// AllInsurances lists every insurance, in display order.
var AllInsurances = []Insurance{Pension, Medical, Unemployment, WorkInjury}

// Separation is why an employment relation ended.
type Separation string

// Separation reasons. Unemployment benefit needs an involuntary one
// (社会保险法 Art. 45; 失业保险条例).
const (
	SepResignation   Separation = "resignation"    // the employee quit: voluntary
	SepContractEnd   Separation = "contract_ended" // fixed-term contract expired, not renewed by the employer
	SepDismissed     Separation = "dismissed"      // the employer ended it
	SepEmployerFault Separation = "employer_fault" // the employee quit because of the employer's breach (劳动合同法 Art. 38)
	SepMutual        Separation = "mutual_by_employer"
	SepEmployerGone  Separation = "employer_closed" // bankruptcy, closure, licence revoked
	SepRetired       Separation = "retired"
	SepDeceased      Separation = "deceased"
)

// separations maps each reason to whether it is involuntary.
var separations = map[Separation]bool{
	SepResignation: false, SepContractEnd: true, SepDismissed: true, SepEmployerFault: true,
	SepMutual: true, SepEmployerGone: true, SepRetired: false, SepDeceased: false,
}

// Involuntary reports whether s ended the relation against the person's will.
func (s Separation) Involuntary() bool { return separations[s] }

// Employment is a person working for an employer between two dates (劳动关系).
type Employment struct {
	ID           int64       `json:"id"`
	PersonID     int64       `json:"person_id"`
	EmployerID   int64       `json:"employer_id"`
	Start        period.Date `json:"start"`
	End          period.Date `json:"end,omitzero"` // zero while the relation lasts
	Separation   Separation  `json:"separation,omitempty"`
	DeclaredWage money.Fen   `json:"declared_wage"` // monthly, in fen
	Insurances   []Insurance `json:"insurances"`
	CreatedAt    time.Time   `json:"created_at"`
	UpdatedAt    time.Time   `json:"updated_at"`
}

// Active reports whether the relation covers any day of month p.
func (e Employment) Active(p period.YearMonth) bool {
	return !p.Last().Before(e.Start) && (e.End.IsZero() || !e.End.Before(p.First()))
}

// FlexibleWorker is a flexible worker's enrolment (灵活就业人员参保): the
// person contributes on their own on a base chosen between 60% and 300%
// of the average wage.
type FlexibleWorker struct {
	ID        int64       `json:"id"`
	PersonID  int64       `json:"person_id"`
	Division  string      `json:"division"` // where enrolled: a Jiaxing division
	Start     period.Date `json:"start"`
	End       period.Date `json:"end,omitzero"`
	BasePct   int         `json:"base_pct"` // chosen base level, percent of the average wage, 60-300
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}
