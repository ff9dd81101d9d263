package employment

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"hrss/access"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// VacancyInput is what an employer agent or caseworker gives to post or
// change a vacancy.
type VacancyInput struct {
	EmployerID      int64    `json:"employer_id"`
	Title           string   `json:"title"`
	Occupation      string   `json:"occupation"`
	Skills          []string `json:"skills,omitempty"`
	Education       string   `json:"education,omitempty"` // minimum, default none
	ExperienceYears int      `json:"experience_years,omitempty"`
	SalaryMin       string   `json:"salary_min"` // yuan a month
	SalaryMax       string   `json:"salary_max"`
	Division        string   `json:"division,omitempty"` // default: the employer's
	Openings        int      `json:"openings"`
	ValidFrom       string   `json:"valid_from,omitempty"` // default today
	ValidTo         string   `json:"valid_to"`
	Description     string   `json:"description,omitempty"`
	// UpdatedAt, on a change, is the updated_at the caller read: the
	// change is refused (409) if the vacancy changed since (access.UnchangedSince).
	UpdatedAt string `json:"updated_at,omitempty"`
}

// MinimumWageFloor is the lowest monthly minimum wage of any Zhejiang
// tier in force (2010 yuan from 2024-01-01, RULES.md §5): no vacancy may
// offer less.
const MinimumWageFloor = money.Fen(2010_00)

// MaxValidityDays bounds how long a vacancy stays open.
const MaxValidityDays = 366

func (in VacancyInput) parse(cat *Catalog, employerDivision string, today period.Date) (Vacancy, error) {
	v := Vacancy{EmployerID: in.EmployerID, Experience: in.ExperienceYears, Openings: in.Openings, Status: Open,
		Title: strings.TrimSpace(in.Title), Description: strings.TrimSpace(in.Description)}
	var err error
	if n := utf8.RuneCountInString(v.Title); n == 0 || n > 100 {
		return v, fault.Invalidf("title", "vacancy.title", "the title must have 1 to 100 characters")
	}
	if utf8.RuneCountInString(v.Description) > 4000 {
		return v, fault.Invalidf("description", "vacancy.description", "the description may have at most 4000 characters")
	}
	if v.Occupation, err = cat.checkOccupation("occupation", in.Occupation); err != nil {
		return v, err
	}
	if v.Skills, err = cat.checkSkills("skills", in.Skills, MaxSkills); err != nil {
		return v, err
	}
	if v.Skills == nil {
		v.Skills = []string{}
	}
	if v.Education, err = parseEducation("education", in.Education, "none"); err != nil {
		return v, err
	}
	if v.Experience < 0 || v.Experience > 30 {
		return v, fault.Invalidf("experience_years", "experience.range", "%d is not a number of years from 0 to 30", v.Experience)
	}
	if err := v.parseSalary(in); err != nil {
		return v, err
	}
	if v.Division, err = countyDivision("division", orDefault(in.Division, employerDivision)); err != nil {
		return v, err
	}
	if v.Openings < 1 || v.Openings > 1000 {
		return v, fault.Invalidf("openings", "vacancy.openings", "%d is not a number of openings from 1 to 1000", v.Openings)
	}
	return v, v.parseDates(in, today)
}

func (v *Vacancy) parseSalary(in VacancyInput) error {
	var err error
	if v.SalaryMin, err = parseSalary("salary_min", in.SalaryMin, false); err != nil {
		return err
	}
	if v.SalaryMax, err = parseSalary("salary_max", in.SalaryMax, false); err != nil {
		return err
	}
	if v.SalaryMin < MinimumWageFloor {
		return fault.Invalidf("salary_min", "salary.minimum_wage", "%s is below Zhejiang's lowest monthly minimum wage of %s yuan (RULES.md §5)", v.SalaryMin, MinimumWageFloor)
	}
	if v.SalaryMax < v.SalaryMin {
		return fault.Invalidf("salary_max", "salary.range_order", "the maximum %s is below the minimum %s", v.SalaryMax, v.SalaryMin)
	}
	return nil
}

func (v *Vacancy) parseDates(in VacancyInput, today period.Date) error {
	var err error
	if v.ValidFrom, err = parseDate("valid_from", in.ValidFrom, today); err != nil {
		return err
	}
	if v.ValidTo, err = parseDate("valid_to", in.ValidTo, period.Date{}); err != nil {
		return err
	}
	if v.ValidTo.IsZero() || v.ValidTo.Before(v.ValidFrom) || v.ValidFrom.AddDays(MaxValidityDays).Before(v.ValidTo) {
		return fault.Invalidf("valid_to", "vacancy.validity", "valid_to must lie from valid_from (%s) to %d days after it", v.ValidFrom, MaxValidityDays)
	}
	return nil
}

