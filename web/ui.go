package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"hrss/access"
	"hrss/rules"
	"hrss/rules/fault"
)

// The browser screens: server-rendered HTML from html/template, with the
// templates and static files (CSS, small scripts, vendored ECharts)
// embedded in the binary. Browser routes live beside the API routes
// (uiRoutes, registered by Handler) but apart from them: they answer HTML,
// send a signed-out browser to the sign-in page, and show errors as pages
// in the user's language. Sign-in is the session cookie of auth.go; the
// authenticate middleware checks the CSRF token of every unsafe request,
// which each form carries in the field csrfField.

//go:embed ui/templates/*.html
var uiTemplates embed.FS

//go:embed ui/static
var uiStatic embed.FS

// pages holds each screen's template set (the layout with the page).
var pages = parseTemplates()

func parseTemplates() map[string]*template.Template {
	names, err := fs.Glob(uiTemplates, "ui/templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(n[len("ui/templates/"):], ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue // the layout and the partials (_*.html) go with every page
		}
		out[base] = template.Must(template.New("layout.html").Funcs(uiFuncs).ParseFS(uiTemplates, "ui/templates/layout.html", "ui/templates/_*.html", n))
	}
	return out
}

var uiFuncs = template.FuncMap{
	"int":  func(a rules.Age) int { return int(a) },
	"pick": pick,
	// dict pairs keys and values, for ranging over named lists in order
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
	"list": func(xs ...string) []string { return xs },
	// traceOf pairs a trace with the language, for the "trace" template.
	"traceOf": func(l lang, steps []rules.Step) traceView { return traceView{l, steps} },
	// seen is the updated_at an edit form carries hidden, as rendered, so
	// that its save is refused if the record changed since (access.UnchangedSince)
	"seen": access.Seen,
}

// traceView is a rules trace to show in a language.
type traceView struct {
	L     lang
	Steps []rules.Step
}

// uiRoute is one browser route.
type uiRoute struct {
	pattern string // "METHOD /path"
	handle  http.HandlerFunc
}

// uiRoutes lists every browser route, in one place.
func (s *Server) uiRoutes() []uiRoute {
	return append([]uiRoute{
		{"GET /{$}", s.uiHome},
		{"GET /static/", serveStatic},
		{"GET /signin", s.uiSignInForm},
		{"POST /signin", s.uiSignIn},
		{"POST /signout", s.uiSignOut},
		{"POST /lang", s.uiSetLang},
		{"GET /account", s.uiAccount},
		{"POST /account/totp", s.uiBeginTOTP},
		{"POST /account/totp/confirm", s.uiConfirmTOTP},
		{"GET /persons", s.uiPersons},
		{"GET /persons/new", s.uiNewPerson},
		{"POST /persons", s.uiCreatePerson},
		{"GET /employers", s.uiEmployers},
		{"GET /employers/new", s.uiNewEmployer},
		{"POST /employers", s.uiCreateEmployer},
		{"GET /persons.xlsx", s.uiPersonsXLSX},
		{"GET /seekers/new", s.uiSeekerForm},
		{"POST /seekers", s.uiRegisterSeeker},
		{"GET /employers/{id}/vacancies", s.uiVacancies},
		{"POST /employers/{id}/vacancies", s.uiPostVacancy},
		{"GET /seekers/{id}/matches", s.uiSeekerMatches},
		{"POST /seekers/{id}/recommendations", s.uiRecommend},
		{"GET /graduates", s.uiGraduates},
		{"GET /audit", s.uiAudit},
		{"GET /users", s.uiUsers},
		{"POST /users", s.uiCreateUser},
		{"POST /users/{id}/disable", s.uiSetDisabled(true)},
		{"POST /users/{id}/enable", s.uiSetDisabled(false)},
		{"GET /claims", s.uiClaims},
		{"GET /claims.xlsx", s.uiClaimsXLSX},
		{"GET /audit.xlsx", s.uiAuditXLSX},
		{"GET /claims/{id}", s.uiClaim},
		{"POST /claims/{id}/approve", s.uiDecide(true)},
		{"POST /claims/{id}/reject", s.uiDecide(false)},
		{"POST /persons/{id}/claims/pension", s.uiOpenPensionClaim},
		{"POST /persons/{id}/claims/unemployment", s.uiOpenUnemploymentClaim},
		{"GET /unemployment/{id}", s.uiRegistration},
		{"POST /unemployment/{id}/refusals", s.uiRecordRefusal},
		{"GET /overpayments", s.uiOverpayments},
		{"POST /overpayments/{id}/recoveries", s.uiRecordRecovery},
		{"GET /runs", s.uiRuns},
		{"POST /runs", s.uiStartRun},
		{"POST /runs/close", s.uiClosePeriod},
		{"POST /payments", s.uiPay},
		{"POST /collections", s.uiImportCollections},
		{"GET /payments/{kind}/{period}/disbursement.csv", s.uiDisbursement},
		{"GET /runs/{key}", s.uiRun},
		{"GET /runs/{key}/progress", s.uiRunProgress},
		{"GET /graduates.xlsx", s.uiGraduatesXLSX},
		{"POST /graduates/services", s.uiRecordService},
		{"GET /employers/{id}/employees.xlsx", s.uiEmployeesXLSX},
		{"GET /employers/{id}/bills.xlsx", s.uiBillsXLSX},
		{"GET /employers/{id}/employees-template.xlsx", s.uiUploadTemplate},
		{"POST /employers/{id}/employees/upload", s.uiUpload},
		{"GET /persons/{id}", s.uiPerson},
		{"POST /persons/{id}/identity", s.uiRevealPerson},
		{"GET /pension", s.uiPension},
		{"GET /parameters", s.uiParameters},
		{"GET /whatif", s.uiWhatIf},
		{"GET /income", s.uiIncome},
		{"GET /fairs", s.uiFairs},
		{"POST /fairs/{id}/book", s.uiBookFair},
		{"POST /fairs/{id}/cancel", s.uiCancelBooking},
		{"GET /employers/{id}", s.uiEmployer},
		{"POST /employers/{id}/employments", s.uiEnrol},
		{"GET /employments/{id}/separate", s.uiSeparateForm},
		{"POST /employments/{id}/separate", s.uiSeparate},
	}, append(append(append(append(s.supportUIRoutes(), s.insightUIRoutes()...), s.moneyUIRoutes()...), append(s.uiWageRoutes(), s.uiRecomputeRoutes()...)...), uiRoute{"/", s.uiNotFound})...)
}

