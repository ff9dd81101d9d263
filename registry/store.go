package registry

import (
	"context"

	"hrss/access"
	"hrss/rules/money"
)

// Store runs transactions over the registry's data. store/ implements it
// for SQLite and PostgreSQL.
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

// Tx is what the registry reads and writes inside a transaction. Reads of
// a missing row return a *fault.Error of Kind NotFound; a write that
// breaks a uniqueness constraint returns Kind Conflict. It appends to the
// audit trail in the same transaction (access.AuditTx).
type Tx interface {
	access.AuditTx

	InsertPerson(ctx context.Context, p *SealedPerson) error // sets p.ID
	UpdatePerson(ctx context.Context, p *SealedPerson) error
	Person(ctx context.Context, id int64) (SealedPerson, error)
	ListPersons(ctx context.Context, f PersonFilter) ([]SealedPerson, error)

	InsertEmployer(ctx context.Context, e *Employer) error // sets e.ID
	UpdateEmployer(ctx context.Context, e *Employer) error
	Employer(ctx context.Context, id int64) (Employer, error)
	ListEmployers(ctx context.Context, f EmployerFilter) ([]Employer, error)

	InsertEmployment(ctx context.Context, e *Employment) error // sets e.ID
	UpdateEmployment(ctx context.Context, e *Employment) error
	Employment(ctx context.Context, id int64) (Employment, error)
	ListEmployments(ctx context.Context, f EmploymentFilter) ([]Employment, error)

	InsertFlexible(ctx context.Context, f *FlexibleWorker) error // sets f.ID
	UpdateFlexible(ctx context.Context, f *FlexibleWorker) error
	Flexible(ctx context.Context, id int64) (FlexibleWorker, error)
	ListFlexible(ctx context.Context, f FlexibleFilter) ([]FlexibleWorker, error)

	// PutWage records d, replacing the declaration of its relation and
	// year; it returns the replaced wage, nil when there was none.
	PutWage(ctx context.Context, d *WageDeclaration) (*money.Fen, error)
	ListWages(ctx context.Context, f WageFilter) ([]WageDeclaration, error)
}

// Page selects a page of a list ordered by ID: rows with ID > After, at
// most Limit of them.
type Page struct {
	After int64
	Limit int
}

// PersonFilter selects persons; empty fields do not filter.
type PersonFilter struct {
	IDHash     []byte // keyed hash of the resident ID (exact match)
	NamePrefix string
	Division   string   // residence division
	ID         int64    // this person only
	Divisions  []string // residence division in any of these (a caller's scope)
	EmployerID int64    // persons with a relation (past or present) to this employer
	Newest     bool     // the newest first (by id, descending)
	Page
}

// EmployerFilter selects employers; empty fields do not filter.
type EmployerFilter struct {
	CreditCode string
	NamePrefix string
	Division   string
	ID         int64    // this employer only
	Divisions  []string // division in any of these (a caller's scope)
	PersonID   int64    // employers with a relation (past or present) to this person
	Page
}

// EmploymentFilter selects employment relations; zero fields do not filter.
type EmploymentFilter struct {
	PersonID   int64
	EmployerID int64
	Divisions  []string // the person lives in, or the employer is registered in, one of these (a caller's scope)
	Page
}

// FlexibleFilter selects flexible-worker enrolments; zero fields do not filter.
type FlexibleFilter struct {
	PersonID  int64
	Division  string
	Divisions []string // enrolled in, or the person lives in, one of these (a caller's scope)
	Page
}
