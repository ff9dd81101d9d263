package registry

import (
	"context"
	"fmt"
	"strings"
	"time"

	"hrss/access"
	"hrss/registry/ident"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// Service is the registry's one entry point for reads and writes. Each
// method runs in one transaction of Store, checks the caller that ctx
// carries (access.CallerFrom: none is Unauthorized, a role without the
// permission Forbidden, a record out of the caller's reach NotFound, see
// scope.go) and records every write and every view of a person's data in
// the audit trail, in the same transaction.
type Service struct {
	Store Store
	Vault *ident.Vault
	Now   func() time.Time // the service clock; time.Now when nil
	// Hired, when set, is called inside the transaction that records a
	// new employment relation, so that what follows from a hire (the
	// employment services end the person's registrations and record the
	// placement) commits with it or not at all; its error rolls back.
	Hired func(ctx context.Context, tx Tx, e Employment) error
}

func (s *Service) now() time.Time {
	t := time.Now()
	if s.Now != nil {
		t = s.Now()
	}
	return access.Stamp(t) // optimistic concurrency compares what is stored
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
// Invalid for a bad field, Forbidden for a residence outside the caller's
// divisions, and Conflict if the resident ID is registered.
func (s *Service) CreatePerson(ctx context.Context, in PersonInput) (Person, error) {
	c, err := access.Require(ctx, access.WritePersons)
	if err != nil {
		return Person{}, err
	}
	now := s.now()
	p, err := in.parse(period.FromTime(now))
	if err != nil {
		return Person{}, err
	}
	if err := checkDivision(c, "residence_division", p.ResidenceDivision); err != nil {
		return Person{}, err
	}
	p.CreatedAt, p.UpdatedAt = now, now
	sp := s.seal(p)
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := s.uniqueID(ctx, tx, sp.IDHash, 0); err != nil {
			return err
		}
		if err := tx.InsertPerson(ctx, &sp); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "person.create", object("person", sp.ID), sp.ID)
	})
	if err != nil {
		return Person{}, err
	}
	// the writer gave the whole numbers: the answer echoes them, nothing more
	return sp.Person, nil
}

// UpdatePerson replaces the person's fields with in. It fails with
// NotFound (also for a person out of the caller's reach), Invalid,
// Forbidden for a new residence outside the caller's divisions, or
// Conflict if the new resident ID belongs to someone else.
func (s *Service) UpdatePerson(ctx context.Context, id int64, in PersonInput) (Person, error) {
	c, err := access.Require(ctx, access.WritePersons)
	if err != nil {
		return Person{}, err
	}
	now := s.now()
	p, err := in.parse(period.FromTime(now))
	if err != nil {
		return Person{}, err
	}
	var sp SealedPerson
	err = s.Store.Update(ctx, func(tx Tx) error {
		old, err := s.visiblePerson(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if err := access.UnchangedSince(in.UpdatedAt, old.UpdatedAt, "person", fmt.Sprintf("#%d", id)); err != nil {
			return err
		}
		if err := checkDivision(c, "residence_division", p.ResidenceDivision); err != nil {
			return err
		}
		p.ID, p.CreatedAt, p.UpdatedAt = id, old.CreatedAt, access.Touched(old.UpdatedAt, now)
		sp = s.seal(p)
		if err := s.uniqueID(ctx, tx, sp.IDHash, id); err != nil {
			return err
		}
		if err := tx.UpdatePerson(ctx, &sp); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "person.update", object("person", id), id)
	})
	if err != nil {
		return Person{}, err
	}
	return sp.Person, nil
}

// visiblePerson reads a person c may see, or answers NotFound.
func (s *Service) visiblePerson(ctx context.Context, tx Tx, c access.Caller, id int64) (SealedPerson, error) {
	sp, err := tx.Person(ctx, id)
	if err != nil {
		return sp, err
	}
	if ok, err := canSeePerson(ctx, tx, c, sp.Person); err != nil || !ok {
		return SealedPerson{}, orOutOfScope(err, "person", id)
	}
	return sp, nil
}

