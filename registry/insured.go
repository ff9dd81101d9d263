package registry

import (
	"context"

	"hrss/rules/money"
	"hrss/rules/period"
)

// InsuredKind says how a person is insured in a month.
type InsuredKind string

// The kinds of insured person-month.
const (
	KindEmployee InsuredKind = "employee" // through an employment relation
	KindFlexible InsuredKind = "flexible" // as a flexible worker
)

// Insured is one insured person-month: an employment relation or a
// flexible-worker enrolment active in the month, with what the rules need
// to assess it. A person with two employers is two rows.
type Insured struct {
	PersonID     int64
	Kind         InsuredKind
	EmploymentID int64       // employees: the relation; 0 for flexible workers
	EmployerID   int64       // employees: the employer; 0 for flexible workers
	FlexibleID   int64       // flexible workers: the enrolment; 0 for employees
	Division     string      // the employer's division, or the flexible enrolment's
	Wage         money.Fen   // employees: the monthly wage of the month's year's base declaration (WageDeclaration), else the relation's DeclaredWage
	BasePct      int         // flexible workers: the chosen base level, percent of the average wage
	RiskClass    int         // employees: the employer's work-injury risk class
	RiskFloatPct int         // employees: the employer's floating factor in percent (100 = 1.0)
	Insurances   []Insurance // employees: the insurances enrolled; flexible workers: pension
}

// InsuredReader streams the insured person-months of a period. store/
// implements it; the assessment run and the reform simulation read the
// registry through it.
type InsuredReader interface {
	// EachInsured calls fn for every employment relation and flexible
	// enrolment active in month p, in a stable order (employees by
	// relation ID, then flexible workers by enrolment ID), inside one
	// read transaction. An error from fn stops the walk and is returned.
	EachInsured(ctx context.Context, p period.YearMonth, fn func(Insured) error) error
}
