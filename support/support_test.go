package support_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"hrss/access"
	"hrss/employment"
	"hrss/insurance"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
	"hrss/support"
)

var testNow = time.Date(2026, 2, 20, 9, 0, 0, 0, time.UTC)

func date(s string) period.Date {
	d, err := period.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func as(c access.Caller) context.Context { return access.WithCaller(context.Background(), c) }

var (
	system    = as(access.System)
	caseAmy   = as(access.Caller{UserID: 11, Name: "amy", Role: access.Caseworker, Divisions: []string{access.CityWide}})
	caseNanhu = as(access.Caller{UserID: 12, Name: "nan", Role: access.Caseworker, Divisions: []string{"330402"}})
	reviewBob = as(access.Caller{UserID: 21, Name: "bob", Role: access.Reviewer, Divisions: []string{access.CityWide}})
	reviewAmy = as(access.Caller{UserID: 11, Name: "amy", Role: access.Reviewer, Divisions: []string{access.CityWide}})
)

// person is one person of the test city and what the scan must make of them.
type person struct {
	birth, grad string // grad "" for none
	sex         string
	employer    int64  // the hire's employer, 0 for none
	hired       string // the hire's first day
	ins         []registry.Insurance
	registered  string // an unemployment registration's day, "" for none
	flexible    string // a self-employed enrolment's first day
	want        string // programme whose grant the scan must find, "" for none
}

var divisions = []string{"330402", "330411", "330421"}

// people: employer 2 pays only half its bills, so its hires have no paid month.
var people = []person{
	{birth: "2003-04-01", grad: "2025-06-30", sex: "male", employer: 1, hired: "2025-07-01", ins: registry.AllInsurances, want: "expansion_2025"},
	{birth: "2003-04-02", grad: "2025-06-30", sex: "female", employer: 2, hired: "2025-07-01", ins: registry.AllInsurances},
	{birth: "2002-01-01", sex: "female", employer: 3, hired: "2025-08-01", ins: registry.AllInsurances, registered: "2025-01-10", want: "expansion_2025"},
	{birth: "1990-01-01", sex: "male", employer: 1, hired: "2025-07-01", ins: registry.AllInsurances},
	{birth: "1972-05-05", sex: "male", employer: 3, hired: "2025-07-01", ins: registry.AllInsurances, registered: "2025-02-01", want: "hiring_insurance"},
	{birth: "2003-06-01", grad: "2025-06-30", sex: "male", employer: 1, hired: "2025-07-01", ins: []registry.Insurance{registry.Pension, registry.Medical}},
	{birth: "1985-03-03", sex: "female", registered: "2024-10-01", flexible: "2025-01-15", want: "startup_subsidy"},
	{birth: "2002-09-09", grad: "2025-06-30", sex: "female", want: "internship"}, // an intern of employer 2
	{birth: "2001-01-01", grad: "2024-06-30", sex: "male", employer: 3, hired: "2025-09-01", ins: registry.AllInsurances, want: "expansion_2025"},
}

type city struct {
	db   *store.DB
	svc  *support.Service
	ins  *insurance.Service
	reg  *registry.Service
	jobs []registry.Employment
	emps []registry.Employer
}

func newCity(t *testing.T, db *store.DB) *city {
	t.Helper()
	ctx := context.Background()
	params, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	c := &city{db: db}
	for i := 1; i <= 3; i++ {
		c.emps = append(c.emps, registry.Employer{ID: int64(i), CreditCode: ident.NewCreditCode('9', '1', divisions[i-1], uint64(500+i)),
			Name: fmt.Sprintf("单位%d", i), IndustrySection: "C", IndustryDivision: "13", Division: divisions[i-1], RiskClass: 1,
			RiskFloat: money.MustDec("1"), CreatedAt: testNow, UpdatedAt: testNow})
	}
	var ps []registry.SealedPerson
	var flex []registry.FlexibleWorker
	var regs []employment.UnemploymentRegistration
	for i, p := range people {
		id := int64(i + 1)
		rp := registry.Person{ID: id, Name: fmt.Sprintf("人%d", id), Sex: ident.Sex(p.sex), Birth: date(p.birth), HukouDivision: divisions[i%3],
			ResidenceDivision: divisions[i%3], Education: registry.EduBachelor, CreatedAt: testNow, UpdatedAt: testNow}
		if p.grad != "" {
			rp.Graduation = &registry.Graduation{School: "嘉兴学院", Major: "会计", Degree: registry.EduBachelor, Date: date(p.grad)}
		}
		ps = append(ps, registry.SealedPerson{Person: rp, IDSealed: []byte{byte(id)}, IDHash: []byte(fmt.Sprintf("h%d", id))})
		if p.employer != 0 {
			c.jobs = append(c.jobs, registry.Employment{ID: int64(len(c.jobs) + 1), PersonID: id, EmployerID: p.employer, Start: date(p.hired),
				DeclaredWage: 600_000, Insurances: p.ins, CreatedAt: testNow, UpdatedAt: testNow})
		}
		if p.flexible != "" {
			flex = append(flex, registry.FlexibleWorker{ID: int64(len(flex) + 1), PersonID: id, Division: divisions[i%3], Start: date(p.flexible),
				BasePct: 60, CreatedAt: testNow, UpdatedAt: testNow})
		}
		if p.registered != "" {
			regs = append(regs, employment.UnemploymentRegistration{ID: int64(len(regs) + 1), PersonID: id, Division: divisions[i%3],
				Registered: date(p.registered), LastContact: date(p.registered), Status: employment.Active, CreatedAt: testNow, UpdatedAt: testNow})
		}
	}
	b := db.Bulk()
	for _, err := range []error{b.Employers(ctx, c.emps), b.Persons(ctx, ps), b.Employments(ctx, c.jobs), b.Flexible(ctx, flex),
		b.Unemployment(ctx, regs), b.Finish(ctx), b.FinishJobs(ctx)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	now := func() time.Time { return testNow }
	c.ins = &insurance.Service{Store: db.Insurance(), Insured: db.InsuredReader(), Params: params, Now: now}
	c.svc = &support.Service{Store: db.Support(), Params: params, Now: now, Chunk: 2}
	c.reg = &registry.Service{Store: db.Registry()}
	return c
}

// assessAndCollect assesses 2025-07 to 2025-12 and pays every bill in
// full but employer 2's, which pays half.
func (c *city) assessAndCollect(t *testing.T) {
	t.Helper()
	for p := period.New(2025, 7); p <= period.New(2025, 12); p++ {
		if _, err := c.ins.Assess(system, p, insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
		bills, err := c.ins.Bills(system, insurance.BillFilter{Period: p})
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, b := range bills {
			if b.PayerKind != insurance.PayerEmployer {
				continue
			}
			amt := b.Due
			if b.PayerID == 2 {
				amt = b.Due / 2
			}
			lines = append(lines, fmt.Sprintf("%s,%s,%s,T-%s-%d,%s", c.emps[b.PayerID-1].CreditCode, p, amt, p, b.PayerID, p.Add(1).First().AddDays(9)))
		}
		file := "credit_code,period,amount,reference,date\n" + strings.Join(lines, "\n") + "\n"
		if _, err := c.ins.ImportCollections(system, "tax.csv", []byte(file)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestScanApprovePayReturnReissue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db)
		c.assessAndCollect(t)
		if _, err := c.svc.RecordInternship(caseAmy, support.InternshipInput{EmployerID: 2, PersonID: 8, Start: "2025-07-01", End: "2025-12-31", Allowance: "2500.00"}); err != nil {
			t.Fatal(err)
		}
		sc, err := c.svc.Scan(caseAmy, support.ScanOptions{AsOf: date("2026-02-15")})
		if err != nil {
			t.Fatal(err)
		}
		grants := c.grantsBy(t)
		want := map[string]string{}
		for i, p := range people {
			if p.want != "" {
				want[fmt.Sprint(i+1)] = p.want
			}
		}
		if fmt.Sprint(grants) != fmt.Sprint(want) {
			t.Fatalf("grants found by person: %v, want %v", grants, want)
		}
		if sc.Created != len(want) || sc.Eligible != len(want) || sc.ByProgramme["expansion_2025"].Amount != money.Yuan(4500) {
			t.Fatalf("scan %+v %+v", sc, sc.ByProgramme["expansion_2025"])
		}
		c.matchesPlainSQL(t, "expansion_2025", date("2026-02-15"))
		again, err := c.svc.Scan(caseAmy, support.ScanOptions{AsOf: date("2026-02-15")})
		if err != nil || again.Created != 0 || again.Revoked != 0 || again.Eligible != len(want) {
			t.Fatalf("second scan %+v %v", again, err)
		}
		c.checkAmounts(t)
		c.approveAndPay(t)
		c.mustCheck(t)
	})
}

// matchesPlainSQL checks that the scan's grants of a job expansion
// programme are the persons the independent plain SQL query finds.
func (c *city) matchesPlainSQL(t *testing.T, code string, asOf period.Date) {
	t.Helper()
	g, _ := c.svc.Params.Programme(code)
	q, err := store.PlainExpansionOf(c.svc.Params, g, "330400", asOf)
	if err != nil {
		t.Fatal(err)
	}
	want, err := c.db.PlainExpansionPersons(system, q)
	if err != nil {
		t.Fatal(err)
	}
	gs, _ := c.svc.Grants(system, support.GrantFilter{Programme: code})
	var got []int64
	for _, g := range gs {
		got = append(got, g.PersonID)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || len(want) == 0 {
		t.Fatalf("%s: scan %v, plain SQL %v", code, got, want)
	}
}

// grantsBy returns the programme of each person's grant.
func (c *city) grantsBy(t *testing.T) map[string]string {
	gs, err := c.svc.Grants(system, support.GrantFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, g := range gs {
		out[fmt.Sprint(g.PersonID)] = g.Programme
		if g.ScanID == 0 || len(g.Trace) == 0 || g.Reason.Key == "" {
			t.Errorf("grant %d is not traceable: %+v", g.ID, g)
		}
	}
	return out
}

// checkAmounts checks the amounts against the rules by hand.
func (c *city) checkAmounts(t *testing.T) {
	gs, _ := c.svc.Grants(system, support.GrantFilter{})
	for _, g := range gs {
		switch g.Programme {
		case "expansion_2025":
			if g.Amount != money.Yuan(1500) || g.Beneficiary != rules.PaysEmployer || len(g.Source.PaidMonths) != 3 || g.Source.RelationID == 0 {
				t.Errorf("expansion grant %+v", g)
			}
		case "internship": // 6 months × 0.6 × 2490 (tier 1 of 330411)
			if g.Amount != money.Fen(896400) || g.EmployerID != 2 {
				t.Errorf("internship grant %+v", g)
			}
		case "startup_subsidy":
			if g.Amount != money.Yuan(5000) || g.Beneficiary != rules.PaysPerson || g.PayeeID != 7 {
				t.Errorf("startup grant %+v", g)
			}
		case "hiring_insurance": // 6 paid months of the employer's pension, medical and unemployment parts
			if g.Months != 6 || g.Amount <= 0 {
				t.Errorf("hiring insurance grant %+v", g)
			}
		}
	}
}

func (c *city) approveAndPay(t *testing.T) {
	b, err := c.svc.PrepareBatch(caseAmy, "330402", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.svc.DecideBatch(reviewAmy, b.ID, true, ""); fault.KindOf(err) != fault.Forbidden {
		t.Fatalf("the preparer approved their own batch: %v", err)
	}
	if _, err := c.svc.DecideBatch(caseNanhu, b.ID, true, ""); fault.KindOf(err) != fault.Forbidden {
		t.Fatalf("a caseworker approved: %v", err)
	}
	if _, err := c.svc.DecideBatch(reviewBob, b.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	for _, d := range divisions[1:] {
		b, err := c.svc.PrepareBatch(caseAmy, d, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.svc.DecideBatch(reviewBob, b.ID, true, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.svc.Pay(caseAmy, ""); err == nil || !strings.Contains(err.Error(), "no approved grant with a payee account") {
		t.Fatalf("paid without accounts: %v", err)
	}
	gs, _ := c.svc.Grants(system, support.GrantFilter{Status: support.Approved})
	for _, g := range gs {
		if _, err := c.svc.SetPayee(caseAmy, support.Payee{Kind: g.Beneficiary, ID: g.PayeeID, Bank: "嘉兴银行", Account: fmt.Sprintf("62220000%08d", g.PayeeID), Holder: "收款人"}, ""); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := c.svc.Pay(caseAmy, "queue_jobs/7")
	if err != nil || rep.Run.Rows != len(gs) || rep.Repeated || rep.Run.Key != "queue_jobs/7" {
		t.Fatalf("pay %+v %v", rep, err)
	}
	// the same job tried again (its worker died after the run committed)
	// reports that run and pays no one again; another request has
	// nothing to pay
	again, err := c.svc.Pay(caseAmy, "queue_jobs/7")
	if err != nil || !again.Repeated || again.Run != rep.Run || len(c.payments(t, 0)) != len(gs) {
		t.Fatalf("the job's second attempt: %+v %v (%d payments, want %d)", again, err, len(c.payments(t, 0)), len(gs))
	}
	if _, err := c.svc.Pay(caseAmy, "queue_jobs/8"); fault.RuleOf(err) != "pay.nothing" {
		t.Fatalf("another job paid again: %v", err)
	}
	file, err := c.svc.BankFile(caseAmy, rep.Run.ID, false)
	if err != nil || strings.Count(string(file), "\n") != len(gs)+1 {
		t.Fatalf("bank file %q %v", file, err)
	}
	if _, err := c.svc.BankFile(caseAmy, rep.Run.ID, true); err != nil {
		t.Fatal(err)
	}
	c.bankReturn(t, rep.Run.ID, gs)
}

// bankReturn returns the first row failed and the rest paid, then
// re-issues the failed one after its account is corrected.
func (c *city) bankReturn(t *testing.T, run int64, gs []support.Grant) {
	pays := c.payments(t, run)
	lines := []string{"reference,status,reason"}
	for i, p := range pays {
		if i == 0 {
			lines = append(lines, p.Reference+",failed,account closed")
		} else {
			lines = append(lines, p.Reference+",paid,")
		}
	}
	file := []byte(strings.Join(lines, "\n") + "\n")
	bad := []byte(strings.Join(lines, "\n") + "\nSUP-999-1,paid,\n")
	if _, err := c.svc.ImportReturn(caseAmy, "ret.csv", bad); fault.KindOf(err) != fault.Invalid || !strings.Contains(err.Error(), "SUP-999-1") {
		t.Fatalf("a return with an unknown reference: %v", err)
	} else if fe := (*fault.Error)(nil); !errors.As(err, &fe) || fe.Row != len(lines)+1 {
		t.Fatalf("the unknown reference's row: %+v", fe)
	}
	if g, _, _ := c.svc.Grant(system, pays[1].GrantID); g.Status != support.Issued {
		t.Fatalf("a refused return file changed grant %d: %s", g.ID, g.Status)
	}
	rep, err := c.svc.ImportReturn(caseAmy, "ret.csv", file)
	if err != nil || rep.Paid != len(gs)-1 || rep.Failed != 1 {
		t.Fatalf("return %+v %v", rep, err)
	}
	if again, err := c.svc.ImportReturn(caseAmy, "ret.csv", file); err != nil || again.Already != len(gs) || again.Paid != 0 {
		t.Fatalf("second return %+v %v", again, err)
	}
	failed, _, _ := c.svc.Grant(system, pays[0].GrantID)
	if failed.Status != support.Failed {
		t.Fatalf("failed grant %+v", failed)
	}
	if rep, err := c.svc.Pay(caseAmy, ""); err == nil {
		t.Fatalf("re-issued before the account was corrected: %+v", rep)
	}
	if _, err := c.svc.SetPayee(caseAmy, support.Payee{Kind: failed.Beneficiary, ID: failed.PayeeID, Bank: "嘉兴银行", Account: "6222999900001111", Holder: "收款人"}, ""); err != nil {
		t.Fatal(err)
	}
	re, err := c.svc.Pay(caseAmy, "")
	if err != nil || re.Run.Rows != 1 || re.Run.Reissues != 1 {
		t.Fatalf("re-issue %+v %v", re, err)
	}
	ref := c.payments(t, re.Run.ID)[0].Reference
	if _, err := c.svc.ImportReturn(caseAmy, "ret2.csv", []byte("reference,status,reason\n"+ref+",paid,\n")); err != nil {
		t.Fatal(err)
	}
	paid, _ := c.svc.Grants(system, support.GrantFilter{Status: support.Paid})
	if len(paid) != len(gs) {
		t.Fatalf("%d paid, want %d", len(paid), len(gs))
	}
}

func (c *city) payments(t *testing.T, run int64) []support.Payment {
	var out []support.Payment
	err := c.db.Support().View(system, func(tx support.Tx) (err error) {
		out, err = tx.PayRows(system, run, 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (c *city) mustCheck(t *testing.T) {
	res, err := c.svc.Check(caseAmy)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if !r.OK {
			t.Errorf("%s: %v", r.Invariant, r.Breaches)
		}
	}
}

// TestRevokedWhenEligibilityLost: a hire corrected to start after the
// programme's dates loses its pending grant at the next scan.
func TestRevokedWhenEligibilityLost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db)
		c.assessAndCollect(t)
		if _, err := c.svc.Scan(caseAmy, support.ScanOptions{AsOf: date("2026-02-15")}); err != nil {
			t.Fatal(err)
		}
		gs, _ := c.svc.Grants(system, support.GrantFilter{PersonID: 1})
		if len(gs) != 1 {
			t.Fatalf("grants of person 1: %+v", gs)
		}
		e := c.jobs[0]
		if _, err := c.reg.UpdateEmployment(system, e.ID, registry.EmploymentInput{PersonID: e.PersonID, EmployerID: e.EmployerID, Start: "2026-01-05",
			DeclaredWage: "6000.00", Insurances: []string{"pension", "medical", "unemployment", "work_injury"}}); err != nil {
			t.Fatal(err)
		}
		sc, err := c.svc.Scan(caseAmy, support.ScanOptions{AsOf: date("2026-02-16")})
		if err != nil || sc.Revoked != 1 || sc.ByProgramme["expansion_2025"].Revoked != 1 {
			t.Fatalf("scan after the correction %+v %v", sc, err)
		}
		g, _, _ := c.svc.Grant(system, gs[0].ID)
		if g.Status != support.Revoked || !strings.Contains(g.Note, "no longer eligible") {
			t.Fatalf("grant after the correction %+v", g)
		}
		// revoked keeps its key: a later scan never finds it again
		if sc, _ := c.svc.Scan(caseAmy, support.ScanOptions{AsOf: date("2026-02-16")}); sc.Created != 0 {
			t.Fatalf("found again: %+v", sc)
		}
		c.mustCheck(t)
	})
}

// TestOncePerKeyInTheDatabase: the unique key refuses a second grant of
// one family for one person even past the Go checks.
func TestOncePerKeyInTheDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		newCity(t, db)
		g := support.Grant{Programme: "expansion_2025", Family: "job_expansion", Key: "p:1", PersonID: 1, EmployerID: 1, Beneficiary: rules.PaysEmployer,
			PayeeID: 1, Division: "330402", Event: date("2025-07-01"), Amount: money.Yuan(1500), Status: support.Pending, CreatedAt: testNow, UpdatedAt: testNow,
			Reason: rules.Reason{Key: "support.eligible.graduate_of_year"}, Trace: []rules.Step{{Kind: "note", Rule: "test"}}}
		err := db.Support().Update(system, func(tx support.Tx) error {
			sc := support.Scan{AsOf: date("2026-01-01"), Actor: "test", StartedAt: testNow}
			if err := tx.InsertScan(system, &sc); err != nil {
				return err
			}
			g.ScanID = sc.ID
			first, err := tx.InsertGrant(system, &g, date("2026-01-01"))
			if err != nil || !first {
				return fmt.Errorf("first insert: %v %v", first, err)
			}
			g2 := g
			g2.Programme = "expansion_2022" // the other version of the same family
			second, err := tx.InsertGrant(system, &g2, date("2026-01-01"))
			if err != nil || second {
				return fmt.Errorf("second insert of the same family and key: %v %v", second, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestScopes: a caseworker of 南湖区 sees and prepares only its grants; a
// citizen and an agent see only theirs; analysts get totals only.
func TestScopes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db)
		c.assessAndCollect(t)
		if _, err := c.svc.Scan(caseAmy, support.ScanOptions{AsOf: date("2026-02-15")}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.svc.Scan(caseNanhu, support.ScanOptions{}); fault.KindOf(err) != fault.Forbidden {
			t.Fatalf("a division's caseworker scanned the city: %v", err)
		}
		gs, _ := c.svc.Grants(caseNanhu, support.GrantFilter{})
		for _, g := range gs {
			if g.Division != "330402" {
				t.Errorf("南湖区 sees grant of %s", g.Division)
			}
		}
		if _, err := c.svc.PrepareBatch(caseNanhu, "330411", "", nil); fault.KindOf(err) != fault.NotFound {
			t.Errorf("prepared another division's batch: %v", err)
		}
		agent := as(access.Caller{UserID: 31, Name: "agent", Role: access.EmployerAgent, EmployerID: 3})
		gs, _ = c.svc.Grants(agent, support.GrantFilter{})
		if len(gs) != 3 {
			t.Errorf("employer 3's agent sees %d grants, want 3 (two expansion, one hiring insurance)", len(gs))
		}
		for _, g := range gs {
			if g.EmployerID != 3 {
				t.Errorf("agent sees %+v", g)
			}
		}
		citizen := as(access.Caller{UserID: 41, Name: "p7", Role: access.Citizen, PersonID: 7})
		gs, _ = c.svc.Grants(citizen, support.GrantFilter{})
		if len(gs) != 1 || gs[0].Programme != "startup_subsidy" {
			t.Errorf("citizen 7 sees %+v", gs)
		}
		other := as(access.Caller{UserID: 42, Name: "p1", Role: access.Citizen, PersonID: 1})
		if gs, _ := c.svc.Grants(other, support.GrantFilter{}); len(gs) != 0 {
			t.Errorf("citizen 1 sees the employer's grant for hiring them: %+v", gs)
		}
		analyst := as(access.Caller{UserID: 51, Name: "ana", Role: access.Analyst})
		if _, err := c.svc.Grants(analyst, support.GrantFilter{}); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("analyst listed grants: %v", err)
		}
		tot, err := c.svc.Totals(analyst, "")
		if err != nil || len(tot) == 0 {
			t.Errorf("analyst totals %v %v", tot, err)
		}
	})
}

// TestLoanSubsidyClaims: an individual's guaranteed loan is applied for,
// approved by a reviewer who did not record it, and its monthly interest
// subsidy is claimed by the bank as grants, a month in default claiming
// nothing, each month once, paid by the same runs.
func TestLoanSubsidyClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db)
		in := support.LoanInput{Borrower: "individual", PersonID: 7, Bank: "嘉兴银行", Guarantor: "嘉兴市融资担保有限公司",
			Principal: "200000.00", TermMonths: 36, ContractRate: "0.0345", Signed: "2025-06-10"}
		if _, err := c.svc.ApplyLoan(caseAmy, support.LoanInput{Borrower: "individual", PersonID: 7, Bank: "b", Guarantor: "g",
			Principal: "600000.00", TermMonths: 36, ContractRate: "0.0345", Signed: "2025-06-10"}); fault.KindOf(err) != fault.Invalid || !strings.Contains(err.Error(), "loan_principal") {
			t.Fatalf("a loan above the limit: %v", err)
		}
		l, err := c.svc.ApplyLoan(caseAmy, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.svc.ClaimSubsidy(caseAmy, l.ID, period.New(2025, 12)); fault.KindOf(err) != fault.Conflict {
			t.Fatalf("claimed on a loan not approved: %v", err)
		}
		if _, err := c.svc.DecideLoan(reviewAmy, l.ID, true, ""); fault.KindOf(err) != fault.Forbidden {
			t.Fatalf("the preparer approved the loan: %v", err)
		}
		if _, err := c.svc.DecideLoan(reviewBob, l.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := c.svc.MarkDefault(caseAmy, l.ID, period.New(2025, 9)); err != nil {
			t.Fatal(err)
		}
		gs, err := c.svc.ClaimSubsidy(caseAmy, l.ID, period.New(2025, 12))
		if err != nil {
			t.Fatal(err)
		}
		// 2025-07 to 2025-12 less 2025-09 in default: five months of 200000 × (0.0345 − 0.015) / 12 = 325.00
		if len(gs) != 5 || gs[0].Amount != money.Fen(32500) || gs[0].Beneficiary != rules.PaysBank || gs[0].Key != fmt.Sprintf("loan:%d/2025-07", l.ID) {
			t.Fatalf("claims %+v", gs)
		}
		if again, err := c.svc.ClaimSubsidy(caseAmy, l.ID, period.New(2025, 12)); err != nil || len(again) != 0 {
			t.Fatalf("claimed twice: %d %v", len(again), err)
		}
		_, sched, err := c.svc.Loan(caseAmy, l.ID)
		if err != nil || len(sched) != 36 || sched[2].Claimable != 0 || sched[0].Interest != money.Fen(57500) || sched[0].Borrower != money.Fen(25000) {
			t.Fatalf("schedule %+v %v", sched[:3], err)
		}
		if _, err := c.svc.ClaimSubsidy(caseAmy, l.ID, period.New(2026, 12)); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("claimed a month not yet ended: %v", err)
		}
		b, err := c.svc.PrepareBatch(caseAmy, l.Division, "startup_loan", nil)
		if err != nil || b.Grants != 5 {
			t.Fatalf("batch %+v %v", b, err)
		}
		if _, err := c.svc.DecideBatch(reviewBob, b.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := c.svc.SetPayee(caseAmy, support.Payee{Kind: rules.PaysBank, ID: l.ID, Bank: "嘉兴银行", Account: "9558000011112222", Holder: "嘉兴银行贴息专户"}, ""); err != nil {
			t.Fatal(err)
		}
		rep, err := c.svc.Pay(caseAmy, "")
		if err != nil || rep.Run.Rows != 5 || rep.Run.Total != money.Fen(5*32500) {
			t.Fatalf("pay %+v %v", rep, err)
		}
		c.mustCheck(t)
	})
}
