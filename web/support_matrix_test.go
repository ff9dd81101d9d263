package web_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"hrss/access"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
	"hrss/support"
)

// The support programmes' cells of the authorization matrix
// (auth_matrix_test.go), merged into it at init, with the status each
// role must get inside and outside its scope (TestSupportMatrixStatuses).
// Their records, made through the services when a world is set up:
// interns iA (330402) and iB (330411), recent graduates, with internships
// at E1 (inA) and E2 (inB); the grants gA and gB a scan found for the
// hosts, each prepared in its own batch (bA, bB), approved by a reviewer
// and issued in one payment run; payee accounts of E1 and E2; active
// loans lA (person A) and lB (person B). Routes that change a grant, a
// batch or a loan work on fresh ones made per request.

// supFix are the support records of one world.
type supFix struct {
	gA, gB, bA, bB, run, lA, lB int64
	reviewer                    context.Context // a city-wide reviewer, who approves the fixtures
}

var supFixtures = map[*world]*supFix{}

// The names and amounts that mark the support records (see markers).
const (
	supInternA, supInternB = "见习甲生", "见习乙生"
	supHolderA, supHolderB = "甲内收款人", "乙外收款人"
	supAllowA, supAllowB   = "2601.01", "2602.02"
	supBankA, supBankB     = "矩阵甲银行", "矩阵乙银行"
)

func init() {
	worldSetup = append(worldSetup, supSetup)
	for _, r := range []access.Role{access.Caseworker, access.Reviewer} {
		reach[r] = append(reach[r], "gA", "bA", "inA", "lA")
	}
	reach[access.EmployerAgent] = append(reach[access.EmployerAgent], "gA", "inA")
	reach[access.Citizen] = append(reach[access.Citizen], "lA")
	for k, c := range supportMatrix {
		matrix[k] = c.cell
	}
}

