package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"hrss/access"
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/support"
)

// The support programmes' screens (补贴, 免申即享): the programme pages
// with their rules, parameters and sources; the queue of the grants the
// scan found, by division and programme, with each grant's reason in the
// reader's language and its trace; batches prepared by a caseworker and
// decided by a reviewer who did not prepare them (four eyes: the service
// refuses, the page does not offer it); the payment runs with the bank's
// file and its return; loans with their schedule; internships. Employer
// agents and citizens see, on the same pages, the grants found for them
// without applying: the service narrows every list to the caller's reach.
// The handlers parse, call support.Service and render; every decision is
// the service's.

// supportUIRoutes are the support programmes' browser screens, appended
// to uiRoutes().
func (s *Server) supportUIRoutes() []uiRoute {
	return []uiRoute{
		{"GET /programmes", s.supportUI(s.uiProgrammes)},
		{"GET /grants", s.supportUI(s.uiGrants)},
		{"GET /grants.xlsx", s.supportUI(s.uiGrantsXLSX)},
		{"GET /grants/{id}", s.supportUI(s.uiGrant)},
		{"POST /grants/{id}/reject", s.supportUI(s.uiSettleGrant(false))},
		{"POST /grants/{id}/revoke", s.supportUI(s.uiSettleGrant(true))},
		{"POST /grant-scans", s.supportUI(s.uiScan)},
		{"GET /grant-batches", s.supportUI(s.uiBatches)},
		{"POST /grant-batches", s.supportUI(s.uiPrepareBatch)},
		{"GET /grant-batches/{id}", s.supportUI(s.uiBatch)},
		{"POST /grant-batches/{id}/approve", s.supportUI(s.uiDecideBatch(true))},
		{"POST /grant-batches/{id}/reject", s.supportUI(s.uiDecideBatch(false))},
		{"POST /payees", s.supportUI(s.uiSetPayee)},
		{"GET /grant-runs", s.supportUI(s.uiGrantRuns)},
		{"POST /grant-runs", s.supportUI(s.uiGrantPay)},
		{"GET /grant-runs/{id}/bank.csv", s.supportUI(s.uiBankFile(false))},
		{"GET /grant-runs/{id}/bank.xlsx", s.supportUI(s.uiBankFile(true))},
		{"POST /grant-returns", s.supportUI(s.uiBankReturn)},
		{"GET /loans", s.supportUI(s.uiLoans)},
		{"POST /loans", s.supportUI(s.uiApplyLoan)},
		{"GET /loans/{id}", s.supportUI(s.uiLoan)},
		{"POST /loans/{id}/approve", s.supportUI(s.uiDecideLoan(true))},
		{"POST /loans/{id}/reject", s.supportUI(s.uiDecideLoan(false))},
		{"POST /loans/{id}/default", s.supportUI(s.uiLoanDefault)},
		{"POST /loans/{id}/claim", s.supportUI(s.uiLoanClaim)},
		{"GET /internships", s.supportUI(s.uiInternships)},
		{"POST /internships", s.supportUI(s.uiRecordInternship)},
	}
}

// supportUI answers the 404 page when the server runs without the
// support service, and asks a signed-out browser to sign in first.
func (s *Server) supportUI(h http.HandlerFunc) http.HandlerFunc {
	return s.serviceUI(s.Support != nil, h)
}

// serviceUI wraps the screens of an optional service: the 404 page when
// the server runs without it (present false), sign-in first for a
// signed-out browser, then h.
func (s *Server) serviceUI(present bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !present {
			s.uiNotFound(w, r)
			return
		}
		if _, err := requireCaller(r); err != nil {
			s.uiError(w, r, err)
			return
		}
		h(w, r)
	}
}

// CanSupport reports whether the signed-in user may use a part of the
// support screens, to show or hide links and forms (the service decides
// again on every request):
//   - "grants": read grants and loans (staff of their divisions, an
//     employer agent their employer's, a citizen their own);
//   - "staff": the division-scoped lists (batches);
//   - "prepare": prepare batches, reject or revoke grants, record
//     accounts, internships, defaults and loan claims (caseworkers);
//   - "approve": decide batches and loans (reviewers);
//   - "run": scans, payment runs and bank returns (city-wide caseworkers);
//   - "apply": apply for a guaranteed loan.
func (p *screen) CanSupport(what string) bool {
	c := p.Caller
	if c == nil {
		return false
	}
	switch what {
	case "grants":
		return c.Can(access.ReadGrants)
	case "staff":
		return c.Can(access.ReadGrants) && c.DivisionScoped()
	case "prepare":
		return c.Can(access.PrepareGrants) && !c.ReadOnly
	case "approve":
		return c.Can(access.ApprovePayments) && !c.ReadOnly
	case "run":
		return c.Role == access.Caseworker && c.CityWide() && !c.ReadOnly
	case "apply":
		return c.Can(access.ApplyLoans) && !c.ReadOnly
	}
	return false
}

