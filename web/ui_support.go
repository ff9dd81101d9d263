package web

import (
	"errors"
	"html/template"
	"io"
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
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Support == nil {
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
		text += l.T("support.reason.sep") + l.fill(l.T(k), r.Args)
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
	f := payeeForm{Kind: rules.Beneficiary(r.PostFormValue("kind")), Bank: r.PostFormValue("bank"), Account: r.PostFormValue("account"), Holder: r.PostFormValue("holder")}
	f.ID, err = formID(r, "id")
	if err == nil {
		_, err = s.Support.SetPayee(r.Context(), support.Payee{Kind: f.Kind, ID: f.ID, Bank: f.Bank, Account: f.Account, Holder: f.Holder})
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

// ---- the scan

// scanView is a scan's outcome, by programme.
type scanView struct {
	Scan support.Scan
	Rows []scanRow
}

// scanRow is one programme's part of a scan.
type scanRow struct {
	Code, Name string
	*support.ProgrammeScan
}

// uiScan runs the proactive scan (of one programme, or every programme
// found from the records) as of the day posted, today by default, and
// shows what it found. It runs in the request: the scan of a city is
// one pass over its records.
func (s *Server) uiScan(w http.ResponseWriter, r *http.Request) {
	opt := support.ScanOptions{Programme: strings.TrimSpace(r.PostFormValue("programme"))}
	if v := strings.TrimSpace(r.PostFormValue("as_of")); v != "" {
		d, err := period.ParseDate(v)
		if err != nil {
			s.uiError(w, r, fault.Invalidf("as_of", "date.format", "%q is not a date YYYY-MM-DD", v))
			return
		}
		opt.AsOf = d
	}
	sc, err := s.Support.Scan(r.Context(), opt)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	l := langOf(r)
	v := scanView{Scan: sc}
	for code, ps := range sc.ByProgramme {
		name := code
		if g := s.programme(code); g != nil {
			name = programmeName(l, g)
		}
		v.Rows = append(v.Rows, scanRow{Code: code, Name: name, ProgrammeScan: ps})
	}
	sort.Slice(v.Rows, func(i, j int) bool { return v.Rows[i].Code < v.Rows[j].Code })
	render(w, r, "support_scan", newPage(r, "scan.title", &v))
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

// ---- payment runs and bank returns

// grantRunsView is the payment runs page: the runs with their bank
// files, the forms that pay and take in a return, and what the last form
// did.
type grantRunsView struct {
	Runs   []support.PaymentRun
	Pay    *support.PayReport
	Return *support.ReturnReport
	Errors []uploadError // the return file's bad rows
}

// uiGrantRuns lists the payment runs (city-wide caseworkers).
func (s *Server) uiGrantRuns(w http.ResponseWriter, r *http.Request) {
	s.renderGrantRuns(w, r, &grantRunsView{}, nil)
}

func (s *Server) renderGrantRuns(w http.ResponseWriter, r *http.Request, v *grantRunsView, formErr error) {
	runs, err := s.Support.Runs(r.Context())
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v.Runs = runs
	p := newPage(r, "grant_runs.title", v)
	if formErr != nil {
		p.Error, p.Status = p.L.Error(formErr), statusOf(fault.KindOf(formErr))
	} else if len(v.Errors) > 0 {
		p.Status = http.StatusUnprocessableEntity
	}
	render(w, r, "support_runs", p)
}

// uiGrantPay makes a payment run of every approved grant with an account
// (and every failed one whose account was corrected since) and shows it.
func (s *Server) uiGrantPay(w http.ResponseWriter, r *http.Request) {
	rep, err := s.Support.Pay(r.Context())
	if formError(err) {
		s.renderGrantRuns(w, r, &grantRunsView{}, err)
		return
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	s.renderGrantRuns(w, r, &grantRunsView{Pay: &rep}, nil)
}

// uiBankFile downloads the bank's file of payment run {id}: CSV, or
// Excel when xlsx.
func (s *Server) uiBankFile(xlsx bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		data, err := s.Support.BankFile(r.Context(), id, xlsx)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		name, ctype := "grant-run-"+itoa(id)+".csv", "text/csv; charset=utf-8"
		if xlsx {
			name, ctype = "grant-run-"+itoa(id)+".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.Write(data)
	}
}

// uiBankReturn takes in the bank's return file uploaded (CSV or Excel):
// applied whole, or refused whole with every bad row and column listed.
func (s *Server) uiBankReturn(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	v := &grantRunsView{}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.renderGrantRuns(w, r, v, fault.Invalidf("file", "returns.choose", "choose the bank's return file"))
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, uiMaxUpload+1))
	if err == nil && len(data) > uiMaxUpload {
		err = fault.Invalidf("file", "returns.choose", "the file is over 10 MB")
	}
	var rep support.ReturnReport
	if err == nil {
		rep, err = s.Support.ImportReturn(r.Context(), hdr.Filename, data)
	}
	if err != nil {
		var list fault.List
		var fe *fault.Error
		switch {
		case errors.As(err, &list):
			for _, e := range list {
				msg := *e
				msg.Row, msg.Col = 0, ""
				v.Errors = append(v.Errors, uploadError{Row: e.Row, Column: e.Col, Message: l.Error(&msg)})
			}
		case errors.As(err, &fe) && (fe.Kind == fault.Invalid || fe.Kind == fault.Conflict):
			msg := *fe
			msg.Row, msg.Col = 0, ""
			v.Errors = append(v.Errors, uploadError{Row: fe.Row, Column: fe.Col, Message: l.Error(&msg)})
		default:
			s.uiError(w, r, err)
			return
		}
		s.renderGrantRuns(w, r, v, nil)
		return
	}
	v.Return = &rep
	s.renderGrantRuns(w, r, v, nil)
}

// ---- loans

// loansView is the loans list with the application form.
type loansView struct {
	Loans    []support.Loan
	Form     loanForm
	Borrower string // fixed for a citizen (individual) and an agent (enterprise); "" lets staff choose
}

// loanForm is the application form as typed.
type loanForm struct {
	Borrower, PersonID, EmployerID, Bank, Guarantor, Principal, Term, Rate, Signed string
}

// uiLoans lists the loans the caller may see, with the application form.
func (s *Server) uiLoans(w http.ResponseWriter, r *http.Request) {
	s.renderLoans(w, r, nil, nil)
}

func (s *Server) renderLoans(w http.ResponseWriter, r *http.Request, form *loanForm, formErr error) {
	c, _ := requireCaller(r)
	ls, err := s.Support.Loans(r.Context(), support.LoanFilter{})
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v := loansView{Loans: ls, Form: loanForm{Borrower: string(rules.BorrowerIndividual), Signed: s.today().String(), Term: "36"}}
	switch c.Role {
	case access.Citizen:
		v.Borrower = string(rules.BorrowerIndividual)
	case access.EmployerAgent:
		v.Borrower = string(rules.BorrowerEnterprise)
		v.Form.Borrower = v.Borrower
	}
	if form != nil {
		v.Form = *form
	}
	p := newPage(r, "loans.title", &v)
	if formErr != nil {
		p.Error, p.Status = p.L.Error(formErr), statusOf(fault.KindOf(formErr))
	}
	render(w, r, "support_loans", p)
}

// uiApplyLoan records an application from the form: a citizen for
// themselves, an agent for their enterprise, a caseworker for either;
// the terms come from the rules.
func (s *Server) uiApplyLoan(w http.ResponseWriter, r *http.Request) {
	c, _ := requireCaller(r)
	f := loanForm{Borrower: r.PostFormValue("borrower"), PersonID: strings.TrimSpace(r.PostFormValue("person_id")), EmployerID: strings.TrimSpace(r.PostFormValue("employer_id")),
		Bank: r.PostFormValue("bank"), Guarantor: r.PostFormValue("guarantor"), Principal: strings.TrimSpace(r.PostFormValue("principal")),
		Term: strings.TrimSpace(r.PostFormValue("term_months")), Rate: strings.TrimSpace(r.PostFormValue("contract_rate")), Signed: strings.TrimSpace(r.PostFormValue("signed"))}
	in := support.LoanInput{Borrower: f.Borrower, Bank: f.Bank, Guarantor: f.Guarantor, Principal: f.Principal, ContractRate: f.Rate, Signed: f.Signed}
	var err error
	switch c.Role {
	case access.Citizen:
		in.Borrower, in.PersonID = string(rules.BorrowerIndividual), c.PersonID
	case access.EmployerAgent:
		in.Borrower, in.EmployerID = string(rules.BorrowerEnterprise), c.EmployerID
	default:
		if in.Borrower == string(rules.BorrowerEnterprise) {
			in.EmployerID, err = formID(r, "employer_id")
		} else if in.PersonID, err = formID(r, "person_id"); err == nil && in.Borrower != string(rules.BorrowerIndividual) {
			err = fault.Invalidf("borrower", "loan.borrower", "borrower %q must be individual or enterprise", in.Borrower)
		}
	}
	if err == nil {
		n, perr := strconv.Atoi(f.Term)
		if perr != nil || n <= 0 {
			err = fault.Invalidf("term_months", "loan.term", "%q is not a number of months", f.Term)
		}
		in.TermMonths = n
	}
	var l support.Loan
	if err == nil {
		l, err = s.Support.ApplyLoan(r.Context(), in)
	}
	if formError(err) || fault.KindOf(err) == fault.NotFound {
		s.renderLoans(w, r, &f, err)
		return
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/loans/"+itoa(l.ID), http.StatusSeeOther)
}

// loanView is one loan with its terms, schedule and subsidy grants.
type loanView struct {
	Loan      support.Loan
	Terms     string // the terms' reason in the reader's language
	Schedule  []support.ScheduleMonth
	Grants    []grantRow
	Totals    struct{ Interest, Borrower, Subsidy, Claimable money.Fen }
	CanDecide bool
	Own       bool
	CanManage bool // mark a default, claim the subsidy
	Claimed   string
	Through   string // the claim form's default month
}

// Percent writes a yearly rate as a percentage.
func (loanView) Percent(d money.Dec) string { return d.Shift(2).String() + "%" }

// uiLoan shows one loan.
func (s *Server) uiLoan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	s.renderLoan(w, r, id, nil)
}

func (s *Server) renderLoan(w http.ResponseWriter, r *http.Request, id int64, formErr error) {
	ctx := r.Context()
	l, sched, err := s.Support.Loan(ctx, id)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	c, _ := requireCaller(r)
	p := newPage(r, "loan.title", nil)
	v := loanView{Loan: l, Terms: p.L.Reason(l.Terms.Reason), Schedule: sched, Own: l.PreparerID == c.UserID,
		Claimed: r.URL.Query().Get("claimed"), Through: s.today().Month().Add(-1).String()}
	v.CanDecide = l.Status == support.LoanApplied && c.Can(access.ApprovePayments) && !c.ReadOnly && !v.Own
	v.CanManage = l.Status == support.LoanActive && c.Can(access.PrepareGrants) && !c.ReadOnly
	for _, m := range sched {
		v.Totals.Interest += m.Interest
		v.Totals.Borrower += m.Borrower
		v.Totals.Subsidy += m.Subsidy
		v.Totals.Claimable += m.Claimable
	}
	if c.DivisionScoped() {
		gs, err := s.Support.Grants(ctx, support.GrantFilter{LoanID: id})
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		v.Grants = s.grantRows(p.L, c, gs)
	}
	p.Data = &v
	if formErr != nil {
		p.Error, p.Status = p.L.Error(formErr), statusOf(fault.KindOf(formErr))
	}
	render(w, r, "support_loan", p)
}

// uiDecideLoan approves or rejects loan {id} (four eyes; a rejection with
// the reason typed).
func (s *Server) uiDecideLoan(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.loanAction(w, r, func(id int64) (string, error) {
			_, err := s.Support.DecideLoan(r.Context(), id, approve, r.PostFormValue("reason"))
			return "", err
		})
	}
}

// uiLoanDefault records the month posted as one the borrower was overdue.
func (s *Server) uiLoanDefault(w http.ResponseWriter, r *http.Request) {
	s.loanAction(w, r, func(id int64) (string, error) {
		m, err := period.ParseYearMonth(strings.TrimSpace(r.PostFormValue("period")))
		if err != nil {
			return "", fault.Invalidf("period", "month.format", "%q is not a month YYYY-MM", r.PostFormValue("period"))
		}
		_, err = s.Support.MarkDefault(r.Context(), id, m)
		return "", err
	})
}

// uiLoanClaim records the lending bank's claim of the interest subsidy
// for the loan's months up to the month posted: a pending grant per
// month, for the same batches and payment runs as every grant.
func (s *Server) uiLoanClaim(w http.ResponseWriter, r *http.Request) {
	s.loanAction(w, r, func(id int64) (string, error) {
		m, err := period.ParseYearMonth(strings.TrimSpace(r.PostFormValue("through")))
		if err != nil {
			return "", fault.Invalidf("through", "month.format", "%q is not a month YYYY-MM", r.PostFormValue("through"))
		}
		gs, err := s.Support.ClaimSubsidy(r.Context(), id, m)
		return "?claimed=" + strconv.Itoa(len(gs)), err
	})
}

// loanAction runs one form of the loan page and shows the loan again.
func (s *Server) loanAction(w http.ResponseWriter, r *http.Request, do func(id int64) (string, error)) {
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	q, err := do(id)
	if formError(err) {
		s.renderLoan(w, r, id, err)
		return
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/loans/"+itoa(id)+q, http.StatusSeeOther)
}

// ---- internships

// internshipsView is the internships list with the recording form.
type internshipsView struct {
	Internships []internshipRow
	Form        internshipForm
	Done        bool
}

// internshipRow is an internship with the links its reader may follow.
type internshipRow struct {
	support.Internship
	EmployerLink, PersonLink bool
}

// internshipForm is the recording form as typed.
type internshipForm struct {
	Employer, Intern, Start, End, Allowance string
}

// uiInternships lists the internships the caller may see, with the form
// that records one (caseworkers).
func (s *Server) uiInternships(w http.ResponseWriter, r *http.Request) {
	s.renderInternships(w, r, &internshipForm{Employer: r.URL.Query().Get("employer")}, nil)
}

func (s *Server) renderInternships(w http.ResponseWriter, r *http.Request, form *internshipForm, formErr error) {
	c, _ := requireCaller(r)
	its, err := s.Support.Internships(r.Context(), support.InternshipFilter{})
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v := internshipsView{Form: *form, Done: r.URL.Query().Get("done") == "recorded"}
	for _, it := range its {
		row := internshipRow{Internship: it}
		switch {
		case c.DivisionScoped():
			row.EmployerLink, row.PersonLink = c.InDivision(it.Division), c.CityWide()
		case c.Role == access.EmployerAgent:
			row.EmployerLink = it.EmployerID == c.EmployerID
		case c.Role == access.Citizen:
			row.PersonLink = it.PersonID == c.PersonID
		}
		v.Internships = append(v.Internships, row)
	}
	p := newPage(r, "internships.title", &v)
	if formErr != nil {
		p.Error, p.Status = p.L.Error(formErr), statusOf(fault.KindOf(formErr))
	}
	render(w, r, "support_internships", p)
}

// uiRecordInternship records an internship from the form: the host by its
// employer ID, the intern by resident ID number or person ID.
func (s *Server) uiRecordInternship(w http.ResponseWriter, r *http.Request) {
	f := internshipForm{Employer: strings.TrimSpace(r.PostFormValue("employer_id")), Intern: strings.TrimSpace(r.PostFormValue("intern")),
		Start: strings.TrimSpace(r.PostFormValue("start")), End: strings.TrimSpace(r.PostFormValue("end")), Allowance: strings.TrimSpace(r.PostFormValue("allowance"))}
	in := support.InternshipInput{Start: f.Start, End: f.End, Allowance: f.Allowance}
	var err error
	if in.EmployerID, err = formID(r, "employer_id"); err == nil && in.EmployerID == 0 {
		err = fault.Invalidf("employer_id", "internship.host", "give the host employer's ID")
	}
	if err == nil {
		in.PersonID, err = s.intern(r, f.Intern)
	}
	if err == nil {
		_, err = s.Support.RecordInternship(r.Context(), in)
	}
	if formError(err) || fault.KindOf(err) == fault.NotFound {
		s.renderInternships(w, r, &f, err)
		return
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/internships?done=recorded", http.StatusSeeOther)
}

// intern finds the intern typed: a person ID, or a resident ID number of
// a person the caller may see.
func (s *Server) intern(r *http.Request, typed string) (int64, error) {
	if typed == "" {
		return 0, fault.Invalidf("intern", "internship.intern", "give the intern's resident ID number or person ID")
	}
	if n, err := strconv.ParseInt(typed, 10, 64); err == nil && len(typed) < 18 {
		if n <= 0 {
			return 0, fault.Invalidf("intern", "internship.intern", "%q is not a person ID", typed)
		}
		return n, nil
	}
	ps, err := s.Registry.FindPersons(r.Context(), registry.PersonQuery{ResidentID: typed, Page: registry.Page{Limit: 1}})
	if err != nil {
		return 0, err
	}
	if len(ps) == 0 {
		return 0, fault.Invalidf("intern", "internship.intern_unknown", "no person with this resident ID number is in your reach")
	}
	return ps[0].ID, nil
}
