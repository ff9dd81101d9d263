package insurance_test

import (
	"context"
	"errors"
	"testing"

	"hrss/access"
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
		if err != nil || len(out) != 1 || out[0].Wage != 910_000 || out[0].Previous != nil || out[0].PersonID != job.PersonID {
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
		if err != nil || len(list) != 1 || list[0].Wage != 930_000 || list[0].Actor == "" {
			t.Fatalf("list %+v %v", list, err)
		}
		// refusals name the row and field, and write nothing
		bad := []struct {
			rows  []registry.WageChange
			field string
			row   int
		}{
			{[]registry.WageChange{{Row: 2, Input: registry.WageInput{EmploymentID: job.ID, Year: 2025, Wage: "8000"}}, {Row: 3, Input: registry.WageInput{EmploymentID: job.ID, Year: 2025, Wage: "-1"}}}, "wage", 3},
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
