package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"hrss/access"
	"hrss/demo"
	"hrss/employment"
	"hrss/insight"
	"hrss/insurance"
	"hrss/queue"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules"
	"hrss/rules/period"
	"hrss/store/storetest"
	"hrss/support"
	"hrss/web"
)

// The browser tests drive the real handler in headless Chromium (Debian's
// chromium): a small generated city in a real SQLite file, real users, real
// sign-in through the form. CI sets HRSS_BROWSER_TESTS=1, which makes a
// missing chromium a failure; elsewhere the tests skip with a message.
// Screenshots of each step go to a temporary folder, printed in the log.

// chromiumPath finds the browser, or fails/skips as the environment asks.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("HRSS_CHROMIUM"), "chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("HRSS_BROWSER_TESTS") == "1" {
		t.Fatal("HRSS_BROWSER_TESTS=1 but chromium is not installed (apt-get install -y chromium, or set HRSS_CHROMIUM)")
	}
	t.Skip("browser tests skipped: chromium is not installed (apt-get install -y chromium); CI sets HRSS_BROWSER_TESTS=1 to require it")
	return ""
}

// browserCity is a served city: the handler over a generated registry,
// with a caseworker of 330402 and two persons, one inside their scope
// and one outside.
type browserCity struct {
	srv      *httptest.Server
	inside   registry.Person // lives in 330402, works now, born 1970-1995
	outside  registry.Person // lives in 330411
	password string
	reg      *registry.Service
	jobs     *employment.Service
	acc      *access.Service
	sup      *support.Service
	ins      *insurance.Service
	insight  *insight.Service
}

func newBrowserCity(t *testing.T) browserCity {
	t.Helper()
	db := storetest.SQLite(t)
	v, _ := ident.NewVault(make([]byte, 32))
	asOf := period.Date{Y: 2026, M: 3, D: 1}
	now := func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }
	cfg := demo.Config{Persons: 1500, Seed: 7, AsOf: asOf}
	sink, _ := demo.WithJobs(db.Bulk(), cfg) // seekers, graduates, vacancies
	if _, err := demo.Generate(sysCtx, cfg, v, sink, nil); err != nil {
		t.Fatal(err)
	}
	params, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	reg := &registry.Service{Store: db.Registry(), Vault: v, Now: now}
	acc := &access.Service{Store: db.Access()}
	c := browserCity{password: "browser-test-pw-1"}
	if _, err := acc.CreateUser(sysCtx, access.UserInput{Name: "cw402", Role: "caseworker", Divisions: []string{"330402"}, Password: c.password}); err != nil {
		t.Fatal(err)
	}
	c.inside = pickPerson(t, reg, "330402", func(p registry.Person) bool {
		if p.Birth.Y < 1970 || p.Birth.Y > 1995 {
			return false
		}
		es, err := reg.ListEmployments(sysCtx, registry.EmploymentFilter{PersonID: p.ID})
		return err == nil && len(es) > 0 && es[len(es)-1].End.IsZero()
	})
	c.outside = pickPerson(t, reg, "330411", func(registry.Person) bool { return true })
	c.reg, c.acc, c.jobs = reg, acc, &employment.Service{Store: db.Jobs(), Now: now}
	ins := &insurance.Service{Store: db.Insurance(), Insured: db, Params: params, Vault: v, Now: now}
	c.sup = &support.Service{Store: db.Support(), Params: params, Now: now}
	c.ins, c.insight = ins, &insight.Service{Store: db.Insight(), Params: params, Now: now}
	q := &queue.Queue{Store: db.Queue(), Poll: 20 * time.Millisecond} // the runs screen's forms enqueue the run and the close; a worker runs them
	q.Register(web.AssessmentKind(ins))
	q.Register(web.PeriodCloseKind(ins))
	ctx, stop := context.WithCancel(context.Background())
	worked := make(chan struct{})
	go func() { defer close(worked); q.Work(ctx) }()
	c.srv = httptest.NewServer((&web.Server{Registry: reg, Access: acc, Rules: params, Jobs: c.jobs, Insurance: ins, Support: c.sup, Insight: c.insight, Queue: q}).Handler())
	t.Cleanup(func() { c.srv.Close(); stop(); <-worked })
	return c
}

