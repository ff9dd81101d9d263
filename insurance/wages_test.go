package insurance_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"hrss/access"
	"hrss/insurance"
	"hrss/registry"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// wageOf returns the wage the assessment reads for relation id in p.
func wageOf(t *testing.T, db *store.DB, p period.YearMonth, id int64) money.Fen {
	t.Helper()
	var w money.Fen
	err := db.InsuredReader().EachInsured(context.Background(), p, func(in registry.Insured) error {
		if in.Kind == registry.KindEmployee && in.EmploymentID == id {
			w = in.Wage
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// registryOf is the registry service over db.
func registryOf(db *store.DB) *registry.Service {
	return &registry.Service{Store: db.Registry()}
}

func TestDeclaredWagesAreAssessed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 20)
		reg := registryOf(db)
		job := c.jobs[2]
		agent := access.WithCaller(context.Background(), access.Caller{UserID: 9, Name: "ella", Role: access.EmployerAgent, EmployerID: job.EmployerID})
		out, err := reg.DeclareWages(agent, []registry.WageChange{{Row: 2, Input: registry.WageInput{EmploymentID: job.ID, Year: 2024, Wage: "9100.00"}}})
		if err != nil || len(out) != 1 || out[0].DeclaredWage != 910_000 || out[0].Previous != nil || out[0].PersonID != job.PersonID {
			t.Fatalf("declare %+v %v", out, err)
		}
		if got := wageOf(t, db, ym("2024-05"), job.ID); got != 910_000 {
			t.Fatalf("2024-05 is assessed on %s, want the 2024 declaration 9100.00", got)
		}
		if got := wageOf(t, db, ym("2023-05"), job.ID); got != job.DeclaredWage {
			t.Fatalf("2023-05 is assessed on %s, want the relation's %s (no 2023 declaration)", got, job.DeclaredWage)
		}
		// a second declaration of the year replaces the first and says so
		out, err = reg.DeclareWages(agent, []registry.WageChange{{Input: registry.WageInput{EmploymentID: job.ID, Year: 2024, Wage: "9300"}}})
		if err != nil || out[0].Previous == nil || *out[0].Previous != 910_000 {
			t.Fatalf("re-declare %+v %v", out, err)
		}
		list, err := reg.ListWages(agent, registry.WageFilter{EmploymentID: job.ID})
		if err != nil || len(list) != 1 || list[0].DeclaredWage != 930_000 || list[0].Actor == "" {
			t.Fatalf("list %+v %v", list, err)
		}
		// refusals name the row and field, and write nothing
		bad := []struct {
			rows  []registry.WageChange
			field string
			row   int
		}{
			{[]registry.WageChange{{Row: 2, Input: registry.WageInput{EmploymentID: job.ID, Year: 2025, Wage: "8000"}}, {Row: 3, Input: registry.WageInput{EmploymentID: job.ID, Year: 2025, Wage: "-1"}}}, "declared_wage", 3},
			{[]registry.WageChange{{Row: 2, Input: registry.WageInput{EmploymentID: job.ID, Year: 2022, Wage: "8000"}}}, "year", 2},
			{[]registry.WageChange{{Row: 4, Input: registry.WageInput{EmploymentID: job.ID, Year: 2025, Wage: "8000"}}, {Row: 5, Input: registry.WageInput{EmploymentID: job.ID, Year: 2025, Wage: "8100"}}}, "year", 5},
			{[]registry.WageChange{{Row: 2, Input: registry.WageInput{EmploymentID: job.ID, Year: 2025, Wage: "8000"}}, {Row: 6, Input: registry.WageInput{EmploymentID: otherEmployer(c, job).ID, Year: 2025, Wage: "8000"}}}, "employment_id", 6},
		}
		for _, b := range bad {
			_, err := reg.DeclareWages(agent, b.rows)
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Kind != fault.Invalid || fe.Field != b.field || fe.Row != b.row {
				t.Fatalf("%+v: %v", b.rows, err)
			}
		}
		if list, _ := reg.ListWages(access.WithCaller(context.Background(), access.System), registry.WageFilter{Year: 2025}); len(list) != 0 {
			t.Fatalf("a refused file wrote %+v", list)
		}
		// another employer's agent sees none of it
		other := access.WithCaller(context.Background(), access.Caller{UserID: 10, Name: "olaf", Role: access.EmployerAgent, EmployerID: otherEmployer(c, job).EmployerID})
		if list, err := reg.ListWages(other, registry.WageFilter{Year: 2024}); err != nil || len(list) != 0 {
			t.Fatalf("another employer lists %+v %v", list, err)
		}
	})
}

