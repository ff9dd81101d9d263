package insight_test

import (
	"fmt"
	"testing"

	"hrss/employment"
	"hrss/insight"
	"hrss/insurance"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// TestSummaryFollowsTheWrites: after a refresh the indicators come from
// the summary; each kind of write that can change them (a hire, a
// registration, a collection, a new and a repeated assessment run) makes
// the months it reaches be computed from the records again, so every
// figure always equals the records' (the floor's plain queries), and hrss
// check finds the cells the summary holds exact.
func TestSummaryFollowsTheWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db)
		for _, p := range []period.YearMonth{period.New(2025, 3), period.New(2025, 4)} {
			if _, err := c.ins.Assess(system, p, insurance.AssessOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		c.sameAsRecords(t, "before any refresh")
		rep, err := c.svc.Refresh(analyst)
		if err != nil || rep.Months != 2*len(insight.Catalogue)*12-7*len(insight.Catalogue) || !rep.Changes {
			t.Fatalf("first refresh: %+v %v (2024's twelve months and 2025's five, every indicator)", rep, err)
		}
		if rep, err := c.svc.Refresh(analyst); err != nil || rep.Months != 0 || rep.Changes {
			t.Fatalf("a refresh with nothing written since: %+v %v", rep, err)
		}
		c.sameAsRecords(t, "from the summary")
		c.checkSummary(t, 2*len(insight.Catalogue)*12-7*len(insight.Catalogue))

		for _, w := range c.writes() {
			if err := w.do(); err != nil {
				t.Fatalf("%s: %v", w.what, err)
			}
			c.sameAsRecords(t, "after "+w.what)
			rep, err := c.svc.Refresh(analyst)
			if err != nil || rep.Months == 0 {
				t.Fatalf("refresh after %s: %+v %v", w.what, rep, err)
			}
			c.sameAsRecords(t, "refreshed after "+w.what)
			c.checkSummary(t, 2*len(insight.Catalogue)*12-7*len(insight.Catalogue))
		}
	})
}

// write is one change to the records.
type write struct {
	what string
	do   func() error
}

// writes lists changes that reach different indicators, each changing a
// figure already summarised.
func (c *city) writes() []write {
	bulk := c.db.Bulk()
	return []write{
		{"a hire in February (new urban jobs, insured persons of a later run)", func() error {
			e := registry.Employment{ID: 7, PersonID: 6, EmployerID: 1, Start: date("2025-02-10"), DeclaredWage: 700_000,
				Insurances: registry.AllInsurances, CreatedAt: testNow, UpdatedAt: testNow}
			if err := bulk.Employments(system, []registry.Employment{e}); err != nil {
				return err
			}
			return bulk.Finish(system)
		}},
		{"a registration in January (registered unemployed, the rate)", func() error {
			r := employment.UnemploymentRegistration{ID: 3, PersonID: 2, Division: "330411", Registered: date("2025-01-06"), LastContact: date("2025-01-06"),
				Status: employment.Active, CreatedAt: testNow, UpdatedAt: testNow}
			if err := bulk.Unemployment(system, []employment.UnemploymentRegistration{r}); err != nil {
				return err
			}
			return bulk.FinishJobs(system)
		}},
		{"March's bills paid in April (income, arrears)", func() error {
			bills, err := c.ins.Bills(system, insurance.BillFilter{Period: period.New(2025, 3)})
			if err != nil {
				return err
			}
			file := "credit_code,period,amount,reference,date\n"
			codes := map[int64]string{1: string(ident.NewCreditCode('9', '1', "330402", 700)), 2: string(ident.NewCreditCode('9', '1', "330411", 701))}
			for i, b := range bills {
				if b.PayerKind == insurance.PayerEmployer {
					file += fmt.Sprintf("%s,2025-03,%s,REF-%d,2025-04-10\n", codes[b.PayerID], b.Due, i)
				}
			}
			_, err = c.ins.ImportCollections(system, "tax.csv", []byte(file))
			return err
		}},
		{"May assessed (a new current run)", func() error {
			_, err := c.ins.Assess(system, period.New(2025, 5), insurance.AssessOptions{})
			return err
		}},
		{"April assessed again with the February hire (the current run replaced)", func() error {
			_, err := c.ins.Assess(system, period.New(2025, 4), insurance.AssessOptions{})
			return err
		}},
	}
}

// sameAsRecords checks every indicator, division and month of 2024 and
// 2025 against the plain queries over the records.
func (c *city) sameAsRecords(t *testing.T, when string) {
	t.Helper()
	for _, year := range []int{2024, 2025} {
		rows, err := c.svc.Indicators(analyst, insight.Query{Year: year})
		if err != nil {
			t.Fatal(err)
		}
		floor, err := c.db.InsightFloor(system, c.svc.Months(year))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			ind, _ := insight.ByName(r.Name)
			byMonth := map[string]insight.Figure{}
			for _, cell := range floor[r.Name] {
				if r.Division == "330400" || cell.Division == r.Division {
					f := byMonth[cell.Period.String()]
					byMonth[cell.Period.String()] = insight.Figure{Num: f.Num + cell.Num, Den: f.Den + cell.Den}
				}
			}
			for m, v := range r.ByMonth {
				if want := byMonth[m].Text(ind.Unit); v != want {
					t.Errorf("%s: %s %s %s: hrss %s, the records %s", when, r.Name, r.Division, m, v, want)
				}
			}
		}
	}
}

// checkSummary runs hrss check's comparison of the cells held.
func (c *city) checkSummary(t *testing.T, want int) {
	t.Helper()
	n, breaches, err := c.svc.CheckSummary(analyst)
	if err != nil || len(breaches) > 0 || n != want {
		t.Fatalf("check of the summary: %d checked (want %d), %v, %v", n, want, breaches, err)
	}
}
