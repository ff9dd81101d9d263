package store_test

import (
	"context"

	"errors"
	"hrss/access"
	"hrss/demo"
	"testing"
	"time"

	"hrss/employment"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// The employment services' contract: the same flows on each engine.

var jobsToday = time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)

// jobsWorld writes persons, employers and relations straight through the
// registry's Tx, so that these tests do not depend on the registry
// service's access checks.
type jobsWorld struct {
	t   *testing.T
	db  *store.DB
	v   *ident.Vault
	seq int
}

func (w *jobsWorld) person(div string, birth period.Date, grad *registry.Graduation) int64 {
	w.t.Helper()
	w.seq++
	id := ident.NewResidentID(div, birth, w.seq)
	p := registry.SealedPerson{Person: registry.Person{ResidentID: id, Name: "求职者", Sex: id.Sex(), Birth: birth, HukouDivision: div,
		ResidenceDivision: div, Education: registry.EduBachelor, Graduation: grad, CreatedAt: jobsToday, UpdatedAt: jobsToday},
		IDSealed: w.v.Seal(id), IDHash: w.v.Hash(id)}
	if err := w.db.Registry().Update(context.Background(), func(tx registry.Tx) error { return tx.InsertPerson(context.Background(), &p) }); err != nil {
		w.t.Fatal(err)
	}
	return p.ID
}

func (w *jobsWorld) employer(div string) int64 {
	w.t.Helper()
	w.seq++
	e := registry.Employer{CreditCode: ident.NewCreditCode('9', '1', div, uint64(w.seq)), Name: "嘉兴测试有限公司", IndustrySection: "C",
		IndustryDivision: "17", Division: div, RiskClass: 2, RiskFloat: money.MustDec("1.0"), CreatedAt: jobsToday, UpdatedAt: jobsToday}
	if err := w.db.Registry().Update(context.Background(), func(tx registry.Tx) error { return tx.InsertEmployer(context.Background(), &e) }); err != nil {
		w.t.Fatal(err)
	}
	return e.ID
}

func (w *jobsWorld) hire(person, employer int64, start period.Date) int64 {
	w.t.Helper()
	e := registry.Employment{PersonID: person, EmployerID: employer, Start: start, DeclaredWage: money.Yuan(8000),
		Insurances: registry.AllInsurances, CreatedAt: jobsToday, UpdatedAt: jobsToday}
	if err := w.db.Registry().Update(context.Background(), func(tx registry.Tx) error { return tx.InsertEmployment(context.Background(), &e) }); err != nil {
		w.t.Fatal(err)
	}
	return e.ID
}

