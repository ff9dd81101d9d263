package employment

import (
	"context"
	"hrss/access"
	"io"
	"strings"
	"sync"
	"time"

	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// Service is the employment services' one entry point. Each method runs
// in one transaction of Store, except the batch jobs, which say so.
type Service struct {
	Store Store
	Now   func() time.Time // the service clock; time.Now when nil
	// Authorize, when set, replaces the access check (see authorize) and
	// the audit trail: for tests of the domain without signed-in callers.
	Authorize func(ctx context.Context, a Access) error
	// CacheTTL is how long a built Matcher serves queries before the
	// open vacancies and active seekers are read again (default 30 s).
	// Before that, a change of the store's MatcherVersion (a write of
	// the catalogue, a vacancy or a seeker, here or on another server)
	// rebuilds it at the next query.
	CacheTTL time.Duration
	// Params are the parameters the services read (the 1131 deadlines,
	// the placement attribution window, the match weights and the
	// neighbouring divisions: Rules); the embedded ones when nil.
	Params *rules.Params

	// BenefitEvent, when set, is called with the person inside the
	// transaction that ends an unemployment registration or records a
	// refusal on it, so that a running unemployment benefit stops on an
	// Art. 51 ground the registration shows (cmd/hrss wires insurance's
	// BenefitEvent; this package imports no insurance). Its error rolls
	// the change back.
	BenefitEvent func(ctx context.Context, tx Tx, person int64) error

	mu      sync.Mutex
	vacM    *Matcher
	seekM   *Matcher
	builtAt time.Time
	version int64 // the MatcherVersion the Matchers were built at
}

// Action names what a method does, for Authorize: one of access's
// permissions (the one table of who may do what is access's).
type Action = access.Perm

// The actions the Service asks Authorize about.
const (
	ReadSeekers     = access.ReadSeekers     // registrations, recommendations, follow-up lists
	WriteSeekers    = access.WriteSeekers    // register, update, deregister
	ReadVacancies   = access.ReadVacancies   // vacancies and fairs (public information)
	WriteVacancies  = access.WriteVacancies  // post and change vacancies, join fairs
	MatchPersonal   = access.MatchPersonal   // personalised matching of a seeker or a vacancy
	RunBatch        = access.RunBatch        // batch matching and fair allocation
	ReadAggregates  = access.ReadAggregates  // coverage and counts without person-level data
	ManageCatalogue = access.ManageCatalogue // import occupations and skills
	ReadPlacements  = access.ReadPlacements  // placements
	RecordServices  = access.RecordServices  // record services of the "1131" package
	ManageFairs     = access.ManageFairs     // create fairs and allocate their slots
	RunSync         = access.RunSync         // the city-wide reconciliation (System only)
)

// Access is what Authorize is asked: an action and, once the record is
// loaded, its scope.
type Access struct {
	Action     Action
	Division   string // the record's division, "" before it is loaded
	PersonID   int64  // the person the record is about, 0 if none
	EmployerID int64  // the employer the record is about, 0 if none
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return access.Stamp(s.Now()) // optimistic concurrency compares what is stored
	}
	return access.Stamp(time.Now())
}

func (s *Service) today() period.Date { return period.FromTime(s.now()) }

// Today returns the service clock's date.
func (s *Service) Today() period.Date { return s.today() }

// MaxPage is the largest page a list returns; DefaultPage the default.
const (
	MaxPage     = registry.MaxPage
	DefaultPage = registry.DefaultPage
)

func clampPage(p Page) (Page, error) {
	if p.Limit < 0 || p.Limit > MaxPage {
		return p, fault.Invalidf("limit", "page.limit", "limit %d must lie between 1 and %d", p.Limit, MaxPage)
	}
	if p.After < 0 {
		return p, fault.Invalidf("after", "page.after", "after must not be negative")
	}
	if p.Limit == 0 {
		p.Limit = DefaultPage
	}
	return p, nil
}

// countyDivision checks that code is one of Jiaxing's county-level divisions.
func countyDivision(field, code string) (string, error) {
	code = strings.TrimSpace(code)
	if d, ok := registry.DivisionByCode(code); ok && d.Code != registry.CityCode {
		return code, nil
	}
	return "", fault.Invalidf(field, "division.county", "%q is not one of Jiaxing's county-level divisions (%s)", code, strings.Join(registry.CountyCodes(), ", "))
}

// parseDate reads an optional date, def when empty.
func parseDate(field, s string, def period.Date) (period.Date, error) {
	if strings.TrimSpace(s) == "" {
		return def, nil
	}
	d, err := period.ParseDate(strings.TrimSpace(s))
	if err != nil {
		return d, fault.Invalidf(field, "date.format", "%v", err)
	}
	return d, nil
}