// supSetup makes the support records of a new world.
func supSetup(t *testing.T, w *world) {
	t.Helper()
	svc := supportOf[w.a.reg]
	u := w.a.user(t, access.UserInput{Name: "m-fixture-reviewer", Role: "reviewer", Divisions: []string{access.CityWide}})
	f := &supFix{reviewer: access.WithCaller(context.Background(), access.Caller{UserID: u.ID, Name: u.Name, Role: u.Role, Divisions: u.Divisions})}
	supFixtures[w] = f
	f.gA, f.gB = w.supGrant(t, "330402"), w.supGrant(t, "330411")
	f.bA, f.bB = w.supBatch(t, "330402", f.gA), w.supBatch(t, "330411", f.gB)
	for _, p := range []support.Payee{
		{Kind: rules.PaysEmployer, ID: w.e1.ID, Bank: "嘉兴银行", Account: "6222040200000001", Holder: supHolderA},
		{Kind: rules.PaysEmployer, ID: w.e2.ID, Bank: "嘉兴银行", Account: "6222041100000002", Holder: supHolderB},
	} {
		if _, err := svc.SetPayee(sysCtx, p, ""); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := svc.Pay(sysCtx, "")
	if err != nil || rep.Run.Rows != 2 {
		t.Fatalf("the matrix's payment run: %+v %v", rep, err)
	}
	f.run = rep.Run.ID
	f.lA, f.lB = w.supLoan(t, "330402", true), w.supLoan(t, "330411", true)
	bA, _, errA := svc.Batch(sysCtx, f.bA)
	bB, _, errB := svc.Batch(sysCtx, f.bB)
	if errA != nil || errB != nil || bA.Total == bB.Total {
		t.Fatalf("the batches must differ in total to mark them: %v %v %v %v", bA.Total, bB.Total, errA, errB)
	}
	w.marks["gA"], w.marks["gB"] = []string{supInternA, supHolderA}, []string{supInternB, supHolderB}
	w.marks["bA"], w.marks["bB"] = []string{`"total":"` + bA.Total.String() + `"`}, []string{`"total":"` + bB.Total.String() + `"`}
	w.marks["inA"], w.marks["inB"] = []string{`"` + supAllowA + `"`}, []string{`"` + supAllowB + `"`}
	w.marks["lA"], w.marks["lB"] = []string{supBankA}, []string{supBankB}
}

// supSide returns what marks a record of division div: the host, the
// intern's name, the allowance, the first day of the internship (six
// months in 330402, five in 330411, so that the amounts differ), the
// borrower and their bank.
func (w *world) supSide(div string) (host int64, intern, allowance, start string, borrower int64, bank string) {
	if div == "330402" {
		return w.e1.ID, supInternA, supAllowA, "2025-07-01", w.pA.ID, supBankA
	}
	return w.e2.ID, supInternB, supAllowB, "2025-08-01", w.pB.ID, supBankB
}

// supGrant records (as the system) an internship of a fresh graduate at
// div's employer ending in 2025, scans, and returns the host's grant.
func (w *world) supGrant(t *testing.T, div string) int64 {
	t.Helper()
	svc := supportOf[w.a.reg]
	host, name, allowance, start, _, _ := w.supSide(div)
	n := w.fresh()
	p, err := w.a.reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: supResidentID(div, n), Name: name, ResidenceDivision: div, Education: "bachelor",
		Graduation: &registry.GraduationInput{School: "嘉兴大学", Major: "会计学", Degree: "bachelor", Date: "2025-06-30"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RecordInternship(sysCtx, support.InternshipInput{EmployerID: host, PersonID: p.ID, Start: start, End: "2025-12-31", Allowance: allowance}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Scan(sysCtx, support.ScanOptions{Programme: "internship"}); err != nil {
		t.Fatal(err)
	}
	gs, err := svc.Grants(sysCtx, support.GrantFilter{PersonID: p.ID})
	if err != nil || len(gs) != 1 {
		t.Fatalf("the scan found %+v for intern %d: %v", gs, p.ID, err)
	}
	return gs[0].ID
}

// supResidentID is the n-th intern's number: born in September 2002, a
// date no other fixture uses.
func supResidentID(div string, n int) string {
	return string(ident.NewResidentID(div, period.Date{Y: 2002, M: 9, D: 1 + n%28}, 2*(n/28)))
}

// supBatch prepares (as the system) a batch of grant in div.
func (w *world) supBatch(t *testing.T, div string, grant int64) int64 {
	t.Helper()
	b, err := supportOf[w.a.reg].PrepareBatch(sysCtx, div, "", []int64{grant})
	if err != nil {
		t.Fatal(err)
	}
	if f := supFixtures[w]; f != nil && (grant == f.gA || grant == f.gB) {
		if _, err := supportOf[w.a.reg].DecideBatch(f.reviewer, b.ID, true, ""); err != nil {
			t.Fatal(err)
		}
	}
	return b.ID
}

// supLoan applies (as the system) for a loan of div's person, approved
// by the fixtures' reviewer when approve is set.
func (w *world) supLoan(t *testing.T, div string, approve bool) int64 {
	t.Helper()
	svc := supportOf[w.a.reg]
	_, _, _, _, person, bank := w.supSide(div)
	l, err := svc.ApplyLoan(sysCtx, support.LoanInput{Borrower: "individual", PersonID: person, Bank: bank, Guarantor: "嘉兴市融资担保有限公司",
		Principal: "200000.00", TermMonths: 24, ContractRate: "0.0345", Signed: "2025-06-10"})
	if err == nil && approve {
		_, err = svc.DecideLoan(supFixtures[w].reviewer, l.ID, true, "")
	}
	if err != nil {
		t.Fatal(err)
	}
	return l.ID
}

// supCell is a route's cell with the status each role must get inside
// (in) and outside (out) its scope; a role not named gets 403, since its
// role lacks the permission.
type supCell struct {
	cell
	in, out map[access.Role]int
}

func supPath(format string, ids ...func(t *testing.T, w *world) int64) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req {
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id(t, w)
		}
		return req{path: fmt.Sprintf(format, args...)}
	}
}

func supPost(format, body string, ids ...func(t *testing.T, w *world) int64) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req {
		r := supPath(format, ids...)(t, w)
		r.body = body
		return r
	}
}

// supBody is a request to path with a body formatted with ids.
func supBody(path, format string, ids ...func(t *testing.T, w *world) int64) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req {
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id(t, w)
		}
		return req{path, fmt.Sprintf(format, args...)}
	}
}

// supFixed picks a fixture.
func supFixed(pick func(f *supFix) int64) func(*testing.T, *world) int64 {
	return func(t *testing.T, w *world) int64 { return pick(supFixtures[w]) }
}

