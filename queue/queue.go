// Package queue runs the bureau's long and scheduled jobs (the monthly
// assessment run, the support scan, the employment synchronisation,
// payment runs) exactly once however many servers share the database.
//
// A job is a row of the Store: enqueued by a signed-in caller (or by the
// scheduler as System), claimed by one worker at a time under a lease the
// worker renews while the job runs, and finished with its result or its
// error. Every server runs a worker and a scheduler; a scheduled slot is
// one row because its (kind, key) is unique, and a claim hands a row to
// one worker only, so each job runs once. A worker that dies stops
// renewing its lease; once it runs out another worker takes the job
// again (attempt 2, ...) or, past the kind's MaxAttempts, marks it failed
// with the rule queue.lease_expired. A worker that lost its lease cannot
// record an outcome (every write names the worker and attempt), so the
// handlers of the kinds must tolerate a second attempt: the domain's own
// fences do that (an assessment run's period lock, a grant's unique key).
//
// Progress (done of total, a note) and the outcome are stored, so any
// server shows them. The package knows nothing of SQL or HTTP.
package queue

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"hrss/access"
	"hrss/rules/fault"
)

// State is where a job is.
type State string

// The states of a job.
const (
	Queued    State = "queued"    // waiting for a worker (or for its run_at)
	Running   State = "running"   // claimed by a worker holding a lease
	Succeeded State = "succeeded" // finished; Result holds its outcome
	Failed    State = "failed"    // finished; Error says why
)

// Job is one job and what is known of it.
type Job struct {
	ID          int64           `json:"id"`
	Kind        string          `json:"kind"`
	Key         string          `json:"key,omitempty"` // unique with Kind when set (a scheduled slot)
	Args        json.RawMessage `json:"args"`
	Caller      access.Caller   `json:"-"` // who it runs as
	CreatedBy   string          `json:"created_by"`
	State       State           `json:"state"`
	Attempts    int             `json:"attempts"`
	MaxAttempts int             `json:"max_attempts"`
	RunAt       time.Time       `json:"run_at"`
	LeaseUntil  time.Time       `json:"lease_until,omitzero"`
	Worker      string          `json:"worker,omitempty"`
	Done        int64           `json:"done"`
	Total       int64           `json:"total"`
	Note        string          `json:"note,omitempty"`
	Result      json.RawMessage `json:"result,omitempty"`
	Error       *Failure        `json:"error,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	StartedAt   time.Time       `json:"started_at,omitzero"`
	FinishedAt  time.Time       `json:"finished_at,omitzero"`
}

// Failure is why a job failed: the fault's kind, field, rule and message
// (Internal errors keep no detail), so that a screen can translate it.
type Failure struct {
	Kind    fault.Kind `json:"kind"`
	Field   string     `json:"field,omitempty"`
	Rule    string     `json:"rule"`
	Message string     `json:"message"`
	Row     int        `json:"row,omitempty"`
	Col     string     `json:"column,omitempty"`
}

// Fault returns f as the error it stands for.
func (f *Failure) Fault() *fault.Error {
	return &fault.Error{Kind: f.Kind, Field: f.Field, Rule: f.Rule, Message: f.Message, Row: f.Row, Col: f.Col}
}

// failureOf records err. An error that is not a *fault.Error (a broken
// connection, a bug) is recorded as Internal with its text, which only
// the staff who may see the kind read.
func failureOf(err error) *Failure {
	var fe *fault.Error
	var list fault.List
	if errors.As(err, &list) && len(list) > 0 {
		fe = list[0]
	}
	if fe != nil || errors.As(err, &fe) {
		return &Failure{Kind: fe.Kind, Field: fe.Field, Rule: fe.Rule, Message: fe.Message, Row: fe.Row, Col: fe.Col}
	}
	if errors.Is(err, context.Canceled) {
		return &Failure{Kind: fault.Internal, Rule: "queue.canceled", Message: "the job was stopped: its server shut down or lost its lease"}
	}
	return &Failure{Kind: fault.Internal, Rule: "queue.internal", Message: err.Error()}
}

// Progress is what a running job reports.
type Progress struct {
	Done, Total int64
	Note        string
}

// Outcome is how a job ended: Result (JSON) when Error is nil.
type Outcome struct {
	Result json.RawMessage
	Error  *Failure
	// Refused says Error is a refusal of the job's caller (Forbidden or
	// Unauthorized: the user disabled, their token revoked, their role or
	// scope narrowed since they asked): Finish records it in the audit
	// trail too (action queue.refused, as the job's caller, naming the
	// job, its kind and the rule), in the same transaction.
	Refused bool
}

// refusal reports whether err refuses the job's caller.
func refusal(err error) bool {
	k := fault.KindOf(err)
	return k == fault.Forbidden || k == fault.Unauthorized
}

// Filter selects jobs for a list, newest first.
type Filter struct {
	Kinds  []string // only these kinds (the caller's visible kinds)
	State  State    // "" for every state
	Before int64    // ids below this (the next page), 0 for the newest
	Limit  int
}

// Store keeps the jobs. Each method is one transaction. now is the
// queue's clock (so tests can move it); leases compare against it.
type Store interface {
	// Enqueue inserts j (state queued) and returns it with its ID; when
	// j.Key is set and a job of the same kind and key exists, it returns
	// that job and false instead. With audit, the insert is recorded in
	// the audit trail (action queue.enqueue) as j.Caller.
	Enqueue(ctx context.Context, j Job, audit bool) (Job, bool, error)
	// Claim hands the next job of kinds due at now to worker: a queued
	// job, or a running one whose lease ran out with attempts left. It
	// first marks failed (queue.lease_expired) the running jobs whose
	// lease ran out with no attempt left. It increments the attempts and
	// sets the lease to until; ok is false when nothing is due.
	Claim(ctx context.Context, worker string, kinds []string, now, until time.Time) (j Job, ok bool, err error)
	// Renew stores p and moves the lease of job id to until if worker
	// still holds it at attempt; held is false otherwise.
	Renew(ctx context.Context, id int64, worker string, attempt int, p Progress, until time.Time) (held bool, err error)
	// Finish records the outcome of job id if worker still holds it at
	// attempt; held is false otherwise (another worker took it). A
	// refused outcome (o.Refused) is audited with it.
	Finish(ctx context.Context, id int64, worker string, attempt int, p Progress, o Outcome, now time.Time) (held bool, err error)
	// Jobs lists the jobs f selects, newest first.
	Jobs(ctx context.Context, f Filter) ([]Job, error)
	// Job returns job id, or a NotFound error.
	Job(ctx context.Context, id int64) (Job, error)
}
