// Package web is hrss over HTTP: the JSON API under /api/v1 with its
// OpenAPI document, and the server-rendered screens (ui.go). Handlers are thin:
// parse, call a domain service, render.
package web

import (
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"hrss/access"
	"hrss/employment"
	"hrss/insight"
	"hrss/insurance"
	"hrss/queue"
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/support"
)

// Server holds the services the handlers call.
type Server struct {
	Registry *registry.Service
	Access   *access.Service // sign-in, users, tokens, the audit trail
	Jobs     *employment.Service
	Rules    *rules.Params // the parameters the screens compute with (pension estimate, parameters page)
	// Insurance is social insurance: assessments, bills, collections,
	// accounts, claims, payment runs (routes in insuranceRoutes).
	Insurance *insurance.Service
	// Support is the support programmes: scans, grants, batches, payment
	// runs, bank returns, internships, loans (routes in supportRoutes).
	Support *support.Service
	// Insight is the bureau's indicators against the year's targets, the
	// drill-down and the monthly report (routes in insightRoutes).
	Insight *insight.Service
	// DB answers /readyz and feeds the pool metrics (ops.go); nil: /readyz
	// answers 503.
	DB Database
	// MetricsToken, when not empty, lets a scraper that sends it as its
	// bearer token read /metrics from anywhere; without it only this host
	// may (ops.go).
	MetricsToken string
	// RequestLog, when set, logs one line per request (ops.go); errors go
	// to slog's default logger either way.
	RequestLog *slog.Logger
	// Queue runs the long and scheduled jobs through the database, so
	// that several servers run each once (routes in queueRoutes,
	// web/queue.go); nil: the routes answer 404.
	Queue *queue.Queue
	// SignIns counts failed sign-ins per client address; set it to the
	// database so that every server counts the same (throttle.go). nil:
	// this process's memory.
	SignIns SignInCounter
	// TrustedProxies are the peers whose X-Forwarded-For names the client
	// (proxy.go); from any other peer the header is ignored.
	TrustedProxies []netip.Prefix
	// Pacer, when set, counts the requests in flight, so that batch work
	// (the monthly run, the queue's jobs) gives way to them
	// (access.Yield).
	Pacer *access.Pacer

	signins memoryCounter // failed sign-ins when SignIns is nil
	ops     ops           // metrics (ops.go)
}

// route is one API route; routes() lists them all, in one place, and the
// OpenAPI test checks the published document against this list.
type route struct {
	method, pattern string
	handle          http.HandlerFunc
}

// Handler returns the HTTP handler of s with every route, the security
// headers and sign-in: each request runs with the caller its credentials
// stand for (see authenticate), and the services decide what it may do.
// Around them, observe gives each request its ID, its log line and its
// metrics, and withOps answers the probes and /metrics without sign-in.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.HandleFunc(rt.method+" "+rt.pattern, rt.handle)
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, fault.NotFoundf("no route %s %s", r.Method, r.URL.Path))
	})
	for _, rt := range s.uiRoutes() { // the browser screens (ui.go)
		mux.HandleFunc(rt.pattern, rt.handle)
	}
	return s.realClient(s.observe(securityHeaders(s.withOps(s.authenticate(notePattern(mux))))))
}

