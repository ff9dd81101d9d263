package demo

import (
	"context"
	"reflect"
	"testing"

	"hrss/employment"
	"hrss/registry"
	"hrss/rules/period"
)

// jobsMem is a memSink that also keeps the employment services' rows.
type jobsMem struct {
	memSink
	seekers []employment.SeekerRegistration
	unemp   []employment.UnemploymentRegistration
	vacs    []employment.Vacancy
	svcs    []employment.ServiceRecord
}

func (m *jobsMem) Seekers(_ context.Context, s []employment.SeekerRegistration) error {
	m.seekers = append(m.seekers, s...)
	return nil
}

func (m *jobsMem) Unemployment(_ context.Context, u []employment.UnemploymentRegistration) error {
	m.unemp = append(m.unemp, u...)
	return nil
}

func (m *jobsMem) Vacancies(_ context.Context, v []employment.Vacancy) error {
	m.vacs = append(m.vacs, v...)
	return nil
}

func (m *jobsMem) Services(_ context.Context, s []employment.ServiceRecord) error {
	m.svcs = append(m.svcs, s...)
	return nil
}

func (m *jobsMem) FinishJobs(context.Context) error { return nil }

func jobsCity(t *testing.T, seed uint64) (*jobsMem, *JobsSummary, Summary) {
	t.Helper()
	m := &jobsMem{}
	cfg := Config{Persons: 8000, Seed: seed, AsOf: asOf}
	sink, js := WithJobs(m, cfg)
	sum, err := Generate(context.Background(), cfg, testVault(t), sink, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m, js, sum
}

func TestJobsAreDeterministicAndRealistic(t *testing.T) {
	a, js, sum := jobsCity(t, 5)
	b, _, _ := jobsCity(t, 5)
	if !reflect.DeepEqual(a.seekers, b.seekers) || !reflect.DeepEqual(a.vacs, b.vacs) || !reflect.DeepEqual(a.svcs, b.svcs) || !reflect.DeepEqual(a.unemp, b.unemp) {
		t.Fatal("the same seed gave other employment rows")
	}
	t.Logf("city %d persons, %d employed, %d unemployed, %d unemployed graduates → %+v", sum.Persons, sum.Employed, sum.Unemployed, sum.UnemployedGraduates, *js)
	if js.Seekers == 0 || js.Unemployment == 0 || js.Vacancies == 0 || js.Services == 0 || js.GraduateSeekers == 0 {
		t.Fatalf("missing rows: %+v", *js)
	}
	// registered unemployment stays a few percent of the labour force
	if labour := sum.Employed + sum.FlexibleActive + js.Unemployment; js.Unemployment*100 > labour*5 {
		t.Fatalf("%d registered unemployed of %d: over 5%%", js.Unemployment, labour)
	}
	if js.Openings*100 < js.Seekers*140 || js.Openings*100 > js.Seekers*170 {
		t.Fatalf("openings per seeker %s, want about 1.5", js.OpeningsPerSeeker)
	}
	persons := map[int64]bool{}
	for _, p := range a.persons {
		persons[p.ID] = true
	}
	employers := map[int64]string{}
	for _, e := range a.employers {
		employers[e.ID] = e.Division
	}
	vacs := map[int64]employment.Vacancy{}
	for _, v := range a.vacs {
		vacs[v.ID] = v
		if employers[v.EmployerID] != v.Division || !v.OpenOn(asOf) {
			t.Fatalf("vacancy %+v: not open or not in its employer's division", v)
		}
	}
	for _, s := range a.seekers {
		if !persons[s.PersonID] || asOf.Before(s.Registered) || s.LastContact.Before(s.Registered) {
			t.Fatalf("seeker %+v", s)
		}
	}
	for _, s := range a.svcs {
		if s.Kind == employment.JobLead && !vacs[s.VacancyID].OpenOn(s.Date) {
			t.Fatalf("job lead %+v to a vacancy not open that day", s)
		}
	}
}

// TestJobsClaimable checks the separations the summary lists for claims
// against the rows written: each unemployment one is a registration of
// the person on its date after the involuntary end of their relation, each
// retirement a relation ended by retirement; and both lists are there.
func TestJobsClaimable(t *testing.T) {
	m, js, _ := jobsCity(t, 5)
	rels := map[int64]registry.Employment{}
	for _, e := range m.employments {
		rels[e.ID] = e
	}
	regs := map[int64]period.Date{}
	for _, u := range m.unemp {
		regs[u.PersonID] = u.Registered
	}
	if len(js.Claimable) != len(m.unemp) || len(js.Retired) == 0 {
		t.Fatalf("%d claimable of %d registrations, %d retired", len(js.Claimable), len(m.unemp), len(js.Retired))
	}
	for _, c := range js.Claimable {
		e := rels[c.EmploymentID]
		if e.PersonID != c.PersonID || !e.Separation.Involuntary() || e.End != c.Ended || regs[c.PersonID] != c.Registered || c.Registered.Before(e.End) {
			t.Fatalf("claimable %+v: relation %+v, registered %s", c, e, regs[c.PersonID])
		}
	}
	for _, r := range js.Retired {
		e := rels[r.EmploymentID]
		if e.PersonID != r.PersonID || e.Separation != registry.SepRetired || e.End != r.Ended || e.End.Before(period.New(LegacyLastYear, 12).First()) {
			t.Fatalf("retired %+v: relation %+v", r, e)
		}
	}
}
