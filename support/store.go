package support

import (
	"context"
	"time"

	"hrss/access"
	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

// Store runs transactions over the support programmes' data. store/
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

// Tx is what the support programmes read and write inside a transaction.
// Reads of a missing row return a *fault.Error of Kind NotFound.
type Tx interface {
	access.AuditTx
	// Candidates calls fn for every event of programme g's formula with
	// its first day from g.From to the earlier of g.Until and asOf (hires
	// for job_expansion and hiring_insurance, first self-employed
	// enrolments for startup_subsidy, internships ended by asOf for
	// internship), with the facts of the records as of asOf, in the order
	// of the source records' IDs. A candidate may still fail the rule.
	Candidates(ctx context.Context, g *rules.Programme, asOf period.Date, fn func(Candidate) error) error
	// InsertGrant stores g unless its family already pays g.Key (the
	// database's unique key decides) and reports whether it did; sets g.ID.
	InsertGrant(ctx context.Context, g *Grant, foundAsOf period.Date) (bool, error)
	Grant(ctx context.Context, id int64) (Grant, error)
	// ListGrants lists grants in ID order.
	ListGrants(ctx context.Context, f GrantFilter) ([]Grant, error)
	// LiveGrants lists programme's grants that still stand (neither
	// rejected, revoked nor clawed back) found as of a day not after asOf.
	LiveGrants(ctx context.Context, programme string, asOf period.Date) ([]Grant, error)
	// UpdateGrant records a grant's status, batch and note.
	UpdateGrant(ctx context.Context, g Grant) error
	// GrantTotals sums grants by programme, division and status.
	GrantTotals(ctx context.Context, f GrantFilter) ([]Total, error)
	InsertScan(ctx context.Context, s *Scan) error // sets s.ID
	UpdateScan(ctx context.Context, s Scan) error
	ListScans(ctx context.Context, limit int) ([]Scan, error)
	InsertGrantBatch(ctx context.Context, b *Batch) error // sets b.ID
	UpdateGrantBatch(ctx context.Context, b Batch) error
	GrantBatch(ctx context.Context, id int64) (Batch, error)
	ListGrantBatches(ctx context.Context, divisions []string, status Status) ([]Batch, error)
	// Payee returns the account of a beneficiary, if recorded.
	Payee(ctx context.Context, kind rules.Beneficiary, id int64) (Payee, bool, error)
	PutPayee(ctx context.Context, p Payee) error
	InsertPayRun(ctx context.Context, r *PaymentRun) error // sets r.ID
	UpdatePayRun(ctx context.Context, r PaymentRun) error
	ListPayRuns(ctx context.Context) ([]PaymentRun, error)
	PayRun(ctx context.Context, id int64) (PaymentRun, error)
	// PayRunByKey returns the run made with key, if there is one.
	PayRunByKey(ctx context.Context, key string) (PaymentRun, bool, error)
	InsertPayRow(ctx context.Context, p Payment) error
	// Payments lists the payments of a run (all runs when run is 0) of
	// one grant when grant is not 0, in reference order.
	PayRows(ctx context.Context, run, grant int64) ([]Payment, error)
	PayRow(ctx context.Context, reference string) (Payment, bool, error)
	UpdatePayRow(ctx context.Context, p Payment) error
	InsertReturn(ctx context.Context, r *Return) error // sets r.ID
	// Name lookups for the screens and the bank file.
	PersonName(ctx context.Context, id int64) (string, error)
	EmployerName(ctx context.Context, id int64) (string, error)
	InsertInternship(ctx context.Context, in *Internship) error // sets in.ID
	Internship(ctx context.Context, id int64) (Internship, error)
	ListInternships(ctx context.Context, f InternshipFilter) ([]Internship, error)
	InsertLoan(ctx context.Context, l *StartupLoan) error // sets l.ID
	UpdateLoan(ctx context.Context, l StartupLoan) error
	Loan(ctx context.Context, id int64) (StartupLoan, error)
	ListLoans(ctx context.Context, f LoanFilter) ([]StartupLoan, error)
	// EnterpriseStaff counts an employer's relations running on day and
	// those that started in the twelve months before it.
	EnterpriseStaff(ctx context.Context, employer int64, day period.Date) (staff, hires int, err error)
	// PersonDivision and EmployerDivision return where a person lives and
	// where an employer is registered (NotFound when there is none).
	PersonDivision(ctx context.Context, id int64) (string, error)
	EmployerDivision(ctx context.Context, id int64) (string, error)
	// CheckSupport checks one of Invariants and returns how many rows
	// or groups it examined and at most limit breaches.
	CheckSupport(ctx context.Context, name string, limit int) (int, []string, error)
}

// GrantFilter selects grants; zero fields do not filter.
type GrantFilter struct {
	Programme  string
	Divisions  []string // any of these
	Status     Status
	PersonID   int64
	EmployerID int64
	Payee      rules.Beneficiary // grants paid to this kind of beneficiary
	PayeeID    int64             // with Payee: to this one
	BatchID    int64
	LoanID     int64
	AfterID    int64 // paging: grants with a greater ID
	Limit      int   // 0: no limit
}

// Total is the sum of grants of one programme, division and status.
type Total struct {
	Programme string    `json:"programme"`
	Division  string    `json:"division"`
	Status    Status    `json:"status"`
	Grants    int       `json:"grants"`
	Amount    money.Fen `json:"amount"`
}

// Internship is an employment internship (就业见习) agreed between a host
// and an intern, recorded by a caseworker of the host's division.
type Internship struct {
	ID         int64       `json:"id"`
	EmployerID int64       `json:"employer_id"` // the host
	PersonID   int64       `json:"person_id"`   // the intern
	Division   string      `json:"division"`    // the host's
	Start      period.Date `json:"start"`
	End        period.Date `json:"end"`       // the last day served
	Allowance  money.Fen   `json:"allowance"` // the monthly living allowance
	Actor      string      `json:"actor"`
	CreatedAt  time.Time   `json:"created_at"`
}

// InternshipFilter selects internships.
type InternshipFilter struct {
	Divisions  []string
	EmployerID int64
	PersonID   int64
}
