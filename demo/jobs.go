package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"hrss/employment"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/period"
)

// JobsSink is what a Sink also implements to receive the employment
// services' rows of the synthetic city (*store.Bulk does), written at
// Finish with their IDs assigned (1..n per table).
type JobsSink interface {
	Seekers(ctx context.Context, ss []employment.SeekerRegistration) error
	Unemployment(ctx context.Context, us []employment.UnemploymentRegistration) error
	Vacancies(ctx context.Context, vs []employment.Vacancy) error
	Services(ctx context.Context, ss []employment.ServiceRecord) error
	FinishJobs(ctx context.Context) error
}

// JobsSummary counts the employment services' rows of the city.
type JobsSummary struct {
	Seekers           int    `json:"seekers"`             // active job-seeker registrations
	GraduateSeekers   int    `json:"graduate_seekers"`    // of which graduates within 2 years of leaving school
	Unemployment      int    `json:"unemployment"`        // active unemployment registrations
	Vacancies         int    `json:"vacancies"`           // open vacancies
	Openings          int    `json:"openings"`            // their openings
	Services          int    `json:"services"`            // "1131" services recorded
	OpeningsPerSeeker string `json:"openings_per_seeker"` // 求人倍率: openings / active seekers

	// Claimable are the persons given an unemployment registration, with
	// the relation whose involuntary end it follows: those an unemployment
	// benefit claim may be opened for (not printed).
	Claimable []Separation `json:"-"`
	// Retired are the persons whose last relation ended by retirement
	// (registry.SepRetired) from December of LegacyLastYear on, so that a
	// pension could start within the assessed record (not printed).
	Retired []Separation `json:"-"`
}

// Separation is a person's last relation, ended: by retirement, or
// involuntarily with an unemployment registration.
type Separation struct {
	PersonID     int64
	EmploymentID int64
	Male         bool
	Birth        period.Date
	Ended        period.Date
	Registered   period.Date // the unemployment registration; zero for a retirement
}

// The city's employment services, in proportions of the persons in each
// situation on AsOf [U: plausible shares, not official statistics]:
// most registered unemployed also seek work through the public service;
// unemployed graduates mostly register as seekers and get part of the
// "1131" package; a few employed persons look for a change; and the
// vacancies offer about 1.5 openings per active seeker, the order of the
// job-seeker ratio (求人倍率) public employment services report.
const (
	shareUnemployedRegistered = 70 // % of involuntarily unemployed with an unemployment registration
	shareUnemployedSeeking    = 80 // % of them registered as job seekers
	shareQuitSeeking          = 50 // % of voluntarily unemployed registered as job seekers
	shareGraduatesSeeking     = 80 // % of unemployed graduates registered as job seekers
	permilleEmployedSeeking   = 10 // ‰ of employed persons seeking a change
	openingsPerSeekerPct      = 150
)

// WithJobs wraps sink so that a Generate through it also writes job
// seekers, unemployment registrations, vacancies and "1131" services,
// derived deterministically (per person, per vacancy) from the persons,
// relations and enrolments that flow through it. A sink that is not a
// JobsSink is returned as it is.
func WithJobs(sink Sink, cfg Config) (Sink, *JobsSummary) {
	js, ok := sink.(JobsSink)
	sum := &JobsSummary{}
	if !ok {
		return sink, sum
	}
	return &jobsSink{Sink: sink, js: js, cfg: cfg, sum: sum, synth: employment.NewSynth(cfg.Seed), active: map[int64]int{}}, sum
}

type jobsSink struct {
	Sink
	js    JobsSink
	cfg   Config
	sum   *JobsSummary
	synth *employment.Synth

	employers []registry.Employer
	active    map[int64]int // open relations per employer on AsOf
	pending   []registry.SealedPerson
	rels      map[int64][]registry.Employment
	flex      map[int64]bool

	seekers []employment.SeekerRegistration
	unemp   []employment.UnemploymentRegistration
	grads   []gradNeed // unemployed graduates to serve, once vacancies exist
}

// gradNeed is an unemployed graduate and when they entered the list.
type gradNeed struct {
	person   int64
	division string
	since    period.Date
}

func (j *jobsSink) Employers(ctx context.Context, es []registry.Employer) error {
	j.employers = append(j.employers, es...)
	return j.Sink.Employers(ctx, es)
}

func (j *jobsSink) Persons(ctx context.Context, ps []registry.SealedPerson) error {
	j.flush()
	j.pending = append(j.pending[:0], ps...)
	j.rels, j.flex = map[int64][]registry.Employment{}, map[int64]bool{}
	return j.Sink.Persons(ctx, ps)
}

func (j *jobsSink) Employments(ctx context.Context, es []registry.Employment) error {
	for _, e := range es {
		j.rels[e.PersonID] = append(j.rels[e.PersonID], e)
		if covers(e.Start, e.End, j.cfg.AsOf) {
			j.active[e.EmployerID]++
		}
	}
	return j.Sink.Employments(ctx, es)
}

