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

// The monthly run (核定) and the month's close from the browser: a
// city-wide caseworker starts the assessment of a period (JobAssessment)
// or its close (JobPeriodClose) as a job of the queue, which whichever
// server's worker claims it runs with the caller's identity (the
// insurance service decides whether they may); its page shows the job's
// progress and outcome as stored in the database, so any server shows
// it: static/run.js polls a small JSON answer every second, and without
// scripts the page refreshes itself.

// runProgress is an assessment or close job as its page shows it.
type runProgress struct {
	Key      string // the job's ID
	Kind     string // JobAssessment or JobPeriodClose
	Period   period.YearMonth
	Done     int
	Total    int
	Finished bool
	Err      error
	Summary  insurance.Summary     // of a finished assessment
	State    insurance.PeriodState // of a finished close
}

// Closing reports whether the job is a month's close.
func (r runProgress) Closing() bool { return r.Kind == JobPeriodClose }

// ProgressKey is the message of the job's progress: rows assessed or
// persons credited.
func (r runProgress) ProgressKey() string {
	if r.Closing() {
		return "close.progress"
	}
	return "run.progress"
}

// EndKey is the message of the finished job: done or failed.
func (r runProgress) EndKey() string {
	kind, end := "run", "finished"
	if r.Closing() {
		kind = "close"
	}
	if r.Err != nil {
		end = "failed"
	}
	return kind + "." + end
}

// assessmentArgs are the arguments of a JobAssessment job.
type assessmentArgs struct {
	Period   string `json:"period"`
	Takeover bool   `json:"takeover,omitempty"` // take over a period whose run lock another run holds
}

// closeArgs are the arguments of a JobPeriodClose job.
type closeArgs struct {
	Period string `json:"period"`
}

func (a assessmentArgs) month() string { return a.Period }
func (a closeArgs) month() string      { return a.Period }

// AssessmentKind is the queue's kind of the monthly assessment run over
// svc: arguments {"period": "YYYY-MM", "takeover": bool}; a later attempt
// follows a worker that died holding the period's run lock, so it takes
// the period over; progress is the person-months written of the total.
func AssessmentKind(svc *insurance.Service) queue.Kind {
	return queue.Kind{Name: JobAssessment, Perm: access.RunInsurance,
		Check: func(raw json.RawMessage) error { _, err := readPeriodJob[assessmentArgs](raw); return err },
		Run: func(ctx context.Context, raw json.RawMessage, r *queue.Run) (any, error) {
			in, err := readPeriodJob[assessmentArgs](raw)
			if err != nil {
				return nil, err
			}
			p, _ := period.ParseYearMonth(in.Period)
			return svc.Assess(ctx, p, insurance.AssessOptions{Takeover: in.Takeover || r.Job.Attempts > 1,
				Progress: func(done, total int) { r.Report(int64(done), int64(total), "") }})
		}}
}

// PeriodCloseKind is the queue's kind of a month's close over svc:
// arguments {"period": "YYYY-MM"}; progress is the persons whose
// accounts are credited of the period's billed persons; a later attempt
// continues the close where the last one stopped (insurance.Service.Close
// is resumable). Its result is the period's state.
func PeriodCloseKind(svc *insurance.Service) queue.Kind {
	return queue.Kind{Name: JobPeriodClose, Perm: access.RunInsurance,
		Check: func(raw json.RawMessage) error { _, err := readPeriodJob[closeArgs](raw); return err },
		Run: func(ctx context.Context, raw json.RawMessage, r *queue.Run) (any, error) {
			in, err := readPeriodJob[closeArgs](raw)
			if err != nil {
				return nil, err
			}
			p, _ := period.ParseYearMonth(in.Period)
			return svc.Close(ctx, p, insurance.CloseOptions{Progress: func(done, total int) { r.Report(int64(done), int64(total), "") }})
		}}
}

