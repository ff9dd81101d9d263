package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"hrss/queue"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// A month's assessment and its close, from the API (POST
// /api/v1/assessments, POST /api/v1/periods/{period}/close) or the runs
// screen (POST /runs, POST /runs/close), are queued the same one way, as
// a job of the queue (JobAssessment, JobPeriodClose) that whichever
// server's worker claims runs, storing its progress in the job's row; the
// request answers at once with the job to follow (GET /api/v1/queue/{id},
// the screen's /runs/{id}). What would stop the job at its start is
// refused in the request, before anything is queued.

// periodJob is a job over one period as it is queued.
type periodJob struct {
	kind  string                          // JobAssessment or JobPeriodClose
	name  string                          // its name in messages and rules: "assessment", "close"
	args  any                             // its arguments, with the period
	check func(ctx context.Context) error // what would stop it at its start, reading only
}

// enqueuePeriodJob queues job over period p as the caller of r. key is
// the request key scoped to the caller, read from field ("" for none): a
// repeat with it answers the job the first request queued (created
// false), a key used for the same kind of job over another period is
// Invalid. A job of the kind over p already queued or running under
// another key is a Conflict (rule <name>.queued) naming that job, which
// the caller should follow. Otherwise job.check runs first and its
// refusal is the answer, unless key is that of a job of the kind over p
// done since (among the newest 500): a repeat answers it.
func (s *Server) enqueuePeriodJob(r *http.Request, p period.YearMonth, job periodJob, field, key string) (j queue.Job, created bool, err error) {
	ctx := r.Context()
	if q, ok, err := s.periodJobQueued(r, job.kind, p); err != nil {
		return j, false, err
	} else if ok && key != "" && q.Key == key {
		return q, false, nil
	} else if ok {
		return j, false, fault.Conflictf("period", job.name+".queued", "the %s of %s is already %s as job %d: follow it (GET /api/v1/queue/%d, or the runs screen's /runs/%d)", job.name, p, q.State, q.ID, q.ID, q.ID)
	}
	if err := job.check(ctx); err != nil {
		if q, ok, _ := s.findJob(r, job.kind, []queue.State{""}, func(q queue.Job) bool { return key != "" && q.Key == key }); ok && jobPeriodOf(q) == p.String() {
			return q, false, nil // a repeat of a job done since, which its own work now refuses (the period it closed)
		}
		return j, false, err
	}
	raw, _ := json.Marshal(job.args)
	j, created, err = s.Queue.EnqueueKey(ctx, job.kind, key, raw)
	if err == nil && !created && jobPeriodOf(j) != p.String() {
		return queue.Job{}, false, fault.Invalidf(field, "request.key", "this request key was given for the %s of %s: give a new key for another period", job.name, jobPeriodOf(j))
	}
	return j, created, err
}

// periodJobQueued returns a job of kind over period p that is queued or
// running, if there is one.
func (s *Server) periodJobQueued(r *http.Request, kind string, p period.YearMonth) (queue.Job, bool, error) {
	return s.findJob(r, kind, []queue.State{queue.Running, queue.Queued}, func(j queue.Job) bool { return jobPeriodOf(j) == p.String() })
}

// findJob returns the newest job of kind in one of states ("" for any)
// that match accepts, among the newest 500 of each state the caller may
// see.
func (s *Server) findJob(r *http.Request, kind string, states []queue.State, match func(queue.Job) bool) (queue.Job, bool, error) {
	for _, st := range states {
		js, err := s.Queue.Jobs(r.Context(), queue.Filter{Kinds: []string{kind}, State: st, Limit: 500})
		if err != nil {
			return queue.Job{}, false, err
		}
		for _, j := range js {
			if match(j) {
				return j, true, nil
			}
		}
	}
	return queue.Job{}, false, nil
}

// jobPeriodOf is the period of an assessment or close job ("" if its
// arguments say none).
func jobPeriodOf(j queue.Job) string {
	var in closeArgs // the period, which both kinds have
	json.Unmarshal(j.Args, &in)
	return in.Period
}

// apiEnqueuePeriodJob queues job over p for an API request with its
// Idempotency-Key key and answers 202 with the job, or, when a repeat of
// an earlier request queued nothing, 200 with that request's job
// (repeated); Location is the job in the queue's API.
func (s *Server) apiEnqueuePeriodJob(w http.ResponseWriter, r *http.Request, p period.YearMonth, job periodJob, key string) {
	j, created, err := s.enqueuePeriodJob(r, p, job, idempotencyHeader, key)
	if err != nil {
		writeError(w, r, err)
		return
	}
	out, status := newJobOut(j), http.StatusAccepted
	if !created {
		out.Repeated, status = true, http.StatusOK
	}
	w.Header().Set("Location", "/api/v1/queue/"+strconv.FormatInt(j.ID, 10))
	respond(w, r, status, out, nil)
}

// uiEnqueuePeriodJob queues the job job makes of the period posted as the
// API does and goes to its progress page. The form's request key, made
// the period's (a form whose period is typed may be sent again for
// another month), makes a second submit follow the first's job.
func (s *Server) uiEnqueuePeriodJob(w http.ResponseWriter, r *http.Request, job func(period.YearMonth) periodJob) {
	if s.Insurance == nil || s.Queue == nil {
		s.uiNotFound(w, r)
		return
	}
	p, err := postedPeriod(r)
	var key string
	if err == nil {
		key, err = formRequestKey(r)
	}
	if key != "" {
		key += "/" + p.String()
	}
	var j queue.Job
	if err == nil {
		j, _, err = s.enqueuePeriodJob(r, p, job(p), requestKeyField, key)
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/runs/"+strconv.FormatInt(j.ID, 10), http.StatusSeeOther)
}