// supFreshGrant makes a fresh pending grant of div per request.
func supFreshGrant(div string) func(*testing.T, *world) int64 {
	return func(t *testing.T, w *world) int64 { return w.supGrant(t, div) }
}

// supFreshBatch makes a fresh prepared batch of div per request.
func supFreshBatch(div string) func(*testing.T, *world) int64 {
	return func(t *testing.T, w *world) int64 { return w.supBatch(t, div, w.supGrant(t, div)) }
}

// supFreshLoan makes a fresh application of div per request.
func supFreshLoan(div string) func(*testing.T, *world) int64 {
	return func(t *testing.T, w *world) int64 { return w.supLoan(t, div, false) }
}

// supEmployer is div's employer (E1 or E2).
func supEmployer(div string) func(*testing.T, *world) int64 {
	return func(t *testing.T, w *world) int64 { host, _, _, _, _, _ := w.supSide(div); return host }
}

func supInternshipBody(div string) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req {
		host, _, allowance, start, _, _ := w.supSide(div)
		return req{"/api/v1/internships", fmt.Sprintf(`{"employer_id":%d,"person_id":%d,"start":"%s","end":"2025-12-31","allowance":"%s"}`, host, w.freshPerson(t, div), start, allowance)}
	}
}

func supLoanReq(div string) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req {
		_, _, _, _, person, bank := w.supSide(div)
		return req{"/api/v1/loans", fmt.Sprintf(`{"borrower":"individual","person_id":%d,"bank":"%s","guarantor":"嘉兴市融资担保有限公司","principal":"200000.00","term_months":24,"contract_rate":"0.0345","signed":"2025-06-10"}`, person, bank)}
	}
}

var supportMatrix = supportCells()