// PostVacancy validates in and records a new open vacancy. It fails with
// Invalid for a bad field or an unknown employer.
func (s *Service) PostVacancy(ctx context.Context, in VacancyInput) (Vacancy, error) {
	if err := s.authorize(ctx, Access{Action: WriteVacancies, EmployerID: in.EmployerID}); err != nil {
		return Vacancy{}, err
	}
	var v Vacancy
	err := s.Store.Update(ctx, func(tx Tx) error {
		emp, err := tx.Employer(ctx, in.EmployerID)
		if fault.KindOf(err) == fault.NotFound {
			return fault.Invalidf("employer_id", "reference.exists", "there is no employer with id %d", in.EmployerID)
		} else if err != nil {
			return err
		}
		cat, err := loadCatalog(ctx, tx)
		if err != nil {
			return err
		}
		if v, err = in.parse(cat, emp.Division, s.today()); err != nil {
			return err
		}
		if err := s.authorize(ctx, Access{Action: WriteVacancies, Division: v.Division, EmployerID: v.EmployerID}); err != nil {
			return err
		}
		v.CreatedAt, v.UpdatedAt = s.now(), s.now()
		if err := tx.InsertVacancy(ctx, &v); err != nil {
			return err
		}
		return s.audit(ctx, tx, "vacancy.post", object("vacancy", v.ID))
	})
	s.invalidate()
	return v, err
}

// UpdateVacancy replaces a vacancy's fields with in; its employer, filled
// count and status stay. It fails with Conflict (rule record.changed) if
// the vacancy changed since in.UpdatedAt.
func (s *Service) UpdateVacancy(ctx context.Context, id int64, in VacancyInput) (Vacancy, error) {
	if err := s.authorize(ctx, Access{Action: WriteVacancies}); err != nil {
		return Vacancy{}, err
	}
	var v Vacancy
	err := s.Store.Update(ctx, func(tx Tx) error {
		old, err := s.loadVacancy(ctx, tx, id, WriteVacancies)
		if err != nil {
			return err
		}
		if in.EmployerID != 0 && in.EmployerID != old.EmployerID {
			return fault.Invalidf("employer_id", "vacancy.employer_fixed", "the employer of a vacancy cannot change")
		}
		if err := access.UnchangedSince(in.UpdatedAt, old.UpdatedAt, "vacancy", fmt.Sprintf("#%d %s", id, old.Title)); err != nil {
			return err
		}
		emp, err := tx.Employer(ctx, old.EmployerID)
		if err != nil {
			return err
		}
		cat, err := loadCatalog(ctx, tx)
		if err != nil {
			return err
		}
		in.EmployerID = old.EmployerID
		if v, err = in.parse(cat, emp.Division, old.ValidFrom); err != nil {
			return err
		}
		v.ID, v.Filled, v.Status, v.CreatedAt, v.UpdatedAt = id, old.Filled, old.Status, old.CreatedAt, access.Touched(old.UpdatedAt, s.now())
		if err := tx.UpdateVacancy(ctx, &v); err != nil {
			return err
		}
		return s.audit(ctx, tx, "vacancy.update", object("vacancy", id))
	})
	s.invalidate()
	return v, err
}

// CloseVacancy withdraws a vacancy: it no longer takes applications.
func (s *Service) CloseVacancy(ctx context.Context, id int64) (Vacancy, error) {
	if err := s.authorize(ctx, Access{Action: WriteVacancies}); err != nil {
		return Vacancy{}, err
	}
	var v Vacancy
	err := s.Store.Update(ctx, func(tx Tx) (err error) {
		if v, err = s.loadVacancy(ctx, tx, id, WriteVacancies); err != nil {
			return err
		}
		v.Status, v.UpdatedAt = Closed, access.Touched(v.UpdatedAt, s.now())
		if err := tx.UpdateVacancy(ctx, &v); err != nil {
			return err
		}
		return s.audit(ctx, tx, "vacancy.close", object("vacancy", id))
	})
	s.invalidate()
	return v, err
}

func (s *Service) loadVacancy(ctx context.Context, tx Tx, id int64, a Action) (Vacancy, error) {
	v, err := tx.Vacancy(ctx, id)
	if err != nil {
		return v, err
	}
	return v, s.authorize(ctx, Access{Action: a, Division: v.Division, EmployerID: v.EmployerID})
}

// Vacancy returns the vacancy with the given ID, or NotFound.
func (s *Service) Vacancy(ctx context.Context, id int64) (Vacancy, error) {
	if err := s.authorize(ctx, Access{Action: ReadVacancies}); err != nil {
		return Vacancy{}, err
	}
	var v Vacancy
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		v, err = s.loadVacancy(ctx, tx, id, ReadVacancies)
		return err
	})
	return v, err
}