// screen is what every screen's template receives.
type screen struct {
	L      lang
	Langs  []lang
	Title  string // catalogue key of the title
	Caller *access.Caller
	CSRF   string
	Here   string // path and query of this page, for the language switch
	Error  string // a message in L, shown above the content
	Status int    // HTTP status, 200 unless set
	Data   any
}

// newPage returns the page of r with the caller and language filled in.
func newPage(r *http.Request, title string, data any) *screen {
	p := &screen{L: langOf(r), Langs: langs, Title: title, CSRF: csrfToken(r), Here: r.URL.RequestURI(), Data: data}
	if r.Method != http.MethodGet {
		// a page answering a form: switching language goes back to where
		// the form was (the same site only), never re-posts it
		p.Here = "/"
		if u, err := url.Parse(r.Header.Get("Referer")); err == nil && u.Host == r.Host {
			p.Here = localPath(u.RequestURI())
		}
	}
	if c, ok := access.CallerFrom(r.Context()); ok && c.Role != "" {
		p.Caller = &c
	}
	return p
}

// Can reports whether the signed-in user's role has a permission named
// in templates ("persons", "aggregates", …), to show or hide navigation.
func (p *screen) Can(what string) bool {
	if p.Caller == nil {
		return false
	}
	switch what {
	case "persons":
		return p.Caller.Can(access.ReadPersons) && p.Caller.Role != access.Citizen
	case "employers":
		return p.Caller.DivisionScoped()
	case "register":
		return p.Caller.Can(access.WritePersons) && !p.Caller.ReadOnly
	case "reveal":
		return p.Caller.Can(access.RevealIdentity)
	case "me":
		return p.Caller.Role == access.Citizen
	case "employer":
		return p.Caller.Role == access.EmployerAgent
	case "users":
		return p.Caller.Can(access.ManageUsers)
	case "audit":
		return p.Caller.Can(access.ReadAudit)
	case "claims":
		return p.Caller.DivisionScoped()
	case "runs":
		return p.Caller.DivisionScoped() || p.Caller.Role == access.Analyst
	case "graduates":
		return p.Caller.DivisionScoped()
	case "aggregates":
		return p.Caller.Can(access.ReadAggregates)
	case "whatif":
		return p.Caller.Role == access.Analyst || p.Caller.DivisionScoped() && p.Caller.CityWide()
	}
	return false
}

// RoleName is the signed-in user's role in the page's language.
func (p *screen) RoleName() string {
	if p.Caller == nil {
		return ""
	}
	return p.L.T("role." + string(p.Caller.Role))
}