func jobsSetup(t *testing.T, db *store.DB) (*jobsWorld, *employment.Service) {
	v, err := ident.NewVault(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	clock := jobsToday
	return &jobsWorld{t: t, db: db, v: v}, &employment.Service{Store: db.Jobs(), Now: func() time.Time { return clock }}
}

func jobsKind(t *testing.T, err error, k fault.Kind, field string) {
	t.Helper()
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Kind != k || (field != "" && fe.Field != field) {
		t.Fatalf("got error %v; want kind %d on field %q", err, k, field)
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestJobsRegistrationMatchingPlacement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := access.WithCaller(context.Background(), access.System)
		w, s := jobsSetup(t, db)
		grad := &registry.Graduation{School: "嘉兴学院", Major: "软件工程", Degree: registry.EduBachelor, Date: period.Date{Y: 2025, M: 6, D: 30}}
		pid := w.person("330402", period.Date{Y: 2003, M: 4, D: 1}, grad)
		emp := w.employer("330402")
		other := w.employer("330411")

		sk := must[employment.SeekerRegistration](t)(s.RegisterSeeker(ctx, employment.SeekerInput{PersonID: pid,
			Occupations: []string{"2-02-10-03"}, Skills: []string{"go", "sql", "linux"}, SalaryMin: "9000.00", Mobility: "city"}))
		if !sk.Graduate || sk.Division != "330402" || sk.Education != registry.EduBachelor {
			t.Fatalf("seeker %+v", sk)
		}
		_, err := s.RegisterSeeker(ctx, employment.SeekerInput{PersonID: pid})
		jobsKind(t, err, fault.Conflict, "person_id")
		_, err = s.RegisterSeeker(ctx, employment.SeekerInput{PersonID: pid + 100})
		jobsKind(t, err, fault.Invalid, "person_id")
		_, err = s.RegisterSeeker(ctx, employment.SeekerInput{PersonID: pid, Occupations: []string{"2-02-10"}})
		jobsKind(t, err, fault.Invalid, "occupations")
		must[employment.UnemploymentRegistration](t)(s.RegisterUnemployed(ctx, employment.UnemploymentInput{PersonID: pid}))

		good := must[employment.Vacancy](t)(s.PostVacancy(ctx, employment.VacancyInput{EmployerID: emp, Title: "Go开发工程师", Occupation: "2-02-10-03",
			Skills: []string{"go", "sql"}, Education: "bachelor", SalaryMin: "10000", SalaryMax: "15000", Openings: 2, ValidTo: "2026-08-31"}))
		far := must[employment.Vacancy](t)(s.PostVacancy(ctx, employment.VacancyInput{EmployerID: other, Title: "缝纫工", Occupation: "6-05-01-04",
			Skills: []string{"sewing"}, SalaryMin: "5000", SalaryMax: "7000", Openings: 5, ValidTo: "2026-08-31"}))
		_, err = s.PostVacancy(ctx, employment.VacancyInput{EmployerID: emp, Title: "x", Occupation: "2-02-10-03", SalaryMin: "1500", SalaryMax: "2000", Openings: 1, ValidTo: "2026-08-31"})
		jobsKind(t, err, fault.Invalid, "salary_min")

		ms, _, err := s.MatchSeeker(ctx, sk.ID, 10, employment.LangEN)
		if err != nil || len(ms) != 1 || ms[0].VacancyID != good.ID { // far refuses: 9000 expected above 120% of 7000
			t.Fatalf("matches %+v %v", ms, err)
		}
		if ms[0].Components.Total() != ms[0].Score || len(ms[0].MatchedSkills) != 2 {
			t.Fatalf("match %+v", ms[0])
		}
		vm, _, err := s.MatchVacancy(ctx, good.ID, 5, employment.LangZH)
		if err != nil || len(vm) != 1 || vm[0].SeekerID != sk.ID {
			t.Fatalf("vacancy matches %+v %v", vm, err)
		}
		must[[]employment.Match](t)(s.Recommend(ctx, sk.ID, 5, employment.LangEN))

		// the graduate is on the follow-up list, package incomplete
		fus := must[[]employment.FollowUp](t)(s.FollowUps(ctx, employment.GraduateQuery{Division: "330402"}))
		if len(fus) != 1 || fus[0].Complete || !fus[0].Overdue {
			t.Fatalf("follow-ups %+v", fus)
		}
		for _, k := range []string{"policy_briefing", "career_guidance", "training_or_internship"} {
			must[employment.ServiceRecord](t)(s.RecordService(ctx, employment.ServiceInput{PersonID: pid, Kind: k}))
		}
		_, err = s.RecordService(ctx, employment.ServiceInput{PersonID: pid, Kind: "job_lead"})
		jobsKind(t, err, fault.Invalid, "vacancy_id")
		for range 3 {
			must[employment.ServiceRecord](t)(s.RecordService(ctx, employment.ServiceInput{PersonID: pid, Kind: "job_lead", VacancyID: far.ID}))
		}
		fus = must[[]employment.FollowUp](t)(s.FollowUps(ctx, employment.GraduateQuery{Division: "330402"}))
		if len(fus) != 1 || !fus[0].Complete || fus[0].Overdue {
			t.Fatalf("follow-ups after the package %+v", fus)
		}

		// the hire ends both registrations and is attributed to the recommendation
		eid := w.hire(pid, emp, period.Date{Y: 2026, M: 6, D: 15})
		p, ok, err := s.RecordHire(ctx, eid)
		if err != nil || !ok || p.Source != employment.SourceRecommendation || p.VacancyID != good.ID {
			t.Fatalf("placement %+v %v %v", p, ok, err)
		}
		if p2, _, _ := s.RecordHire(ctx, eid); p2.ID != p.ID {
			t.Fatal("RecordHire is not idempotent")
		}
		if got := must[employment.SeekerRegistration](t)(s.Seeker(ctx, sk.ID)); got.Status != employment.Closed || got.Ground != employment.GroundHired {
			t.Fatalf("seeker after hire %+v", got)
		}
		if v := must[employment.Vacancy](t)(s.Vacancy(ctx, good.ID)); v.Filled != 1 {
			t.Fatalf("vacancy filled %d", v.Filled)
		}
		us := must[[]employment.UnemploymentRegistration](t)(s.ListUnemployment(ctx, employment.SeekerFilter{PersonID: pid}))
		if len(us) != 1 || us[0].Ground != employment.GroundHired || us[0].EmploymentID != eid {
			t.Fatalf("unemployment after hire %+v", us)
		}
		if fus := must[[]employment.FollowUp](t)(s.FollowUps(ctx, employment.GraduateQuery{Division: "330402"})); len(fus) != 0 {
			t.Fatalf("an employed graduate is still followed: %+v", fus)
		}
	})
}

