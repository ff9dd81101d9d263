package insight

import (
	"context"
	"time"

	"hrss/access"
	"hrss/registry"
	"hrss/rules/period"
)

// Store runs transactions over the records the indicators read and the
// targets. store/ implements it for SQLite and PostgreSQL.
type Store interface {
	// Update runs fn in one read-write transaction (targets, audited views).
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in one read-only transaction: every figure of one
	// answer comes from the same snapshot.
	View(ctx context.Context, fn func(Tx) error) error
	// Appender appends the audit entry of a read after its snapshot
	// (access.ViewAudited).
	access.Appender
	// Refresh brings the summary that Series reads up to date for the
	// months of years (each year's months, in order) and forgets the
	// others: it computes from the records every month of every indicator
	// that a write since the last refresh can have changed, or that the
	// summary lacks.
	Refresh(ctx context.Context, years [][]Month) (RefreshReport, error)
	// CheckSummary recomputes from the records every month of months the
	// summary holds and lists each figure that differs.
	CheckSummary(ctx context.Context, months []Month) (checked int, breaches []string, err error)
}

// RefreshReport says what one refresh of the summary did.
type RefreshReport struct {
	Months   int  `json:"months"`   // (indicator, month) pairs computed from the records
	Changes  bool `json:"changes"`  // logged changes were cleared
	Overtook bool `json:"overtook"` // another refresh committed first: nothing was written
}

// Tx is what insight reads and writes inside a transaction.
type Tx interface {
	access.AuditTx
	// Series computes indicator name for every division and the months
	// of months (each with its last day and, for arrears, the last period
	// whose bills are due by then): from the summary where no write since
	// its refresh can have changed a month, else from the records, one
	// query per indicator.
	Series(ctx context.Context, name string, months []Month) ([]Cell, error)
	// Records lists the records behind the count of indicator name in
	// division and month (at most limit), in a stable order.
	Records(ctx context.Context, name, division string, m Month, limit int) ([]Record, error)
	// Targets lists the targets of year (all indicators and divisions).
	Targets(ctx context.Context, year int) ([]Target, error)
	// PutTarget inserts or replaces the target of (year, indicator, division).
	PutTarget(ctx context.Context, t Target) error
	// Person reads a person of the registry (the drill-down names only
	// the persons in the caller's reach).
	Person(ctx context.Context, id int64) (registry.SealedPerson, error)
}

// Month is one month of a series: the period, its last day, and the last
// period whose contribution bills fall due by that day.
type Month struct {
	Period period.YearMonth
	Last   period.Date
	DueTo  period.YearMonth
}

// Cell is an indicator's figure for one division and month: Num alone for
// counts and money (fen); Num / Den for rates.
type Cell struct {
	Division string
	Period   period.YearMonth
	Num, Den int64
}

// Record is one record behind a count: a person with what counted them.
type Record struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`   // "" when OutOfReach
	Sign     int    `json:"sign"`   // +1 counted, -1 subtracted (new urban jobs' attrition)
	What     string `json:"what"`   // relation, enrolment, registration, claim, grant …
	Ref      int64  `json:"ref"`    // its ID
	Date     string `json:"date"`   // its date (start, registration, …)
	Amount   string `json:"amount"` // money indicators: the record's amount in yuan
	// OutOfReach marks a person who lives outside the caller's divisions
	// (counted by the employer's or enrolment's division): listed by ID,
	// without the name.
	OutOfReach bool `json:"out_of_reach,omitempty"`
}

// Target is a yearly goal of one indicator and division set by leadership.
type Target struct {
	Year      int       `json:"year"`
	Indicator string    `json:"indicator"`
	Division  string    `json:"division"` // 330400 for the city
	Value     int64     `json:"-"`        // count, fen, or hundredths of a percent
	Text      string    `json:"value"`    // as shown: "5000", "1234.56", "3.50"
	SetBy     string    `json:"set_by"`
	SetAt     time.Time `json:"set_at"`
}
