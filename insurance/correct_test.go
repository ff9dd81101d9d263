package insurance_test

import (
	"context"
	"testing"

	"hrss/insurance"
	"hrss/registry"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/store"
	"hrss/store/storetest"
)

func TestCorrectionsAddAdjustments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 20)
		history(t, c, 3) // 2024-01..03 assessed, paid and closed
		job := c.jobs[2] // wage above the floor
		before := billMap(t, c.svc, ym("2024-02"))[[2]int64{1, job.EmployerID}]
		rep, err := correct(c, insurance.CorrectionInput{EmploymentID: job.ID, From: "2024-02", To: "2024-04", Wage: "9000.00", Reason: "wage declared too low"})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Adjustments) != 2 || len(rep.Skipped) != 1 || rep.Total <= 0 {
			t.Fatalf("report %+v", rep)
		}
		after := billMap(t, c.svc, ym("2024-02"))[[2]int64{1, job.EmployerID}]
		if after.Total != before.Total || after.Due != before.Due+rep.Adjustments[0].Total() || after.Unpaid() != rep.Adjustments[0].Total() {
			t.Fatalf("bill before %+v after %+v", before, after)
		}
		// the same correction again has nothing to correct
		if _, err := correct(c, insurance.CorrectionInput{EmploymentID: job.ID, From: "2024-02", To: "2024-03", Wage: "9000.00", Reason: "wage declared too low"}); fault.RuleOf(err) != "correction.nothing" {
			t.Fatalf("second correction: %v", err)
		}
		// a late enrolment: a relation registered now that started in January
		late := registry.Employment{ID: 500, PersonID: 5, EmployerID: 1, Start: date("2024-01-01"), DeclaredWage: 600_000,
			Insurances: registry.AllInsurances, CreatedAt: testNow, UpdatedAt: testNow}
		if err := db.Bulk().Employments(context.Background(), []registry.Employment{late}); err != nil {
			t.Fatal(err)
		}
		rep, err = correct(c, insurance.CorrectionInput{EmploymentID: 500, From: "2024-01", To: "2024-03", Reason: "late enrolment"})
		if err != nil || len(rep.Adjustments) != 3 {
			t.Fatalf("late enrolment %+v %v", rep, err)
		}
		if _, err := c.svc.PrepareCorrection(system(), insurance.CorrectionInput{EmploymentID: 500, From: "2024-01", To: "2024-03"}); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("no reason: %v", err)
		}
		payAll(t, c, "2024-02")
		mustCheck(t, c.svc)
		st, _ := c.svc.Statement(system(), job.PersonID)
		want := money.Fen(0)
		for _, y := range st.Years {
			want += y.Credits
		}
		if st.Balance != want || st.Months != 3 {
			t.Fatalf("statement after the correction %+v", st)
		}
	})
}
