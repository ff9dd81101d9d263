// Package insurance runs social insurance: the monthly assessment run
// (核定) that turns the registry's insured person-months into contribution
// rows and one bill per payer, corrections of closed periods, collections
// imported from the tax bureau, arrears with late fees, personal pension
// accounts with their legacy history and yearly interest, rights-record
// statements, pension and unemployment claims with four-eyes approval and
// the monthly benefit payment runs, and the invariants (Check) that prove
// nothing was lost, doubled or silently changed.
//
// Every amount is computed by rules/: this package only decides what is
// computed, when, and how it is kept. It knows nothing of HTTP or SQL:
// store/ implements Store, web/ and cmd/ call Service.
//
// How a period is kept: an assessment run writes its rows and bills under
// its own run ID, in chunks, each chunk committed with a check that the
// run still holds the period's lock (a row with a heartbeat). The run's
// rows become the period's only when its last transaction points the
// period at it, so a crashed run is never visible: the next run deletes
// its rows and does the work again. A closed period is never rewritten;
// corrections add adjustment rows to it.
package insurance

import (
	"time"

	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

// PayerKind says who pays a bill.
type PayerKind int8

// The kinds of payer.
const (
	PayerEmployer PayerKind = 1 // an employer, for its employees
	PayerFlexible PayerKind = 2 // a flexible worker, for themselves; the payer ID is the person
)

// String returns "employer" or "flexible".
func (k PayerKind) String() string {
	if k == PayerFlexible {
		return "flexible"
	}
	if k == PayerEmployer {
		return "employer"
	}
	return "unmatched"
}

// MarshalText writes the kind's name.
func (k PayerKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Row is one assessed person-month: one employment relation or flexible
// enrolment in one period, with the base and the seven contribution lines
// in rules.Line order (lines for insurances the relation is not enrolled
// in are zero). An adjustment row holds differences instead.
type Row struct {
	Period        period.YearMonth          `json:"period"`
	Run           int64                     `json:"run,omitempty"`
	Seq           int32                     `json:"seq,omitempty"` // ordinal in its run; an adjustment's ID
	PersonID      int64                     `json:"person_id"`
	Kind          PayerKind                 `json:"kind"`
	RelationID    int64                     `json:"relation_id"` // employment or flexible enrolment
	PayerID       int64                     `json:"payer_id"`    // employer, or the flexible worker's person
	Division      string                    `json:"division"`
	Base          money.Fen                 `json:"base"`
	Lines         [rules.NumLines]money.Fen `json:"lines"`
	AccountCredit money.Fen                 `json:"account_credit"`
}

// Total returns the sum of the row's lines.
func (r *Row) Total() money.Fen {
	var t money.Fen
	for _, a := range r.Lines {
		t += a
	}
	return t
}

// EmployerPart returns the sum of the employer lines.
func (r *Row) EmployerPart() money.Fen {
	var t money.Fen
	for l, a := range r.Lines {
		if rules.Line(l).Party() == rules.Employer {
			t += a
		}
	}
	return t
}

// Bill is what one payer owes for one period (征收单): the sums of the
// period's rows of the payer; Due adds the adjustments of corrections,
// Paid and Overpaid come from collections.
type Bill struct {
	Period         period.YearMonth `json:"period"`
	Run            int64            `json:"run"`
	PayerKind      PayerKind        `json:"payer_kind"`
	PayerID        int64            `json:"payer_id"`
	Division       string           `json:"division"`
	Persons        int              `json:"persons"`
	EmployerPart   money.Fen        `json:"employer_part"`
	IndividualPart money.Fen        `json:"individual_part"`
	Total          money.Fen        `json:"total"`    // as assessed by the run
	Adjusted       money.Fen        `json:"adjusted"` // sum of corrections' adjustments
	Due            money.Fen        `json:"due"`      // Total + Adjusted
	Paid           money.Fen        `json:"paid"`     // applied collections
	Overpaid       money.Fen        `json:"overpaid"` // recorded overpayment
	DueDate        period.Date      `json:"due_date"`
}

// Unpaid returns what is still owed on the bill.
func (b Bill) Unpaid() money.Fen { return max(b.Due-b.Paid, 0) }

// PeriodStatus is whether a period may still be re-assessed.
type PeriodStatus string

// The statuses of a period.
const (
	PeriodOpen    PeriodStatus = "open"
	PeriodClosing PeriodStatus = "closing" // being closed (Close): its accounts are credited in chunks
	PeriodClosed  PeriodStatus = "closed"
)

// Final reports whether a period in status s is closing or closed: it is
// never re-assessed again (corrections add adjustments instead), and a
// bill of it paid in full credits its personal accounts at once.
func (s PeriodStatus) Final() bool { return s == PeriodClosing || s == PeriodClosed }

// PeriodState is a period's status and the run whose rows stand for it.
type PeriodState struct {
	Period     period.YearMonth `json:"period"`
	Status     PeriodStatus     `json:"status"`
	CurrentRun int64            `json:"current_run"`
	ClosedAt   time.Time        `json:"closed_at,omitzero"`
	ClosedBy   string           `json:"closed_by,omitempty"`
	// Credited is, while the period is closing, the last payer whose
	// accounts the close has credited (zero before the first chunk):
	// every payer before it in payer order is done.
	Credited PayerRef `json:"-"`
}

// BillPayer is a payer of a period's run and the persons of its bill.
type BillPayer struct {
	ID      int64
	Persons int
}

// PayerRange is the payers of one kind whose IDs are First to Last,
// both included.
type PayerRange struct {
	Kind        PayerKind
	First, Last int64
}

// RunStatus is where an assessment run stands.
type RunStatus string

// The statuses of a run.
const (
	RunRunning   RunStatus = "running"
	RunDone      RunStatus = "done"
	RunAbandoned RunStatus = "abandoned" // crashed or taken over; its rows are deleted
)

// Run is one assessment run of a period.
type Run struct {
	ID         int64            `json:"id"`
	Period     period.YearMonth `json:"period"`
	Status     RunStatus        `json:"status"`
	Actor      string           `json:"actor"`
	StartedAt  time.Time        `json:"started_at"`
	FinishedAt time.Time        `json:"finished_at,omitzero"`
	Persons    int              `json:"persons"`
	Payers     int              `json:"payers"`
	Total      money.Fen        `json:"total"`
	Summary    string           `json:"-"` // the Summary as JSON
}

// RunLock is the row that makes a run the only one of its period.
type RunLock struct {
	Period    period.YearMonth
	Run       int64
	Heartbeat time.Time
}

// Summary is the result of an assessment run.
type Summary struct {
	Period      period.YearMonth              `json:"period"`
	Run         int64                         `json:"run"`
	Persons     int                           `json:"persons"` // distinct persons
	Rows        int                           `json:"rows"`    // person-months (a person with two employers is two)
	Employers   int                           `json:"employers"`
	Flexible    int                           `json:"flexible_workers"`
	Total       money.Fen                     `json:"total"`
	ByInsurance map[rules.Insurance]money.Fen `json:"by_insurance"`
	ByParty     map[rules.Party]money.Fen     `json:"by_party"`
	// StaleLeft, when not empty, says why the rows of the run replaced
	// were not all deleted after the switch (the next run deletes the
	// rest; no reader counts them meanwhile).
	StaleLeft string `json:"stale_left,omitempty"`
}