// programmeName is a programme's name in l.
func programmeName(l lang, g *rules.Programme) string {
	if l.en() {
		return g.NameEN
	}
	return g.NameZH
}

// programme returns the programme of code, nil when the rules have none.
func (s *Server) programme(code string) *rules.Programme {
	g, err := s.Support.Params.Programme(code)
	if err != nil {
		return nil
	}
	return g
}

// grantReason words a grant's reason in l, with what its formula adds to
// the target group's reason (the months paid, run or served).
func grantReason(l lang, r rules.Reason, g *rules.Programme) string {
	text := l.Reason(r)
	if g == nil || !strings.HasPrefix(r.Key, "support.eligible.") {
		return text
	}
	if k := "support.reason." + string(g.Formula); l.Has(k) {
		text += l.T("sep.list") + l.fill(l.T(k), r.Args)
	}
	return text
}

// grantRow is a grant as the lists show it.
type grantRow struct {
	support.Grant
	Name         string // the programme's name in the reader's language
	Why          string // the reason in the reader's language
	PersonLink   bool   // the reader may open the person's page
	EmployerLink bool   // the reader may open the employer's page
	Selectable   bool   // the reader may put it in a batch
}

// grantRows turns grants into rows for c in l.
func (s *Server) grantRows(l lang, c access.Caller, gs []support.Grant) []grantRow {
	out := make([]grantRow, 0, len(gs))
	for _, g := range gs {
		prog := s.programme(g.Programme)
		row := grantRow{Grant: g, Name: g.Programme, Why: grantReason(l, g.Reason, prog)}
		if prog != nil {
			row.Name = programmeName(l, prog)
		}
		row.PersonLink, row.EmployerLink = links(c, g)
		row.Selectable = g.Status == support.Pending && c.Can(access.PrepareGrants) && !c.ReadOnly
		out = append(out, row)
	}
	return out
}

// links reports whether c may open the person's and the employer's
// pages of g, so that no screen offers a link that answers 404: staff
// reach the employer of a grant of their division (its hirer, host or
// borrower) and, city-wide, every person (a person may live outside the
// grant's division); an agent their employer.
func links(c access.Caller, g support.Grant) (person, employer bool) {
	switch {
	case c.DivisionScoped():
		return g.PersonID != 0 && c.CityWide(), g.EmployerID != 0 && g.Beneficiary != rules.PaysPerson && c.InDivision(g.Division)
	case c.Role == access.EmployerAgent:
		return false, g.EmployerID != 0 && g.EmployerID == c.EmployerID
	case c.Role == access.Citizen:
		return g.PersonID != 0 && g.PersonID == c.PersonID, false
	}
	return false, false
}

// ---- programmes

// programmesView is the programme pages: every programme with its rule,
// dates and sources and its parameters' values in force on a day.
type programmesView struct {
	At, Division string
	Divisions    []registry.Division
	Programmes   []programmeCard
	Unverified   int // parameter values and programmes marked unverified
}

// programmeCard is one programme as the page shows it.
type programmeCard struct {
	support.ProgrammeView
	Name, OtherName string
	Params          []programmeParam
}

// programmeParam is one parameter of a programme with its value.
type programmeParam struct {
	support.ParamValue
	What string // in the reader's language
}

// IsURL reports whether a reference is a link (shown as one).
func (programmesView) IsURL(s string) bool { return paramsView{}.IsURL(s) }

