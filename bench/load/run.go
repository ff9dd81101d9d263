package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// level is the outcome of one number of clients.
type level struct {
	clients     int
	think       time.Duration // the paced clients' mean think time; 0: a closed loop
	hrss, floor *stats
	run         runResult
	peakMiB     float64
	peakOfLevel bool   // false: the peak is the server's whole life's
	sched       string // the server's scheduler latencies and collector pauses during the level (schedLine)
}

// runResult is the monthly run of a level.
type runResult struct {
	took    time.Duration
	persons int
	err     error
}

// result is what a load test found.
type result struct {
	levels  []*level
	writes  string   // what was acknowledged and read back
	missing []string // acknowledged writes not found
	errors  int      // requests that failed
}

// run is the whole load test: a copy of the city, the server, the users,
// each level against hrss and then the floor, the check of the writes.
func run(ctx context.Context, cfg config) (*result, error) {
	dir, err := os.MkdirTemp("", "hrss-load-")
	if err != nil {
		return nil, err
	}
	if cfg.Keep {
		fmt.Fprintln(cfg.Out, "bench/load: keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	s, err := prepare(ctx, cfg, dir)
	if err != nil {
		return nil, err
	}
	defer s.stop()
	a := newAPI(s.base, 1000)
	fx, err := setUp(ctx, cfg, s, a)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(cfg.Out, "bench/load: hrss serve at %s on %s; %d persons read, %d to hire, %d bills; users of every role signed in (%d citizens, %d employer agents); monthly run of %s in the background\n\n",
		s.base, describeDB(cfg.DB, s.db), len(fx.persons), len(fx.hireable), len(fx.bills), len(fx.citizens), len(fx.agents), fx.runPeriod)
	res := &result{}
	led := newLedger()
	thinks := []time.Duration{0}
	if cfg.Think > 0 {
		thinks = append(thinks, cfg.Think)
	}
	if cfg.Paced {
		thinks = thinks[1:]
	}
	for i, n := range cfg.Clients {
		for j, think := range thinks {
			fx.startLevel(i*len(thinks)+j, len(cfg.Clients)*len(thinks))
			lv, err := runLevel(ctx, cfg, s, a, fx, led, n, think)
			if err != nil {
				return res, err
			}
			printLevel(cfg, lv)
			res.levels = append(res.levels, lv)
		}
	}
	return res, check(ctx, cfg, s, a, fx, led, res)
}

// prepare builds hrss (unless given), copies a SQLite city into dir and
// starts the server on it.
func prepare(ctx context.Context, cfg config, dir string) (*server, error) {
	bin := cfg.Binary
	if bin == "" {
		var err error
		if bin, err = build(ctx, dir); err != nil {
			return nil, err
		}
	}
	db, err := copyCity(cfg.DB, dir)
	if err != nil {
		return nil, err
	}
	s := &server{bin: bin, db: db, keyFile: cfg.KeyFile, pprof: cfg.Pprof}
	return s, s.start(ctx, filepath.Join(dir, "serve.log"))
}

func describeDB(given, used string) string {
	if isPostgres(given) {
		return "PostgreSQL (the scratch database itself)"
	}
	return fmt.Sprintf("SQLite (a copy of %s)", given)
}

// check reads back the acknowledged writes and totals the errors.
func check(ctx context.Context, cfg config, s *server, a *api, fx *fixtures, led *ledger, res *result) error {
	for _, lv := range res.levels {
		_, e := lv.hrss.count()
		res.errors += e
		if lv.run.err != nil {
			res.errors++
		}
	}
	verify := func() ([]string, error) { return led.verify(ctx, a, fx.caseworker.token) }
	if cfg.tamper != nil {
		if err := cfg.tamper(s.db, led, verify); err != nil {
			return err
		}
	}
	var err error
	if res.missing, err = verify(); err != nil {
		return err
	}
	res.writes = fmt.Sprintf("%d hires, %d wage declarations, %d payments", len(led.hires), led.declares, len(led.payments))
	if len(res.missing) > 0 {
		fmt.Fprintf(cfg.Out, "writes: acknowledged %s; MISSING afterwards:\n  %s\n", res.writes, strings.Join(res.missing, "\n  "))
	} else {
		fmt.Fprintf(cfg.Out, "writes: acknowledged %s; every one read back afterwards\n", res.writes)
	}
	switch {
	case len(res.missing) > 0:
		return fmt.Errorf("%d acknowledged writes are missing", len(res.missing))
	case res.errors > 0:
		return fmt.Errorf("%d requests failed (goal 0)", res.errors)
	}
	return nil
}

// runLevel runs n clients (paced by think, or in a closed loop) against
// hrss with the monthly run in the background, then the same requests
// against the floor.
func runLevel(ctx context.Context, cfg config, s *server, a *api, fx *fixtures, led *ledger, n int, think time.Duration) (*level, error) {
	lv := &level{clients: n, think: think, hrss: newStats()}
	lv.peakOfLevel = s.resetPeak()
	before, err := s.scrape(ctx, schedMetrics)
	if err != nil {
		return lv, err
	}
	runDone := make(chan struct{})
	go func() {
		defer close(runDone)
		lv.run = monthlyRun(ctx, a, fx)
	}()
	limit := cfg.Duration + cfg.RunLimit
	sent := drive(ctx, a, fx, led, lv.hrss, n, think, cfg, cfg.Requests, time.Now().Add(cfg.Duration), runDone, limit)
	select {
	case <-runDone:
	case <-time.After(cfg.RunLimit):
		return lv, fmt.Errorf("%d clients: the monthly run did not end within %s", n, cfg.RunLimit)
	}
	if lv.peakMiB, err = s.peakMiB(); err != nil {
		return lv, err
	}
	after, err := s.scrape(ctx, schedMetrics)
	if err != nil {
		return lv, err
	}
	lv.sched = schedLine(before, after)
	lv.floor, err = floorLevel(ctx, cfg, fx, lv.hrss, n, think, sent)
	return lv, err
}

// monthlyRun assesses the latest open period again, as the month-end
// run: POST /api/v1/assessments queues it on the job queue and answers
// at once with the job, followed until it ends (the run outlasts the
// server's 5-minute write timeout on a loaded machine, and no bureau
// runs a month from a request that waits for it).
func monthlyRun(ctx context.Context, a *api, fx *fixtures) runResult {
	start := time.Now()
	var job struct {
		ID     int64  `json:"id"`
		State  string `json:"state"`
		Result struct {
			Persons int `json:"persons"`
		} `json:"result"`
		Error *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	in := map[string]string{"period": fx.runPeriod}
	err := a.json(ctx, "POST", "/api/v1/assessments", fx.caseworker.token, in, &job)
	for err == nil && job.State != "succeeded" && job.State != "failed" {
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case <-time.After(time.Second):
			err = a.json(ctx, "GET", fmt.Sprintf("/api/v1/queue/%d", job.ID), fx.caseworker.token, nil, &job)
		}
	}
	if err == nil && job.State == "failed" {
		err = fmt.Errorf("the run (job %d) failed", job.ID)
		if job.Error != nil {
			err = fmt.Errorf("the run (job %d) failed: %s", job.ID, job.Error.Message)
		}
	}
	return runResult{took: time.Since(start), persons: job.Result.Persons, err: err}
}

// drive runs n clients against a until budget requests are sent, or
// until the deadline has passed and done is closed, or limit has passed;
// it returns the number of requests sent. With think > 0 each client
// waits an exponentially distributed time of that mean after each answer.
func drive(ctx context.Context, a *api, fx *fixtures, led *ledger, st *stats, n int, think time.Duration, cfg config, budget int, deadline time.Time, done <-chan struct{}, limit time.Duration) int {
	var sent atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	hard := start.Add(limit)
	for i := 0; i < n; i++ {
		c := newClient(i, cfg.Seed, fx, led)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(hard) && !(time.Now().After(deadline) && closed(done)) {
				if sent.Add(1) > int64(budget) {
					return
				}
				send(ctx, a, c.next(), st)
				if think > 0 {
					pause(ctx, time.Duration(c.rng.ExpFloat64()*float64(think)), hard)
				}
			}
		}()
	}
	wg.Wait()
	st.elapsed = time.Since(start)
	return int(min(sent.Load(), int64(budget)))
}

// pause waits d, or until ctx ends or the hard limit has passed.
func pause(ctx context.Context, d time.Duration, hard time.Time) {
	t := time.NewTimer(min(d, max(time.Until(hard), 0)))
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// send sends one request and records it; a status other than 2xx, or an
// answer the request's check refuses, is an error.
func send(ctx context.Context, a *api, r request, st *stats) {
	start := time.Now()
	ans, err := a.do(ctx, r)
	d := time.Since(start)
	if err == nil && (ans.status < 200 || ans.status > 299) {
		err = fmt.Errorf("%s %s: %d %s", r.method, r.path, ans.status, clip(ans.body))
	}
	if err == nil && r.done != nil {
		err = r.done(ans.body)
	}
	if errors.Is(err, context.Canceled) {
		return
	}
	st.record(r.kind, d, ans, err)
}
