package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"hrss/access"
	"hrss/rules/fault"
)

// Operations: the probes (/healthz, /readyz), the Prometheus metrics
// (/metrics), request IDs and the request log. The probes and the metrics
// are served outside sign-in (withOps sits before authenticate): a load
// balancer or Prometheus has no session, and a bad token must not make
// a probe fail.

// Database is what the operations routes ask of the database
// (*store.DB implements it).
type Database interface {
	// Ready fails when the database does not answer, its migrations are
	// not this binary's, or a key rotation is half done; a *fault.Error's
	// message is shown, its cause only logged.
	Ready(ctx context.Context) error
	// PoolStats returns the connection pools' statistics by pool name.
	PoolStats() map[string]sql.DBStats
	// Retried returns how many transactions were tried again since the
	// database was opened (serialization failures, busy).
	Retried() int64
}

// requestIDHeader carries the request ID both ways.
const requestIDHeader = "X-Request-ID"

// opsRoutes are the operations routes, served without sign-in.
func (s *Server) opsRoutes() []route {
	return []route{
		{"GET", "/healthz", s.healthz},
		{"GET", "/readyz", s.readyz},
		{"GET", "/metrics", s.serveMetrics},
	}
}

// withOps answers the operations routes and hands every other request to
// next (sign-in and the application's routes).
func (s *Server) withOps(next http.Handler) http.Handler {
	m := http.NewServeMux()
	for _, rt := range s.opsRoutes() {
		m.HandleFunc(rt.method+" "+rt.pattern, rt.handle)
	}
	m.Handle("/", next)
	return m
}

// healthz answers that the process serves (liveness): nothing else is
// checked, so that a slow database never gets a live server restarted.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 when the database answers a query, its migrations
// are current and no key rotation is half done (store.DB.Ready), 503
// otherwise, so that a load balancer sends requests elsewhere.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.DB == nil {
		writeProblem(w, r, http.StatusServiceUnavailable, "ops.database", "no database is configured")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.DB.Ready(ctx); err != nil {
		slog.WarnContext(r.Context(), "not ready", "err", err, "cause", errors.Unwrap(err))
		var fe *fault.Error
		if errors.As(err, &fe) {
			writeProblem(w, r, http.StatusServiceUnavailable, fe.Rule, fe.Message)
			return
		}
		writeProblem(w, r, http.StatusServiceUnavailable, "ops.database", "the database is not ready; the server log has the details")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// writeProblem renders a problem with a status that no fault kind maps to.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, rule, detail string) {
	p := problem{Type: "urn:hrss:rule:" + rule, Title: http.StatusText(status), Status: status, Detail: detail, Rule: rule, RequestID: RequestID(r.Context())}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// serveMetrics serves the Prometheus metrics to a scraper on this host
// (a loopback peer whose request came through no proxy) or to one that
// sends MetricsToken as its bearer token; anyone else gets 403. The
// metrics hold no personal data, but volumes, routes and timings help
// whoever plans an attack or wants to know the bureau's load, so they are
// not public.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	if !s.mayReadMetrics(r) {
		writeProblem(w, r, http.StatusForbidden, "ops.metrics", "the metrics are served to this host (loopback, not through a proxy) or with the metrics token")
		return
	}
	o := s.metrics()
	promhttp.HandlerFor(o.reg, promhttp.HandlerOpts{Registry: o.reg}).ServeHTTP(w, r)
}

func (s *Server) mayReadMetrics(r *http.Request) bool {
	if s.MetricsToken != "" {
		if scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") &&
			subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.MetricsToken)) == 1 {
			return true
		}
	}
	// a proxy on this host makes every request come from loopback: a
	// forwarded request is not local
	for _, h := range []string{"Forwarded", "X-Forwarded-For", "X-Real-Ip"} {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	ip := net.ParseIP(clientIP(r))
	return ip != nil && ip.IsLoopback()
}

// ops is the server's metrics: a registry of its own (so that several
// servers in one process, as in the tests, never collide) and the
// collectors the middleware and ObserveJob feed.
type ops struct {
	once     sync.Once
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
	inflight prometheus.Gauge
	jobs     *prometheus.HistogramVec
	jobOK    *prometheus.GaugeVec
}

