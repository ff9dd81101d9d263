package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"hrss/access"
	"hrss/insurance"
	"hrss/queue"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// The monthly run (核定) from the browser: a city-wide caseworker starts
// the assessment of a period as a job of the queue (JobAssessment), which
// whichever server's worker claims it runs with the caller's identity
// (the insurance service decides whether they may); its page shows the
// job's progress and outcome as stored in the database, so any server
// shows it: static/run.js polls a small JSON answer every second, and
// without scripts the page refreshes itself.

// runProgress is an assessment job as its page shows it.
type runProgress struct {
	Key      string // the job's ID
	Period   period.YearMonth
	Done     int
	Total    int
	Finished bool
	Err      error
	Summary  insurance.Summary
}

// assessmentArgs are the arguments of a JobAssessment job.
type assessmentArgs struct {
	Period   string `json:"period"`
	Takeover bool   `json:"takeover,omitempty"` // take over a period whose run lock another run holds
}

// AssessmentKind is the queue's kind of the monthly assessment run over
// svc: arguments {"period": "YYYY-MM", "takeover": bool}; a later attempt
// follows a worker that died holding the period's run lock, so it takes
// the period over; progress is the person-months written of the total.
func AssessmentKind(svc *insurance.Service) queue.Kind {
	return queue.Kind{Name: JobAssessment, Perm: access.RunInsurance,
		Check: func(raw json.RawMessage) error { _, err := readAssessmentArgs(raw); return err },
		Run: func(ctx context.Context, raw json.RawMessage, r *queue.Run) (any, error) {
			in, err := readAssessmentArgs(raw)
			if err != nil {
				return nil, err
			}
			p, _ := period.ParseYearMonth(in.Period)
			return svc.Assess(ctx, p, insurance.AssessOptions{Takeover: in.Takeover || r.Job.Attempts > 1,
				Progress: func(done, total int) { r.Report(int64(done), int64(total), "") }})
		}}
}

// readAssessmentArgs reads a JobAssessment job's arguments strictly
// (unknown fields refused) and checks the period.
func readAssessmentArgs(raw json.RawMessage) (assessmentArgs, error) {
	var in assessmentArgs
	if err := decodeJobArgs(raw, &in); err != nil {
		return in, err
	}
	if _, err := period.ParseYearMonth(in.Period); err != nil {
		return in, fault.Invalidf("period", "month.format", "%q is not a month YYYY-MM", in.Period)
	}
	return in, nil
}

// runsView is the periods page: their states and runs, and the form.
type runsView struct {
	Periods []insurance.PeriodState
	Runs    []insurance.Run
	Period  string
	CanRun  bool
	Jobs    []jobOut // the queue's latest jobs the caller may see, of every server
}

