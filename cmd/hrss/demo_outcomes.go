package main

import (
	"context"
	"fmt"
	"time"

	"hrss/access"
	"hrss/demo"
	"hrss/employment"
	"hrss/registry"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/sheet"
	"hrss/support"
)

// demoPlacementsPerMonth caps the hires the demo's caseworkers bring
// about in a month: enough for the placement indicators of every month,
// few enough that the demo of a large city stays a second longer.
const demoPlacementsPerMonth = 30

// demoPaidGrants caps the grants of each of demoPaidDivisions divisions
// the demo prepares, approves and pays (and at most half of a division's
// pending grants): the rest stay pending, the queue the demo's caseworker
// opens on.
const (
	demoPaidGrants     = 25
	demoPaidDivisions  = 2
	demoHireAfterDays  = 7 // a hire follows its job lead or recommendation by a week
	demoServiceDayOfMo = 4 // services are given on the 5th of the month
)

// demoOutcomes makes the services' outcomes happen through the services,
// so that the indicators of placements, subsidies paid and loans granted
// are not empty: placements in each of the demo's past months (a job lead
// or a recommendation, then the employer's hire a week later), one batch
// of grants of a few divisions prepared, approved by another, paid and
// returned paid by the bank, and one of the loan applications approved,
// both today (the scan found the grants and the loans were applied for
// today). It prints one line per kind.
func demoOutcomes(ctx context.Context, g *globals, a *app, sup *support.Service, cfg demo.Config, months int) error {
	prep, review, err := demoStaff(ctx, a)
	if err != nil {
		return fmt.Errorf("demo staff: %w", err)
	}
	if err := demoPlacements(prep, g, a, cfg, months); err != nil {
		return fmt.Errorf("demo placements: %w", err)
	}
	if err := demoPaySubsidies(ctx, g, sup, prep, review, cfg.AsOf); err != nil {
		return fmt.Errorf("demo subsidies paid: %w", err)
	}
	if err := demoGrantLoan(ctx, g, sup, review, cfg.AsOf); err != nil {
		return fmt.Errorf("demo loans granted: %w", err)
	}
	return nil
}

// demoStaff creates the accounts of the demo's caseworker and reviewer
// (disabled: nobody signs in as them) and returns their callers, so that
// the four-eyes checks, which compare user IDs, hold between them.
func demoStaff(ctx context.Context, a *app) (prep, review context.Context, err error) {
	ctx = systemContext(ctx)
	out := make([]context.Context, 2)
	for i, r := range []struct {
		name string
		role access.Role
	}{{demoPreparer, access.Caseworker}, {demoReviewer, access.Reviewer}} {
		u, err := a.access.CreateUser(ctx, access.UserInput{Name: r.name, Role: string(r.role), Divisions: []string{access.CityWide},
			Password: access.RandomPassword(24), Disabled: true})
		if err != nil {
			return nil, nil, err
		}
		out[i] = access.WithCaller(ctx, access.Caller{UserID: u.ID, Name: u.Name, Role: u.Role, Divisions: u.Divisions})
	}
	return out[0], out[1], nil
}

// placementTally is what the demo's line of placements reports.
type placementTally struct {
	jobLeads, recommended, hired, skipped, posted int
	bySource                                      map[employment.PlacementSource]int
}

// demoPlacements brings about, in each past month of the demo, up to
// demoPlacementsPerMonth hires of registered job seekers (not of persons
// registered unemployed, whose benefit a hire would stop on the real
// today): on the 5th a caseworker gives one seeker in two a job lead to
// an open vacancy of their division (posting one for a division with
// none open that day) and has the others' vacancies recommended; a week
// later the vacancy's employer hires the seeker (recorded by the
// caseworker in the registry, whose hook records the placement).
func demoPlacements(prep context.Context, g *globals, a *app, cfg demo.Config, months int) error {
	if months == 0 {
		return nil
	}
	start := time.Now()
	defer func(jobs, reg func() time.Time) { a.jobs.Now, a.registry.Now = jobs, reg }(a.jobs.Now, a.registry.Now)
	seekers, err := demoSeekers(prep, a)
	if err != nil {
		return err
	}
	t := &placementTally{bySource: map[employment.PlacementSource]int{}}
	used := map[int64]bool{}
	first, last := cfg.AsOf.Month().Add(-months), cfg.AsOf.Month().Add(-1)
	for p := first; p <= last; p++ {
		if err := demoPlaceMonth(prep, a, seekers, used, p, t); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	fmt.Fprintf(g.stdout, "placements, %s to %s (at most %d a month, by %s), in %s: %d job leads, %d recommendations, %d vacancies posted; %d hires placed (%d job lead, %d recommendation, %d fair, %d none), %d refused\n",
		first, last, demoPlacementsPerMonth, demoPreparer, time.Since(start).Round(time.Millisecond), t.jobLeads, t.recommended, t.posted, t.hired,
		t.bySource[employment.SourceJobLead], t.bySource[employment.SourceRecommendation], t.bySource[employment.SourceFair], t.bySource[employment.SourceNone], t.skipped)
	return nil
}

// demoSeekers lists the active job-seeker registrations, in ID order,
// of persons with no active unemployment registration.
func demoSeekers(ctx context.Context, a *app) ([]employment.SeekerRegistration, error) {
	unemployed := map[int64]bool{}
	for after := int64(0); ; {
		us, err := a.jobs.ListUnemployment(ctx, employment.SeekerFilter{Status: employment.Active, Page: registry.Page{After: after, Limit: employment.MaxPage}})
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			unemployed[u.PersonID], after = true, u.ID
		}
		if len(us) < employment.MaxPage {
			break
		}
	}
	var out []employment.SeekerRegistration
	for after := int64(0); ; {
		ss, err := a.jobs.ListSeekers(ctx, employment.SeekerFilter{Status: employment.Active, Page: registry.Page{After: after, Limit: employment.MaxPage}})
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			after = s.ID
			if !unemployed[s.PersonID] {
				out = append(out, s)
			}
		}
		if len(ss) < employment.MaxPage {
			return out, nil
		}
	}
}