// uiProgrammes shows the programmes in force on the day asked (today by
// default) for a division's chain of jurisdictions. Every signed-in user
// may read them: they are public law.
func (s *Server) uiProgrammes(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v := programmesView{At: pick(q.Get("at"), s.today().String()), Division: pick(q.Get("division"), registry.CityCode), Divisions: registry.Divisions}
	p := newPage(r, "programmes.title", &v)
	at, err := period.ParseDate(v.At)
	if err != nil {
		err = fault.Invalidf("at", "date.format", "%q is not a date YYYY-MM-DD", v.At)
	}
	var views []support.ProgrammeView
	if err == nil {
		views, err = s.Support.Programmes(r.Context(), at, v.Division)
	}
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.NotFound {
			s.uiError(w, r, err)
			return
		}
		p.Error, p.Status = p.L.Error(err), statusOf(fault.KindOf(err))
		render(w, r, "support_programmes", p)
		return
	}
	other := lang{langEN}
	if p.L.en() {
		other = lang{langZH}
	}
	for _, pv := range views {
		card := programmeCard{ProgrammeView: pv, Name: programmeName(p.L, pv.Programme), OtherName: programmeName(other, pv.Programme)}
		if pv.Confidence == rules.Unverified {
			v.Unverified++
		}
		for _, x := range pv.Values {
			card.Params = append(card.Params, programmeParam{ParamValue: x, What: p.L.Or("support.param."+x.Suffix, x.What)})
			if x.Value.Confidence == rules.Unverified {
				v.Unverified++
			}
		}
		v.Programmes = append(v.Programmes, card)
	}
	render(w, r, "support_programmes", p)
}

// ---- the grants queue

// grantsView is the grants list: the queue of a caseworker's divisions
// by division and programme, or an employer's or a citizen's grants.
type grantsView struct {
	Status, Programme, Division string
	Person, Employer            int64
	Statuses                    []support.Status
	Programmes                  []programmeOption
	Divisions                   []string // the caller's divisions, for the filter
	Summary                     []queueTotal
	Groups                      []divisionGroup
	Count                       int
	NextAfter                   int64
	Scan                        scanForm
	Own                         bool // an employer agent's or a citizen's own grants
	query                       url.Values
}

// With is the list's query with key set to value (and from the first
// page), for the filter links.
func (v grantsView) With(key, value string) template.URL {
	q := url.Values{}
	for k, x := range v.query {
		q[k] = x
	}
	q.Del("after")
	if value == "" {
		q.Del(key)
	} else {
		q.Set(key, value)
	}
	return template.URL(q.Encode()) // url.Values.Encode escapes every value
}

// Of is the list's query narrowed to a division and a programme, for the
// queue's summary.
func (v grantsView) Of(division, programme string) template.URL {
	v.query = url.Values{"status": {v.Status}, "division": {division}, "programme": {programme}}
	return v.With("after", "")
}

// XLSXQuery is the list's query for its download (every page).
func (v grantsView) XLSXQuery() template.URL { return v.With("after", "") }

// NextQuery is the query of the next page.
func (v grantsView) NextQuery() template.URL { return v.With("after", itoa(v.NextAfter)) }

// programmeOption is a programme in a filter or the scan form.
type programmeOption struct {
	Code, Name string
	Scanned    bool // found by the scan (not applied for)
}

// queueTotal is one line of the queue's summary: the grants of a
// division and programme in the status shown.
type queueTotal struct {
	Division, Programme, Name string
	Grants                    int
	Amount                    money.Fen
}

// divisionGroup is a division's grants of the page, by programme, with
// the form that prepares a batch of them.
type divisionGroup struct {
	Division   string
	Programmes []programmeGroup
	Selectable int // pending grants the reader may put in a batch
}

// programmeGroup is the grants of one programme in a division.
type programmeGroup struct {
	Code, Name string
	Rows       []grantRow
	Total      money.Fen
}

// scanForm is the scan form's defaults.
type scanForm struct {
	AsOf string
}

// grantsPageSize is the grants a page lists.
const grantsPageSize = 200

