package insurance_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"hrss/access"
	"hrss/insurance"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/store"
)

// city is a small registry written straight into the store: employers,
// employees (some with fewer insurances, one with two employers) and
// flexible workers.
type city struct {
	db        *store.DB
	svc       *insurance.Service
	employers []registry.Employer
	persons   []registry.SealedPerson
	jobs      []registry.Employment
	flex      []registry.FlexibleWorker
}

var testNow = time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)

func system() context.Context { return access.WithCaller(context.Background(), access.System) }

func ym(s string) period.YearMonth {
	p, err := period.ParseYearMonth(s)
	if err != nil {
		panic(err)
	}
	return p
}

func date(s string) period.Date {
	d, err := period.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func newCity(t *testing.T, db *store.DB, nPersons int) *city {
	t.Helper()
	ctx := context.Background()
	c := &city{db: db}
	divs := []string{"330402", "330411", "330421"}
	for i := 1; i <= 4; i++ {
		c.employers = append(c.employers, registry.Employer{ID: int64(i), CreditCode: ident.NewCreditCode('9', '1', divs[i%3], uint64(1000+i)),
			Name: fmt.Sprintf("单位%d", i), IndustrySection: "C", IndustryDivision: "13", Division: divs[i%3], RiskClass: i,
			RiskFloat: money.MustDec("1"), CreatedAt: testNow, UpdatedAt: testNow})
	}
	for i := 1; i <= nPersons; i++ {
		birth := period.Date{Y: 1960 + i%40, M: 1 + i%12, D: 1 + i%28}
		p := registry.SealedPerson{Person: registry.Person{ID: int64(i), Name: fmt.Sprintf("人%d", i), Sex: ident.Sex([]string{"male", "female"}[i%2]),
			Birth: birth, HukouDivision: divs[i%3], ResidenceDivision: divs[i%3], Education: registry.EduSenior, CreatedAt: testNow, UpdatedAt: testNow},
			IDSealed: []byte{byte(i)}, IDHash: []byte(fmt.Sprintf("h%d", i))}
		c.persons = append(c.persons, p)
		if i%10 == 0 {
			c.flex = append(c.flex, registry.FlexibleWorker{ID: int64(len(c.flex) + 1), PersonID: p.ID, Division: divs[i%3],
				Start: date("2024-01-01"), BasePct: 60 + (i%5)*40, CreatedAt: testNow, UpdatedAt: testNow})
			continue
		}
		ins := registry.AllInsurances
		if i%7 == 0 {
			ins = []registry.Insurance{registry.Pension, registry.Medical}
		}
		c.jobs = append(c.jobs, registry.Employment{ID: int64(len(c.jobs) + 1), PersonID: p.ID, EmployerID: int64(1 + i%4),
			Start: date("2023-03-01"), DeclaredWage: money.Fen(300_000 + int64(i)*13_791), Insurances: ins, CreatedAt: testNow, UpdatedAt: testNow})
		if i%9 == 0 { // a second employer
			c.jobs = append(c.jobs, registry.Employment{ID: int64(len(c.jobs) + 1), PersonID: p.ID, EmployerID: int64(1 + (i+1)%4),
				Start: date("2024-06-01"), DeclaredWage: 250_000, Insurances: registry.AllInsurances, CreatedAt: testNow, UpdatedAt: testNow})
		}
	}
	b := db.Bulk()
	for _, err := range []error{b.Employers(ctx, c.employers), b.Persons(ctx, c.persons), b.Employments(ctx, c.jobs), b.Flexible(ctx, c.flex), b.Finish(ctx)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	c.svc = newService(t, db)
	return c
}

func newService(t *testing.T, db *store.DB) *insurance.Service {
	params, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return &insurance.Service{Store: db.Insurance(), Insured: db.InsuredReader(), Params: params, Now: func() time.Time { return testNow }, Chunk: 7, Writers: 2}
}

// expected computes a period with the per-person formula: the total of
// every line, by payer.
func (c *city) expected(t *testing.T, p period.YearMonth) (map[[2]int64]money.Fen, money.Fen) {
	t.Helper()
	params, _ := rules.Embedded()
	bills := map[[2]int64]money.Fen{}
	var total money.Fen
	err := c.db.EachInsured(context.Background(), p, func(in registry.Insured) error {
		ci := rules.ContributionInput{Division: in.Division, Period: p, Wage: in.Wage, Kind: rules.KindEmployee, RiskClass: in.RiskClass,
			Float: money.Fen(in.RiskFloatPct).Dec()}
		key := [2]int64{1, in.EmployerID}
		if in.Kind == registry.KindFlexible {
			base, err := params.FlexibleBase(in.Division, p, in.BasePct)
			if err != nil {
				return err
			}
			ci = rules.ContributionInput{Division: in.Division, Period: p, Wage: base, Kind: rules.KindFlexible}
			key = [2]int64{2, in.PersonID}
		}
		res, err := params.Contribution(ci, false)
		if err != nil {
			return err
		}
		enrolled := map[rules.Insurance]bool{}
		for _, x := range in.Insurances {
			enrolled[rules.Insurance(x)] = true
		}
		for _, l := range res.Lines {
			if enrolled[l.Insurance] {
				bills[key] += l.Amount
				total += l.Amount
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return bills, total
}

// mustCheck fails the test unless every invariant holds.
func mustCheck(t *testing.T, svc *insurance.Service) {
	t.Helper()
	rep, err := svc.Check(system())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK {
		t.Fatalf("check failed: %+v", rep.Results)
	}
}

// billMap returns the current bills of p keyed by payer.
func billMap(t *testing.T, svc *insurance.Service, p period.YearMonth) map[[2]int64]insurance.Bill {
	t.Helper()
	bills, err := svc.Bills(system(), insurance.BillFilter{Period: p})
	if err != nil {
		t.Fatal(err)
	}
	m := map[[2]int64]insurance.Bill{}
	for _, b := range bills {
		m[[2]int64{int64(b.PayerKind), b.PayerID}] = b
	}
	return m
}