func (j *jobsSink) Flexible(ctx context.Context, fs []registry.FlexibleWorker) error {
	for _, f := range fs {
		if covers(f.Start, f.End, j.cfg.AsOf) {
			j.flex[f.PersonID] = true
		}
	}
	return j.Sink.Flexible(ctx, fs)
}

func covers(start, end, day period.Date) bool {
	return !day.Before(start) && (end.IsZero() || !end.Before(day))
}

// Finish writes the employment services' rows, then finishes the sink.
func (j *jobsSink) Finish(ctx context.Context) error {
	j.flush()
	vacs := j.vacancies()
	svcs := j.services(vacs)
	steps := []func() error{
		func() error { return j.js.Vacancies(ctx, vacs) },
		func() error { return j.js.Seekers(ctx, j.seekers) },
		func() error { return j.js.Unemployment(ctx, j.unemp) },
		func() error { return j.js.Services(ctx, svcs) },
		func() error { return j.js.FinishJobs(ctx) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("demo: writing the employment services: %w", err)
		}
	}
	j.sum.Seekers, j.sum.Unemployment, j.sum.Vacancies, j.sum.Services = len(j.seekers), len(j.unemp), len(vacs), len(svcs)
	for _, v := range vacs {
		j.sum.Openings += v.Openings
	}
	if len(j.seekers) > 0 {
		r := j.sum.Openings * 100 / len(j.seekers)
		j.sum.OpeningsPerSeeker = fmt.Sprintf("%d.%02d", r/100, r%100)
	}
	return j.Sink.Finish(ctx)
}

// flush derives the registrations of the pending batch of persons.
func (j *jobsSink) flush() {
	for _, p := range j.pending {
		j.person(p.Person)
	}
	j.pending = j.pending[:0]
}

// person decides, from person p's own stream, whether and how p uses the
// public employment service.
func (j *jobsSink) person(p registry.Person) {
	asOf := j.cfg.AsOf
	rels := j.rels[p.ID]
	last := lastEnded(rels)
	if last != nil && last.Separation == registry.SepRetired && !last.End.Before(period.New(LegacyLastYear, 12).First()) && !slices.ContainsFunc(rels, func(e registry.Employment) bool { return e.End.IsZero() }) {
		j.sum.Retired = append(j.sum.Retired, j.separation(p, last))
	}
	age := asOf.Y - p.Birth.Y
	if age < 16 || age >= 60 || (p.Graduation != nil && asOf.Before(p.Graduation.Date)) {
		return
	}
	j.synth.Reseed(j.cfg.Seed*1_000_003 + uint64(p.ID))
	rng := j.synth.Rand()
	employed := j.flex[p.ID] || slices.ContainsFunc(rels, func(e registry.Employment) bool { return covers(e.Start, e.End, asOf) })
	graduate := p.Graduation != nil && !p.Graduation.Date.Before(asOf.AddDays(-730))
	switch {
	case employed:
		if rng.IntN(1000) < permilleEmployedSeeking {
			j.seeker(p, false, asOf.AddDays(-rng.IntN(120)), rng)
		}
	case graduate:
		since := p.Graduation.Date
		if last != nil && since.Before(last.End) {
			since = last.End
		}
		if rng.IntN(100) < shareGraduatesSeeking {
			j.seeker(p, true, since.AddDays(rng.IntN(max(1, since.DaysUntil(asOf)+1))), rng)
		}
		j.grads = append(j.grads, gradNeed{p.ID, p.ResidenceDivision, since})
	case last != nil && last.Separation.Involuntary() && asOf.AddDays(-730).Before(last.End):
		reg := last.End.AddDays(1 + rng.IntN(30))
		if asOf.Before(reg) {
			reg = asOf
		}
		if rng.IntN(100) < shareUnemployedRegistered {
			j.unemployed(p, reg, rng)
			sep := j.separation(p, last)
			sep.Registered = reg
			j.sum.Claimable = append(j.sum.Claimable, sep)
		}
		if rng.IntN(100) < shareUnemployedSeeking {
			j.seeker(p, false, reg, rng)
		}
	case last != nil && asOf.AddDays(-365).Before(last.End) && last.Separation != registry.SepRetired:
		if rng.IntN(100) < shareQuitSeeking {
			j.seeker(p, false, minDate(last.End.AddDays(1+rng.IntN(60)), asOf), rng)
		}
	}
}

func (j *jobsSink) separation(p registry.Person, e *registry.Employment) Separation {
	return Separation{PersonID: p.ID, EmploymentID: e.ID, Male: p.Sex == ident.Male, Birth: p.Birth, Ended: e.End}
}

func minDate(a, b period.Date) period.Date {
	if b.Before(a) {
		return b
	}
	return a
}