// grantFilter reads the list's filters: status (pending for staff, all
// for an agent or a citizen by default; "all" for every status),
// programme, division, person, employer, after.
func (s *Server) grantFilter(r *http.Request, c access.Caller) (grantsView, support.GrantFilter, error) {
	q := r.URL.Query()
	v := grantsView{Status: q.Get("status"), Programme: strings.TrimSpace(q.Get("programme")), Division: strings.TrimSpace(q.Get("division")),
		Statuses: support.Statuses, Own: !c.DivisionScoped()}
	if v.Status == "" {
		v.Status = "all"
		if c.DivisionScoped() {
			v.Status = string(support.Pending)
		}
	}
	var f support.GrantFilter
	var err error
	if v.Person, err = queryInt(r, "person"); err != nil {
		return v, f, err
	}
	if v.Employer, err = queryInt(r, "employer"); err != nil {
		return v, f, err
	}
	if f.AfterID, err = queryInt(r, "after"); err != nil {
		return v, f, err
	}
	f.PersonID, f.EmployerID, f.Programme = v.Person, v.Employer, v.Programme
	if v.Status != "all" {
		if !slices.Contains(support.Statuses, support.Status(v.Status)) {
			return v, f, fault.Invalidf("status", "grant.status", "%q is not a grant status", v.Status)
		}
		f.Status = support.Status(v.Status)
	}
	if v.Programme != "" {
		if _, err := s.Support.Params.Programme(v.Programme); err != nil {
			return v, f, err
		}
	}
	if v.Division != "" {
		if _, ok := registry.DivisionByCode(v.Division); !ok {
			return v, f, fault.Invalidf("division", "division.code", "%q is not a division code", v.Division)
		}
		f.Divisions = []string{v.Division}
	}
	qs := url.Values{}
	for k, x := range map[string]string{"status": v.Status, "programme": v.Programme, "division": v.Division} {
		if x != "" {
			qs.Set(k, x)
		}
	}
	if v.Person != 0 {
		qs.Set("person", itoa(v.Person))
	}
	if v.Employer != 0 {
		qs.Set("employer", itoa(v.Employer))
	}
	v.query = qs
	for _, g := range s.Support.Params.Programmes() {
		v.Programmes = append(v.Programmes, programmeOption{Code: g.Code, Name: programmeName(langOf(r), g), Scanned: g.Formula != rules.FormulaStartupLoan})
	}
	switch {
	case c.CityWide():
		v.Divisions = registry.CountyCodes()
	case c.DivisionScoped():
		v.Divisions = c.Divisions
	}
	return v, f, nil
}

// uiGrants lists the grants the caller may see, a page at a time,
// grouped by division and programme, above the queue's totals; a
// caseworker puts pending grants into a batch from here and a city-wide
// caseworker starts the scan.
func (s *Server) uiGrants(w http.ResponseWriter, r *http.Request) {
	c, _ := requireCaller(r)
	l := langOf(r)
	v, f, err := s.grantFilter(r, c)
	p := newPage(r, "grants.title", &v)
	v.Scan.AsOf = s.today().String()
	if err != nil {
		p.Error, p.Status = l.Error(err), statusOf(fault.KindOf(err))
		render(w, r, "support_grants", p)
		return
	}
	f.Limit = grantsPageSize
	gs, err := s.Support.Grants(r.Context(), f)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v.Count = len(gs)
	if len(gs) == grantsPageSize {
		v.NextAfter = gs[len(gs)-1].ID
	}
	v.Groups = groupGrants(s.grantRows(l, c, gs))
	if c.Can(access.ReadAggregates) && c.DivisionScoped() {
		v.Summary, err = s.queueTotals(r, l, f)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
	}
	render(w, r, "support_grants", p)
}

// groupGrants groups rows by division, then programme, keeping the ID
// order within a programme.
func groupGrants(rows []grantRow) []divisionGroup {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Division != b.Division {
			return a.Division < b.Division
		}
		return a.Programme < b.Programme
	})
	var out []divisionGroup
	for _, row := range rows {
		if len(out) == 0 || out[len(out)-1].Division != row.Division {
			out = append(out, divisionGroup{Division: row.Division})
		}
		d := &out[len(out)-1]
		if len(d.Programmes) == 0 || d.Programmes[len(d.Programmes)-1].Code != row.Programme {
			d.Programmes = append(d.Programmes, programmeGroup{Code: row.Programme, Name: row.Name})
		}
		g := &d.Programmes[len(d.Programmes)-1]
		g.Rows = append(g.Rows, row)
		g.Total += row.Amount
		if row.Selectable {
			d.Selectable++
		}
	}
	return out
}