// supportCells returns the support routes' cells.
func supportCells() map[string]supCell {
	cw, rv, ea, ci, an := access.Caseworker, access.Reviewer, access.EmployerAgent, access.Citizen, access.Analyst
	gA, gB := supFixed(func(f *supFix) int64 { return f.gA }), supFixed(func(f *supFix) int64 { return f.gB })
	bA, bB := supFixed(func(f *supFix) int64 { return f.bA }), supFixed(func(f *supFix) int64 { return f.bB })
	lA, lB := supFixed(func(f *supFix) int64 { return f.lA }), supFixed(func(f *supFix) int64 { return f.lB })
	run := supFixed(func(f *supFix) int64 { return f.run })
	supAll := map[access.Role]int{cw: 200, rv: 200, ea: 200, ci: 200, an: 200, access.Administrator: 200, access.Auditor: 200}
	supNobody := map[access.Role]int{}
	supReaders := map[access.Role]int{cw: 200, rv: 200, ea: 200, ci: 200}
	supHidden := map[access.Role]int{cw: 404, rv: 404, ea: 404, ci: 404}
	return map[string]supCell{
		"GET /api/v1/programmes":        {cell{ok: everyone, in: fixed("/api/v1/programmes?at=2025-07-01&division=330402")}, supAll, nil},
		"GET /api/v1/programmes/{code}": {cell{ok: everyone, in: fixed("/api/v1/programmes/internship")}, supAll, nil},
		"POST /api/v1/support/scans":    {cell{ok: nobody, in: supPost("/api/v1/support/scans", `{"programme":"internship"}`)}, supNobody, nil},
		"GET /api/v1/support/scans":     {cell{ok: nobody, in: fixed("/api/v1/support/scans")}, supNobody, nil},

		"GET /api/v1/grants": {cell{ok: []access.Role{cw, rv, ea}, show: "gA", in: fixed("/api/v1/grants"), out: fixed("/api/v1/grants?division=330411")},
			supReaders, supReaders},
		"GET /api/v1/grants/{id}": {cell{ok: []access.Role{cw, rv, ea}, show: "gA", in: supPath("/api/v1/grants/%d", gA), out: supPath("/api/v1/grants/%d", gB)},
			map[access.Role]int{cw: 200, rv: 200, ea: 200, ci: 404}, supHidden},
		"POST /api/v1/grants/{id}/reject": {cell{ok: []access.Role{cw, rv},
			in:  supPost("/api/v1/grants/%d/reject", `{"reason":"matrix"}`, supFreshGrant("330402")),
			out: supPost("/api/v1/grants/%d/reject", `{"reason":"matrix"}`, supFreshGrant("330411"))},
			map[access.Role]int{cw: 200, rv: 200}, map[access.Role]int{cw: 404, rv: 404}},
		"POST /api/v1/grants/{id}/revoke": {cell{ok: []access.Role{cw},
			in:  supPost("/api/v1/grants/%d/revoke", `{"reason":"matrix"}`, supFreshGrant("330402")),
			out: supPost("/api/v1/grants/%d/revoke", `{"reason":"matrix"}`, supFreshGrant("330411"))},
			map[access.Role]int{cw: 200}, map[access.Role]int{cw: 404}},

		"GET /api/v1/grant-batches": {cell{ok: []access.Role{cw, rv}, show: "bA", in: fixed("/api/v1/grant-batches")}, supReaders, nil},
		"POST /api/v1/grant-batches": {cell{ok: []access.Role{cw},
			in:  supBody("/api/v1/grant-batches", `{"division":"330402","grants":[%d]}`, supFreshGrant("330402")),
			out: supBody("/api/v1/grant-batches", `{"division":"330411","grants":[%d]}`, supFreshGrant("330411"))},
			map[access.Role]int{cw: 201}, map[access.Role]int{cw: 404}},
		"GET /api/v1/grant-batches/{id}": {cell{ok: []access.Role{cw, rv}, show: "gA", in: supPath("/api/v1/grant-batches/%d", bA), out: supPath("/api/v1/grant-batches/%d", bB)},
			map[access.Role]int{cw: 200, rv: 200, ea: 404, ci: 404}, supHidden},
		"POST /api/v1/grant-batches/{id}/approve": {cell{ok: []access.Role{rv},
			in: supPath("/api/v1/grant-batches/%d/approve", supFreshBatch("330402")), out: supPath("/api/v1/grant-batches/%d/approve", supFreshBatch("330411"))},
			map[access.Role]int{rv: 200}, map[access.Role]int{rv: 404}},
		"POST /api/v1/grant-batches/{id}/reject": {cell{ok: []access.Role{rv},
			in:  supPost("/api/v1/grant-batches/%d/reject", `{"reason":"matrix"}`, supFreshBatch("330402")),
			out: supPost("/api/v1/grant-batches/%d/reject", `{"reason":"matrix"}`, supFreshBatch("330411"))},
			map[access.Role]int{rv: 200}, map[access.Role]int{rv: 404}},

		"PUT /api/v1/payees/{kind}/{id}": {cell{ok: []access.Role{cw},
			in:  supPost("/api/v1/payees/employer/%d", `{"bank":"嘉兴银行","account":"6222040200000001","holder":"`+supHolderA+`"}`, supEmployer("330402")),
			out: supPost("/api/v1/payees/employer/%d", `{"bank":"外行","account":"6222999999999999","holder":"`+supHolderB+`"}`, supEmployer("330411"))},
			map[access.Role]int{cw: 200}, map[access.Role]int{cw: 404}},
		"POST /api/v1/grant-payments":               {cell{ok: nobody, in: fixed("/api/v1/grant-payments")}, supNobody, nil},
		"GET /api/v1/grant-payments":                {cell{ok: nobody, in: fixed("/api/v1/grant-payments")}, supNobody, nil},
		"GET /api/v1/grant-payments/{id}/bank-file": {cell{ok: nobody, in: supPath("/api/v1/grant-payments/%d/bank-file", run)}, supNobody, nil},
		"POST /api/v1/grant-returns":                {cell{ok: nobody, in: supPost("/api/v1/grant-returns?name=r.csv", "reference,status,reason\nSUP-1-1,paid,\n")}, supNobody, nil},

		"POST /api/v1/internships": {cell{ok: []access.Role{cw}, in: supInternshipBody("330402"), out: supInternshipBody("330411")},
			map[access.Role]int{cw: 201}, map[access.Role]int{cw: 404}},
		"GET /api/v1/internships": {cell{ok: []access.Role{cw, rv, ea}, show: "inA", in: fixed("/api/v1/internships"), out: fixed("/api/v1/internships?division=330411")},
			supReaders, supReaders},

		// an application for a borrower out of the caller's divisions is refused naming the field (403 scope.division): nothing to hide yet
		"POST /api/v1/loans": {cell{ok: []access.Role{cw, ci}, show: "lA", in: supLoanReq("330402"), out: supLoanReq("330411")},
			map[access.Role]int{cw: 201, ci: 201}, map[access.Role]int{cw: 403, ci: 403}},
		"GET /api/v1/loans": {cell{ok: []access.Role{cw, rv, ci}, show: "lA", in: fixed("/api/v1/loans"),
			out: func(t *testing.T, w *world) req { return req{path: fmt.Sprintf("/api/v1/loans?person_id=%d", w.pB.ID)} }},
			supReaders, supReaders},
		"GET /api/v1/loans/{id}": {cell{ok: []access.Role{cw, rv, ci}, show: "lA", in: supPath("/api/v1/loans/%d", lA), out: supPath("/api/v1/loans/%d", lB)},
			map[access.Role]int{cw: 200, rv: 200, ci: 200, ea: 404}, supHidden},
		"POST /api/v1/loans/{id}/approve": {cell{ok: []access.Role{rv}, in: supPath("/api/v1/loans/%d/approve", supFreshLoan("330402")), out: supPath("/api/v1/loans/%d/approve", supFreshLoan("330411"))},
			map[access.Role]int{rv: 200}, map[access.Role]int{rv: 404}},
		"POST /api/v1/loans/{id}/reject": {cell{ok: []access.Role{rv},
			in:  supPost("/api/v1/loans/%d/reject", `{"reason":"matrix"}`, supFreshLoan("330402")),
			out: supPost("/api/v1/loans/%d/reject", `{"reason":"matrix"}`, supFreshLoan("330411"))},
			map[access.Role]int{rv: 200}, map[access.Role]int{rv: 404}},
		"POST /api/v1/loans/{id}/defaults": {cell{ok: []access.Role{cw},
			in: supPost("/api/v1/loans/%d/defaults", `{"period":"2025-08"}`, lA), out: supPost("/api/v1/loans/%d/defaults", `{"period":"2025-08"}`, lB)},
			map[access.Role]int{cw: 200}, map[access.Role]int{cw: 404}},
		"POST /api/v1/loans/{id}/claims": {cell{ok: []access.Role{cw},
			in: supPost("/api/v1/loans/%d/claims", `{"through":"2025-09"}`, lA), out: supPost("/api/v1/loans/%d/claims", `{"through":"2025-09"}`, lB)},
			map[access.Role]int{cw: 201}, map[access.Role]int{cw: 404}},

		// aggregates: analysts every division, the divisions' staff their own (another division's answer is an empty list)
		"GET /api/v1/support/totals": {cell{ok: []access.Role{cw, rv, an}, in: fixed("/api/v1/support/totals"), out: fixed("/api/v1/support/totals?division=330411")},
			map[access.Role]int{cw: 200, rv: 200, an: 200}, map[access.Role]int{cw: 200, rv: 200, an: 200}},
		"GET /api/v1/support/check": {cell{ok: nobody, in: fixed("/api/v1/support/check")}, supNobody, nil},
	}
}