// otherEmployer returns a relation with another employer than job's.
func otherEmployer(c *city, job registry.Employment) registry.Employment {
	for _, j := range c.jobs {
		if j.EmployerID != job.EmployerID {
			return j
		}
	}
	panic("one employer only")
}

// TestDerivedCorrectionReviewed: a changed declaration of a closed year
// is derived into a prepared correction with its preview, which bills
// nothing until a reviewer other than the preparer approves it; a late
// enrolment likewise; a rejection needs a note; nothing to correct is
// refused.
func TestDerivedCorrectionReviewed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 20)
		history(t, c, 3) // 2024-01..03 assessed, paid and closed
		job := c.jobs[2]
		cw := as("amy", access.Caseworker) // user 7
		rv := access.WithCaller(context.Background(), access.Caller{UserID: 8, Name: "rita", Role: access.Reviewer, Divisions: []string{access.CityWide}})
		if _, err := c.svc.DeriveCorrection(cw, insurance.DeriveInput{EmploymentID: job.ID, Year: 2024}); fault.RuleOf(err) != "correction.nothing" {
			t.Fatalf("nothing changed yet: %v", err)
		}
		if _, err := registryOf(db).DeclareWages(system(), []registry.WageChange{{Input: registry.WageInput{EmploymentID: job.ID, Year: 2024, Wage: "9000.00"}}}); err != nil {
			t.Fatal(err)
		}
		before := billMap(t, c.svc, ym("2024-02"))[[2]int64{1, job.EmployerID}]
		pc, err := c.svc.DeriveCorrection(cw, insurance.DeriveInput{EmploymentID: job.ID, Year: 2024})
		if err != nil || pc.From != ym("2024-01") || pc.To != ym("2024-03") || pc.PreviewPeriods != 3 || pc.PreviewTotal <= 0 ||
			pc.Status != insurance.CorrectionPrepared || pc.Source != insurance.SourceDeclaration || pc.PersonID != job.PersonID {
			t.Fatalf("derived %+v %v", pc, err)
		}
		if _, err := c.svc.DeriveCorrection(cw, insurance.DeriveInput{EmploymentID: job.ID, Year: 2024}); fault.KindOf(err) != fault.Conflict {
			t.Fatalf("a second prepared correction of the relation: %v", err)
		}
		if got := billMap(t, c.svc, ym("2024-02"))[[2]int64{1, job.EmployerID}]; got.Due != before.Due {
			t.Fatalf("preparing billed: %+v, was %+v", got, before)
		}
		// four eyes: the preparer may not approve, a caseworker may not either
		if _, _, err := c.svc.DecideCorrection(as("amy", access.Reviewer), pc.ID, true, ""); fault.RuleOf(err) != "auth.four_eyes" {
			t.Fatalf("the preparer approves: %v", err)
		}
		if _, _, err := c.svc.DecideCorrection(access.WithCaller(context.Background(), access.Caller{UserID: 9, Name: "cas", Role: access.Caseworker, Divisions: []string{access.CityWide}}), pc.ID, true, ""); fault.KindOf(err) != fault.Forbidden {
			t.Fatalf("a caseworker approves: %v", err)
		}
		other := access.WithCaller(context.Background(), access.Caller{UserID: 10, Name: "ron", Role: access.Reviewer, Divisions: []string{"330999"}})
		if _, _, err := c.svc.DecideCorrection(other, pc.ID, true, ""); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("a reviewer of another division approves: %v", err)
		}
		got, rep, err := c.svc.DecideCorrection(rv, pc.ID, true, "checked against the payroll")
		if err != nil || got.Status != insurance.CorrectionApplied || got.Correction == 0 || rep.Total != pc.PreviewTotal || len(rep.Adjustments) != 3 || got.Decider == "" {
			t.Fatalf("approve %+v %+v %v", got, rep, err)
		}
		after := billMap(t, c.svc, ym("2024-02"))[[2]int64{1, job.EmployerID}]
		if after.Due != before.Due+rep.Adjustments[1].Total() {
			t.Fatalf("bill before %+v after %+v", before, after)
		}
		if _, _, err := c.svc.DecideCorrection(rv, pc.ID, true, ""); fault.KindOf(err) != fault.Conflict {
			t.Fatalf("approved twice: %v", err)
		}
		if _, err := c.svc.DeriveCorrection(cw, insurance.DeriveInput{EmploymentID: job.ID, Year: 2024}); fault.RuleOf(err) != "correction.nothing" {
			t.Fatalf("after the correction nothing is left: %v", err)
		}
		// a late enrolment, rejected first with a note, then approved
		late := registry.Employment{ID: 500, PersonID: 5, EmployerID: 1, Start: date("2024-02-01"), DeclaredWage: 600_000,
			Insurances: registry.AllInsurances, CreatedAt: testNow, UpdatedAt: testNow}
		if err := db.Bulk().Employments(context.Background(), []registry.Employment{late}); err != nil {
			t.Fatal(err)
		}
		pc, err = c.svc.DeriveCorrection(cw, insurance.DeriveInput{EmploymentID: 500})
		if err != nil || pc.From != ym("2024-02") || pc.To != ym("2024-03") || pc.Source != insurance.SourceLateEnrolment {
			t.Fatalf("late enrolment %+v %v", pc, err)
		}
		if _, _, err := c.svc.DecideCorrection(rv, pc.ID, false, " "); fault.RuleOf(err) != "correction.reject_reason" {
			t.Fatalf("a rejection without a note: %v", err)
		}
		if got, _, err := c.svc.DecideCorrection(rv, pc.ID, false, "the contract is not signed"); err != nil || got.Status != insurance.CorrectionRejected {
			t.Fatalf("reject %+v %v", got, err)
		}
		pc, err = c.svc.DeriveCorrection(cw, insurance.DeriveInput{EmploymentID: 500})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.svc.DecideCorrection(rv, pc.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		list, err := c.svc.PreparedCorrections(rv, insurance.CorrectionFilter{})
		if err != nil || len(list) != 3 || list[0].Status != insurance.CorrectionApplied || list[1].Status != insurance.CorrectionRejected {
			t.Fatalf("list %+v %v", list, err)
		}
		if list, _ := c.svc.PreparedCorrections(other, insurance.CorrectionFilter{}); len(list) != 0 {
			t.Fatalf("another division's reviewer lists %+v", list)
		}
		payAll(t, c, "2024-02")
		payAll(t, c, "2024-03")
		mustCheck(t, c.svc)
	})
}