// queueTotals sums the grants of the filter's status by division and
// programme (support.Service.Totals: aggregates of the caller's
// divisions), for the summary above the list.
func (s *Server) queueTotals(r *http.Request, l lang, f support.GrantFilter) ([]queueTotal, error) {
	ts, err := s.Support.Totals(r.Context(), f.Programme)
	if err != nil {
		return nil, err
	}
	idx := map[[2]string]int{}
	var out []queueTotal
	for _, t := range ts {
		if (f.Status != support.StatusAll && t.Status != f.Status) || (len(f.Divisions) > 0 && !slices.Contains(f.Divisions, t.Division)) {
			continue
		}
		k := [2]string{t.Division, t.Programme}
		i, ok := idx[k]
		if !ok {
			name := t.Programme
			if g := s.programme(t.Programme); g != nil {
				name = programmeName(l, g)
			}
			i = len(out)
			idx[k] = i
			out = append(out, queueTotal{Division: t.Division, Programme: t.Programme, Name: name})
		}
		out[i].Grants += t.Grants
		out[i].Amount += t.Amount
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Division != out[j].Division {
			return out[i].Division < out[j].Division
		}
		return out[i].Programme < out[j].Programme
	})
	return out, nil
}

// uiGrantsXLSX downloads the grants of the list's filters, every page
// (up to uiXLSXMax), with the reason in the reader's language and the
// amounts as numbers in yuan.
func (s *Server) uiGrantsXLSX(w http.ResponseWriter, r *http.Request) {
	c, _ := requireCaller(r)
	l := langOf(r)
	_, f, err := s.grantFilter(r, c)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	header := []string{"#", l.T("grants.programme"), l.T("field.division"), l.T("grants.beneficiary"), l.T("field.employer"), l.T("employer.person"),
		l.T("grants.event"), l.T("grants.amount"), l.T("grants.months"), l.T("grants.group"), l.T("grants.reason"), l.T("field.status"),
		l.T("grants.batch"), l.T("grants.note")}
	f.Limit = 1000
	var rows [][]any
	for len(rows) < uiXLSXMax {
		gs, err := s.Support.Grants(r.Context(), f)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		for _, g := range s.grantRows(l, c, gs) {
			amount, _ := g.Amount.Dec().Float64()
			group := ""
			if g.Group != "" {
				group = l.T("support.group." + string(g.Group))
			}
			batch := ""
			if g.BatchID != 0 {
				batch = itoa(g.BatchID)
			}
			rows = append(rows, []any{g.ID, g.Name, l.Division(g.Division), l.T("support.beneficiary." + string(g.Beneficiary)), g.Employer, g.PersonName,
				g.Event.String(), amount, g.Months, group, g.Why, l.T("grant.status." + string(g.Status)), batch, g.Note})
		}
		if len(gs) < f.Limit {
			break
		}
		f.AfterID = gs[len(gs)-1].ID
	}
	s.writeXLSX(w, r, "grants.xlsx", l.T("grants.sheet"), header, rows)
}

// ---- one grant

// grantView is one grant with its reason, trace, source records and
// payments, and the forms its reader may use.
type grantView struct {
	Row        grantRow
	Programme  *rules.Programme
	Payments   []support.Payment
	Hire       *registry.Employment // the hire it was found from, when the reader may see it
	Internship *support.Internship  // the internship it was found from
	Payee      payeeForm
	Done       string
	CanSettle  bool // reject (pending, prepared) or revoke
	CanReject  bool
	CanPayee   bool // record the payee's account
	ShowAcct   bool // the reader sees whole account numbers
	StaffLinks bool // batch and loan links
}

// payeeForm is the account form as typed or fresh.
type payeeForm struct {
	Kind            rules.Beneficiary
	ID              int64
	Bank, Account   string
	Holder, Comment string
	UpdatedAt       string // the recorded account's, as read (access.Seen)
}

// Account masks an account number for readers who do not need it whole.
func (v grantView) Account(a string) string {
	if v.ShowAcct || len(a) <= 4 {
		return a
	}
	return strings.Repeat("*", len(a)-4) + a[len(a)-4:]
}

// uiGrant shows one grant.
func (s *Server) uiGrant(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	s.renderGrant(w, r, id, nil, nil)
}