func (s *Server) routes() []route {
	return append([]route{
		{"GET", "/api/v1/openapi.json", serveOpenAPI},
		{"GET", "/api/v1/divisions", s.listDivisions},
		{"GET", "/api/v1/persons", s.listPersons},
		{"POST", "/api/v1/persons", s.createPerson},
		{"GET", "/api/v1/persons/{id}", s.getPerson},
		{"PUT", "/api/v1/persons/{id}", s.updatePerson},
		{"GET", "/api/v1/persons/{id}/identity", s.revealPerson},
		{"GET", "/api/v1/persons/{id}/employments", s.personEmployments},
		{"GET", "/api/v1/employers", s.listEmployers},
		{"POST", "/api/v1/employers", s.createEmployer},
		{"GET", "/api/v1/employers/{id}", s.getEmployer},
		{"PUT", "/api/v1/employers/{id}", s.updateEmployer},
		{"GET", "/api/v1/employers/{id}/employments", s.employerEmployments},
		{"GET", "/api/v1/employments", s.listEmployments},
		{"POST", "/api/v1/employments", s.createEmployment},
		{"GET", "/api/v1/employments/{id}", s.getEmployment},
		{"PUT", "/api/v1/employments/{id}", s.updateEmployment},
		{"GET", "/api/v1/flexible-workers", s.listFlexible},
		{"POST", "/api/v1/flexible-workers", s.createFlexible},
		{"GET", "/api/v1/flexible-workers/{id}", s.getFlexible},
		{"PUT", "/api/v1/flexible-workers/{id}", s.updateFlexible},
		{"POST", "/api/v1/session", s.apiSignIn},
		{"GET", "/api/v1/session", s.whoAmI},
		{"DELETE", "/api/v1/session", s.signOut},
		{"POST", "/api/v1/account/totp", s.apiBeginTOTP},
		{"POST", "/api/v1/account/totp/confirm", s.apiConfirmTOTP},
		{"POST", "/api/v1/account/totp/disable", s.apiDisableTOTP},
		{"GET", "/api/v1/users", s.listUsers},
		{"POST", "/api/v1/users", s.createUser},
		{"GET", "/api/v1/users/{id}", s.getUser},
		{"PUT", "/api/v1/users/{id}", s.updateUser},
		{"GET", "/api/v1/tokens", s.listTokens},
		{"POST", "/api/v1/tokens", s.createToken},
		{"DELETE", "/api/v1/tokens/{id}", s.revokeToken},
		{"GET", "/api/v1/audit", s.listAudit},
		{"GET", "/api/v1/audit/verify", s.verifyAudit},
		{"GET", "/api/v1/seekers", s.jobs(s.listSeekers)},
		{"POST", "/api/v1/seekers", s.jobs(s.registerSeeker)},
		{"GET", "/api/v1/seekers/{id}", s.jobs(s.getSeeker)},
		{"PUT", "/api/v1/seekers/{id}", s.jobs(s.updateSeeker)},
		{"POST", "/api/v1/seekers/{id}/close", s.jobs(s.closeSeeker)},
		{"POST", "/api/v1/seekers/{id}/contact", s.jobs(s.contactSeeker)},
		{"GET", "/api/v1/seekers/{id}/matches", s.jobs(s.matchSeeker)},
		{"GET", "/api/v1/seekers/{id}/explain", s.jobs(s.explainPair)},
		{"GET", "/api/v1/seekers/{id}/recommendations", s.jobs(s.listRecommendations)},
		{"POST", "/api/v1/seekers/{id}/recommendations", s.jobs(s.recommend)},
		{"GET", "/api/v1/unemployment", s.jobs(s.listUnemployment)},
		{"POST", "/api/v1/unemployment", s.jobs(s.registerUnemployed)},
		{"POST", "/api/v1/unemployment/{id}/deregister", s.jobs(s.deregisterUnemployed)},
		{"GET", "/api/v1/unemployment/{id}", s.jobs(s.getUnemployment)},
		{"POST", "/api/v1/unemployment/{id}/refusals", s.jobs(s.recordRefusal)},
		{"GET", "/api/v1/claims/{id}/payments", s.ins(s.claimPayments)},
		{"GET", "/api/v1/overpayments", s.ins(s.listOverpayments)},
		{"POST", "/api/v1/overpayments/{id}/recoveries", s.ins(s.recordRecovery)},
		{"GET", "/api/v1/vacancies", s.jobs(s.listVacancies)},
		{"POST", "/api/v1/vacancies", s.jobs(s.postVacancy)},
		{"GET", "/api/v1/vacancies/{id}", s.jobs(s.getVacancy)},
		{"PUT", "/api/v1/vacancies/{id}", s.jobs(s.updateVacancy)},
		{"POST", "/api/v1/vacancies/{id}/close", s.jobs(s.closeVacancy)},
		{"GET", "/api/v1/vacancies/{id}/matches", s.jobs(s.matchVacancy)},
		{"GET", "/api/v1/occupations", s.jobs(s.listOccupations)},
		{"GET", "/api/v1/skills", s.jobs(s.listSkills)},
		{"GET", "/api/v1/graduates", s.jobs(s.listGraduates)},
		{"POST", "/api/v1/services", s.jobs(s.recordService)},
		{"POST", "/api/v1/match-batches", s.jobs(s.runBatch)},
		{"GET", "/api/v1/fairs", s.jobs(s.listFairs)},
		{"GET", "/api/v1/fairs/upcoming", s.jobs(s.upcomingFairs)},
		{"POST", "/api/v1/fairs/{id}/bookings", s.jobs(s.bookFair)},
		{"DELETE", "/api/v1/fairs/{id}/bookings", s.jobs(s.cancelBooking)},
		{"POST", "/api/v1/fairs", s.jobs(s.createFair)},
		{"GET", "/api/v1/fairs/{id}", s.jobs(s.getFair)},
		{"POST", "/api/v1/fairs/{id}/employers", s.jobs(s.joinFair)},
		{"POST", "/api/v1/fairs/{id}/registrations", s.jobs(s.registerForFair)},
		{"POST", "/api/v1/fairs/{id}/allocation", s.jobs(s.allocateFair)},
		{"GET", "/api/v1/placements", s.jobs(s.listPlacements)},
		{"POST", "/api/v1/employments/{id}/placement", s.jobs(s.recordHire)},
		{"POST", "/api/v1/employment-sync", s.jobs(s.syncEmployment)},
		{"GET", "/api/v1/employment-indicators", s.jobs(s.jobIndicators)},
	}, append(append(append(append(append(s.insuranceRoutes(), s.supportRoutes()...), s.insightRoutes()...), s.queueRoutes()...), s.wageRoutes()...), append(s.reviewedCorrectionRoutes(), s.recomputeRoutes()...)...)...)
}

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// NewHTTPServer returns an http.Server for h on addr with sane timeouts.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
}