// demoHire is a seeker to be hired into a vacancy.
type demoHire struct {
	seeker  employment.SeekerRegistration
	vacancy employment.Vacancy
}

// demoPlaceMonth gives month p's services and then its hires.
func demoPlaceMonth(ctx context.Context, a *app, seekers []employment.SeekerRegistration, used map[int64]bool, p period.YearMonth, t *placementTally) error {
	day := p.First().AddDays(demoServiceDayOfMo)
	a.jobs.Now = func() time.Time { return day.Time().Add(9 * time.Hour) }
	open := map[string][]employment.Vacancy{}
	var todo []demoHire
	for _, s := range seekers {
		if len(todo) == demoPlacementsPerMonth {
			break
		}
		if used[s.ID] || day.Before(s.Registered) {
			continue
		}
		used[s.ID] = true
		h, ok, err := demoService(ctx, a, s, open, len(todo)%2 == 1, t)
		if err != nil {
			return err
		}
		if ok {
			todo = append(todo, h)
		}
	}
	hireDay := day.AddDays(demoHireAfterDays)
	clock := func() time.Time { return hireDay.Time().Add(10 * time.Hour) }
	a.jobs.Now, a.registry.Now = clock, clock
	for _, h := range todo {
		if err := demoHireOne(ctx, a, h, hireDay, t); err != nil {
			return err
		}
	}
	return nil
}

// demoService gives seeker s a recommendation (recommend) or a job lead
// and returns the vacancy the hire is to be into; ok is false when none
// could be found.
func demoService(ctx context.Context, a *app, s employment.SeekerRegistration, open map[string][]employment.Vacancy, recommend bool, t *placementTally) (demoHire, bool, error) {
	if recommend {
		ms, err := a.jobs.Recommend(ctx, s.ID, 3, "zh-CN")
		if err != nil {
			return demoHire{}, false, err
		}
		if len(ms) > 0 {
			v, err := a.jobs.Vacancy(ctx, ms[0].VacancyID)
			t.recommended++
			return demoHire{s, v}, err == nil, err
		}
	}
	vs, err := demoOpenVacancies(ctx, a, s.Division, open, t)
	if err != nil || len(vs) == 0 {
		return demoHire{}, false, err
	}
	v := vs[demoHash(s.PersonID)%uint32(len(vs))]
	_, err = a.jobs.RecordService(ctx, employment.ServiceInput{PersonID: s.PersonID, Kind: string(employment.JobLead), VacancyID: v.ID})
	if fault.KindOf(err) == fault.Invalid {
		t.skipped++
		return demoHire{}, false, nil
	}
	if err == nil {
		t.jobLeads++
	}
	return demoHire{s, v}, err == nil, err
}

// demoOpenVacancies are the vacancies of a division open on the service
// clock's day; for a division with none, its employer of the latest
// vacancy posts a copy open from that day for three months.
func demoOpenVacancies(ctx context.Context, a *app, div string, open map[string][]employment.Vacancy, t *placementTally) ([]employment.Vacancy, error) {
	if vs, ok := open[div]; ok {
		return vs, nil
	}
	today := a.jobs.Today()
	vs, err := a.jobs.ListVacancies(ctx, employment.VacancyFilter{Division: div, OpenOn: today, Page: registry.Page{Limit: 50}})
	if err != nil || len(vs) > 0 {
		open[div] = vs
		return vs, err
	}
	all, err := a.jobs.ListVacancies(ctx, employment.VacancyFilter{Division: div, Page: registry.Page{Limit: 1}})
	if err != nil || len(all) == 0 {
		open[div] = nil
		return nil, err
	}
	v := all[0]
	in := employment.VacancyInput{EmployerID: v.EmployerID, Title: v.Title, Occupation: string(v.Occupation), Skills: v.Skills, Education: string(v.Education),
		ExperienceYears: v.Experience, SalaryMin: v.SalaryMin.String(), SalaryMax: v.SalaryMax.String(), Division: v.Division, Openings: 10,
		ValidTo: today.Month().Add(3).First().String(), Description: v.Description}
	posted, err := a.jobs.PostVacancy(ctx, in)
	if err != nil {
		return nil, err
	}
	t.posted++
	open[div] = []employment.Vacancy{posted}
	return open[div], nil
}

