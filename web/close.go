package web

import (
	"context"
	"net/http"

	"hrss/insurance"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// closeJob is the close of period p as it is queued (enqueuePeriodJob):
// refused at once by insurance.Service.CheckClose (Forbidden, NotFound
// for a period never assessed, Conflict while a run holds it).
func (s *Server) closeJob(p period.YearMonth) periodJob {
	return periodJob{kind: JobPeriodClose, name: "close", args: closeArgs{Period: p.String()},
		check: func(ctx context.Context) error { _, err := s.Insurance.CheckClose(ctx, p); return err }}
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
	s.apiEnqueuePeriodJob(w, r, p, s.closeJob(p), key)
}

// assessJob is the assessment of period p as it is queued
// (enqueuePeriodJob), taking over a run's lock when takeover: refused
// at once by insurance.Service.CheckAssess (Forbidden, Conflict for a
// closing or closed period or while a run holds it).
func (s *Server) assessJob(p period.YearMonth, takeover bool) periodJob {
	return periodJob{kind: JobAssessment, name: "assessment", args: assessmentArgs{Period: p.String(), Takeover: takeover},
		check: func(ctx context.Context) error { return s.Insurance.CheckAssess(ctx, p, takeover) }}
}

// assess queues the assessment of the body's period: answered as
// closePeriod answers.
func (s *Server) assess(w http.ResponseWriter, r *http.Request, _ *insurance.Service) {
	if s.Queue == nil {
		writeError(w, r, fault.NotFoundf("this server runs no job queue: assess the period with hrss assess"))
		return
	}
	var in periodBody
	p, key, err := decodePeriodAndKey(r, &in, &in.Period)
	if err != nil {
		writeError(w, r, err)
		return
	}
	s.apiEnqueuePeriodJob(w, r, p, s.assessJob(p, in.Takeover), key)
}

// uiClosePeriod queues the close of the period posted (no more runs;
// corrections only) and goes to its progress page.
func (s *Server) uiClosePeriod(w http.ResponseWriter, r *http.Request) {
	s.uiEnqueuePeriodJob(w, r, s.closeJob)
}

// uiStartRun queues the assessment of the period posted and goes to its
// progress page.
func (s *Server) uiStartRun(w http.ResponseWriter, r *http.Request) {
	s.uiEnqueuePeriodJob(w, r, func(p period.YearMonth) periodJob { return s.assessJob(p, false) })
}