// metrics returns s's metrics, creating them on first use.
func (s *Server) metrics() *ops {
	o := &s.ops
	o.once.Do(func() {
		o.reg = prometheus.NewRegistry()
		o.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hrss_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern (never the raw path), method and status.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"route", "method", "status"})
		o.inflight = prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "hrss_http_requests_in_flight", Help: "HTTP requests being answered.",
		})
		o.jobs = prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hrss_job_duration_seconds",
			Help:    "Duration of the long jobs this server ran (assessment runs, support scans, payment runs) by job and outcome: ok, refused (bad input, a conflict, no permission) or failed.",
			Buckets: []float64{.01, .05, .1, .5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600},
		}, []string{"job", "outcome"})
		o.jobOK = prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "hrss_job_last_success_timestamp_seconds", Help: "When each job last ended well (Unix time).",
		}, []string{"job"})
		o.reg.MustRegister(o.requests, o.inflight, o.jobs, o.jobOK, poolCollector{s}, schedCollector{},
			collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	})
	return o
}

// Job names of the metrics.
const (
	JobAssessment     = "assessment"
	JobPeriodClose    = "period_close"
	JobSupportScan    = "support_scan"
	JobBenefitPayment = "benefit_payment_run"
	JobGrantPayment   = "grant_payment_run"
	JobInsightRefresh = "insight_refresh"
)

// jobRoutes are the routes that run a job within their request: the
// request's duration and status are the job's.
var jobRoutes = map[string]string{
	"POST /api/v1/support/scans":  JobSupportScan,
	"POST /grant-scans":           JobSupportScan,
	"POST /api/v1/payment-runs":   JobBenefitPayment,
	"POST /payments":              JobBenefitPayment,
	"POST /api/v1/grant-payments": JobGrantPayment,
	"POST /grant-runs":            JobGrantPayment,
}

// ObserveJob records in the metrics that job (one of the Job names) ran
// from started until now with the outcome err gives: nil ok, a fault of
// kind Invalid, NotFound, Conflict, Unauthorized, Forbidden or Throttled
// refused, anything else failed. Jobs that run outside a request (the
// scheduled scan, a run started from the screens) report here.
func (s *Server) ObserveJob(job string, started time.Time, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "failed"
		if k := fault.KindOf(err); k != fault.Internal && statusOf(k) < 500 {
			outcome = "refused"
		}
	}
	s.metrics().observeJob(job, outcome, time.Since(started))
}

func (o *ops) observeJob(job, outcome string, d time.Duration) {
	o.jobs.WithLabelValues(job, outcome).Observe(d.Seconds())
	if outcome == "ok" {
		o.jobOK.WithLabelValues(job).SetToCurrentTime()
	}
}

// poolCollector reports the database pools' statistics at each scrape.
type poolCollector struct{ s *Server }

var poolDescs = struct {
	maxOpen, open, inUse, idle, waits, waited, idleClosed, idleTimeClosed, lifetimeClosed *prometheus.Desc
}{
	maxOpen:        poolDesc("max_open_connections", "Maximum number of open connections of the pool."),
	open:           poolDesc("open_connections", "Connections open, in use or idle."),
	inUse:          poolDesc("in_use_connections", "Connections in use."),
	idle:           poolDesc("idle_connections", "Idle connections."),
	waits:          poolDesc("wait_count_total", "Times a request waited for a connection."),
	waited:         poolDesc("wait_duration_seconds_total", "Total time waited for a connection."),
	idleClosed:     poolDesc("max_idle_closed_total", "Connections closed because of the idle limit."),
	idleTimeClosed: poolDesc("max_idle_time_closed_total", "Connections closed because idle too long."),
	lifetimeClosed: poolDesc("max_lifetime_closed_total", "Connections closed because of their lifetime."),
}

// retriesDesc is the transactions the store tried again (store.DB.Retried).
var retriesDesc = prometheus.NewDesc("hrss_db_retries_total",
	"Transactions tried again after a serialization failure, a deadlock or a busy database.", nil, nil)

func poolDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("hrss_db_"+name, help+" By pool: write and read on SQLite, pool on PostgreSQL.", []string{"pool"}, nil)
}

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	d := poolDescs
	for _, x := range []*prometheus.Desc{d.maxOpen, d.open, d.inUse, d.idle, d.waits, d.waited, d.idleClosed, d.idleTimeClosed, d.lifetimeClosed, retriesDesc} {
		ch <- x
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	if c.s.DB == nil {
		return
	}
	d := poolDescs
	ch <- prometheus.MustNewConstMetric(retriesDesc, prometheus.CounterValue, float64(c.s.DB.Retried()))
	for pool, st := range c.s.DB.PoolStats() {
		g := func(desc *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, v, pool)
		}
		n := func(desc *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, v, pool)
		}
		g(d.maxOpen, float64(st.MaxOpenConnections))
		g(d.open, float64(st.OpenConnections))
		g(d.inUse, float64(st.InUse))
		g(d.idle, float64(st.Idle))
		n(d.waits, float64(st.WaitCount))
		n(d.waited, st.WaitDuration.Seconds())
		n(d.idleClosed, float64(st.MaxIdleClosed))
		n(d.idleTimeClosed, float64(st.MaxIdleTimeClosed))
		n(d.lifetimeClosed, float64(st.MaxLifetimeClosed))
	}
}

