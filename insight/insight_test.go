package insight_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hrss/access"
	"hrss/employment"
	"hrss/insight"
	"hrss/insurance"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

var testNow = time.Date(2025, 5, 20, 9, 0, 0, 0, time.UTC)

func date(s string) period.Date {
	d, err := period.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func as(c access.Caller) context.Context { return access.WithCaller(context.Background(), c) }

var (
	system  = as(access.System)
	analyst = as(access.Caller{UserID: 5, Name: "ana", Role: access.Analyst})
	nanhu   = as(access.Caller{UserID: 6, Name: "nan", Role: access.Caseworker, Divisions: []string{"330402"}})
)

// The city: employer 1 in 南湖区 (330402), employer 2 in 秀洲区 (330411).
//   - person 1: first job at employer 1 from 2025-03-10: a new urban job of 330402 in 2025-03;
//   - person 2: a job ending 2025-02-28, the next starting 2025-03-01 at employer 2: a job change, not new;
//   - person 3: a job ending 2025-01-31, the next from 2025-03-05 at employer 2: re-employed, new in 330411 in 2025-03;
//   - person 4: self-employed (flexible) in 330402 from 2025-04-01: new in 330402 in 2025-04;
//   - person 5: employed at employer 1 since 2020, a pension starting 2025-04 (330402): attrition, −1 in 2025-04;
//   - person 6: registered unemployed in 330402 from 2025-01-10, still;
//   - person 7: registered unemployed in 330402 from 2025-02-01 to 2025-03-15.
type city struct {
	db  *store.DB
	svc *insight.Service
	ins *insurance.Service
}

func newCity(t *testing.T, db *store.DB) *city {
	t.Helper()
	ctx := context.Background()
	params, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	emps := []registry.Employer{}
	for i, d := range []string{"330402", "330411"} {
		emps = append(emps, registry.Employer{ID: int64(i + 1), CreditCode: ident.NewCreditCode('9', '1', d, uint64(700+i)), Name: fmt.Sprintf("单位%d", i+1),
			IndustrySection: "C", IndustryDivision: "13", Division: d, RiskClass: 1, RiskFloat: money.MustDec("1"), CreatedAt: testNow, UpdatedAt: testNow})
	}
	var ps []registry.SealedPerson
	for i := 1; i <= 7; i++ {
		ps = append(ps, registry.SealedPerson{Person: registry.Person{ID: int64(i), Name: fmt.Sprintf("人%d", i), Sex: ident.Male, Birth: date("1985-06-01"),
			HukouDivision: "330402", ResidenceDivision: "330402", Education: registry.EduSenior, CreatedAt: testNow, UpdatedAt: testNow},
			IDSealed: []byte{byte(i)}, IDHash: []byte(fmt.Sprintf("h%d", i))})
	}
	job := func(id, person, employer int64, start, end string) registry.Employment {
		e := registry.Employment{ID: id, PersonID: person, EmployerID: employer, Start: date(start), DeclaredWage: 800_000,
			Insurances: registry.AllInsurances, CreatedAt: testNow, UpdatedAt: testNow}
		if end != "" {
			e.End = date(end)
		}
		return e
	}
	jobs := []registry.Employment{job(1, 1, 1, "2025-03-10", ""), job(2, 2, 1, "2019-01-01", "2025-02-28"), job(3, 2, 2, "2025-03-01", ""),
		job(4, 3, 1, "2018-01-01", "2025-01-31"), job(5, 3, 2, "2025-03-05", ""), job(6, 5, 1, "2020-01-01", "")}
	flex := []registry.FlexibleWorker{{ID: 1, PersonID: 4, Division: "330402", Start: date("2025-04-01"), BasePct: 100, CreatedAt: testNow, UpdatedAt: testNow}}
	regs := []employment.UnemploymentRegistration{
		{ID: 1, PersonID: 6, Division: "330402", Registered: date("2025-01-10"), LastContact: date("2025-01-10"), Status: employment.Active, CreatedAt: testNow, UpdatedAt: testNow},
		{ID: 2, PersonID: 7, Division: "330402", Registered: date("2025-02-01"), LastContact: date("2025-02-01"), Status: employment.Closed,
			EndedOn: date("2025-03-15"), Ground: employment.GroundNoContact, CreatedAt: testNow, UpdatedAt: testNow}}
	b := db.Bulk()
	for _, err := range []error{b.Employers(ctx, emps), b.Persons(ctx, ps), b.Employments(ctx, jobs), b.Flexible(ctx, flex),
		b.Unemployment(ctx, regs), b.Finish(ctx), b.FinishJobs(ctx)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	err = db.Insurance().Update(system, func(tx insurance.Tx) error {
		return tx.InsertClaim(system, &insurance.Claim{Kind: insurance.ClaimPension, PersonID: 5, Division: "330402", Status: insurance.ClaimApproved,
			Start: period.New(2025, 4), Monthly: money.Yuan(3000), Detail: []byte("{}"), Preparer: "amy", Reviewer: "bob", PreparedAt: testNow, ReviewedAt: testNow})
	})
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return testNow }
	return &city{db: db, svc: &insight.Service{Store: db.Insight(), Params: params, Now: now},
		ins: &insurance.Service{Store: db.Insurance(), Insured: db.InsuredReader(), Params: params, Now: now}}
}

// row finds one indicator's row of a division.
func row(t *testing.T, rows []insight.Row, name, division string) insight.Row {
	t.Helper()
	for _, r := range rows {
		if r.Name == name && r.Division == division {
			return r
		}
	}
	t.Fatalf("no row %s %s", name, division)
	return insight.Row{}
}

func TestIndicatorsFromTheRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db)
		for _, p := range []period.YearMonth{period.New(2025, 3), period.New(2025, 4)} {
			if _, err := c.ins.Assess(system, p, insurance.AssessOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := c.svc.Indicators(analyst, insight.Query{Year: 2025})
		if err != nil {
			t.Fatal(err)
		}
		jobs := row(t, rows, "new_urban_jobs", "330402")
		if jobs.ByMonth["2025-03"] != "1" || jobs.ByMonth["2025-04"] != "0" || jobs.Value != "1" {
			t.Errorf("new urban jobs of 330402: %+v (March: person 1; April: person 4's business minus person 5's pension)", jobs.ByMonth)
		}
		if x := row(t, rows, "new_urban_jobs", "330411"); x.ByMonth["2025-03"] != "1" || x.Value != "1" {
			t.Errorf("new urban jobs of 330411: %+v (person 3 re-employed; person 2's job change does not count)", x.ByMonth)
		}
		if x := row(t, rows, "new_urban_jobs", "330400"); x.Value != "2" {
			t.Errorf("the city's new urban jobs %s, want 2 (the divisions' sum)", x.Value)
		}
		un := row(t, rows, "registered_unemployed", "330402")
		if un.ByMonth["2025-01"] != "1" || un.ByMonth["2025-02"] != "2" || un.ByMonth["2025-03"] != "1" || un.ByMonth["2025-05"] != "1" || un.Value != "1" {
			t.Errorf("registered unemployed of 330402: %+v", un.ByMonth)
		}
		// 2025-04 in 330402: 1 registered unemployed; assessed: persons 1, 5 (employer 1) and 4 (flexible) = 3 → 1 / 4 = 25.00%
		if x := row(t, rows, "registered_unemployment_rate", "330402"); x.ByMonth["2025-04"] != "25.00" || x.Value != "25.00" {
			t.Errorf("registered unemployment rate of 330402: %+v value %s", x.ByMonth, x.Value)
		}
		if x := row(t, rows, "insured_persons", "330402"); x.ByMonth["2025-03"] != "2" || x.ByMonth["2025-04"] != "3" {
			t.Errorf("insured persons of 330402: %+v", x.ByMonth)
		}
		if x := row(t, rows, "new_insured_persons", "330402"); x.ByMonth["2025-03"] != "0" || x.ByMonth["2025-04"] != "1" {
			t.Errorf("newly insured of 330402: %+v (March has no month before on record; April: person 4)", x.ByMonth)
		}
		c.checkBilledAndIncome(t, rows)
		c.checkDrill(t)
	})
}