// pickPerson returns the first person of division who passes ok.
func pickPerson(t *testing.T, reg *registry.Service, division string, ok func(registry.Person) bool) registry.Person {
	t.Helper()
	ps, err := reg.FindPersons(sysCtx, registry.PersonQuery{Division: division, Whole: true, Reason: "test: a fixture person", Page: registry.Page{Limit: registry.MaxPage}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if ok(p) {
			return p
		}
	}
	t.Fatalf("the generated city has no suitable person in %s", division)
	return registry.Person{}
}

// newBrowser starts headless Chromium with a fresh profile and returns a
// tab context; the console's errors and exceptions (a CSP violation among
// them) are collected into problems.
func newBrowser(t *testing.T, exe string, problems *[]string, mu *sync.Mutex) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 1000),
		chromedp.Flag("lang", "zh-CN"), chromedp.Flag("accept-lang", "zh-CN,zh"),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			// failed loads are the refusals the test asks for (and checks)
			if m.IsException() || (m.Type == "error" && !strings.Contains(m.Text, "Failed to load resource")) {
				mu.Lock()
				*problems = append(*problems, m.String())
				mu.Unlock()
			}
		}
	}()
	return ctx
}

// loaded waits until the page has loaded: chromedp's node ids of a page
// still loading can go stale between finding a node and acting on it.
var loaded = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	_, err := chromedp.Poll[bool]("document.readyState === 'complete'")(ctx, t)
	return err
})

// canvasInk counts the drawn pixels of the chart's canvas (0: none).
const canvasInk = `(() => {
  const c = document.querySelector('#pension-chart canvas');
  if (!c || !c.width || !c.height) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
  return n;
})()`

// browserSession is one headless Chromium driven by a test: its steps,
// each screenshotted into the one folder of the test run, and the
// console's problems.
type browserSession struct {
	t        *testing.T
	ctx      context.Context
	prefix   string // of the screenshots' names
	n        int
	mu       sync.Mutex
	problems []string
}

// screenshots is the folder of the run's screenshots, made and printed once.
var screenshots = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "hrss-browser-screenshots-")
	if err == nil {
		fmt.Fprintf(os.Stderr, "hrss browser test screenshots: %s\n", dir)
	}
	return dir, err
})

func newBrowserSession(t *testing.T, exe, prefix string) *browserSession {
	t.Helper()
	dir, err := screenshots()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots: %s", dir)
	s := &browserSession{t: t, prefix: prefix}
	s.ctx = newBrowser(t, exe, &s.problems, &s.mu)
	return s
}

// shot saves a screenshot of the page as the session's next step.
func (s *browserSession) shot(name string) {
	buf, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	s.n++
	dir, _ := screenshots()
	os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s%02d-%s.png", s.prefix, s.n, name)), buf, 0o644)
}

// signIn opens url, signs name in with password on the sign-in form and
// waits for the element ready of the page it lands on.
func (s *browserSession) signIn(step, url, name, password, ready string) {
	s.t.Helper()
	s.run(step,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		loaded,
		chromedp.SendKeys(chromedp.CSS("#username"), name),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS(ready)),
		loaded,
	)
}

// run does a step's actions, each within 20 seconds, and screenshots it.
func (s *browserSession) run(step string, actions ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	sctx, cancel := context.WithTimeout(s.ctx, 20*time.Second) // a step that hangs fails alone
	defer cancel()
	for i, a := range actions {
		if err := chromedp.Do(sctx, a); err != nil {
			s.shot(step + "-failed")
			s.t.Fatalf("%s, action %d: %v", step, i+1, err)
		}
	}
	s.shot(step)
}

// text returns the visible text of sel.
func (s *browserSession) text(sel string) string {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		s.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(v)
}

// textContent returns the text of sel, hidden parts included.
func (s *browserSession) textContent(sel string) string {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		s.t.Fatalf("text content of %s: %v", sel, err)
	}
	return v
}

// eval evaluates a script that answers a whole number.
func (s *browserSession) eval(expr string, opts ...chromedp.EvaluateOption) int {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Evaluate[int](expr, opts...))
	if err != nil {
		s.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// checkConsole fails the test for every console error or exception (a
// CSP violation among them) the session saw.
func (s *browserSession) checkConsole() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.problems {
		s.t.Errorf("browser reported %s", p)
	}
}