// requestInfo is what the middleware learns of a request as it travels:
// its ID, and from inside sign-in (notePattern) the route pattern the mux
// chose and who the caller was.
type requestInfo struct {
	id, pattern, actor string
}

type requestInfoKey struct{}

// RequestID returns the ID of the request ctx belongs to ("" outside one).
func RequestID(ctx context.Context) string {
	if info, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		return info.id
	}
	return ""
}

// requestID returns the incoming ID if it is sane (1 to 64 letters,
// digits and - _ . :), else a new random one.
func requestID(in string) string {
	if len(in) > 0 && len(in) <= 64 && strings.IndexFunc(in, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.' || r == ':')
	}) < 0 {
		return in
	}
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// notePattern records, after the mux has answered, the pattern it matched
// and the caller, for the request log and the metrics of observe (which
// sits outside sign-in and sees neither).
func notePattern(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		if info, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
			info.pattern = r.Pattern
			if c, ok := access.CallerFrom(r.Context()); ok {
				info.actor = c.Actor()
			}
		}
	})
}

// observe wraps the whole handler: it gives each request its ID (echoed
// in X-Request-ID, carried by its context into every log line and
// problem), measures it by route pattern, method and status, counts the
// jobs run within a request, and logs one line per request to
// RequestLog (the probes and metrics at debug level).
func (s *Server) observe(next http.Handler) http.Handler {
	o := s.metrics()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{id: requestID(r.Header.Get(requestIDHeader))}
		w.Header().Set(requestIDHeader, info.id)
		r = r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info))
		if s.Pacer != nil {
			ctx, done := s.Pacer.Enter(r.Context())
			r = r.WithContext(ctx)
			defer done()
		}
		rec := &recorder{ResponseWriter: w}
		o.inflight.Inc()
		defer o.inflight.Dec()
		next.ServeHTTP(rec, r)
		d := time.Since(start)
		pattern := info.pattern
		if pattern == "" && r.Pattern != "/" {
			pattern = r.Pattern // an operations route (withOps' mux)
		}
		if pattern == "" {
			pattern = "unmatched"
		}
		status := rec.Status()
		o.requests.WithLabelValues(pattern, methodLabel(r.Method), strconv.Itoa(status)).Observe(d.Seconds())
		if job, ok := jobRoutes[pattern]; ok {
			outcome := "ok"
			switch {
			case status >= 500:
				outcome = "failed"
			case status >= 400:
				outcome = "refused"
			}
			o.observeJob(job, outcome, d)
		}
		if s.RequestLog == nil {
			return
		}
		level := slog.LevelInfo
		if pattern == "GET /healthz" || pattern == "GET /readyz" || pattern == "GET /metrics" {
			level = slog.LevelDebug
		}
		s.RequestLog.Log(r.Context(), level, "request", "method", r.Method, "route", pattern, "path", r.URL.Path, "status", status,
			"bytes", rec.bytes, "duration_ms", float64(d.Microseconds())/1000, "remote", clientIP(r), "user", info.actor)
	})
}

// methodLabel bounds the method label to the methods HTTP defines.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}

// recorder notes the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Flush lets a handler stream through the recorder.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the writer underneath.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Status is the status sent (200 when the handler wrote nothing).
func (r *recorder) Status() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// LogHandler wraps h so that every record logged with the context of a
// request (slog's …Context functions) carries the request's ID as
// request_id. hrss serve logs JSON through it.
func LogHandler(h slog.Handler) slog.Handler { return ctxHandler{h} }

type ctxHandler struct{ slog.Handler }

func (c ctxHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return c.Handler.Handle(ctx, r)
}

func (c ctxHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return ctxHandler{c.Handler.WithAttrs(as)}
}
func (c ctxHandler) WithGroup(name string) slog.Handler { return ctxHandler{c.Handler.WithGroup(name)} }
