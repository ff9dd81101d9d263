package web

import (
	"encoding/json"
	"net/http"
	"strconv"

	"hrss/insurance"
	"hrss/queue"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// A month's close, from the API (POST /api/v1/periods/{period}/close) or
// the runs screen (POST /runs/close), is queued as a JobPeriodClose job
// (PeriodCloseKind) that whichever server's worker claims runs, storing
// its progress in the job's row; the request answers at once with the
// job to follow (GET /api/v1/queue/{id}, the screen's /runs/{id}). What
// would stop the close at its start is refused in the request, before
// anything is queued.

// enqueueClose queues the close of period p as the caller of r, after
// the checks the close makes first (insurance.Service.CheckClose:
// Forbidden, NotFound for a period never assessed, Conflict while a run
// holds it). key is the request key scoped to the caller, read from
// field ("" for none): a repeat with it answers the job the first
// request queued (created false); a key used for another period's close
// is Invalid. A close of p already queued or running under another key
// is a Conflict naming that job, which the caller should follow.
func (s *Server) enqueueClose(r *http.Request, p period.YearMonth, field, key string) (j queue.Job, created bool, err error) {
	ctx := r.Context()
	if _, err := s.Insurance.CheckClose(ctx, p); err != nil {
		return j, false, err
	}
	if q, ok, err := s.closeQueued(r, p); err != nil {
		return j, false, err
	} else if ok && (key == "" || q.Key != key) {
		return j, false, fault.Conflictf("period", "close.queued", "the close of %s is already %s as job %d: follow it (GET /api/v1/queue/%d, or the runs screen's /runs/%d)", p, q.State, q.ID, q.ID, q.ID)
	}
	raw, _ := json.Marshal(closeArgs{Period: p.String()})
	j, created, err = s.Queue.EnqueueKey(ctx, JobPeriodClose, key, raw)
	if err == nil && !created && closePeriodOf(j) != p.String() {
		return queue.Job{}, false, fault.Invalidf(field, "request.key", "this request key was given for the close of %s: give a new key for another period", closePeriodOf(j))
	}
	return j, created, err
}

// closeQueued returns a close job of period p that is queued or running,
// if there is one.
func (s *Server) closeQueued(r *http.Request, p period.YearMonth) (queue.Job, bool, error) {
	for _, st := range []queue.State{queue.Running, queue.Queued} {
		js, err := s.Queue.Jobs(r.Context(), queue.Filter{Kinds: []string{JobPeriodClose}, State: st, Limit: 500})
		if err != nil {
			return queue.Job{}, false, err
		}
		for _, j := range js {
			if closePeriodOf(j) == p.String() {
				return j, true, nil
			}
		}
	}
	return queue.Job{}, false, nil
}

// closePeriodOf is the period of close job j ("" if its arguments say none).
func closePeriodOf(j queue.Job) string {
	var in closeArgs
	json.Unmarshal(j.Args, &in)
	return in.Period
}

// closePeriod queues the close of the path's period: 202 with the job
// (Location: the job in the queue's API), or, repeated with the
// Idempotency-Key of an earlier request, 200 with that request's job
// (repeated) and nothing queued now.
func (s *Server) closePeriod(w http.ResponseWriter, r *http.Request, _ *insurance.Service) {
	if s.Queue == nil {
		writeError(w, r, fault.NotFoundf("this server runs no job queue: close the period with hrss close"))
		return
	}
	p, key, err := periodAndKey(r, r.PathValue("period"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	j, created, err := s.enqueueClose(r, p, idempotencyHeader, key)
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

// uiClosePeriod queues the close of the period posted (no more runs;
// corrections only) as the API does, the form's request key making a
// second submit follow the first's job, and goes to its progress page.
func (s *Server) uiClosePeriod(w http.ResponseWriter, r *http.Request) {
	if s.Insurance == nil || s.Queue == nil {
		s.uiNotFound(w, r)
		return
	}
	p, err := postedPeriod(r)
	var key string
	if err == nil {
		key, err = formRequestKey(r)
	}
	var j queue.Job
	if err == nil {
		j, _, err = s.enqueueClose(r, p, requestKeyField, key)
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/runs/"+strconv.FormatInt(j.ID, 10), http.StatusSeeOther)
}