// renderGrant renders grant id; form and formErr, when set, are the
// account form as typed and why a form was refused.
func (s *Server) renderGrant(w http.ResponseWriter, r *http.Request, id int64, form *payeeForm, formErr error) {
	ctx := r.Context()
	g, pays, err := s.Support.Grant(ctx, id)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	c, _ := requireCaller(r)
	p := newPage(r, "grant.title", nil)
	rows := s.grantRows(p.L, c, []support.Grant{g})
	v := grantView{Row: rows[0], Programme: s.programme(g.Programme), Payments: pays, StaffLinks: c.DivisionScoped(),
		ShowAcct: c.DivisionScoped() || c.Role == access.EmployerAgent && g.EmployerID == c.EmployerID || c.Role == access.Citizen}
	prepare := c.Can(access.PrepareGrants) && !c.ReadOnly
	v.CanReject = (g.Status == support.Pending || g.Status == support.Prepared) && (prepare || c.Can(access.ApprovePayments) && !c.ReadOnly)
	v.CanSettle = prepare && slices.Contains([]support.Status{support.Pending, support.Prepared, support.Approved, support.Failed, support.Paid}, g.Status)
	v.CanPayee = prepare && slices.Contains([]support.Status{support.Pending, support.Prepared, support.Approved, support.Failed}, g.Status)
	v.Payee = payeeForm{Kind: g.Beneficiary, ID: g.PayeeID, Holder: pick(g.Employer, g.PersonName)}
	if g.Beneficiary == rules.PaysPerson {
		v.Payee.Holder = g.PersonName
	}
	if len(pays) > 0 {
		last := pays[len(pays)-1]
		v.Payee.Bank, v.Payee.Account, v.Payee.Holder = last.Bank, last.Account, last.Holder
	}
	if v.CanPayee {
		acct, err := s.Support.Payee(ctx, g.Beneficiary, g.PayeeID)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		if !acct.UpdatedAt.IsZero() {
			v.Payee.Bank, v.Payee.Account, v.Payee.Holder = acct.Bank, acct.Account, acct.Holder
		}
		v.Payee.UpdatedAt = access.Seen(acct.UpdatedAt)
	}
	if form != nil {
		v.Payee = *form
	}
	if d := r.URL.Query().Get("done"); slices.Contains([]string{"payee", "rejected", "revoked"}, d) {
		v.Done = d
	}
	if g.Source.RelationID != 0 && s.Registry != nil {
		if e, err := s.Registry.Employment(ctx, g.Source.RelationID); err == nil {
			v.Hire = &e
		}
	}
	if g.Source.InternshipID != 0 {
		its, err := s.Support.Internships(ctx, support.InternshipFilter{EmployerID: g.EmployerID, PersonID: g.PersonID})
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		for i := range its {
			if its[i].ID == g.Source.InternshipID {
				v.Internship = &its[i]
			}
		}
	}
	p.Data = &v
	if formErr != nil {
		p.Error, p.Status = p.L.Error(formErr), statusOf(fault.KindOf(formErr))
	}
	render(w, r, "support_grant", p)
}

// uiSettleGrant rejects (revoke false) or revokes grant {id} for the
// reason typed, then shows it again.
func (s *Server) uiSettleGrant(revoke bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		reason, done := r.PostFormValue("reason"), "rejected"
		if revoke {
			_, err = s.Support.Revoke(r.Context(), id, reason)
			done = "revoked"
		} else {
			_, err = s.Support.Reject(r.Context(), id, reason)
		}
		if formError(err) {
			s.renderGrant(w, r, id, nil, err)
			return
		}
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		http.Redirect(w, r, "/grants/"+itoa(id)+"?done="+done, http.StatusSeeOther)
	}
}

// formError reports whether err is a refusal a form shows beside itself
// (bad input, a conflict with the record's state, a role's refusal such
// as four eyes); anything else is an error page.
func formError(err error) bool {
	k := fault.KindOf(err)
	return err != nil && (k == fault.Invalid || k == fault.Conflict || k == fault.Forbidden)
}