// orOutOfScope returns err, or the NotFound of a record out of reach.
func orOutOfScope(err error, what string, id int64) error {
	if err != nil {
		return err
	}
	return access.OutOfScope(what, id)
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

// Person returns the person with the given ID, the resident ID and phone
// number masked, or NotFound (also when the person is out of the caller's
// reach). The view is audited.
func (s *Service) Person(ctx context.Context, id int64) (Person, error) {
	sp, err := s.viewPerson(ctx, access.ReadPersons, id, "person.view")
	if err != nil {
		return Person{}, err
	}
	return s.show(sp)
}

// RevealPerson returns the person with the given ID with their whole
// resident ID and phone number, for the reason given (why the caller
// needs the whole numbers: it is recorded in the audit entry
// "person.reveal"). It fails with Forbidden for a role without
// access.RevealIdentity, Invalid (field "reason", rule reveal.reason)
// without a reason, and NotFound as Person.
func (s *Service) RevealPerson(ctx context.Context, id int64, reason string) (Person, error) {
	ctx, err := revealing(ctx, reason)
	if err != nil {
		return Person{}, err
	}
	sp, err := s.viewPerson(ctx, access.RevealIdentity, id, "person.reveal")
	if err != nil {
		return Person{}, err
	}
	return s.open(sp)
}

// revealing checks that the caller may see whole numbers (Forbidden
// otherwise) and gave a reason (Invalid otherwise), and returns ctx
// whose audit entries record that reason.
func revealing(ctx context.Context, reason string) (context.Context, error) {
	if _, err := access.Require(ctx, access.RevealIdentity); err != nil {
		return ctx, err
	}
	if strings.TrimSpace(reason) == "" {
		return ctx, fault.Invalidf("reason", "reveal.reason", "say why you need the whole resident ID and phone number: the reason is recorded in the audit trail")
	}
	return access.WithReason(ctx, reason), nil
}

// viewPerson reads a person the caller may see with permission p, and
// records the view as action, in one transaction.
func (s *Service) viewPerson(ctx context.Context, p access.Perm, id int64, action string) (SealedPerson, error) {
	c, err := access.Require(ctx, p)
	if err != nil {
		return SealedPerson{}, err
	}
	var sp SealedPerson
	err = access.ViewAudited(ctx, s.Store, c, s.now(), func(tx Tx) (ev access.Event, err error) {
		sp, err = s.visiblePerson(ctx, tx, c, id)
		return access.Event{Action: action, Object: object("person", id), Subjects: []int64{id}}, err
	})
	return sp, err
}

// PersonQuery searches persons. ResidentID, when given, must be a valid
// number and matches exactly; NamePrefix and Division narrow the list.
// Whole asks for the whole resident IDs and phone numbers (an export that
// needs them), which takes access.RevealIdentity and a Reason.
type PersonQuery struct {
	ResidentID string
	NamePrefix string
	Division   string
	Whole      bool
	Reason     string
	Page
}

// FindPersons lists the persons matching q in ID order, a page at a
// time, leaving out those out of the caller's reach, their resident IDs
// and phone numbers masked unless q.Whole (see PersonQuery; then it fails
// as RevealPerson without the permission or the reason). The persons
// listed are audited ("person.search", or "person.export_whole" with the
// reason). An employer agent sees the persons of their employer's
// relations, or, searching by whole resident ID, the person it names
// (person ID, sex and birth only, unless related: enough to record a hire).
func (s *Service) FindPersons(ctx context.Context, q PersonQuery) ([]Person, error) {
	action := "person.search"
	if q.Whole {
		var err error
		if ctx, err = revealing(ctx, q.Reason); err != nil {
			return nil, err
		}
		action = "person.export_whole"
	}
	c, err := access.Require(ctx, access.ReadPersons)
	if err != nil {
		return nil, err
	}
	f := PersonFilter{NamePrefix: strings.TrimSpace(q.NamePrefix)}
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
	if !scopePersons(c, &f, q.ResidentID != "") {
		return []Person{}, nil
	}
	var out []Person
	err = access.ViewAudited(ctx, s.Store, c, s.now(), func(tx Tx) (access.Event, error) {
		rows, err := tx.ListPersons(ctx, f)
		if err != nil {
			return access.Event{}, err
		}
		if out, err = s.showList(ctx, tx, c, rows, q.Whole); err != nil {
			return access.Event{}, err
		}
		ids := make([]int64, len(out))
		for i, p := range out {
			ids[i] = p.ID
		}
		return access.Event{Action: action, Object: "persons", Subjects: ids}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scopePersons narrows f to c's reach; false means nothing is in reach.
// byID says the search names a whole resident ID.
func scopePersons(c access.Caller, f *PersonFilter, byID bool) bool {
	switch {
	case c.IsSystem():
	case c.DivisionScoped():
		var ok bool
		f.Divisions, ok = divisionScope(c)
		return ok
	case c.Role == access.Citizen:
		f.ID = c.PersonID
		return c.PersonID != 0
	case c.Role == access.EmployerAgent:
		if byID {
			// a lookup by whole number to record a hire: the other filters
			// would tell the agent the name and division of someone unrelated
			f.NamePrefix, f.Division = "", ""
		} else {
			f.EmployerID = c.EmployerID
		}
		return c.EmployerID != 0
	default:
		return false
	}
	return true
}

// showList opens rows for c, masked unless whole; an employer agent's
// unrelated persons (found by resident ID) are cut to the minimal view.
func (s *Service) showList(ctx context.Context, tx Tx, c access.Caller, rows []SealedPerson, whole bool) ([]Person, error) {
	out := make([]Person, 0, len(rows))
	for _, r := range rows {
		p, err := s.open(r)
		if err != nil {
			return nil, err
		}
		if !whole {
			p = masked(p)
		}
		if c.Role == access.EmployerAgent {
			if ok, err := hasRelation(ctx, tx, p.ID, c.EmployerID); err != nil {
				return nil, err
			} else if !ok {
				p = minimal(p)
			}
		}
		out = append(out, p)
	}
	return out, nil
}
