package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"time"

	"hrss/access"
	"hrss/queue"
	"hrss/rules/fault"
	"hrss/store"
	"hrss/web"
)

func runServe(g *globals, args []string) error {
	fs := newFlags(g, "serve", "serve [--addr HOST:PORT] [--scan-every DURATION] [--sync-every DURATION] [--late-fees-every DURATION] [--recompute-every DURATION] [--workers N] [--job-lease DURATION] [--close-chunk N] [--trusted-proxy CIDR,...] [--batch-nice N] [--pprof 127.0.0.1:PORT]")
	addr := fs.String("addr", envOr("HRSS_ADDR", "127.0.0.1:8080"), "address to listen on (env HRSS_ADDR)")
	fs.DurationVar(&g.scanEvery, "scan-every", 24*time.Hour, "run the support programmes' proactive scan once in every slot of this length, counted from the Unix epoch, whichever server takes it (0: never)")
	fs.DurationVar(&g.serve.syncEvery, "sync-every", 0, "run the employment services' city-wide synchronisation once in every slot of this length (0: never)")
	fs.DurationVar(&g.serve.feesEvery, "late-fees-every", 24*time.Hour, "bill the late fees due to the day once in every slot of this length, whichever server takes it (0: never)")
	fs.DurationVar(&g.serve.recomputeEvery, "recompute-every", 24*time.Hour, "prepare the recomputations of provisional pensions whose base a parameter file now publishes (hrss pensions recompute) once in every slot of this length (0: never)")
	fs.IntVar(&g.serve.workers, "workers", 1, "jobs of the queue this server runs at once (0: none; another server's workers run them)")
	fs.DurationVar(&g.serve.jobLease, "job-lease", time.Minute, "how long a worker's claim on a job holds unrenewed (it is renewed every second): a job whose server died is taken by another worker once it runs out")
	nice := fs.String("batch-nice", envOr("HRSS_BATCH_NICE", strconv.Itoa(defaultBatchNice)), "lower the scheduling priority of the threads the jobs run on (monthly runs, closes, scans, the indicators' refresh) by this much, 0-19 as nice(1), so that the requests get the processors first (0: the same priority; Linux only; env HRSS_BATCH_NICE)")
	fs.IntVar(&g.serve.closeChunk, "close-chunk", 0, "about how many persons a month's close credits in one transaction, whole payers (0: insurance's default, 5,000)")
	proxies := fs.String("trusted-proxy", envOr("HRSS_TRUSTED_PROXY", ""), "addresses or CIDR prefixes of the proxies whose X-Forwarded-For names the client (env HRSS_TRUSTED_PROXY)")
	fs.StringVar(&g.serve.pprof, "pprof", envOr("HRSS_PPROF", ""), "serve Go's profiler (net/http/pprof) on this loopback address, apart from the application (env HRSS_PPROF; empty: off)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var err error
	if err := checkPprofAddr(g.serve.pprof); err != nil {
		return err
	}
	if g.serve.proxies, err = web.ParseTrustedProxies(*proxies); err != nil {
		return err
	}
	if g.serve.workers < 0 {
		return fault.Invalidf("workers", "serve.workers", "--workers must be 0 or more")
	}
	if g.serve.jobLease < minJobLease {
		return fault.Invalidf("job-lease", "serve.job_lease", "--job-lease must be at least %s: the lease is renewed every second, and a slow beat must not lose it", minJobLease)
	}
	if g.serve.batchNice, err = strconv.Atoi(*nice); err != nil || g.serve.batchNice < 0 || g.serve.batchNice > 19 {
		return fault.Invalidf("batch-nice", "serve.batch_nice", "--batch-nice must be between 0 and 19")
	}
	if g.serve.closeChunk < 0 {
		return fault.Invalidf("close-chunk", "serve.close_chunk", "--close-chunk must be 0 (the default) or more")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.close()
	return serveApp(ctx, g, a, *addr)
}

// minJobLease is the shortest lease serve --job-lease takes.
const minJobLease = 5 * time.Second

// serveOptions are serve's settings beyond the address and the scan.
type serveOptions struct {
	workers   int           // jobs run at once by this server's queue worker
	syncEvery time.Duration // slot of the employment synchronisation, 0 never
	feesEvery time.Duration // slot of the billing of late fees, 0 never
	// recomputeEvery is the slot of the scan for provisional pensions to
	// recompute, 0 never.
	recomputeEvery time.Duration
	jobLease       time.Duration  // a worker's claim unrenewed (queue.Queue.Lease)
	closeChunk     int            // persons a close's transaction credits (insurance.Service.CloseChunk), 0 its default
	proxies        []netip.Prefix // trusted proxies (web.Server.TrustedProxies)
	pprof          string         // loopback address of the profiler, empty off (pprof.go)
	batchNice      int            // how much lower the jobs' threads run (access.Pacer.Nice)
}

// serveApp serves a on addr until ctx ends, then shuts down gracefully.
func serveApp(ctx context.Context, g *globals, a *app, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if err := checkServingKey(ctx, g, a.db); err != nil { // rekey.go
		ln.Close()
		return err
	}
	if err := checkSealsAtStart(ctx, g, a); err != nil { // rekey.go
		ln.Close()
		return err
	}
	slog.SetDefault(slog.New(web.LogHandler(slog.NewJSONHandler(g.stderr, nil)))) // JSON lines with request IDs
	ws := a.server()
	if ws.Insurance != nil {
		ws.Insurance.CloseChunk = g.serve.closeChunk
	}
	if ws.Rules, err = loadParams(g); err != nil { // the screens compute with the same parameters as the CLI
		ln.Close()
		return err
	}
	ws.DB, ws.MetricsToken, ws.RequestLog = a.db, envOr("HRSS_METRICS_TOKEN", ""), slog.Default() // /readyz, /metrics, request log (web/ops.go)
	ws.SignIns, ws.TrustedProxies = a.db, g.serve.proxies                                         // the throttle every server shares; the client behind a proxy
	ws.Queue = newQueue(ws, a, ws.ObserveJob)                                                     // queue.go
	ws.Queue.Lease = g.serve.jobLease
	ws.Pacer = batchPacer(g.serve.batchNice) // batch work gives way to the requests in flight
	srv := web.NewHTTPServer(addr, ws.Handler())
	fmt.Fprintf(g.stdout, "hrss serving %s database on http://%s/ (API: http://%s/api/v1/openapi.json); Ctrl-C stops\n", engineName(a.db), ln.Addr(), ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if err := serveProfiler(ctx, g.serve.pprof); err != nil { // pprof.go
		srv.Close()
		return err
	}
	if err := startJobs(access.WithPacer(ctx, ws.Pacer), g, ws.Queue); err != nil {
		srv.Close()
		return err
	}
	if ws.Insight != nil { // every server refreshes: the refresh overtaken writes nothing (insight.go)
		go scheduleRefresh(access.WithPacer(ctx, ws.Pacer), ws.Insight, time.Minute, ws.ObserveJob)
	}
	go foldCacheVersions(ctx, a.db, 10*time.Minute)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// defaultBatchNice is --batch-nice's default: the kernel then gives a
// job's thread about a tenth of a processor the requests' threads want
// (nice 10 weighs 110 against nice 0's 1,024), all of what they leave.
const defaultBatchNice = 10

// batchPacer is the server's Pacer: batch work yields to the requests in
// flight, and with nice above 0 runs on threads of lowered priority; the
// runtime then gets two processors more than it would use (GOMAXPROCS),
// so that those threads, running or waiting for the kernel, never hold
// every processor the requests' goroutines need (unless GOMAXPROCS is
// set in the environment).
func batchPacer(nice int) *access.Pacer {
	if nice > 0 && os.Getenv("GOMAXPROCS") == "" { // an operator's GOMAXPROCS stands
		runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + 2)
	}
	return &access.Pacer{Nice: nice}
}

func engineName(db *store.DB) string {
	if db.Engine() == store.Postgres {
		return "PostgreSQL"
	}
	return "SQLite"
}

func runMigrate(g *globals, args []string) error {
	fs := newFlags(g, "migrate", "migrate")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx := context.Background()
	db, err := store.Open(ctx, g.db)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "applied %d migration(s) to the %s database\n", n, engineName(db))
	return nil
}

// startJobs starts this server's share of the queue: its workers, and the
// schedules of the support scan (--scan-every), the employment
// synchronisation (--sync-every), the billing of late fees
// (--late-fees-every) and the scan for pensions to recompute
// (--recompute-every). Every server schedules the same slots and the
// queue keeps one job per slot, so each runs once in all.
func startJobs(ctx context.Context, g *globals, q *queue.Queue) error {
	for range g.serve.workers {
		go q.Work(ctx)
	}
	for kind, every := range map[string]time.Duration{web.JobSupportScan: g.scanEvery, JobEmploymentSync: g.serve.syncEvery, JobLateFees: g.serve.feesEvery,
		JobPensionRecompute: g.serve.recomputeEvery} {
		if every <= 0 || !slices.Contains(q.Kinds(), kind) { // a kind whose service this server lacks
			continue
		}
		if err := q.Schedule(ctx, kind, every); err != nil {
			return err
		}
	}
	return nil
}

// foldCacheVersions folds, every interval until ctx ends, the matcher
// version counts of the database backends that have exited (a pool
// closes idle connections, and each new one counts in a row of its own:
// store.DB.FoldCacheVersions), so the rows stay about as many as the
// connections open.
func foldCacheVersions(ctx context.Context, db *store.DB, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := db.FoldCacheVersions(ctx); err != nil && ctx.Err() == nil {
			slog.Warn("fold the cache versions", "err", err) // the next tick tries again; nothing depends on it but the sum's cost
		}
	}
}