func TestBrowser(t *testing.T) {
	exe := chromiumPath(t)
	city := newBrowserCity(t)
	bs := newBrowserSession(t, exe, "")
	ctx, run, text, textContent, eval := bs.ctx, bs.run, bs.text, bs.textContent, bs.eval
	base := city.srv.URL

	// 1. a signed-out browser is sent to sign in; a wrong password is refused in Chinese
	var url string
	run("signin-refused",
		chromedp.Navigate(base+"/persons"),
		chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		loaded,
		chromedp.SendKeys(chromedp.CSS("#username"), "cw402"),
		chromedp.SendKeys(chromedp.CSS("#password"), "wrong-password"),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("#error")),
		loaded,
	)
	if got := text("#error"); got != "用户名或密码错误。" {
		t.Errorf("wrong password: %q", got)
	}
	// 2. sign in, back to the page asked for
	run("signed-in",
		chromedp.SendKeys(chromedp.CSS("#password"), city.password),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("#person-search")),
		loaded,
	)
	url, _ = chromedp.Run(ctx, chromedp.Location())
	if !strings.HasSuffix(url, "/persons") || !strings.Contains(text("#who"), "cw402") {
		t.Errorf("after sign-in: %s, %q", url, text("#who"))
	}
	// 2b. a seeker's recommendations: each match's explanation in Chinese
	ss, err := city.jobs.ListSeekers(sysCtx, employment.SeekerFilter{Division: "330402", Status: employment.Active})
	if err != nil || len(ss) == 0 {
		t.Fatalf("no active seeker in 330402: %v", err)
	}
	run("matches", chromedp.Navigate(fmt.Sprintf("%s/seekers/%d/matches", base, ss[0].ID)), chromedp.WaitVisible(chromedp.CSS("#matches")), loaded)
	if got := text("#matches td.explanation"); !strings.HasPrefix(got, "匹配度 ") || !strings.Contains(got, "；技能 ") || !strings.Contains(got, "；地点 ") {
		t.Errorf("the match explanation on the screen: %q", got)
	}
	run("back to the search", chromedp.Navigate(base+"/persons"), chromedp.WaitVisible(chromedp.CSS("#person-search")), loaded)
	// 3. search by name prefix and division, open the person
	run("search",
		chromedp.SendKeys(chromedp.CSS("#q-name"), city.inside.Name),
		chromedp.SetValue(chromedp.CSS("#q-division"), "330402"),
		chromedp.SendKeys(chromedp.CSS("#q-reason"), "浏览器测试"),
		chromedp.Click(chromedp.CSS("#search")),
		chromedp.WaitVisible(chromedp.CSS("#results")),
		loaded,
	)
	run("person",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#results a[href="/persons/%d"]`, city.inside.ID))),
		chromedp.WaitVisible(chromedp.CSS("#person-name")),
		loaded,
	)
	if got := text("#person-name"); got != city.inside.Name {
		t.Errorf("person page shows %q, want %q", got, city.inside.Name)
	}
	if got := text("#resident-id"); got != city.inside.ResidentID.Masked() {
		t.Errorf("the person page shows the resident ID %q, want it masked", got)
	}
	// the whole number for a reason: none given, the page stays masked and says why
	run("reveal without a reason",
		chromedp.Click(chromedp.CSS("#reveal-submit")),
		chromedp.WaitVisible(chromedp.CSS("#error")),
		loaded,
	)
	if got := text("#resident-id"); got != city.inside.ResidentID.Masked() || !strings.Contains(text("#error"), "事由") {
		t.Errorf("a reveal without a reason: %q, %q", got, text("#error"))
	}
	run("reveal",
		chromedp.SendKeys(chromedp.CSS("#reveal-reason"), "浏览器测试：核对身份"),
		chromedp.Click(chromedp.CSS("#reveal-submit")),
		chromedp.WaitVisible(chromedp.CSS("#revealed")),
		loaded,
	)
	if got := text("#resident-id"); got != string(city.inside.ResidentID) {
		t.Errorf("a caseworker's reveal shows %q, want the whole number", got)
	}
	if !strings.Contains(text("#employments"), "在职") {
		t.Errorf("employment history without the current relation: %q", text("#employments"))
	}
	// 4. estimate the pension from the person's record; the chart draws
	var ink int
	run("pension",
		chromedp.Click(chromedp.CSS("#estimate-link")),
		chromedp.WaitVisible(chromedp.CSS("#pension-form")),
		loaded,
		chromedp.SetValue(chromedp.CSS("#balance"), "50000.00"),
		chromedp.Click(chromedp.CSS("#estimate")),
		// the page before had a chart too: wait for the new one, whose form
		// carries the balance typed as its value attribute
		chromedp.WaitVisible(chromedp.CSS(`#balance[value="50000.00"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#pension-chart[data-rendered="true"] canvas`)),
		loaded,
		chromedp.Sleep(300*time.Millisecond),
	)
	ink = eval(canvasInk)
	if ink < 2000 {
		t.Errorf("the chart's canvas has %d drawn pixels: not rendered", ink)
	}
	if got := text("#statutory-month"); !strings.Contains(got, "年") {
		t.Errorf("statutory month %q is not written in Chinese", got)
	}
	if got := text("#result"); !strings.Contains(got, "元") && !strings.Contains(got, "缴费年限不足") {
		t.Errorf("pension result: %q", got)
	}
	if !strings.Contains(textContent("#explain-retirement"), "retirement.") {
		t.Errorf("the retirement trace does not list its parameters")
	}
	// the traces read in Chinese: each step's label, and how it was
	// computed, from the rules' catalogue (rules/msg), not English
	if got := textContent("#explain-retirement"); !strings.Contains(got, "法定退休年龄") || !strings.Contains(got, "出生月份 + 法定退休年龄") ||
		!strings.Contains(got, "国务院关于渐进式延迟法定退休年龄的办法") || strings.Contains(got, "birth month + statutory age") {
		t.Errorf("the retirement trace is not in Chinese: %q", got)
	}
	if eval(`document.querySelector("#explain") ? 1 : 0`) == 1 {
		if got := textContent("#explain"); !strings.Contains(got, "基础养老金") || !strings.Contains(got, "四舍五入到分") || strings.Contains(got, "half-up") {
			t.Errorf("the pension trace is not in Chinese: %q", got)
		}
	}
	// 5. switch to English: the same page, in English, with English money
	var lang string
	run("english",
		chromedp.Click(chromedp.CSS("#lang-en")),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] #pension-form`)),
		loaded,
		chromedp.WaitVisible(chromedp.CSS(`#pension-chart[data-rendered="true"] canvas`)),
	)
	if a, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang")); err == nil {
		lang = a.Value
	}
	if lang != "en" || text("h1") != "Pension estimate" || !strings.Contains(text("#retirement"), "¥") {
		t.Errorf("after the switch: lang %q, h1 %q, retirement %q", lang, text("h1"), text("#retirement"))
	}
	if got := textContent("#explain-retirement"); !strings.Contains(got, "birth month + statutory age") || strings.Contains(got, "出生月份") {
		t.Errorf("the retirement trace is not in English: %q", got)
	}
	// 6. outside the caseworker's divisions: the 404 page, as for no person at all
	var status int
	run("out-of-scope",
		chromedp.Navigate(fmt.Sprintf("%s/persons/%d", base, city.outside.ID)),
		chromedp.WaitVisible(chromedp.CSS("h1")),
	)
	status = eval(fmt.Sprintf(`fetch('/persons/%d').then(r => r.status)`, city.outside.ID), chromedp.EvalAwaitPromise)
	if status != 404 || text("h1") != "Not found" || strings.Contains(text("main"), city.outside.Name) {
		t.Errorf("out of scope: status %d, h1 %q", status, text("h1"))
	}
	// 7. the parameters page marks unverified values
	var unverified int
	run("parameters",
		chromedp.Navigate(base+"/parameters"),
		chromedp.WaitVisible(chromedp.CSS("#params")),
		loaded,
	)
	unverified = eval(`document.querySelectorAll('#params tr.unverified .conf-unverified').length`)
	if unverified == 0 {
		t.Errorf("no unverified parameter is marked")
	}
	// 8. sign out: the session ends, the pages need signing in again
	run("signed-out",
		chromedp.Click(chromedp.CSS("#signout")),
		chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		loaded,
		chromedp.Navigate(fmt.Sprintf("%s/persons/%d", base, city.inside.ID)),
		chromedp.WaitVisible(chromedp.CSS("#signin-form")),
	)
	// 9. a city-wide caseworker runs the monthly assessment and follows it to its summary
	if _, err := city.acc.CreateUser(sysCtx, access.UserInput{Name: "cwcity", Role: "caseworker", Divisions: []string{"330400"}, Password: city.password}); err != nil {
		t.Fatal(err)
	}
	run("monthly-run",
		chromedp.Navigate(base+"/runs"),
		chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		loaded,
		chromedp.SendKeys(chromedp.CSS("#username"), "cwcity"),
		chromedp.SendKeys(chromedp.CSS("#password"), city.password),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("#run-form")),
		loaded,
		chromedp.SetValue(chromedp.CSS("#run-period"), "2026-02"),
		chromedp.Click(chromedp.CSS("#run-start")),
		chromedp.WaitVisible(chromedp.CSS("#run-summary")),
	)
	if got := text("#run-total"); !strings.Contains(got, "¥") {
		t.Errorf("run total %q", got)
	}
	// 10. the same caseworker (city-wide) reads the indicators: the
	// contributions billed by the run just made, charted by month
	run("indicators",
		chromedp.Navigate(base+"/indicators/contribution_billed?year=2026"),
		chromedp.WaitVisible(chromedp.CSS("#indicator-table")),
		chromedp.WaitVisible(chromedp.CSS(`#trend-chart[data-rendered="true"] canvas`)),
		loaded,
		chromedp.Sleep(300*time.Millisecond),
	)
	if ink := eval(strings.Replace(canvasInk, "#pension-chart", "#trend-chart", 1)); ink < 500 {
		t.Errorf("the trend chart has %d drawn pixels: not rendered", ink)
	}
	// 11. and a what-if: one point more on the employer pension rate
	run("what-if",
		chromedp.Navigate(base+"/whatif"),
		chromedp.WaitVisible(chromedp.CSS("#whatif-form")),
		chromedp.SetValue(chromedp.CSS("#whatif-value"), "0.17"),
		chromedp.SetValue(chromedp.CSS("#whatif-at"), "2026-02"),
		chromedp.Click(chromedp.CSS("#whatif-run")),
		chromedp.WaitVisible(chromedp.CSS("#whatif-report")),
		loaded,
	)
	if got := text("#whatif-total"); got == "" || strings.HasPrefix(got, "0.00") {
		t.Errorf("the what-if's difference %q", got)
	}
	// 11b. and closes the month from the periods list: the button queues
	// the close, whose page follows the job until the period is closed
	run("month-closed",
		chromedp.Navigate(base+"/runs?period=2026-02"),
		chromedp.WaitVisible(chromedp.CSS("#close-2026-02")),
		loaded,
		chromedp.Click(chromedp.CSS("#close-2026-02")),
		chromedp.WaitVisible(chromedp.CSS("#close-summary")),
		loaded,
	)
	if got := text("#close-summary"); !strings.Contains(got, "closed") || !strings.Contains(got, "cwcity") {
		t.Errorf("the close's summary %q", got)
	}
	// 12. a citizen sees a job fair to come with its employer and books a slot
	fair := city.fairWithEmployer(t)
	if _, err := city.acc.CreateUser(sysCtx, access.UserInput{Name: "citizen1", Role: "citizen", PersonID: city.inside.ID, Password: city.password}); err != nil {
		t.Fatal(err)
	}
	run("fair-booked",
		chromedp.Click(chromedp.CSS("#signout")),
		chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		chromedp.Navigate(base+"/fairs"),
		chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		loaded,
		chromedp.SendKeys(chromedp.CSS("#username"), "citizen1"),
		chromedp.SendKeys(chromedp.CSS("#password"), city.password),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("#fair-%d .book-slot", fair))),
		loaded,
		chromedp.Click(chromedp.CSS(fmt.Sprintf("#fair-%d .book-slot", fair))),
		chromedp.WaitVisible(chromedp.CSS("#fair-booked")),
		loaded,
	)
	if got := text(fmt.Sprintf("#fair-%d .my-booking", fair)); !strings.Contains(got, "09:00") {
		t.Errorf("the booking shows %q", got)
	}
	bs.checkConsole()
}

