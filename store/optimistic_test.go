package store_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"hrss/access"
	"hrss/employment"
	"hrss/insight"
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
	"hrss/support"
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

// TestContractOptimisticEveryRecord: a job seeker's registration, a
// payee's bank account, a year's target and a yearly base declaration
// refuse, each the one way (access.UnchangedSince), a change sent with an
// updated_at older than the record's, with Conflict naming the record in
// the catalogue's message (asking to reload), and change nothing; a change
// with the updated_at read succeeds. A record not yet written is read
// with the zero time, and refused once someone else wrote it meanwhile.
func TestContractOptimisticEveryRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sys := access.WithCaller(context.Background(), access.System)
		clock := jobsToday.Add(987654321)
		tick := func() time.Time { clock = clock.Add(time.Second); return clock }
		none := access.Seen(time.Time{})
		changed := func(t *testing.T, err error, record string) {
			t.Helper()
			wantKind(t, err, fault.Conflict, "updated_at")
			var fe *fault.Error
			errors.As(err, &fe)
			if fe.Rule != "record.changed" || fe.Key != "error.record.changed" || !strings.Contains(msg.Render(msg.ZH, fe.Key, fe.Args...), record) ||
				!strings.Contains(msg.Render(msg.ZH, fe.Key, fe.Args...), "请重新载入") {
				t.Fatalf("refusal %+v does not name the %s and ask to reload", fe, record)
			}
		}

		w, _ := jobsSetup(t, db)
		jobs := &employment.Service{Store: db.Jobs(), Now: tick}
		pid := w.person("330402", period.Date{Y: 1990, M: 3, D: 1}, nil)
		sk, err := jobs.RegisterSeeker(sys, employment.SeekerInput{PersonID: pid, Occupations: []string{"2-02-10-03"}, SalaryMin: "6000"})
		if err != nil {
			t.Fatal(err)
		}
		in := employment.SeekerInput{Occupations: []string{"2-02-10-03"}, SalaryMin: "7000", UpdatedAt: access.Seen(sk.UpdatedAt)}
		if _, err := jobs.UpdateSeeker(sys, sk.ID, in); err != nil {
			t.Fatalf("a seeker's update with the updated_at read: %v", err)
		}
		in.SalaryMin = "9000" // the same, now stale, updated_at
		_, err = jobs.UpdateSeeker(sys, sk.ID, in)
		changed(t, err, "求职登记 #"+strconv.FormatInt(sk.ID, 10))
		if got, _ := jobs.Seeker(sys, sk.ID); got.SalaryMin != money.Yuan(7000) {
			t.Fatalf("a refused update changed the seeker: salary_min %s", got.SalaryMin)
		}

		params, err := rules.Embedded()
		if err != nil {
			t.Fatal(err)
		}
		sup := &support.Service{Store: db.Support(), Params: params, Now: tick}
		emp := w.employer("330402")
		acct := support.Payee{Kind: rules.PaysEmployer, ID: emp, Bank: "嘉兴银行", Account: "62220000111122223333", Holder: "嘉兴测试有限公司"}
		first, err := sup.SetPayee(sys, acct, none)
		if err != nil {
			t.Fatalf("a first account, read as none: %v", err)
		}
		acct.Account = "62220000999988887777"
		_, err = sup.SetPayee(sys, acct, none)
		changed(t, err, "收款账户")
		if got, _ := sup.Payee(sys, rules.PaysEmployer, emp); got.Account != first.Account || !got.UpdatedAt.Equal(first.UpdatedAt) {
			t.Fatalf("a refused change moved the account: %+v", got)
		}
		if _, err := sup.SetPayee(sys, acct, access.Seen(first.UpdatedAt)); err != nil {
			t.Fatalf("an account change with the updated_at read: %v", err)
		}

		ins := &insight.Service{Store: db.Insight(), Params: params, Now: tick}
		tin := insight.TargetInput{Year: 2026, Indicator: "new_urban_jobs", Division: "330400", Value: "1000", UpdatedAt: none}
		tg, err := ins.SetTarget(sys, tin)
		if err != nil {
			t.Fatalf("a first target, read as none: %v", err)
		}
		tin.Value = "2000"
		_, err = ins.SetTarget(sys, tin)
		changed(t, err, "年度目标")
		if ts, _ := ins.Targets(sys, 2026); len(ts) != 1 || ts[0].Text != "1000" {
			t.Fatalf("a refused change moved the target: %+v", ts)
		}
		tin.UpdatedAt = access.Seen(tg.SetAt)
		if _, err := ins.SetTarget(sys, tin); err != nil {
			t.Fatalf("a target change with the set_at read: %v", err)
		}

		reg := service(t, db)
		reg.Now = tick
		rel := w.hire(pid, emp, period.Date{Y: 2024, M: 1, D: 2})
		rel2 := w.hire(w.person("330402", period.Date{Y: 1991, M: 5, D: 6}, nil), emp, period.Date{Y: 2024, M: 1, D: 2})
		decl := func(wage, seen, wage2 string) ([]registry.WageDeclaration, error) {
			return reg.DeclareWages(sys, []registry.WageChange{
				{Row: 1, Input: registry.WageInput{EmploymentID: rel2, Year: 2025, Wage: wage2}},
				{Row: 2, Input: registry.WageInput{EmploymentID: rel, Year: 2025, Wage: wage, UpdatedAt: seen}}})
		}
		out, err := decl("8000.00", none, "7000.00")
		if err != nil {
			t.Fatalf("a first declaration, read as none: %v", err)
		}
		_, err = decl("9000.00", none, "7500.00")
		changed(t, err, "年度缴费基数申报 #"+strconv.FormatInt(rel, 10)+" 2025")
		if f := new(fault.Error); !errors.As(err, &f) || f.Row != 2 {
			t.Fatalf("the refusal is not located at the stale row: %v", err)
		}
		got, err := reg.ListWages(sys, registry.WageFilter{Year: 2025, EmploymentFilter: registry.EmploymentFilter{EmployerID: emp}})
		wages := map[int64]money.Fen{}
		for _, d := range got {
			wages[d.EmploymentID] = d.DeclaredWage
		}
		if err != nil || len(got) != 2 || wages[rel] != money.Yuan(8000) || wages[rel2] != money.Yuan(7000) {
			t.Fatalf("a refused batch wrote a declaration: %+v (%v)", got, err)
		}
		if _, err := decl("9000.00", access.Seen(out[1].UpdatedAt), "7500.00"); err != nil {
			t.Fatalf("a re-declaration with the updated_at read: %v", err)
		}
	})
}