// uiRuns lists the periods and the runs of one (?period=, the latest by
// default), with the form that starts a run.
func (s *Server) uiRuns(w http.ResponseWriter, r *http.Request) {
	if s.Insurance == nil {
		s.uiNotFound(w, r)
		return
	}
	c, err := requireCaller(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	ps, err := s.Insurance.Periods(r.Context())
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v := runsView{Periods: ps, Period: r.URL.Query().Get("period"), CanRun: c.Role == access.Caseworker && c.CityWide()}
	if v.Period == "" {
		v.Period = s.today().Month().String()
		if len(ps) > 0 {
			v.Period = ps[len(ps)-1].Period.String()
		}
	}
	if p, err := period.ParseYearMonth(v.Period); err == nil {
		v.Runs, _ = s.Insurance.Runs(r.Context(), p)
	}
	if v.Jobs, err = s.latestJobs(r); err != nil {
		s.uiError(w, r, err)
		return
	}
	render(w, r, "runs", newPage(r, "runs.title", &v))
}

// uiStartRun enqueues the assessment of the period posted and goes to
// its progress page.
func (s *Server) uiStartRun(w http.ResponseWriter, r *http.Request) {
	if s.Insurance == nil || s.Queue == nil {
		s.uiNotFound(w, r)
		return
	}
	p, err := period.ParseYearMonth(strings.TrimSpace(r.PostFormValue("period")))
	if err != nil {
		s.uiError(w, r, fault.Invalidf("period", "month.format", "%q is not a month YYYY-MM", r.PostFormValue("period")))
		return
	}
	args, _ := json.Marshal(assessmentArgs{Period: p.String()})
	j, err := s.Queue.Enqueue(r.Context(), JobAssessment, args)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/runs/"+strconv.FormatInt(j.ID, 10), http.StatusSeeOther)
}

// assessmentJob reads the assessment job of the path's key as the
// caller may see it (NotFound for another kind of job).
func (s *Server) assessmentJob(r *http.Request) (runProgress, error) {
	id, err := strconv.ParseInt(r.PathValue("key"), 10, 64)
	if err != nil || s.Queue == nil {
		return runProgress{}, fault.NotFoundf("no run %s", r.PathValue("key"))
	}
	j, err := s.Queue.Job(r.Context(), id)
	if err != nil {
		return runProgress{}, err
	}
	var in assessmentArgs
	if j.Kind != JobAssessment || json.Unmarshal(j.Args, &in) != nil {
		return runProgress{}, fault.NotFoundf("no run %d", id)
	}
	run := runProgress{Key: strconv.FormatInt(j.ID, 10), Done: int(j.Done), Total: int(j.Total),
		Finished: j.State == queue.Succeeded || j.State == queue.Failed}
	run.Period, _ = period.ParseYearMonth(in.Period)
	if j.Error != nil {
		run.Err = j.Error.Fault()
	} else if j.State == queue.Succeeded {
		if err := json.Unmarshal(j.Result, &run.Summary); err != nil {
			return runProgress{}, err
		}
	}
	return run, nil
}

// runView is a run's progress page.
type runView struct {
	Run   runProgress
	Error string
	JSON  string // where run.js polls
}

// Percent is the share done, 0-100.
func (v runView) Percent() int {
	if v.Run.Finished && v.Run.Err == nil {
		return 100
	}
	if v.Run.Total == 0 {
		return 0
	}
	return v.Run.Done * 100 / v.Run.Total
}

// uiRun shows a run's progress (live with run.js), then its summary.
func (s *Server) uiRun(w http.ResponseWriter, r *http.Request) {
	run, err := s.assessmentJob(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	p := newPage(r, "run.title", nil)
	v := runView{Run: run, JSON: "/runs/" + run.Key + "/progress"}
	if run.Err != nil {
		v.Error = p.L.Error(run.Err)
	}
	p.Data = &v
	render(w, r, "run", p)
}

// uiRunProgress answers run.js: the progress as JSON.
func (s *Server) uiRunProgress(w http.ResponseWriter, r *http.Request) {
	run, err := s.assessmentJob(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	l := langOf(r)
	v := runView{Run: run}
	out := map[string]any{"done": run.Done, "total": run.Total, "finished": run.Finished, "percent": v.Percent(),
		"text": l.T("run.progress", l.Number(run.Done), l.Number(run.Total))}
	if run.Err != nil {
		out["error"] = l.Error(run.Err)
	}
	writeJSON(w, http.StatusOK, out)
}

// uiClosePeriod closes the period posted (no more runs; corrections only)
// and shows the periods again.
func (s *Server) uiClosePeriod(w http.ResponseWriter, r *http.Request) {
	if s.Insurance == nil {
		s.uiNotFound(w, r)
		return
	}
	p, err := period.ParseYearMonth(strings.TrimSpace(r.PostFormValue("period")))
	if err != nil {
		s.uiError(w, r, fault.Invalidf("period", "month.format", "%q is not a month YYYY-MM", r.PostFormValue("period")))
		return
	}
	if _, err := s.Insurance.Close(r.Context(), p); err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/runs?period="+p.String(), http.StatusSeeOther)
}

// paymentView is the outcome of a benefit payment run.
type paymentView struct {
	Run insurance.PaymentRun
}

// uiPay runs the monthly benefit payments of the kind and period posted
// and shows the run with its disbursement file.
func (s *Server) uiPay(w http.ResponseWriter, r *http.Request) {
	if s.Insurance == nil {
		s.uiNotFound(w, r)
		return
	}
	p, err := period.ParseYearMonth(strings.TrimSpace(r.PostFormValue("period")))
	if err != nil {
		s.uiError(w, r, fault.Invalidf("period", "month.format", "%q is not a month YYYY-MM", r.PostFormValue("period")))
		return
	}
	kind := insurance.ClaimKind(r.PostFormValue("kind"))
	if kind != insurance.ClaimPension && kind != insurance.ClaimUnemployment {
		s.uiError(w, r, fault.Invalidf("kind", "claim.kind", "%q is not a benefit", kind))
		return
	}
	run, err := s.Insurance.Pay(r.Context(), kind, p)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	render(w, r, "payment", newPage(r, "payment.title", &paymentView{Run: run}))
}

// uiDisbursement downloads the bank file of a payment run's batch.
func (s *Server) uiDisbursement(w http.ResponseWriter, r *http.Request) {
	if s.Insurance == nil {
		s.uiNotFound(w, r)
		return
	}
	p, err := period.ParseYearMonth(r.PathValue("period"))
	if err != nil {
		s.uiNotFound(w, r)
		return
	}
	batch, err := queryInt(r, "batch")
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	kind := insurance.ClaimKind(r.PathValue("kind"))
	data, err := s.Insurance.Disbursement(r.Context(), kind, p, int(batch))
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	name := "disbursement-" + string(kind) + "-" + p.String() + "-" + itoa(batch) + ".csv"
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Write(data)
}