// fairWithEmployer creates a fair in 330402 on 2026-03-20 that the
// employer of the inside person takes part in with a vacancy and two
// slots, and returns its ID.
func (c browserCity) fairWithEmployer(t *testing.T) int64 {
	t.Helper()
	es, err := c.reg.ListEmployments(sysCtx, registry.EmploymentFilter{PersonID: c.inside.ID})
	if err != nil || len(es) == 0 {
		t.Fatalf("the inside person's relations: %v", err)
	}
	v, err := c.jobs.PostVacancy(sysCtx, employment.VacancyInput{EmployerID: es[len(es)-1].EmployerID, Title: "招聘会岗位", Occupation: "2-02-10-03",
		SalaryMin: "8000", SalaryMax: "12000", Openings: 2, ValidTo: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := c.jobs.CreateFair(sysCtx, employment.FairInput{Name: "春季招聘会", Division: "330402", Date: "2026-03-20"})
	if err == nil {
		_, err = c.jobs.JoinFair(sysCtx, f.ID, employment.FairEmployerInput{EmployerID: v.EmployerID, Slots: 2, VacancyIDs: []int64{v.ID}})
	}
	if err != nil {
		t.Fatal(err)
	}
	return f.ID
}

// TestBrowserSupport takes one grant from the records to the bank
// through the screens: a caseworker records an internship of a recent
// graduate; a city-wide caseworker's scan finds the host's subsidy (免申即享)
// with its reason; the caseworker puts it in a batch; a reviewer (another
// person) approves it; the host's account is recorded; a payment run
// makes the bank's file; the bank's return, uploaded, marks it paid; the
// grant shows paid, with its reason in English too, and the employer's
// agent finds it on their own pages.
func TestBrowserSupport(t *testing.T) {
	exe := chromiumPath(t)
	city := newBrowserCity(t)
	fx := newSupportFixture(t, city)
	for _, in := range []access.UserInput{
		{Name: "cwcity", Role: "caseworker", Divisions: []string{"330400"}},
		{Name: "rev402", Role: "reviewer", Divisions: []string{"330402"}},
		{Name: "agent", Role: "employer_agent", EmployerID: fx.host.ID},
	} {
		in.Password = city.password
		if _, err := city.acc.CreateUser(sysCtx, in); err != nil {
			t.Fatal(err)
		}
	}
	bs := newBrowserSession(t, exe, "support-")
	ctx, run, text := bs.ctx, bs.run, bs.text
	base := city.srv.URL
	signIn := func(step, path, name, ready string) {
		t.Helper()
		bs.signIn(step, base+path, name, city.password, ready)
	}
	signOut := func() {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin-form")), loaded); err != nil {
			t.Fatalf("sign out: %v", err)
		}
	}
	// 1. the internship, recorded by a caseworker of the host's division
	signIn("internship-form", "/internships?employer="+itoa(fx.host.ID), "cw402", "#internship-form")
	run("internship-recorded",
		chromedp.SendKeys(chromedp.CSS("#internship-intern"), string(fx.graduate.ResidentID)),
		chromedp.SetValue(chromedp.CSS("#internship-start"), "2025-07-01"),
		chromedp.SetValue(chromedp.CSS("#internship-end"), "2025-12-31"),
		chromedp.SendKeys(chromedp.CSS("#internship-allowance"), "3000.00"),
		chromedp.Click(chromedp.CSS("#internship-record")),
		chromedp.WaitVisible(chromedp.CSS("#done")),
		loaded,
	)
	signOut()
	// 2. the scan finds the host subsidy, without anyone applying
	signIn("grants-queue", "/grants", "cwcity", "#scan-form")
	run("scan",
		chromedp.Click(chromedp.CSS("#scan")),
		chromedp.WaitVisible(chromedp.CSS("#scan-report")),
		loaded,
	)
	if got := text("#scan-created-internship"); got != "1" {
		t.Fatalf("the scan created %q internship grants", got)
	}
	gs, err := city.sup.Grants(sysCtx, support.GrantFilter{Programme: "internship", PersonID: fx.graduate.ID})
	if err != nil || len(gs) != 1 {
		t.Fatalf("the internship's grant: %v %v", gs, err)
	}
	id := itoa(gs[0].ID)
	row := "#grant-row-" + id
	run("queue",
		chromedp.Click(chromedp.CSS("#scan-internship a")),
		chromedp.WaitVisible(chromedp.CSS(row)),
		loaded,
	)
	if got := text(row + " .reason"); !strings.Contains(got, "离校2年内未就业的高校毕业生") || !strings.Contains(got, "按见习6个月计") {
		t.Errorf("the queue's reason: %q", got)
	}
	// 3. the caseworker puts it in a batch of 330402
	run("batch-prepared",
		chromedp.Click(chromedp.CSS("#pick-"+id)),
		chromedp.Click(chromedp.CSS("#prepare-selected-330402")),
		chromedp.WaitVisible(chromedp.CSS(`#batch-status[data-status="prepared"]`)),
		loaded,
	)
	batchURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if n := bs.eval(`document.querySelectorAll('#approve').length`); n != 0 {
		t.Errorf("the preparer is offered the approval")
	}
	signOut()
	// 4. a reviewer, not the preparer, approves it
	signIn("batch-review", strings.TrimPrefix(batchURL, base), "rev402", "#approve")
	run("batch-approved",
		chromedp.Click(chromedp.CSS("#approve")),
		chromedp.WaitVisible(chromedp.CSS(`#batch-status[data-status="approved"]`)),
		loaded,
	)
	if got := text("#batch-reviewer"); !strings.Contains(got, "rev402") {
		t.Errorf("the batch's reviewer: %q", got)
	}
	signOut()
	// 5. the host's account, recorded on the grant's page
	signIn("grant", "/grants/"+id, "cwcity", "#payee-form")
	run("payee",
		chromedp.SetValue(chromedp.CSS("#payee-bank"), "嘉兴银行南湖支行"),
		chromedp.SetValue(chromedp.CSS("#payee-account"), "6222000011112222"),
		chromedp.Click(chromedp.CSS("#payee-save")),
		chromedp.WaitVisible(chromedp.CSS("#done")),
		loaded,
	)
	// 6. the payment run and its bank file
	run("payment-run",
		chromedp.Navigate(base+"/grant-runs"),
		chromedp.WaitVisible(chromedp.CSS("#grant-pay-form")),
		loaded,
		chromedp.Click(chromedp.CSS("#grant-pay")),
		chromedp.WaitVisible(chromedp.CSS("#pay-done")),
		loaded,
	)
	bank, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector('#bank-csv').href).then(r => r.text())`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(bank), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "reference,") || !strings.Contains(lines[1], ",6222000011112222,") {
		t.Fatalf("the bank file: %q", bank)
	}
	ref := strings.SplitN(lines[1], ",", 2)[0]
	// 7. the bank's return, uploaded: paid
	ret := filepath.Join(t.TempDir(), "return.csv")
	if err := os.WriteFile(ret, []byte("reference,status,reason\n"+ref+",paid,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("bank-return",
		chromedp.SetUploadFiles(chromedp.CSS("#return-file"), []string{ret}),
		chromedp.Click(chromedp.CSS("#return-import")),
		chromedp.WaitVisible(chromedp.CSS("#return-done")),
		loaded,
	)
	// 8. the grant shows paid, with its payment; in English too
	run("grant-paid",
		chromedp.Navigate(base+"/grants/"+id),
		chromedp.WaitVisible(chromedp.CSS(`#grant-status[data-status="paid"]`)),
		loaded,
	)
	if got := text("#grant-status"); got != "已发放" {
		t.Errorf("the grant's status: %q", got)
	}
	if got := text("#grant-payments"); !strings.Contains(got, ref) {
		t.Errorf("the grant's payments lack %s: %q", ref, got)
	}
	run("grant-paid-english",
		chromedp.Click(chromedp.CSS("#lang-en")),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] #grant-status[data-status="paid"]`)),
		loaded,
	)
	if got := text("#grant-reason"); !strings.Contains(got, "a graduate not yet employed within 2 years of leaving school") || !strings.Contains(got, "for 6 months of internship") {
		t.Errorf("the reason in English: %q", got)
	}
	signOut()
	// 9. the employer's agent finds it from their own page, without having applied
	signIn("agent", "/", "agent", "#employer-grants")
	run("agent-grants",
		chromedp.Click(chromedp.CSS("#employer-grants")),
		chromedp.WaitVisible(chromedp.CSS(row)),
		loaded,
	)
	if got := text(row); !strings.Contains(got, "paid") || !strings.Contains(got, "for 6 months of internship") {
		t.Errorf("the agent's grant: %q", got)
	}
	// 10. the programme pages, unverified values marked
	run("programmes",
		chromedp.Navigate(base+"/programmes"),
		chromedp.WaitVisible(chromedp.CSS("#programme-internship")),
		loaded,
	)
	if n := bs.eval(`document.querySelectorAll('#programme-internship tr.unverified .conf-unverified').length`); n == 0 {
		t.Errorf("no unverified parameter of the internship programme is marked")
	}
	bs.checkConsole()
}

