package store_test

import (
	"context"
	"testing"
	"time"

	"hrss/access"
	"hrss/employment"
	"hrss/rules/fault"
	"hrss/store"
	"hrss/store/storetest"
)

// TestContractOptimisticUsersVacancies: a user's and a vacancy's update
// that sends back the updated_at it read is refused (Conflict) once the
// record changed since, the same way as the registry's records
// (access.UnchangedSince); the updated_at a write answers is the one
// stored (to the microsecond), so it can be sent back as is.
func TestContractOptimisticUsersVacancies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sys := access.WithCaller(context.Background(), access.System)
		clock := jobsToday.Add(123456789) // nanoseconds PostgreSQL does not keep
		tick := func() time.Time { clock = clock.Add(time.Second); return clock }

		acc := &access.Service{Store: db.Access(), Now: tick}
		u, err := acc.CreateUser(sys, access.UserInput{Name: "opt-ana", Role: "analyst", Password: "a long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		in := access.UserInput{Name: "opt-ana", Role: "analyst", UpdatedAt: u.UpdatedAt.Format(time.RFC3339Nano)}
		if _, err := acc.UpdateUser(sys, u.ID, in); err != nil {
			t.Fatalf("an update with the updated_at just given: %v", err)
		}
		in.Disabled = true // the same, now stale, updated_at
		_, err = acc.UpdateUser(sys, u.ID, in)
		wantKind(t, err, fault.Conflict, "updated_at")
		in.UpdatedAt = "soon"
		_, err = acc.UpdateUser(sys, u.ID, in)
		wantKind(t, err, fault.Invalid, "updated_at")

		w, _ := jobsSetup(t, db)
		jobs := &employment.Service{Store: db.Jobs(), Now: tick}
		v, err := jobs.PostVacancy(sys, employment.VacancyInput{EmployerID: w.employer("330402"), Title: "会计", Occupation: "2-02-10-03",
			SalaryMin: "6000", SalaryMax: "8000", Openings: 1, ValidTo: "2026-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		read, err := jobs.Vacancy(sys, v.ID)
		if err != nil || !read.UpdatedAt.Equal(v.UpdatedAt) {
			t.Fatalf("read back %v, posted %v (%v)", read.UpdatedAt, v.UpdatedAt, err)
		}
		vin := employment.VacancyInput{Title: "会计", Occupation: "2-02-10-03", SalaryMin: "6500", SalaryMax: "8000", Openings: 1,
			ValidTo: "2026-12-31", UpdatedAt: v.UpdatedAt.Format(time.RFC3339Nano)}
		if _, err := jobs.UpdateVacancy(sys, v.ID, vin); err != nil {
			t.Fatalf("an update with the updated_at read: %v", err)
		}
		vin.Openings = 3
		_, err = jobs.UpdateVacancy(sys, v.ID, vin)
		wantKind(t, err, fault.Conflict, "updated_at")
		vin.UpdatedAt = ""
		if _, err := jobs.UpdateVacancy(sys, v.ID, vin); err != nil {
			t.Fatalf("without updated_at, no check: %v", err)
		}
	})
}