// ListVacancies lists vacancies in ID order, a page at a time.
func (s *Service) ListVacancies(ctx context.Context, f VacancyFilter) ([]Vacancy, error) {
	if err := s.authorize(ctx, Access{Action: ReadVacancies, Division: f.Division, EmployerID: f.EmployerID}); err != nil {
		return nil, err
	}
	var err error
	if f.Page, err = clampPage(f.Page); err != nil {
		return nil, err
	}
	if f.Division != "" {
		if f.Division, err = countyDivision("division", f.Division); err != nil {
			return nil, err
		}
	}
	var out []Vacancy
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.ListVacancies(ctx, f)
		return err
	})
	return out, err
}

// MaxTop bounds the N of a top-N query.
const MaxTop = 200

func checkTop(n int) (int, error) {
	if n == 0 {
		return 10, nil
	}
	if n < 1 || n > MaxTop {
		return 0, fault.Invalidf("top", "match.top", "top %d must lie between 1 and %d", n, MaxTop)
	}
	return n, nil
}

// MatchSeeker returns the top n open vacancies for a seeker, explained in
// lang (LangZH or LangEN), with the search statistics. A seeker who opted
// out gets the non-personalised list. It fails with NotFound for an
// unknown seeker and Conflict for a closed registration.
func (s *Service) MatchSeeker(ctx context.Context, seekerID int64, n int, lang string) ([]Match, Stats, error) {
	if err := s.authorize(ctx, Access{Action: MatchPersonal}); err != nil {
		return nil, Stats{}, err
	}
	n, err := checkTop(n)
	if err != nil {
		return nil, Stats{}, err
	}
	sk, err := s.activeSeeker(ctx, seekerID)
	if err != nil {
		return nil, Stats{}, err
	}
	vm, _, err := s.matchers(ctx, false)
	if err != nil {
		return nil, Stats{}, err
	}
	ms, st := vm.ForSeeker(sk, n, lang)
	return ms, st, nil
}

func (s *Service) activeSeeker(ctx context.Context, id int64) (SeekerRegistration, error) {
	var sk SeekerRegistration
	err := s.Store.Update(ctx, func(tx Tx) (err error) {
		if sk, err = s.loadSeeker(ctx, tx, id, MatchPersonal); err != nil {
			return err
		}
		return s.audit(ctx, tx, "match.seeker", object("seeker", id), sk.PersonID)
	})
	if err == nil && sk.Status != Active {
		err = fault.Conflictf("seeker_id", string(RuleSeekerOpen), "registration %d is closed (%s on %s)", id, sk.Ground, sk.ClosedOn)
	}
	return sk, err
}

// MatchVacancy returns the top n active seekers for a vacancy (seekers who
// opted out are never ranked). It fails with NotFound for an unknown
// vacancy and Conflict for one not taking applications.
func (s *Service) MatchVacancy(ctx context.Context, vacancyID int64, n int, lang string) ([]Match, Stats, error) {
	if err := s.authorize(ctx, Access{Action: MatchPersonal}); err != nil {
		return nil, Stats{}, err
	}
	n, err := checkTop(n)
	if err != nil {
		return nil, Stats{}, err
	}
	var v Vacancy
	if err := s.Store.View(ctx, func(tx Tx) (err error) {
		v, err = s.loadVacancy(ctx, tx, vacancyID, MatchPersonal)
		return err
	}); err != nil {
		return nil, Stats{}, err
	}
	if !v.OpenOn(s.today()) {
		return nil, Stats{}, fault.Conflictf("vacancy_id", string(RuleVacancyOpen), "vacancy %d is not taking applications (%s, %s to %s, %d of %d filled)", v.ID, v.Status, v.ValidFrom, v.ValidTo, v.Filled, v.Openings)
	}
	_, sm, err := s.matchers(ctx, true)
	if err != nil {
		return nil, Stats{}, err
	}
	ms, st := sm.ForVacancyIn(v, n, lang, scopeDivisions(ctx))
	subjects := make([]int64, len(ms))
	for i, m := range ms {
		subjects[i] = sm.seekerPerson(m.SeekerID)
	}
	err = s.Store.Update(ctx, func(tx Tx) error { return s.audit(ctx, tx, "match.vacancy", object("vacancy", vacancyID), subjects...) })
	return ms, st, err
}

