package registry

import (
	"context"
	"strings"
	"time"

	"hrss/registry/ident"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// Service is the registry's one entry point for reads and writes. Each
// method runs in one transaction of Store.
type Service struct {
	Store Store
	Vault *ident.Vault
	Now   func() time.Time // the service clock; time.Now when nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// MaxPage is the largest page a list returns.
const MaxPage = 1000

// DefaultPage is the page size when the caller gives none.
const DefaultPage = 50

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

// CreatePerson validates in and registers a new person. It fails with
// Invalid for a bad field and Conflict if the resident ID is registered.
func (s *Service) CreatePerson(ctx context.Context, in PersonInput) (Person, error) {
	now := s.now()
	p, err := in.parse(period.FromTime(now))
	if err != nil {
		return Person{}, err
	}
	p.CreatedAt, p.UpdatedAt = now, now
	sp := s.seal(p)
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := s.uniqueID(ctx, tx, sp.IDHash, 0); err != nil {
			return err
		}
		return tx.InsertPerson(ctx, &sp)
	})
	return sp.Person, err
}

// UpdatePerson replaces the person's fields with in. It fails with
// NotFound, Invalid, or Conflict if the new resident ID belongs to
// someone else.
func (s *Service) UpdatePerson(ctx context.Context, id int64, in PersonInput) (Person, error) {
	now := s.now()
	p, err := in.parse(period.FromTime(now))
	if err != nil {
		return Person{}, err
	}
	var sp SealedPerson
	err = s.Store.Update(ctx, func(tx Tx) error {
		old, err := tx.Person(ctx, id)
		if err != nil {
			return err
		}
		p.ID, p.CreatedAt, p.UpdatedAt = id, old.CreatedAt, now
		sp = s.seal(p)
		if err := s.uniqueID(ctx, tx, sp.IDHash, id); err != nil {
			return err
		}
		return tx.UpdatePerson(ctx, &sp)
	})
	return sp.Person, err
}

func (s *Service) uniqueID(ctx context.Context, tx Tx, hash []byte, self int64) error {
	same, err := tx.ListPersons(ctx, PersonFilter{IDHash: hash, Page: Page{Limit: 1}})
	if err != nil {
		return err
	}
	if len(same) > 0 && same[0].ID != self {
		return fault.Conflictf("resident_id", "resident_id.unique", "this resident ID number is already registered (person %d)", same[0].ID)
	}
	return nil
}

func (s *Service) seal(p Person) SealedPerson {
	return SealedPerson{Person: p, IDSealed: s.Vault.Seal(p.ResidentID), IDHash: s.Vault.Hash(p.ResidentID)}
}

func (s *Service) open(sp SealedPerson) (Person, error) {
	id, err := s.Vault.Open(sp.IDSealed)
	if err != nil {
		return Person{}, &fault.Error{Kind: fault.Internal, Message: "the resident ID of person cannot be decrypted: wrong HRSS_KEY?", Err: err}
	}
	p := sp.Person
	p.ResidentID = id
	return p, nil
}

// Person returns the person with the given ID, or NotFound.
func (s *Service) Person(ctx context.Context, id int64) (Person, error) {
	var sp SealedPerson
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		sp, err = tx.Person(ctx, id)
		return err
	})
	if err != nil {
		return Person{}, err
	}
	return s.open(sp)
}

// PersonQuery searches persons. ResidentID, when given, must be a valid
// number and matches exactly; NamePrefix and Division narrow the list.
type PersonQuery struct {
	ResidentID string
	NamePrefix string
	Division   string
	Page
}

// FindPersons lists the persons matching q in ID order, a page at a time.
func (s *Service) FindPersons(ctx context.Context, q PersonQuery) ([]Person, error) {
	f := PersonFilter{NamePrefix: strings.TrimSpace(q.NamePrefix)}
	var err error
	if f.Page, err = clampPage(q.Page); err != nil {
		return nil, err
	}
	if q.ResidentID != "" {
		id, err := ident.ParseResidentID(q.ResidentID)
		if err != nil {
			return nil, err
		}
		f.IDHash = s.Vault.Hash(id)
	}
	if q.Division != "" {
		if f.Division, err = countyDivision("division", q.Division); err != nil {
			return nil, err
		}
	}
	var rows []SealedPerson
	if err := s.Store.View(ctx, func(tx Tx) (err error) {
		rows, err = tx.ListPersons(ctx, f)
		return err
	}); err != nil {
		return nil, err
	}
	out := make([]Person, 0, len(rows))
	for _, r := range rows {
		p, err := s.open(r)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