// TestBrowserInsight: leadership sets a target in the browser and sees it
// in the progress chart, opens the indicator's trend and the divisions
// compared, prints the monthly report; a caseworker of the division
// drills down from the table to the list of persons behind a count and
// opens one of them.
func TestBrowserInsight(t *testing.T) {
	exe := chromiumPath(t)
	city := newBrowserCity(t)
	local, away := insightHires(t, city)
	if _, err := city.ins.Assess(sysCtx, period.New(2026, 2), insurance.AssessOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := city.acc.CreateUser(sysCtx, access.UserInput{Name: "ana", Role: "analyst", Password: city.password}); err != nil {
		t.Fatal(err)
	}
	bs := newBrowserSession(t, exe, "insight-")
	ctx, run, text, eval := bs.ctx, bs.run, bs.text, bs.eval
	base := city.srv.URL
	ink := func(id string) int { return eval(strings.Replace(canvasInk, "#pension-chart", id, 1)) }
	signIn := func(step, path, name, ready string) {
		t.Helper()
		bs.signIn(step, base+path, name, city.password, ready)
	}
	// 1. the analyst sets the city's target of new urban jobs; the overview shows it in the progress chart
	signIn("targets", "/targets", "ana", "#target-form")
	run("target-set",
		chromedp.SetValue(chromedp.CSS("#target-indicator"), "new_urban_jobs"),
		chromedp.SetValue(chromedp.CSS("#target-division"), "330400"),
		chromedp.SendKeys(chromedp.CSS("#target-value"), "40"),
		chromedp.Click(chromedp.CSS("#target-save")),
		chromedp.WaitVisible(chromedp.CSS("#done")),
		chromedp.WaitVisible(chromedp.CSS(`#progress-chart[data-rendered="true"] canvas`)),
		loaded,
		chromedp.Sleep(300*time.Millisecond),
	)
	if got := text("#target-new_urban_jobs"); got != "40" {
		t.Errorf("the overview's target: %q", got)
	}
	if n := ink("#progress-chart"); n < 500 {
		t.Errorf("the progress chart has %d drawn pixels: not rendered", n)
	}
	if n := eval(`document.querySelectorAll('#status-new_urban_jobs .status[title*="insight.status_tolerance"], #status-new_urban_jobs details p').length`); n == 0 {
		t.Errorf("the status has no rule")
	}
	// 2. a division's target above the city's is refused, translated, beside the breakdown
	run("target-breakdown",
		chromedp.Navigate(base+"/targets?indicator=new_urban_jobs"),
		chromedp.WaitVisible(chromedp.CSS("#target-form")),
		loaded,
		chromedp.SetValue(chromedp.CSS("#target-division"), "330402"),
		chromedp.SendKeys(chromedp.CSS("#target-value"), "41"),
		chromedp.Click(chromedp.CSS("#target-save")),
		chromedp.WaitVisible(chromedp.CSS("#error")),
		chromedp.WaitVisible(chromedp.CSS("#breakdown")),
		loaded,
	)
	if got := text("#error"); !strings.Contains(got, "各区县目标与全市目标对不上") || text("#breakdown-city") != "40" {
		t.Errorf("the breakdown's error: %q, the city's target %q", got, text("#breakdown-city"))
	}
	// 3. the indicator's page: its trend by month and the divisions compared
	run("indicator",
		chromedp.Navigate(base+"/indicators?year=2026"),
		chromedp.WaitVisible(chromedp.CSS(`#progress-chart[data-rendered="true"] canvas`)),
		loaded,
		chromedp.Click(chromedp.CSS("#open-new_urban_jobs")),
		chromedp.WaitVisible(chromedp.CSS(`#trend-chart[data-rendered="true"] canvas`)),
		chromedp.WaitVisible(chromedp.CSS(`#divisions-chart[data-rendered="true"] canvas`)),
		loaded,
		chromedp.Sleep(300*time.Millisecond),
	)
	if n, m := ink("#trend-chart"), ink("#divisions-chart"); n < 500 || m < 500 {
		t.Errorf("the indicator's charts have %d and %d drawn pixels", n, m)
	}
	if got := text("#selected-target"); !strings.HasPrefix(got, "40") {
		t.Errorf("the indicator's target: %q", got)
	}
	if n := eval(`document.querySelectorAll('#indicator-table a.drill').length`); n != 0 {
		t.Errorf("the analyst is offered %d lists", n)
	}
	// 4. in English
	run("indicator-english",
		chromedp.Click(chromedp.CSS("#lang-en")),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] #trend-chart[data-rendered="true"] canvas`)),
		loaded,
	)
	if got := text("h1"); got != "New urban jobs" || !strings.Contains(text("#indicator-definition"), "natural attrition") {
		t.Errorf("in English: %q", got)
	}
	// 5. the monthly report, as printed: the form and the buttons left out
	run("report",
		chromedp.Navigate(base+"/reports/monthly?period=2026-02"),
		chromedp.WaitVisible(chromedp.CSS("#report-table")),
		loaded,
	)
	if got := text("#report-330400"); !strings.Contains(got, "Jiaxing") {
		t.Errorf("the report's city line: %q", got)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	run("report-print")
	if n := eval(`['#report-form', '#print', 'header.top', '#insight-tabs'].filter(s => document.querySelector(s).getClientRects().length > 0).length`); n != 0 {
		t.Errorf("%d of the screen's controls are printed", n)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}
	run("signed-out",
		chromedp.Click(chromedp.CSS("#lang-zh-CN")),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="zh-CN"] #report-table`)),
		loaded,
		chromedp.Click(chromedp.CSS("#signout")),
		chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		loaded,
	)
	// 6. the division's caseworker: from the table to the list behind 2026-02's count, then a person
	signIn("caseworker-indicator", "/indicators/new_urban_jobs?year=2026", "cw402", "#indicator-table")
	run("drill-down",
		chromedp.Click(chromedp.CSS(`#line-330402 a.drill[href$="period=2026-02"]`)),
		chromedp.WaitVisible(chromedp.CSS("#records")),
		loaded,
	)
	if got := text("#records"); !strings.Contains(got, local.Name) || strings.Contains(got, away.Name) || !strings.Contains(got, "#"+itoa(away.ID)) {
		t.Errorf("the list: %q", got)
	}
	run("drilled-person",
		chromedp.Click(chromedp.CSS("#person-"+itoa(local.ID))),
		chromedp.WaitVisible(chromedp.CSS("#person-name")),
		loaded,
	)
	if got := text("#person-name"); got != local.Name {
		t.Errorf("the person page shows %q, want %q", got, local.Name)
	}
	bs.checkConsole()
}