func TestJobsSyncAndFairs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := access.WithCaller(context.Background(), access.System)
		w, s := jobsSetup(t, db)
		emps := []int64{w.employer("330402"), w.employer("330402")}
		var vacs []int64
		for _, e := range emps {
			v := must[employment.Vacancy](t)(s.PostVacancy(ctx, employment.VacancyInput{EmployerID: e, Title: "数控车工", Occupation: "6-18-01-08",
				Skills: []string{"cnc", "lathe"}, Education: "senior", SalaryMin: "6500", SalaryMax: "9000", Openings: 1, ValidTo: "2026-09-30"}))
			vacs = append(vacs, v.ID)
		}
		var seekers []int64
		for i := range 3 {
			pid := w.person("330402", period.Date{Y: 1990 + i, M: 1, D: 1}, nil)
			sk := must[employment.SeekerRegistration](t)(s.RegisterSeeker(ctx, employment.SeekerInput{PersonID: pid, Registered: "2025-12-01",
				Occupations: []string{"6-18-01-08"}, Skills: []string{"cnc", "lathe"}[:1+i%2], Education: "senior", ExperienceYears: i}))
			seekers = append(seekers, sk.ID)
		}
		fair := must[employment.JobFair](t)(s.CreateFair(ctx, employment.FairInput{Name: "南湖区春风行动招聘会", Division: "330402", Date: "2026-06-20", MaxInterviews: 1}))
		for i, e := range emps {
			must[employment.FairEmployer](t)(s.JoinFair(ctx, fair.ID, employment.FairEmployerInput{EmployerID: e, Slots: 1, VacancyIDs: []int64{vacs[i]}}))
		}
		for _, sk := range seekers {
			must[employment.FairRegistration](t)(s.RegisterForFair(ctx, fair.ID, employment.FairRegistrationInput{SeekerID: sk, Preferences: emps}))
		}
		alloc := must[employment.FairAllocation](t)(s.AllocateFair(ctx, fair.ID))
		if len(alloc.Interviews) != 2 || alloc.Placed != 2 || alloc.Interviews[0].Time != "09:00" {
			t.Fatalf("allocation %+v", alloc)
		}
		_, err := s.RegisterForFair(ctx, fair.ID, employment.FairRegistrationInput{SeekerID: seekers[0], Preferences: emps})
		jobsKind(t, err, fault.Conflict, "fair_id")

		// nobody was in contact since December: sync ends the registrations on ground no_contact
		rep := must[employment.SyncReport](t)(s.Sync(ctx))
		if rep.SeekersChecked != 3 || rep.NoContact != 3 {
			t.Fatalf("sync %+v", rep)
		}
		got := must[employment.SeekerRegistration](t)(s.Seeker(ctx, seekers[0]))
		if got.Ground != employment.GroundNoContact || got.ClosedOn != (period.Date{Y: 2026, M: 6, D: 1}) {
			t.Fatalf("after sync %+v", got)
		}
		run := must[employment.BatchRun](t)(s.RunBatch(ctx, employment.BatchOptions{Division: "330402", K: 2}))
		if run.ID == 0 || run.Coverage.Seekers != 0 {
			t.Fatalf("batch %+v", run)
		}
	})
}

func TestJobsAccessScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sys := access.WithCaller(context.Background(), access.System)
		w, s := jobsSetup(t, db)
		pid := w.person("330402", period.Date{Y: 1998, M: 2, D: 3}, nil)
		other := w.person("330411", period.Date{Y: 1997, M: 2, D: 3}, nil)
		sk := must[employment.SeekerRegistration](t)(s.RegisterSeeker(sys, employment.SeekerInput{PersonID: pid, Occupations: []string{"6-31-03-01"}}))
		must[employment.SeekerRegistration](t)(s.RegisterSeeker(sys, employment.SeekerInput{PersonID: other}))
		nanhu := access.WithCaller(context.Background(), access.Caller{UserID: 7, Name: "cw", Role: access.Caseworker, Divisions: []string{"330402"}})
		xiuzhou := access.WithCaller(context.Background(), access.Caller{UserID: 8, Name: "cw2", Role: access.Caseworker, Divisions: []string{"330411"}})
		me := access.WithCaller(context.Background(), access.Caller{UserID: 9, Name: "me", Role: access.Citizen, PersonID: pid})
		analyst := access.WithCaller(context.Background(), access.Caller{UserID: 10, Name: "an", Role: access.Analyst})
		if _, err := s.Seeker(nanhu, sk.ID); err != nil {
			t.Fatal(err)
		}
		_, err := s.Seeker(xiuzhou, sk.ID)
		jobsKind(t, err, fault.NotFound, "")
		if l := must[[]employment.SeekerRegistration](t)(s.ListSeekers(xiuzhou, employment.SeekerFilter{})); len(l) != 1 || l[0].PersonID != other {
			t.Fatalf("caseworker list %+v", l)
		}
		if l := must[[]employment.SeekerRegistration](t)(s.ListSeekers(me, employment.SeekerFilter{})); len(l) != 1 || l[0].PersonID != pid {
			t.Fatalf("citizen list %+v", l)
		}
		if _, _, err := s.MatchSeeker(me, sk.ID, 5, employment.LangZH); err != nil {
			t.Fatal(err)
		}
		_, err = s.Seeker(analyst, sk.ID)
		jobsKind(t, err, fault.Forbidden, "")
		_, err = s.Seeker(context.Background(), sk.ID)
		jobsKind(t, err, fault.Unauthorized, "")
		// a citizen withdraws their registration; the other grounds are a caseworker's
		_, err = s.CloseSeeker(me, sk.ID, employment.Deregistration{Ground: "hired"})
		jobsKind(t, err, fault.Forbidden, "ground")
		if r, err := s.CloseSeeker(me, sk.ID, employment.Deregistration{Ground: "withdrawn"}); err != nil || r.Status != employment.Closed {
			t.Fatalf("withdraw: %+v %v", r, err)
		}
	})
}

// TestJobsDemoCity runs the flows over a small demo city on each engine:
// the bulk writers, matching, a batch run, the follow-up list and sync.
func TestJobsDemoCity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := access.WithCaller(context.Background(), access.System)
		v, _ := ident.NewVault(make([]byte, 32))
		cfg := demo.Config{Persons: 3000, Seed: 3, AsOf: period.FromTime(jobsToday)}
		sink, js := demo.WithJobs(db.Bulk(), cfg)
		if _, err := demo.Generate(ctx, cfg, v, sink, nil); err != nil {
			t.Fatal(err)
		}
		_, s := jobsSetup(t, db)
		seekers := must[[]employment.SeekerRegistration](t)(s.ListSeekers(ctx, employment.SeekerFilter{Status: employment.Active, Page: employment.Page{Limit: 1000}}))
		if len(seekers) != js.Seekers || js.Vacancies == 0 {
			t.Fatalf("%d seekers listed, %d written; %+v", len(seekers), js.Seekers, *js)
		}
		matched := 0
		for _, sk := range seekers[:min(20, len(seekers))] {
			ms, _, err := s.MatchSeeker(ctx, sk.ID, 10, employment.LangZH)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) > 0 {
				matched++
			}
		}
		if matched == 0 {
			t.Fatal("no seeker of the demo city got a recommendation")
		}
		run := must[employment.BatchRun](t)(s.RunBatch(ctx, employment.BatchOptions{Division: "330481", TopN: 5, K: 3}))
		if run.Coverage.Recommendations == 0 {
			t.Fatalf("batch %+v", run.Coverage)
		}
		fus := must[[]employment.FollowUp](t)(s.FollowUps(ctx, employment.GraduateQuery{Division: "330481"}))
		t.Logf("demo city: %+v; batch in 330481: %+v; %d graduates followed in 330481", *js, run.Coverage, len(fus))
		// a new vacancy after the bulk load gets an ID past the loaded ones
		v2 := must[employment.Vacancy](t)(s.PostVacancy(ctx, employment.VacancyInput{EmployerID: 1, Title: "质检员", Occupation: "6-31-03-01",
			SalaryMin: "5000", SalaryMax: "7000", Openings: 1, ValidTo: "2026-08-31"}))
		if v2.ID <= int64(js.Vacancies) {
			t.Fatalf("new vacancy got ID %d, not past the %d loaded", v2.ID, js.Vacancies)
		}
		must[employment.SyncReport](t)(s.Sync(ctx))
		ind := must[employment.Indicators](t)(s.Indicators(ctx, period.Date{}))
		if len(ind.Divisions) != 7 || ind.City.OpenVacancies != js.Vacancies+1 || ind.City.ActiveSeekers == 0 || ind.OpeningsPerSeeker == "" {
			t.Fatalf("indicators %+v (demo %+v)", ind, *js)
		}
	})
}

