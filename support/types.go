// Package support runs the bureau's support programmes (补贴/资助项目):
// the proactive scan that finds from the records who is owed a subsidy
// (免申即享: nobody applies), the grants it creates with the rule's trace,
// four-eyes approval of grant batches, payment runs with the bank's file
// and its return, re-issue of failed payments, revocation and clawback,
// internships, and entrepreneurship guaranteed loans with the monthly
// interest subsidy claimed by the lending bank. The programmes and their
// formulas are rules (rules.Programme, rules.Params.Decide).
//
// Like every domain package it knows neither HTTP nor SQL: store/
// implements Store and Tx. Its reads of the registry, social insurance and
// the employment services (hires, paid months, registrations) are the
// store's queries behind Tx.Candidates, so that the scan is one pass over
// the city.
package support

import (
	"encoding/json"
	"time"

	"hrss/bank"
	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

// Status is where a grant stands.
type Status string

// The statuses of a grant. A scan creates it pending; a caseworker puts it
// in a batch (prepared); a reviewer who did not prepare the batch approves
// it or rejects it; a payment run issues it and the bank's return marks it
// paid or failed; a failed grant is issued again once its payee is
// corrected. A grant whose eligibility is lost before payment is revoked;
// after payment a clawback is recorded.
const (
	Pending   Status = "pending"
	Prepared  Status = "prepared"
	Approved  Status = "approved"
	Rejected  Status = "rejected"
	Revoked   Status = "revoked"
	Issued    Status = "issued" // in a payment run, the bank's return not yet in
	Paid      Status = "paid"
	Failed    Status = "failed" // the bank could not pay; re-issued once corrected
	Clawback  Status = "clawback"
	StatusAll Status = ""
)

// Statuses lists the statuses in the order of the flow.
var Statuses = []Status{Pending, Prepared, Approved, Issued, Paid, Failed, Rejected, Revoked, Clawback}

// Grant is one programme's money found due to one beneficiary, with the
// facts and the rule's decision that made it due.
type Grant struct {
	ID          int64             `json:"id"`
	Programme   string            `json:"programme"`
	Family      string            `json:"family"`
	Key         string            `json:"key"`                   // what the family pays once: p:PERSON, p:PERSON/e:EMPLOYER, loan:ID/YYYY-MM
	PersonID    int64             `json:"person_id,omitempty"`   // the person it is for (the hire, the intern, the founder)
	PersonName  string            `json:"person_name,omitempty"` // for the screens
	EmployerID  int64             `json:"employer_id,omitempty"` // the employer concerned (hirer, host, borrower)
	Employer    string            `json:"employer,omitempty"`    // its name
	Beneficiary rules.Beneficiary `json:"beneficiary"`
	PayeeID     int64             `json:"payee_id"` // the employer, the person or the loan (whose bank is paid)
	Division    string            `json:"division"`
	Source      Source            `json:"source"` // which hire, registration, enrolment, internship or loan
	Event       period.Date       `json:"event"`
	Amount      money.Fen         `json:"amount"`
	Months      int               `json:"months,omitempty"`
	Group       rules.Group       `json:"group,omitempty"`
	Reason      rules.Reason      `json:"reason"`
	Trace       []rules.Step      `json:"trace,omitempty"`
	ScanID      int64             `json:"scan_id,omitempty"`
	Status      Status            `json:"status"`
	BatchID     int64             `json:"batch_id,omitempty"`
	Note        string            `json:"note,omitempty"` // rejection, revocation or clawback reason
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
}

// Source names the records a grant was found from.
type Source struct {
	RelationID     int64              `json:"relation_id,omitempty"`     // the hire (employment relation)
	FlexibleID     int64              `json:"flexible_id,omitempty"`     // the self-employed enrolment (business)
	RegistrationID int64              `json:"registration_id,omitempty"` // the unemployment registration
	InternshipID   int64              `json:"internship_id,omitempty"`
	LoanID         int64              `json:"loan_id,omitempty"`
	LoanPeriod     period.YearMonth   `json:"loan_period,omitzero"`
	PaidMonths     []period.YearMonth `json:"paid_months,omitempty"`
}

// decisionDetail is what a grant keeps of its decision (stored as JSON).
type decisionDetail struct {
	Reason rules.Reason `json:"reason"`
	Source Source       `json:"source"`
	Trace  []rules.Step `json:"trace"`
}

// EncodeDetail returns the JSON a grant's reason, source and trace are
// stored as; DecodeDetail reads it back. store/ uses both.
func EncodeDetail(g Grant) string {
	b, _ := json.Marshal(decisionDetail{Reason: g.Reason, Source: g.Source, Trace: g.Trace})
	return string(b)
}

// DecodeDetail fills g's reason, source and trace from stored JSON.
func DecodeDetail(g *Grant, s string) error {
	var d decisionDetail
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		return err
	}
	g.Reason, g.Source, g.Trace = d.Reason, d.Source, d.Trace
	return nil
}