// pathID reads the {id} path value as a positive integer.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fault.NotFoundf("no record %q", r.PathValue("id"))
	}
	return id, nil
}

// queryInt reads an optional non-negative integer query parameter.
func queryInt(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fault.Invalidf(name, "query.integer", "%q is not a non-negative integer", v)
	}
	return n, nil
}

// page reads the after and limit query parameters.
func page(r *http.Request) (registry.Page, error) {
	after, err := queryInt(r, "after")
	if err != nil {
		return registry.Page{}, err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return registry.Page{}, err
	}
	if r.URL.Query().Has("limit") && limit == 0 {
		return registry.Page{}, fault.Invalidf("limit", "page.limit", "limit must be at least 1")
	}
	if limit > registry.MaxPage {
		return registry.Page{}, fault.Invalidf("limit", "page.limit", "limit %d must lie between 1 and %d", limit, registry.MaxPage)
	}
	return registry.Page{After: after, Limit: int(limit)}, nil
}

// list is a page of results; NextAfter, when non-zero, is the after value
// of the next page.
type list[T any] struct {
	Items     []T   `json:"items"`
	NextAfter int64 `json:"next_after,omitempty"`
}

// newList wraps items into a page, computing the cursor of the next page.
func newList[T any](items []T, limit int, id func(T) int64) list[T] {
	if limit == 0 {
		limit = registry.DefaultPage
	}
	l := list[T]{Items: items}
	if l.Items == nil {
		l.Items = []T{}
	}
	if len(items) == limit {
		l.NextAfter = id(items[len(items)-1])
	}
	return l
}

// RoutePatterns lists "METHOD /path" of every API route (and of the
// operations routes, ops.go), for the test
// that checks the OpenAPI document against the server.
func RoutePatterns() []string {
	var out []string
	for _, rt := range append((&Server{}).routes(), (&Server{}).opsRoutes()...) {
		out = append(out, rt.method+" "+rt.pattern)
	}
	return out
}