// TestJobsHireHook: a relation recorded through the registry ends the
// person's registrations and records the placement in the same
// transaction (registry.Service.Hired wired to employment.Service.Hired).
func TestJobsHireHook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := access.WithCaller(context.Background(), access.System)
		w, s := jobsSetup(t, db)
		reg := &registry.Service{Store: db.Registry(), Vault: w.v, Now: s.Now, Hired: s.Hired}
		pid := w.person("330402", period.Date{Y: 1999, M: 9, D: 9}, nil)
		emp := w.employer("330402")
		sk := must[employment.SeekerRegistration](t)(s.RegisterSeeker(ctx, employment.SeekerInput{PersonID: pid, Occupations: []string{"6-31-03-01"}}))
		must[employment.UnemploymentRegistration](t)(s.RegisterUnemployed(ctx, employment.UnemploymentInput{PersonID: pid}))
		v := must[employment.Vacancy](t)(s.PostVacancy(ctx, employment.VacancyInput{EmployerID: emp, Title: "质检员", Occupation: "6-31-03-01",
			SalaryMin: "5000", SalaryMax: "7000", Openings: 1, ValidTo: "2026-08-31"}))
		must[employment.ServiceRecord](t)(s.RecordService(ctx, employment.ServiceInput{PersonID: pid, Kind: "job_lead", VacancyID: v.ID}))
		e := must[registry.Employment](t)(reg.CreateEmployment(ctx, registry.EmploymentInput{PersonID: pid, EmployerID: emp, Start: "2026-06-15", DeclaredWage: "6000.00"}))
		if got := must[employment.SeekerRegistration](t)(s.Seeker(ctx, sk.ID)); got.Ground != employment.GroundHired {
			t.Fatalf("seeker after the hire: %+v", got)
		}
		ps := must[[]employment.Placement](t)(s.ListPlacements(ctx, employment.PlacementFilter{PersonID: pid}))
		if len(ps) != 1 || ps[0].EmploymentID != e.ID || ps[0].Source != employment.SourceJobLead || ps[0].VacancyID != v.ID {
			t.Fatalf("placements %+v", ps)
		}
		if got := must[employment.Vacancy](t)(s.Vacancy(ctx, v.ID)); got.Filled != 1 || got.OpenOn(period.FromTime(jobsToday)) {
			t.Fatalf("the vacancy's only opening is not filled: %+v", got)
		}
		_, err := s.RegisterUnemployed(ctx, employment.UnemploymentInput{PersonID: pid})
		jobsKind(t, err, fault.Conflict, "person_id") // employed today
		child := w.person("330402", period.Date{Y: 2012, M: 1, D: 1}, nil)
		_, err = s.RegisterUnemployed(ctx, employment.UnemploymentInput{PersonID: child})
		jobsKind(t, err, fault.Invalid, "person_id") // under the working age
		_, err = s.Deregister(ctx, 1, employment.Deregistration{Ground: "withdrawn"})
		jobsKind(t, err, fault.Conflict, "status") // already ended by the hire
	})
}