func lastEnded(rels []registry.Employment) *registry.Employment {
	var last *registry.Employment
	for i := range rels {
		if !rels[i].End.IsZero() && (last == nil || last.End.Before(rels[i].End)) {
			last = &rels[i]
		}
	}
	return last
}

// contact draws the last contact after registered: recent for most, more
// than six months ago for about one in ten (sync will end those).
func contact(registered, asOf period.Date, rng *rand.Rand) period.Date {
	span := registered.DaysUntil(asOf)
	if span <= 0 {
		return registered
	}
	if rng.IntN(10) == 0 {
		return registered
	}
	return asOf.AddDays(-rng.IntN(min(span, 150) + 1))
}

func (j *jobsSink) seeker(p registry.Person, graduate bool, registered period.Date, rng *rand.Rand) {
	s := j.synth.Seeker(int64(len(j.seekers)+1), p.ID, p.ResidenceDivision, p.Education, graduate, j.cfg.AsOf)
	s.Registered = minDate(registered, j.cfg.AsOf)
	s.LastContact = contact(s.Registered, j.cfg.AsOf, rng)
	s.CreatedAt, s.UpdatedAt = midnight(s.Registered), midnight(s.LastContact)
	j.seekers = append(j.seekers, s)
	if graduate {
		j.sum.GraduateSeekers++
	}
}

func (j *jobsSink) unemployed(p registry.Person, registered period.Date, rng *rand.Rand) {
	u := employment.UnemploymentRegistration{ID: int64(len(j.unemp) + 1), PersonID: p.ID, Division: p.ResidenceDivision,
		Registered: registered, LastContact: contact(registered, j.cfg.AsOf, rng), Status: employment.Active}
	u.CreatedAt, u.UpdatedAt = midnight(u.Registered), midnight(u.LastContact)
	j.unemp = append(j.unemp, u)
}

// vacancies posts about openingsPerSeekerPct openings per 100 active
// seekers, each by an employer drawn in proportion to its current staff
// (plus one, so that new employers post too), from its own stream.
func (j *jobsSink) vacancies() []employment.Vacancy {
	if len(j.employers) == 0 {
		return nil
	}
	cum := make([]int, len(j.employers))
	total := 0
	for i, e := range j.employers {
		total += j.active[e.ID] + 1
		cum[i] = total
	}
	want := max(10, len(j.seekers)*openingsPerSeekerPct/100)
	var out []employment.Vacancy
	for openings := 0; openings < want; {
		id := int64(len(out) + 1)
		j.synth.Reseed(j.cfg.Seed*2_000_003 + uint64(id))
		x := j.synth.Rand().IntN(total)
		i, _ := slices.BinarySearch(cum, x+1)
		e := j.employers[i]
		v := j.synth.VacancyIn(id, e.ID, e.Division, e.IndustrySection, j.cfg.AsOf)
		v.CreatedAt, v.UpdatedAt = midnight(v.ValidFrom), midnight(v.ValidFrom)
		out = append(out, v)
		openings += v.Openings
	}
	return out
}

// services records part of the "1131" package for each unemployed
// graduate: a briefing for most, guidance for many, up to three job
// leads to open vacancies of their division, a training offer for some.
func (j *jobsSink) services(vacs []employment.Vacancy) []employment.ServiceRecord {
	byDiv := map[string][]int{}
	for i, v := range vacs {
		byDiv[v.Division] = append(byDiv[v.Division], i)
	}
	var out []employment.ServiceRecord
	for _, g := range j.grads {
		j.synth.Reseed(j.cfg.Seed*3_000_017 + uint64(g.person))
		rng := j.synth.Rand()
		add := func(kind employment.ServiceKind, vac int64, from period.Date) {
			span := max(0, from.DaysUntil(j.cfg.AsOf))
			d := from.AddDays(rng.IntN(span + 1))
			out = append(out, employment.ServiceRecord{ID: int64(len(out) + 1), PersonID: g.person, Kind: kind, Date: d, VacancyID: vac,
				RecordedBy: "demo", CreatedAt: midnight(d)})
		}
		if rng.IntN(100) < 85 {
			add(employment.PolicyBriefing, 0, g.since)
		}
		if rng.IntN(100) < 65 {
			add(employment.CareerGuidance, 0, g.since)
		}
		if pool := byDiv[g.division]; len(pool) > 0 {
			for n := rng.IntN(4); n > 0; n-- {
				v := vacs[pool[rng.IntN(len(pool))]]
				from := v.ValidFrom
				if from.Before(g.since) {
					from = g.since
				}
				if !j.cfg.AsOf.Before(from) {
					add(employment.JobLead, v.ID, from)
				}
			}
		}
		if rng.IntN(100) < 40 {
			add(employment.Training, 0, g.since)
		}
	}
	return out
}