// TestSupportMatrixStatuses holds the support routes to the exact status
// of each role inside and outside its scope: out of scope 404, a role
// without the permission 403, what the role may do 2xx. A read-only API
// token of a role that may write is refused every write (403
// auth.read_only) and reads as its role does. No write out of scope
// changes a record of 330411.
func TestSupportMatrixStatuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		before := w.supOutOfScope(t)
		readOnly := w.supReadOnlyTokens(t)
		routes := make([]string, 0, len(supportMatrix))
		for route := range supportMatrix {
			routes = append(routes, route)
		}
		sort.Strings(routes)
		for _, route := range routes {
			c := supportMatrix[route]
			method, _, _ := strings.Cut(route, " ")
			for _, role := range access.Roles {
				w.supWant(t, route, method, w.tokens[role], role, c.in, c.cell.in)
				if c.out != nil {
					w.supWant(t, route, method, w.tokens[role], role, c.out, c.cell.out)
				}
				if tok := readOnly[role]; tok != "" && c.in[role] != 0 {
					w.supReadOnly(t, route, method, tok, role, c)
				}
			}
		}
		if after := w.supOutOfScope(t); after != before {
			t.Errorf("a write out of scope changed support records:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// supWant makes a request as role and checks its status.
func (w *world) supWant(t *testing.T, route, method, token string, role access.Role, want map[access.Role]int, mk func(*testing.T, *world) req) {
	t.Helper()
	status := want[role]
	if status == 0 {
		status = http.StatusForbidden
	}
	r := mk(t, w)
	res := w.a.do(t, token, method, r.path, r.body, nil)
	if res.status != status {
		t.Errorf("%s as %s (%s): %d %s, want %d", route, role, r.path, res.status, res.body, status)
	}
}

// supReadOnly checks a read-only token of role on the route's request in
// scope: refused if it writes, answered as the role otherwise.
func (w *world) supReadOnly(t *testing.T, route, method, token string, role access.Role, c supCell) {
	t.Helper()
	r := c.cell.in(t, w)
	res := w.a.do(t, token, method, r.path, r.body, nil)
	switch {
	case method == "GET" && res.status != c.in[role]:
		t.Errorf("%s with a read-only token of a %s: %d %s, want %d", route, role, res.status, res.body, c.in[role])
	case method != "GET" && (res.status != 403 || res.json()["rule"] != "auth.read_only"):
		t.Errorf("%s with a read-only token of a %s: %d %s, want 403 auth.read_only", route, role, res.status, res.body)
	}
}

// supReadOnlyTokens makes a read-only API token for each role that
// reads or writes grants.
func (w *world) supReadOnlyTokens(t *testing.T) map[access.Role]string {
	t.Helper()
	admin := access.WithCaller(context.Background(), access.Caller{Name: "matrix", Role: access.Administrator})
	out := map[access.Role]string{}
	for _, role := range []access.Role{access.Caseworker, access.Reviewer, access.EmployerAgent, access.Citizen, access.Analyst} {
		u, err := w.a.acc.UserByName(admin, "m-"+strings.ReplaceAll(string(role), "_", "-"))
		if err != nil {
			t.Fatal(err)
		}
		_, secret, err := w.a.acc.CreateToken(sysCtx, access.TokenInput{UserID: u.ID, Name: "read only"})
		if err != nil {
			t.Fatal(err)
		}
		out[role] = secret
	}
	return out
}

// supOutOfScope snapshots, as the system, the support records of 330411
// that the matrix's roles must not change: grant gB, batch bB, loan lB,
// E2's payee, and how many internships and loans there a user recorded.
func (w *world) supOutOfScope(t *testing.T) string {
	t.Helper()
	svc, f := supportOf[w.a.reg], supFixtures[w]
	g, _, err1 := svc.Grant(sysCtx, f.gB)
	b, _, err2 := svc.Batch(sysCtx, f.bB)
	l, _, err3 := svc.Loan(sysCtx, f.lB)
	its, err4 := svc.Internships(sysCtx, support.InternshipFilter{EmployerID: w.e2.ID})
	ls, err5 := svc.Loans(sysCtx, support.LoanFilter{PersonID: w.pB.ID})
	var payee support.Payee
	err6 := supStore(w).View(sysCtx, func(tx support.Tx) (err error) {
		payee, _, err = tx.Payee(sysCtx, rules.PaysEmployer, w.e2.ID)
		return err
	})
	for _, err := range []error{err1, err2, err3, err4, err5, err6} {
		if err != nil {
			t.Fatal(err)
		}
	}
	byUsers := func(actors []string) int {
		return len(slices.DeleteFunc(actors, func(a string) bool { return a == "system" }))
	}
	var itActors, loanActors []string
	for _, it := range its {
		itActors = append(itActors, it.Actor)
	}
	for _, x := range ls {
		loanActors = append(loanActors, x.Preparer)
	}
	return fmt.Sprintf("grant %s %q %d | batch %s %s %q | loan %s %v | payee %s %s %s | by users: %d internships, %d loans",
		g.Status, g.Note, g.BatchID, b.Status, b.Reviewer, b.Note, l.Status, l.Defaults, payee.Bank, payee.Account, payee.Holder, byUsers(itActors), byUsers(loanActors))
}

// supStore returns the support store of w's service.
func supStore(w *world) support.Store { return supportOf[w.a.reg].Store }