// demoHireOne records the hire of h on day; a hire the registry refuses
// (the person already works there) is counted and left.
func demoHireOne(ctx context.Context, a *app, h demoHire, day period.Date, t *placementTally) error {
	wage := h.vacancy.SalaryMin
	if wage <= 0 {
		wage = money.Yuan(3000)
	}
	e, err := a.registry.CreateEmployment(ctx, registry.EmploymentInput{PersonID: h.seeker.PersonID, EmployerID: h.vacancy.EmployerID,
		Start: day.String(), DeclaredWage: wage.String()})
	if k := fault.KindOf(err); k == fault.Invalid || k == fault.Conflict {
		t.skipped++
		return nil
	}
	if err != nil {
		return err
	}
	ps, err := a.jobs.ListPlacements(ctx, employment.PlacementFilter{PersonID: h.seeker.PersonID, Page: registry.Page{Limit: employment.MaxPage}})
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.EmploymentID == e.ID {
			t.hired++
			t.bySource[p.Source]++
		}
	}
	return nil
}

// demoPaySubsidies pays, today, up to demoPaidGrants pending grants (at
// most half) of each of the first demoPaidDivisions divisions with two or
// more: the caseworker
// prepares a batch, the reviewer approves it, the payment run issues the
// grants with a payee account, and the bank's return file marks them
// paid.
func demoPaySubsidies(ctx context.Context, g *globals, svc *support.Service, prep, review context.Context, today period.Date) error {
	start := time.Now()
	defer func(now func() time.Time) { svc.Now = now }(svc.Now)
	svc.Now = func() time.Time { return today.Time().Add(11 * time.Hour) }
	batches := 0
	for _, div := range registry.CountyCodes() {
		if batches == demoPaidDivisions {
			break
		}
		gs, err := svc.Grants(prep, support.GrantFilter{Divisions: []string{div}, Status: support.Pending, Limit: 2 * demoPaidGrants})
		if err != nil {
			return err
		}
		gs = gs[:min(demoPaidGrants, len(gs)/2)] // at least half stay pending
		if len(gs) == 0 {
			continue
		}
		ids := make([]int64, len(gs))
		for i, gr := range gs {
			ids[i] = gr.ID
		}
		b, err := svc.PrepareBatch(prep, div, "", ids)
		if err != nil {
			return err
		}
		if _, err := svc.DecideBatch(review, b.ID, true, ""); err != nil {
			return err
		}
		batches++
	}
	if batches == 0 {
		return nil
	}
	sys := systemContext(ctx)
	rep, err := svc.Pay(sys, "")
	if err != nil {
		return err
	}
	ret, err := demoBankReturn(sys, svc, rep.Run.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "subsidies paid on %s, in %s: %d batches prepared by %s and approved by %s; payment run %d issued %d grants (%s yuan, %d without an account left approved); the bank returned %d paid, %s yuan\n",
		today, time.Since(start).Round(time.Millisecond), batches, demoPreparer, demoReviewer, rep.Run.ID, rep.Run.Rows, rep.Run.Total, len(rep.NoAccount), ret.Paid, ret.Amount)
	return nil
}

// demoBankReturn is the bank's answer to payment run id: every row of
// its bank file paid.
func demoBankReturn(ctx context.Context, svc *support.Service, id int64) (support.ReturnReport, error) {
	file, err := svc.BankFile(ctx, id, false)
	if err != nil {
		return support.ReturnReport{}, err
	}
	recs, err := sheet.Read("bank.csv", file, "payments")
	if err != nil {
		return support.ReturnReport{}, err
	}
	var rows [][]string
	for _, r := range recs[1:] {
		rows = append(rows, []string{r[0], "paid", ""})
	}
	return svc.ImportReturn(ctx, fmt.Sprintf("demo-return-run-%d.csv", id), sheet.CSV([]string{"reference", "status", "reason"}, rows))
}

// demoGrantLoan has the reviewer approve, today, the first loan applied
// for; the others are left to the demo's reviewer.
func demoGrantLoan(ctx context.Context, g *globals, svc *support.Service, review context.Context, today period.Date) error {
	defer func(now func() time.Time) { svc.Now = now }(svc.Now)
	svc.Now = func() time.Time { return today.Time().Add(15 * time.Hour) }
	ls, err := svc.Loans(review, support.LoanFilter{Status: support.LoanApplied})
	if err != nil || len(ls) == 0 {
		return err
	}
	l, err := svc.DecideLoan(review, ls[0].ID, true, "")
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "loans granted on %s: loan %d (%s, %s yuan) approved by %s; %d left for the reviewer\n",
		today, l.ID, l.Borrower, l.Principal, demoReviewer, len(ls)-1)
	return nil
}