// correct applies in as the four eyes do: prepared by caseworker amy
// (user 7), approved by reviewer rita (user 8).
func correct(c *city, in insurance.CorrectionInput) (insurance.CorrectionReport, error) {
	pc, err := c.svc.PrepareCorrection(as("amy", access.Caseworker), in)
	if err != nil {
		return insurance.CorrectionReport{}, err
	}
	rv := access.WithCaller(context.Background(), access.Caller{UserID: 8, Name: "rita", Role: access.Reviewer, Divisions: []string{access.CityWide}})
	_, rep, err := c.svc.DecideCorrection(rv, pc.ID, true, "")
	return rep, err
}

// TestReviewedCorrectionsCheck: hrss check names a correction decided by
// its preparer and one approved without its correction.
func TestReviewedCorrectionsCheck(t *testing.T) {
	for name, dsn := range engines(t) {
		t.Run(name, func(t *testing.T) {
			db := openDSN(t, dsn)
			c := newCity(t, db, 20)
			history(t, c, 2)
			for _, job := range c.jobs[2:4] {
				if _, err := registryOf(db).DeclareWages(system(), []registry.WageChange{{Input: registry.WageInput{EmploymentID: job.ID, Year: 2024, Wage: "9500.00"}}}); err != nil {
					t.Fatal(err)
				}
				pc, err := c.svc.DeriveCorrection(as("amy", access.Caseworker), insurance.DeriveInput{EmploymentID: job.ID, Year: 2024})
				if err != nil {
					t.Fatal(err)
				}
				if _, _, err := c.svc.DecideCorrection(access.WithCaller(context.Background(), access.Caller{UserID: 8, Name: "rita", Role: access.Reviewer, Divisions: []string{access.CityWide}}), pc.ID, true, ""); err != nil {
					t.Fatal(err)
				}
			}
			mustCheck(t, c.svc)
			rawExec(t, dsn, "UPDATE ins_prepared_corrections SET decided_by = prepared_by WHERE id = 1")
			rawExec(t, dsn, "UPDATE ins_prepared_corrections SET status = 'applied', correction_id = (SELECT correction_id FROM ins_prepared_corrections WHERE id = 1) WHERE id = 2")
			rep, err := c.svc.Check(system())
			if err != nil {
				t.Fatal(err)
			}
			var all string
			for _, r := range rep.Results {
				if r.Invariant == insurance.InvReviewedCorrections {
					all = strings.Join(r.Breaches, "\n")
				}
			}
			for _, want := range []string{"decided by its preparer", "approved without its correction", "one correction applied twice"} {
				if rep.OK || !strings.Contains(all, want) {
					t.Errorf("tampering not caught (%s): %s", want, all)
				}
			}
		})
	}
}