// uiSetPayee records the bank account a grant's beneficiary is paid into
// (the form of the grant page), then shows the grant again.
func (s *Server) uiSetPayee(w http.ResponseWriter, r *http.Request) {
	grant, err := formID(r, "grant")
	if err != nil || grant == 0 {
		s.uiError(w, r, fault.NotFoundf("no grant %q", r.PostFormValue("grant")))
		return
	}
	f := payeeForm{Kind: rules.Beneficiary(r.PostFormValue("kind")), Bank: r.PostFormValue("bank"), Account: r.PostFormValue("account"), Holder: r.PostFormValue("holder"),
		UpdatedAt: r.PostFormValue("updated_at")}
	f.ID, err = formID(r, "id")
	if err == nil {
		_, err = s.Support.SetPayee(r.Context(), support.Payee{Kind: f.Kind, ID: f.ID, Bank: f.Bank, Account: f.Account, Holder: f.Holder}, f.UpdatedAt)
	}
	if formError(err) {
		s.renderGrant(w, r, grant, &f, err)
		return
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/grants/"+itoa(grant)+"?done=payee", http.StatusSeeOther)
}

// ---- batches

// batchesView is the batches list of the caller's divisions.
type batchesView struct {
	Status   string
	Statuses []support.Status
	Batches  []batchRow
}

// batchRow is a batch with its programme's name.
type batchRow struct {
	support.Batch
	Name string
}

// batchStatuses are the statuses of a batch.
var batchStatuses = []support.Status{support.Prepared, support.Approved, support.Rejected}

func (s *Server) batchRow(l lang, b support.Batch) batchRow {
	row := batchRow{Batch: b}
	if g := s.programme(b.Programme); g != nil {
		row.Name = programmeName(l, g)
	}
	return row
}

// uiBatches lists the batches of the caller's divisions, those awaiting a
// reviewer by default.
func (s *Server) uiBatches(w http.ResponseWriter, r *http.Request) {
	v := batchesView{Status: pick(r.URL.Query().Get("status"), string(support.Prepared)), Statuses: batchStatuses}
	p := newPage(r, "batches.title", &v)
	st := support.Status(v.Status)
	if v.Status == "all" {
		st = support.StatusAll
	} else if !slices.Contains(batchStatuses, st) {
		p.Error, p.Status = p.L.Error(fault.Invalidf("status", "batch.status", "%q is not a batch status", v.Status)), http.StatusUnprocessableEntity
		render(w, r, "support_batches", p)
		return
	}
	bs, err := s.Support.Batches(r.Context(), st)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	for _, b := range bs {
		v.Batches = append(v.Batches, s.batchRow(p.L, b))
	}
	render(w, r, "support_batches", p)
}

// uiPrepareBatch puts the grants ticked on the list (or, with mode
// "all", every pending grant of the division and programme posted) into
// a batch for a reviewer and shows it.
func (s *Server) uiPrepareBatch(w http.ResponseWriter, r *http.Request) {
	division, programme := strings.TrimSpace(r.PostFormValue("division")), strings.TrimSpace(r.PostFormValue("programme"))
	var ids []int64
	if r.PostFormValue("mode") != "all" {
		for _, x := range r.PostForm["grant"] {
			id, err := strconv.ParseInt(x, 10, 64)
			if err != nil || id <= 0 {
				s.uiError(w, r, fault.Invalidf("grants", "batch.selected", "%q is not a grant", x))
				return
			}
			ids = append(ids, id)
		}
		if len(ids) == 0 {
			s.uiError(w, r, fault.Invalidf("grants", "batch.selected", "tick the grants to prepare, or prepare every pending grant"))
			return
		}
	}
	b, err := s.Support.PrepareBatch(r.Context(), division, programme, ids)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/grant-batches/"+itoa(b.ID), http.StatusSeeOther)
}

// batchView is one batch with its grants and, for a reviewer who did not
// prepare it, the decision's forms.
type batchView struct {
	Batch     batchRow
	Grants    []grantRow
	CanDecide bool
	Own       bool // the reader prepared it
	Reason    string
}

// uiBatch shows a batch.
func (s *Server) uiBatch(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	s.renderBatch(w, r, id, "", nil)
}

func (s *Server) renderBatch(w http.ResponseWriter, r *http.Request, id int64, reason string, formErr error) {
	b, gs, err := s.Support.Batch(r.Context(), id)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	c, _ := requireCaller(r)
	p := newPage(r, "batch.title", nil)
	v := batchView{Batch: s.batchRow(p.L, b), Grants: s.grantRows(p.L, c, gs), Own: b.PreparerID == c.UserID, Reason: reason}
	v.CanDecide = b.Status == support.Prepared && c.Can(access.ApprovePayments) && !c.ReadOnly && !v.Own
	p.Data = &v
	if formErr != nil {
		p.Error, p.Status = p.L.Error(formErr), statusOf(fault.KindOf(formErr))
	}
	render(w, r, "support_batch", p)
}

// uiDecideBatch approves or rejects batch {id} (a rejection with the
// reason typed), then shows it again; a refusal (four eyes, no reason,
// decided already) is shown on the batch's page.
func (s *Server) uiDecideBatch(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		reason := r.PostFormValue("reason")
		_, err = s.Support.DecideBatch(r.Context(), id, approve, reason)
		if formError(err) {
			s.renderBatch(w, r, id, reason, err)
			return
		}
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		http.Redirect(w, r, "/grant-batches/"+itoa(id), http.StatusSeeOther)
	}
}