// Catalog returns the classification and vocabulary in force: those
// imported into the database, or the shipped demo subsets for what was
// never imported.
func (s *Service) Catalog(ctx context.Context) (*Catalog, error) {
	var cat *Catalog
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		cat, err = loadCatalog(ctx, tx)
		return err
	})
	return cat, err
}

func loadCatalog(ctx context.Context, tx Tx) (*Catalog, error) {
	occs, err := tx.Occupations(ctx)
	if err != nil {
		return nil, err
	}
	skills, err := tx.Skills(ctx)
	if err != nil {
		return nil, err
	}
	if len(occs) == 0 || len(skills) == 0 {
		demo := DemoCatalog()
		if len(occs) == 0 {
			occs = demo.Occupations()
		}
		if len(skills) == 0 {
			skills = demo.Skills()
		}
	}
	return NewCatalog(occs, skills), nil
}

// ImportOccupations replaces the occupational classification with the
// list in r (see ParseOccupations); source names the file. Vacancies and
// registrations keep their codes. It returns the number of entries.
func (s *Service) ImportOccupations(ctx context.Context, r io.Reader, source string) (int, error) {
	if err := s.authorize(ctx, Access{Action: ManageCatalogue}); err != nil {
		return 0, err
	}
	occs, err := ParseOccupations(r, source)
	if err != nil {
		return 0, err
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := tx.ReplaceOccupations(ctx, occs); err != nil {
			return err
		}
		return s.audit(ctx, tx, "catalogue.occupations.import", "occupations")
	})
	s.invalidate()
	return len(occs), err
}

// ImportSkills replaces the skill vocabulary with the list in r (see
// ParseSkills). It returns the number of entries.
func (s *Service) ImportSkills(ctx context.Context, r io.Reader, source string) (int, error) {
	if err := s.authorize(ctx, Access{Action: ManageCatalogue}); err != nil {
		return 0, err
	}
	skills, err := ParseSkills(r, source)
	if err != nil {
		return 0, err
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := tx.ReplaceSkills(ctx, skills); err != nil {
			return err
		}
		return s.audit(ctx, tx, "catalogue.skills.import", "skills")
	})
	s.invalidate()
	return len(skills), err
}

func (s *Service) invalidate() {
	s.mu.Lock()
	s.vacM, s.seekM = nil, nil
	s.mu.Unlock()
}

// loadPage is the page size of the bulk reads that build a Matcher.
const loadPage = 5000

// matchers returns the Matchers over today's open vacancies and active
// seekers, building them if they are missing, stale or of another day.
func (s *Service) matchers(ctx context.Context, needSeekers bool) (*Matcher, *Matcher, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ttl := s.CacheTTL
	if ttl == 0 {
		ttl = 30 * time.Second
	}
	today := s.today()
	fresh := s.vacM != nil && s.vacM.today == today && s.now().Sub(s.builtAt) < ttl
	if fresh && (!needSeekers || s.seekM != nil) {
		var v int64
		err := s.Store.View(ctx, func(tx Tx) (err error) { v, err = tx.MatcherVersion(ctx); return err })
		if err != nil {
			return nil, nil, err
		}
		if v == s.version {
			return s.vacM, s.seekM, nil
		}
	}
	var cat *Catalog
	var vacs []Vacancy
	var seekers []SeekerRegistration
	var version int64
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		if version, err = tx.MatcherVersion(ctx); err != nil { // in the snapshot the Matchers are built from
			return err
		}
		if cat, err = loadCatalog(ctx, tx); err != nil {
			return err
		}
		if vacs, err = allVacancies(ctx, tx, today); err != nil || !needSeekers {
			return err
		}
		seekers, err = allSeekers(ctx, tx, SeekerFilter{Status: Active})
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	vacM, err := s.newMatcher(cat, today, vacs, nil)
	if err != nil {
		return nil, nil, err
	}
	s.vacM, s.seekM, s.builtAt, s.version = vacM, nil, s.now(), version
	if needSeekers {
		s.seekM = NewMatcher(vacM.rules, cat, today, nil, seekers)
	}
	return s.vacM, s.seekM, nil
}

func allVacancies(ctx context.Context, tx Tx, today period.Date) ([]Vacancy, error) {
	f := VacancyFilter{OpenOn: today, Page: Page{Limit: loadPage}}
	var out []Vacancy
	for {
		rows, err := tx.ListVacancies(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
		if len(rows) < f.Limit {
			return out, nil
		}
		f.After = rows[len(rows)-1].ID
	}
}

func allSeekers(ctx context.Context, tx Tx, f SeekerFilter) ([]SeekerRegistration, error) {
	f.Page = Page{Limit: loadPage}
	var out []SeekerRegistration
	for {
		rows, err := tx.ListSeekers(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
		if len(rows) < f.Limit {
			return out, nil
		}
		f.After = rows[len(rows)-1].ID
	}
}
