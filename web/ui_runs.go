package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"

	"hrss/access"
	"hrss/insurance"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// The monthly run (核定) from the browser: a city-wide caseworker starts
// the assessment of a period; it runs in the background with the
// caller's identity (the insurance service decides whether they may),
// and its page shows the progress live: static/run.js polls a small JSON
// answer every second, and without scripts the page refreshes itself.

// runProgress is one assessment started from the browser.
type runProgress struct {
	Key      string
	UserID   int64 // only its starter follows it
	Period   period.YearMonth
	Started  time.Time
	Done     int
	Total    int
	Finished bool
	Err      error
	Summary  insurance.Summary
}

// runBoard holds the runs started from the browser since the server
// started (a run's outcome is also in Insurance.Runs, which the periods
// page lists).
type runBoard struct {
	mu   sync.Mutex
	runs map[string]*runProgress
}

var uiRunBoard = &runBoard{runs: map[string]*runProgress{}}

// add keeps p, forgetting runs finished more than a day ago.
func (b *runBoard) add(p *runProgress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for k, x := range b.runs {
		if x.Finished && time.Since(x.Started) > 24*time.Hour {
			delete(b.runs, k)
		}
	}
	b.runs[p.Key] = p
}

// get returns a copy of run key if user started it.
func (b *runBoard) get(key string, user int64) (runProgress, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.runs[key]
	if !ok || p.UserID != user {
		return runProgress{}, false
	}
	return *p, true
}

func (b *runBoard) update(key string, f func(p *runProgress)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if p, ok := b.runs[key]; ok {
		f(p)
	}
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

// uiStartRun starts the assessment of the period posted and goes to its
// progress page.
func (s *Server) uiStartRun(w http.ResponseWriter, r *http.Request) {
	if s.Insurance == nil {
		s.uiNotFound(w, r)
		return
	}
	c, err := requireCaller(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	p, err := period.ParseYearMonth(strings.TrimSpace(r.PostFormValue("period")))
	if err != nil {
		s.uiError(w, r, fault.Invalidf("period", "month.format", "%q is not a month YYYY-MM", r.PostFormValue("period")))
		return
	}
	b := make([]byte, 12)
	rand.Read(b)
	run := &runProgress{Key: hex.EncodeToString(b), UserID: c.UserID, Period: p, Started: time.Now()}
	uiRunBoard.add(run)
	// the run outlives the request but keeps its caller (and the audit
	// trail's who and from where)
	ctx := context.WithoutCancel(r.Context())
	go func() {
		started := time.Now()
		sum, err := s.Insurance.Assess(ctx, p, insurance.AssessOptions{Progress: func(done, total int) {
			uiRunBoard.update(run.Key, func(x *runProgress) { x.Done, x.Total = done, total })
		}})
		s.ObserveJob(JobAssessment, started, err) // ops.go: the run outlives its request
		uiRunBoard.update(run.Key, func(x *runProgress) { x.Finished, x.Err, x.Summary = true, err, sum })
	}()
	http.Redirect(w, r, "/runs/"+run.Key, http.StatusSeeOther)
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
	c, err := requireCaller(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	run, ok := uiRunBoard.get(r.PathValue("key"), c.UserID)
	if !ok {
		s.uiNotFound(w, r)
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
	c, err := requireCaller(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	run, ok := uiRunBoard.get(r.PathValue("key"), c.UserID)
	if !ok {
		writeError(w, r, fault.NotFoundf("no run %s", r.PathValue("key")))
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
