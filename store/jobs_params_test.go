package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hrss/access"
	"hrss/employment"
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// overlay returns the embedded parameters with yaml (a parameter file's
// entries) loaded as a deployment's override directory.
func overlay(t *testing.T, yaml string) *rules.Params {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "local.yaml"), []byte("parameters:\n"+yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := rules.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// entry is one override entry of parameter name in Jiaxing.
func entry(name, unit, value string) string {
	return "  - name: " + name + "\n    unit: " + unit + "\n    jurisdiction: \"330400\"\n    values:\n" +
		"      - {from: 2020-01-01, value: \"" + value + "\", reference: test override, confidence: unverified}\n"
}

// TestJobsParamsOverride checks that the employment services read their
// conventions from the parameters: an override file changes the 1131
// deadlines, the placement attribution window, the match weights and the
// neighbouring divisions, and a broken one is refused with its parameter.
func TestJobsParamsOverride(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := access.WithCaller(context.Background(), access.System)
		w, _ := jobsSetup(t, db)
		clock := jobsToday
		now := func() time.Time { return clock }
		base := &employment.Service{Store: db.Jobs(), Now: now}
		days := &employment.Service{Store: db.Jobs(), Now: now, Params: overlay(t,
			entry("employment.followup_briefing_days", "days", "5000")+entry("employment.followup_package_days", "days", "5000")+
				entry("employment.placement_attribution_days", "days", "5"))}
		var weights string
		for _, c := range rules.MatchComponents {
			weights += entry("employment.match_weight."+c, "factor", map[bool]string{true: "100", false: "0"}[c == "occupation"])
		}
		scored := &employment.Service{Store: db.Jobs(), Now: now, Params: overlay(t, weights)}
		apart := &employment.Service{Store: db.Jobs(), Now: now, Params: overlay(t,
			entry("employment.neighbours.330402", "divisions", "330421 330424 330481 330482")+entry("employment.neighbours.330411", "divisions", "330421 330481 330483")+
				entry("employment.neighbours.330421", "divisions", "330402 330411 330482")+entry("employment.neighbours.330483", "divisions", "330411 330481")+
				entry("employment.neighbours.330481", "divisions", "330402 330411 330424 330483"))}

		grad := &registry.Graduation{School: "嘉兴学院", Major: "软件工程", Degree: registry.EduBachelor, Date: period.Date{Y: 2025, M: 6, D: 30}}
		emp, other := w.employer("330402"), w.employer("330411")
		vac := must[employment.Vacancy](t)(base.PostVacancy(ctx, employment.VacancyInput{EmployerID: emp, Title: "Go开发工程师", Occupation: "2-02-10-03",
			Skills: []string{"go", "sql"}, Education: "bachelor", SalaryMin: "10000", SalaryMax: "15000", Openings: 5, ValidTo: "2026-12-31"}))
		next := must[employment.Vacancy](t)(base.PostVacancy(ctx, employment.VacancyInput{EmployerID: other, Title: "Go开发工程师", Occupation: "2-02-10-03",
			Skills: []string{"go", "sql"}, Education: "bachelor", SalaryMin: "10000", SalaryMax: "15000", Openings: 5, ValidTo: "2026-12-31"}))
		seeker := func() (int64, employment.SeekerRegistration) {
			pid := w.person("330402", period.Date{Y: 2003, M: 4, D: 1}, grad)
			return pid, must[employment.SeekerRegistration](t)(base.RegisterSeeker(ctx, employment.SeekerInput{PersonID: pid,
				Occupations: []string{"2-02-10-03"}, Skills: []string{"go", "sql", "linux"}, SalaryMin: "9000.00", Mobility: "city"}))
		}
		p1, sk1 := seeker()
		p2, sk2 := seeker()

		// the 1131 deadlines: overdue by the embedded 30/180 days, not by 5000
		for _, c := range []struct {
			s       *employment.Service
			overdue bool
		}{{base, true}, {days, false}} {
			fus := must[[]employment.FollowUp](t)(c.s.FollowUps(ctx, employment.GraduateQuery{Division: "330402"}))
			if len(fus) != 2 || fus[0].Overdue != c.overdue || fus[0].Complete {
				t.Fatalf("follow-ups (overdue %v wanted) %+v", c.overdue, fus)
			}
		}

		// the weights: occupation alone gives an exact occupation 100 points
		score := func(s *employment.Service, vacancy int64) employment.Match {
			ms, _, err := s.MatchSeeker(ctx, sk1.ID, 10, employment.LangEN)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				if m.VacancyID == vacancy {
					return m
				}
			}
			t.Fatalf("vacancy %d not among %+v", vacancy, ms)
			return employment.Match{}
		}
		b, o := score(base, vac.ID), score(scored, vac.ID)
		if o.Score != 10000 || o.Components.Skills != 0 || b.Score == o.Score || !strings.Contains(o.Explanation, "occupation 100.00/100") {
			t.Fatalf("weights: embedded %+v, override %+v", b, o)
		}
		// the neighbours: 330411 borders 330402 (6000 of the location's 1000
		// points), not in the override (3000, elsewhere in the city)
		if b, a := score(base, next.ID), score(apart, next.ID); b.Components.Location != 600 || a.Components.Location != 300 {
			t.Fatalf("neighbours: embedded %+v, override %+v", b.Components, a.Components)
		}

		// a broken override is refused, naming the parameter
		bad := &employment.Service{Store: db.Jobs(), Now: now, Params: overlay(t, entry("employment.match_weight.salary", "factor", "20"))}
		if _, _, err := bad.MatchSeeker(ctx, sk1.ID, 10, employment.LangEN); err == nil || !strings.Contains(err.Error(), "sum to 110") {
			t.Fatalf("weights summing to 110: %v", err)
		}

		// the attribution window: a recommendation 10 days before the hire
		// counts within 180 days, not within 5
		must[[]employment.Match](t)(base.Recommend(ctx, sk1.ID, 5, employment.LangEN))
		must[[]employment.Match](t)(base.Recommend(ctx, sk2.ID, 5, employment.LangEN))
		clock = clock.AddDate(0, 0, 10)
		start := period.Date{Y: 2026, M: 6, D: 25}
		for _, c := range []struct {
			s      *employment.Service
			person int64
			want   employment.PlacementSource
		}{{base, p1, employment.SourceRecommendation}, {days, p2, employment.SourceNone}} {
			p, ok, err := c.s.RecordHire(ctx, w.hire(c.person, emp, start))
			if err != nil || !ok || p.Source != c.want {
				t.Fatalf("placement (%s wanted) %+v %v %v", c.want, p, ok, err)
			}
		}

	})
}