// readPeriodJob reads the arguments of a job of a period strictly
// (unknown fields refused) and checks the period.
func readPeriodJob[T interface{ month() string }](raw json.RawMessage) (T, error) {
	var in T
	if err := decodeJobArgs(raw, &in); err != nil {
		return in, err
	}
	if _, err := period.ParseYearMonth(in.month()); err != nil {
		return in, fault.Invalidf("period", "month.format", "%q is not a month YYYY-MM", in.month())
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
	// RequestKey is the pay form's request key, new at each showing: a
	// second submit of the same form shows the batch the first paid; the
	// run form sends it with "-run" appended, a period's close button
	// with the period, so a second submit follows the job the first
	// queued.
	RequestKey string
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
	v := runsView{Periods: ps, Period: r.URL.Query().Get("period"), CanRun: c.Role == access.Caseworker && c.CityWide(), RequestKey: newRequestKey()}
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

// postedPeriod reads the month of a form's field period.
func postedPeriod(r *http.Request) (period.YearMonth, error) {
	p, err := period.ParseYearMonth(strings.TrimSpace(r.PostFormValue("period")))
	if err != nil {
		return 0, fault.Invalidf("period", "month.format", "%q is not a month YYYY-MM", r.PostFormValue("period"))
	}
	return p, nil
}

// periodJob reads the assessment or close job of the path's key as the
// caller may see it (NotFound for another kind of job).
func (s *Server) periodJob(r *http.Request) (runProgress, error) {
	id, err := strconv.ParseInt(r.PathValue("key"), 10, 64)
	if err != nil || s.Queue == nil {
		return runProgress{}, fault.NotFoundf("no run %s", r.PathValue("key"))
	}
	j, err := s.Queue.Job(r.Context(), id)
	if err != nil {
		return runProgress{}, err
	}
	if j.Kind != JobAssessment && j.Kind != JobPeriodClose {
		return runProgress{}, fault.NotFoundf("no run %d", id)
	}
	run := runProgress{Key: strconv.FormatInt(j.ID, 10), Kind: j.Kind, Done: int(j.Done), Total: int(j.Total),
		Finished: j.State == queue.Succeeded || j.State == queue.Failed}
	run.Period, _ = period.ParseYearMonth(jobPeriodOf(j))
	switch {
	case j.Error != nil:
		run.Err = j.Error.Fault()
	case j.State == queue.Succeeded && run.Closing():
		err = json.Unmarshal(j.Result, &run.State)
	case j.State == queue.Succeeded:
		err = json.Unmarshal(j.Result, &run.Summary)
	}
	return run, err
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
	run, err := s.periodJob(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	title := "run.title"
	if run.Closing() {
		title = "close.title"
	}
	p := newPage(r, title, nil)
	v := runView{Run: run, JSON: "/runs/" + run.Key + "/progress"}
	if run.Err != nil {
		v.Error = p.L.Error(run.Err)
	}
	p.Data = &v
	render(w, r, "run", p)
}

// uiRunProgress answers run.js: the progress as JSON.
func (s *Server) uiRunProgress(w http.ResponseWriter, r *http.Request) {
	run, err := s.periodJob(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	l := langOf(r)
	v := runView{Run: run}
	out := map[string]any{"done": run.Done, "total": run.Total, "finished": run.Finished, "percent": v.Percent(),
		"text": l.T(run.ProgressKey(), l.Number(run.Done), l.Number(run.Total))}
	if run.Err != nil {
		out["error"] = l.Error(run.Err)
	}
	writeJSON(w, http.StatusOK, out)
}

// paymentView is the outcome of a benefit payment run.
type paymentView struct {
	Run insurance.PaymentRun
}

// uiPay runs the monthly benefit payments of the kind and period posted
// and shows the run with its disbursement file; the form's request key
// makes a second submit of it show the batch the first paid.
func (s *Server) uiPay(w http.ResponseWriter, r *http.Request) {
	if s.Insurance == nil {
		s.uiNotFound(w, r)
		return
	}
	p, err := postedPeriod(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	kind := insurance.ClaimKind(r.PostFormValue("kind"))
	if kind != insurance.ClaimPension && kind != insurance.ClaimUnemployment {
		s.uiError(w, r, fault.Invalidf("kind", "claim.kind", "%q is not a benefit", kind))
		return
	}
	key, err := formRequestKey(r)
	var run insurance.PaymentRun
	if err == nil {
		run, err = s.Insurance.Pay(r.Context(), kind, p, key)
	}
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