// checkBilledAndIncome compares the money indicators with the bills.
func (c *city) checkBilledAndIncome(t *testing.T, rows []insight.Row) {
	t.Helper()
	bills, err := c.ins.Bills(system, insurance.BillFilter{Period: period.New(2025, 4)})
	if err != nil {
		t.Fatal(err)
	}
	var due money.Fen
	for _, b := range bills {
		if b.Division == "330402" {
			due += b.Due
		}
	}
	if x := row(t, rows, "contribution_billed", "330402"); x.ByMonth["2025-04"] != due.String() {
		t.Errorf("billed of 330402 in 2025-04: %s, the bills say %s", x.ByMonth["2025-04"], due)
	}
	// the bills of 2025-03 fall due on 2025-04-15: unpaid, they are arrears on 2025-04-30, not on 2025-03-31
	if x := row(t, rows, "arrears", "330402"); x.ByMonth["2025-03"] != "0.00" || x.ByMonth["2025-04"] == "0.00" {
		t.Errorf("arrears of 330402: %+v", x.ByMonth)
	}
}

// checkDrill lists the persons behind a count, for the division's staff only.
func (c *city) checkDrill(t *testing.T) {
	t.Helper()
	recs, err := c.svc.Drill(nanhu, "new_urban_jobs", "330402", period.New(2025, 4), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].PersonID != 4 || recs[0].Sign != 1 || recs[1].PersonID != 5 || recs[1].Sign != -1 {
		t.Fatalf("drill-down of 330402's new urban jobs in 2025-04: %+v", recs)
	}
	for _, ind := range insight.Catalogue {
		if _, err := c.svc.Drill(nanhu, ind.Name, "330402", period.New(2025, 4), 0); ind.Persons && err != nil {
			t.Errorf("drill-down of %s, which lists persons: %v", ind.Name, err)
		}
	}
	if _, err := c.svc.Drill(analyst, "new_urban_jobs", "330402", period.New(2025, 4), 0); fault.KindOf(err) != fault.Forbidden {
		t.Errorf("an analyst listed persons: %v", err)
	}
	if _, err := c.svc.Drill(nanhu, "new_urban_jobs", "330411", period.New(2025, 4), 0); fault.KindOf(err) != fault.NotFound {
		t.Errorf("a 330402 caseworker listed 330411: %v", err)
	}
	if _, err := c.svc.Drill(nanhu, "contribution_income", "330402", period.New(2025, 4), 0); fault.KindOf(err) != fault.Invalid {
		t.Errorf("a money indicator listed persons: %v", err)
	}
}

func TestTargetsAndStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db)
		set := func(ctx context.Context, name, div, value string) error {
			_, err := c.svc.SetTarget(ctx, insight.TargetInput{Year: 2025, Indicator: name, Division: div, Value: value})
			return err
		}
		if err := set(nanhu, "new_urban_jobs", "330400", "10"); fault.KindOf(err) != fault.Forbidden {
			t.Fatalf("a caseworker set a target: %v", err)
		}
		if err := set(analyst, "new_urban_jobs", "330400", "5"); err != nil {
			t.Fatal(err)
		}
		if err := set(analyst, "new_urban_jobs", "330402", "4"); err != nil {
			t.Fatal(err)
		}
		if err := set(analyst, "new_urban_jobs", "330411", "2"); fault.KindOf(err) != fault.Invalid || !strings.Contains(err.Error(), "add up to 6") {
			t.Fatalf("a breakdown above the city's target: %v", err)
		}
		if err := set(analyst, "registered_unemployment_rate", "330400", "3.5"); err != nil {
			t.Fatal(err)
		}
		if err := set(analyst, "registered_unemployment_rate", "330400", "101"); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("a rate of 101%%: %v", err)
		}
		rows, err := c.svc.Indicators(analyst, insight.Query{Year: 2025, Names: []string{"new_urban_jobs"}})
		if err != nil {
			t.Fatal(err)
		}
		// 2025-05-20 is day 140 of 365: 38.36% of the year; the city's 2 jobs against 5 × 0.3836 = 1.92 expected: on track
		city := row(t, rows, "new_urban_jobs", "330400")
		if city.Target == nil || *city.Target != "5" || city.Status != insight.OnTrack || city.Expected != "2" {
			t.Errorf("city %+v", city)
		}
		// 330402: 1 against 4 × 0.3836 = 1.53: behind
		if x := row(t, rows, "new_urban_jobs", "330402"); x.Status != insight.Behind || !strings.Contains(x.Rule, "insight.status_tolerance") {
			t.Errorf("330402 %+v", x)
		}
		if x := row(t, rows, "new_urban_jobs", "330411"); x.Status != insight.NoTarget || x.Target != nil {
			t.Errorf("330411 %+v", x)
		}
	})
}