// ExplainPair scores one seeker against one vacancy, or names the hard
// filters the pair breaks.
func (s *Service) ExplainPair(ctx context.Context, seekerID, vacancyID int64, lang string) (Match, error) {
	if err := s.authorize(ctx, Access{Action: MatchPersonal}); err != nil {
		return Match{}, err
	}
	var sk SeekerRegistration
	var v Vacancy
	var cat *Catalog
	err := s.Store.Update(ctx, func(tx Tx) (err error) {
		if sk, err = s.loadSeeker(ctx, tx, seekerID, MatchPersonal); err != nil {
			return err
		}
		if v, err = s.loadVacancy(ctx, tx, vacancyID, ReadVacancies); err != nil {
			return err
		}
		if cat, err = loadCatalog(ctx, tx); err != nil {
			return err
		}
		return s.audit(ctx, tx, "match.explain", object("seeker", seekerID), sk.PersonID)
	})
	if err != nil {
		return Match{}, err
	}
	m, err := s.newMatcher(cat, s.today(), nil, nil)
	if err != nil {
		return Match{}, err
	}
	return m.Explain(sk, v, lang), nil
}

// Recommend computes a seeker's top n (as MatchSeeker) and records them as
// recommendations given today, to which a later hire can be attributed.
// A non-personalised list is recorded too (rank only, score 0).
func (s *Service) Recommend(ctx context.Context, seekerID int64, n int, lang string) ([]Match, error) {
	if err := s.authorize(ctx, Access{Action: WriteSeekers}); err != nil {
		return nil, err
	}
	ms, _, err := s.MatchSeeker(ctx, seekerID, n, lang)
	if err != nil {
		return nil, err
	}
	recs := make([]Recommendation, len(ms))
	for i, m := range ms {
		recs[i] = Recommendation{SeekerID: seekerID, VacancyID: m.VacancyID, Score: m.Score, Rank: m.Rank, Date: s.today(), CreatedAt: s.now()}
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := tx.InsertRecommendations(ctx, recs); err != nil {
			return err
		}
		return s.audit(ctx, tx, "seeker.recommend", object("seeker", seekerID))
	})
	return ms, err
}

// Recommendations lists a seeker's recorded recommendations since a day.
func (s *Service) Recommendations(ctx context.Context, seekerID int64, since period.Date) ([]Recommendation, error) {
	if err := s.authorize(ctx, Access{Action: ReadSeekers}); err != nil {
		return nil, err
	}
	var out []Recommendation
	err := s.Store.Update(ctx, func(tx Tx) error {
		sk, err := s.loadSeeker(ctx, tx, seekerID, ReadSeekers)
		if err != nil {
			return err
		}
		if out, err = tx.ListRecommendations(ctx, seekerID, since); err != nil {
			return err
		}
		return s.audit(ctx, tx, "seeker.recommendations.view", object("seeker", seekerID), sk.PersonID)
	})
	return out, err
}

// RunBatch runs a capacity-aware batch matching (Matcher.Batch) over the
// open vacancies and the active seekers of opt.Division, and records the
// lists as recommendations of the run in one transaction. It returns the
// run with its coverage.
func (s *Service) RunBatch(ctx context.Context, opt BatchOptions) (BatchRun, error) {
	if err := s.authorize(ctx, Access{Action: RunBatch, Division: opt.Division}); err != nil {
		return BatchRun{}, err
	}
	if opt.Division != "" {
		var err error
		if opt.Division, err = countyDivision("division", opt.Division); err != nil {
			return BatchRun{}, err
		}
	} else if divs := scopeDivisions(ctx); divs != nil {
		return BatchRun{}, fault.Invalidf("division", "scope.division", "name one of your divisions (%v)", divs)
	}
	if opt.TopN < 0 || opt.TopN > MaxTop || opt.K < 0 || opt.K > 100 {
		return BatchRun{}, fault.Invalidf("k", "batch.options", "top must lie in 1-%d and k in 1-100", MaxTop)
	}
	var cat *Catalog
	var vacs []Vacancy
	var seekers []SeekerRegistration
	today := s.today()
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		if cat, err = loadCatalog(ctx, tx); err != nil {
			return err
		}
		if vacs, err = allVacancies(ctx, tx, today); err != nil {
			return err
		}
		seekers, err = allSeekers(ctx, tx, SeekerFilter{Status: Active, Division: opt.Division})
		return err
	})
	if err != nil {
		return BatchRun{}, err
	}
	m, err := s.newMatcher(cat, today, vacs, seekers)
	if err != nil {
		return BatchRun{}, err
	}
	res := m.Batch(opt)
	run := BatchRun{Date: today, Coverage: res.Coverage, CreatedAt: s.now()}
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := tx.InsertBatch(ctx, &run); err != nil {
			return err
		}
		recs := make([]Recommendation, len(res.Entries))
		for i, e := range res.Entries {
			recs[i] = Recommendation{SeekerID: e.SeekerID, VacancyID: e.VacancyID, Score: e.Score, Rank: e.Rank, BatchID: run.ID, Date: today, CreatedAt: run.CreatedAt}
		}
		if err := tx.InsertRecommendations(ctx, recs); err != nil {
			return err
		}
		return s.audit(ctx, tx, "match.batch", object("batch", run.ID))
	})
	return run, err
}