// render writes the template name with p, buffered, so that a template
// failure is a clean 500.
func render(w http.ResponseWriter, r *http.Request, name string, p *screen) {
	t, ok := pages[name]
	if !ok {
		panic("no template " + name)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		slog.ErrorContext(r.Context(), "render", "template", name, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", p.L.Code)
	if p.Status != 0 {
		w.WriteHeader(p.Status)
	}
	w.Write(buf.Bytes())
}

// uiError answers a failed browser request: a signed-out browser goes to
// the sign-in page (and comes back after), everything else is an error
// page in the user's language with the error's status. Out of scope is
// NotFound, the same page as a record that does not exist.
func (s *Server) uiError(w http.ResponseWriter, r *http.Request, err error) {
	kind := fault.KindOf(err)
	if kind == fault.Unauthorized && r.Method == http.MethodGet {
		if _, signedIn := access.CallerFrom(r.Context()); !signedIn {
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
	}
	status := statusOf(kind)
	if kind == fault.Internal {
		slog.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		status = http.StatusInternalServerError
	}
	p := newPage(r, "error.title."+http.StatusText(status), nil)
	p.Status, p.Error = status, p.L.Error(err)
	render(w, r, "error", p)
}

// refuseRequest answers a request the middleware refuses: the API's
// problem JSON under /api/, the error page in the user's language on a
// browser route.
func (s *Server) refuseRequest(w http.ResponseWriter, r *http.Request, err error) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeError(w, r, err)
		return
	}
	s.uiError(w, r, err)
}

func (s *Server) uiNotFound(w http.ResponseWriter, r *http.Request) {
	s.uiError(w, r, fault.NotFoundf("no page %s", r.URL.Path))
}

// serveStatic serves the embedded static files, cacheable for an hour.
func serveStatic(w http.ResponseWriter, r *http.Request) {
	sub, _ := fs.Sub(uiStatic, "ui")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.FileServerFS(sub).ServeHTTP(w, r)
}

// requireCaller returns the signed-in caller or the Unauthorized error.
func requireCaller(r *http.Request) (access.Caller, error) {
	return access.Current(r.Context())
}

// uiHome sends a signed-out browser to sign in, a citizen to their own
// record and everyone else to their start page.
func (s *Server) uiHome(w http.ResponseWriter, r *http.Request) {
	c, err := requireCaller(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	if c.Role == access.Citizen && c.PersonID != 0 {
		http.Redirect(w, r, "/persons/"+itoa(c.PersonID), http.StatusSeeOther)
		return
	}
	if c.Role == access.EmployerAgent && c.EmployerID != 0 {
		http.Redirect(w, r, "/employers/"+itoa(c.EmployerID), http.StatusSeeOther)
		return
	}
	render(w, r, "home", newPage(r, "home.title", nil))
}

// localPath returns next if it is a path on this site, else "/": the
// sign-in and language forms never redirect elsewhere.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// sameOrigin reports whether an unsafe request without a session (sign-in,
// the language switch) comes from this site: a browser sends Origin with
// every POST, so a cross-site form cannot sign someone in as someone else.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true // not a browser, or a very old one: nothing to forge
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

type signInData struct {
	Username, Next string
}

func (s *Server) uiSignInForm(w http.ResponseWriter, r *http.Request) {
	render(w, r, "signin", newPage(r, "signin.title", signInData{Next: localPath(r.URL.Query().Get("next"))}))
}

func (s *Server) uiSignIn(w http.ResponseWriter, r *http.Request) {
	d := signInData{Username: r.PostFormValue("username"), Next: localPath(r.PostFormValue("next"))}
	p := newPage(r, "signin.title", d)
	var err error
	switch {
	case !sameOrigin(r):
		err = csrfError("the request comes from another origin")
	case s.Access == nil:
		err = orUnauthorized(nil)
	}
	if err == nil {
		var secret string
		secret, _, err = s.signIn(r.Context(), access.Credentials{Name: d.Username, Password: r.PostFormValue("password"), Code: r.PostFormValue("code")}, clientIP(r))
		if err == nil {
			setSessionCookie(w, r, secret)
			http.Redirect(w, r, d.Next, http.StatusSeeOther)
			return
		}
	}
	p.Error, p.Status = p.L.Error(err), statusOf(fault.KindOf(err))
	render(w, r, "signin", p)
}

func (s *Server) uiSignOut(w http.ResponseWriter, r *http.Request) {
	if _, err := requireCaller(r); err == nil {
		secret, _ := r.Context().Value(secretKey{}).(string)
		if err := s.Access.SignOut(r.Context(), secret); err != nil {
			s.uiError(w, r, err)
			return
		}
	}
	clearSessionCookie(w, r)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

// uiSetLang keeps the language chosen in the langCookie for a year and
// goes back to the page it was chosen on.
func (s *Server) uiSetLang(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		s.uiError(w, r, csrfError("the request comes from another origin"))
		return
	}
	if l, ok := parseLang(r.PostFormValue("lang")); ok {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l.Code, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
			SameSite: http.SameSiteLaxMode, Expires: time.Now().AddDate(1, 0, 0)})
	}
	http.Redirect(w, r, localPath(r.PostFormValue("back")), http.StatusSeeOther)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