// Candidate is one event the store found for a programme, with the facts
// Decide needs and the records they came from.
type Candidate struct {
	PersonID   int64
	EmployerID int64 // the hirer or host; 0 for a business started by a person
	Division   string
	Source     Source
	Facts      rules.Facts
}

// Scan is one run of the proactive scan.
type Scan struct {
	ID          int64                     `json:"id"`
	AsOf        period.Date               `json:"as_of"`
	Programme   string                    `json:"programme,omitempty"` // "" for all
	Actor       string                    `json:"actor"`
	StartedAt   time.Time                 `json:"started_at"`
	FinishedAt  time.Time                 `json:"finished_at,omitzero"`
	Eligible    int                       `json:"eligible"`
	Created     int                       `json:"created"`
	Revoked     int                       `json:"revoked"`
	ByProgramme map[string]*ProgrammeScan `json:"by_programme"`
}

// ProgrammeScan is one programme's part of a scan.
type ProgrammeScan struct {
	Candidates int       `json:"candidates"`
	Eligible   int       `json:"eligible"`
	Created    int       `json:"created"`
	Revoked    int       `json:"revoked"`
	Amount     money.Fen `json:"amount"` // of the grants created
}

// Batch is a set of pending grants of one division prepared by a
// caseworker for a reviewer's decision (four eyes).
type Batch struct {
	ID         int64     `json:"id"`
	Division   string    `json:"division"`
	Programme  string    `json:"programme,omitempty"`
	Status     Status    `json:"status"` // prepared, approved or rejected
	Grants     int       `json:"grants"`
	Total      money.Fen `json:"total"`
	PreparerID int64     `json:"preparer_id"`
	Preparer   string    `json:"preparer"`
	PreparedAt time.Time `json:"prepared_at"`
	Reviewer   string    `json:"reviewer,omitempty"`
	ReviewedAt time.Time `json:"reviewed_at,omitzero"`
	Note       string    `json:"note,omitempty"`
}

// Payee is the bank account a beneficiary is paid into.
type Payee struct {
	Kind      rules.Beneficiary `json:"kind"` // employer, person or bank (a loan's lending bank)
	ID        int64             `json:"id"`   // employer, person or loan ID
	Bank      string            `json:"bank"`
	Account   string            `json:"account"`
	Holder    string            `json:"holder"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// PaymentRun is one disbursement of approved grants to the bank.
type PaymentRun struct {
	ID        int64     `json:"id"`
	Actor     string    `json:"actor"`
	CreatedAt time.Time `json:"created_at"`
	Rows      int       `json:"rows"`
	Total     money.Fen `json:"total"`
	Reissues  int       `json:"reissues"` // rows that issue a failed grant again
	// Key is the key of the request that made the run ("queue_jobs/ID"
	// for a queued job), unique; "" for a run asked for without one.
	Key string `json:"key,omitempty"`
}

// Payment is one row of a payment run: a grant paid into an account,
// known to the bank by its reference.
type Payment struct {
	Reference string    `json:"reference"` // SUP-RUN-GRANT[-n]: unique, the bank returns it
	RunID     int64     `json:"run_id"`
	GrantID   int64     `json:"grant_id"`
	Amount    money.Fen `json:"amount"`
	Bank      string    `json:"bank"`
	Account   string    `json:"account"`
	Holder    string    `json:"holder"`
	Status    Status    `json:"status"` // issued, paid or failed
	Failure   string    `json:"failure,omitempty"`
	ReturnID  int64     `json:"return_id,omitempty"`
	Reissue   bool      `json:"reissue"` // issues a grant whose earlier payment failed
}

// Return is one bank return file taken in (bank.Return).
type Return = bank.Return

// ReturnReport is what a bank return did (bank.ReturnReport).
type ReturnReport = bank.ReturnReport
