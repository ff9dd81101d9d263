package registry

import (
	"context"
	"fmt"
	"strings"
	"time"

	"hrss/access"
	"hrss/rules/fault"
	"hrss/rules/money"
)

// WageDeclaration is one yearly base declaration (年度缴费基数申报): the
// monthly wage an employer declares for one employment relation and
// contribution year. The assessment of a month of that year reads it in
// place of the relation's DeclaredWage (see Insured.Wage).
type WageDeclaration struct {
	EmploymentID int64      `json:"employment_id"`
	PersonID     int64      `json:"person_id"`
	EmployerID   int64      `json:"employer_id"`
	Year         int        `json:"year"`
	DeclaredWage money.Fen  `json:"declared_wage"`      // monthly, in fen
	Previous     *money.Fen `json:"previous,omitempty"` // the declaration this one replaced (DeclareWages only)
	Actor        string     `json:"actor"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	seen         string     // the updated_at the declarer read (WageInput.UpdatedAt)
}

// WageInput is one declaration as a caller gives it.
type WageInput struct {
	EmploymentID int64  `json:"employment_id"`
	Year         int    `json:"year"`
	Wage         string `json:"declared_wage"` // monthly, in yuan, e.g. "6500.00"
	// UpdatedAt, on a re-declaration, is the updated_at of the year's
	// declaration the caller read (the zero time "0001-01-01T00:00:00Z"
	// for a year not declared yet): refused (409) if it changed since
	// (access.UnchangedSince). Optional.
	UpdatedAt string `json:"updated_at,omitempty"`
}

// WageChange is one row of a declaration file; Row locates it (0: none).
type WageChange struct {
	Row   int
	Input WageInput
}

// WageFilter selects declarations: of one relation (every year), or of a
// year (the relations of an employer, or of the caller's reach, paged by
// relation ID).
type WageFilter struct {
	EmploymentID int64
	Year         int
	EmploymentFilter
}

// The contribution years a declaration may name.
const (
	minWageYear = 1990
	maxWageYear = 2100
)

func (in WageInput) parse() (WageDeclaration, error) {
	d := WageDeclaration{EmploymentID: in.EmploymentID, Year: in.Year, seen: in.UpdatedAt}
	if in.EmploymentID <= 0 {
		return d, fault.Invalidf("employment_id", "wage.employment", "give the employment relation's id")
	}
	if in.Year < minWageYear || in.Year > maxWageYear {
		return d, fault.Invalidf("year", "wage.year", "year %d must lie between %d and %d", in.Year, minWageYear, maxWageYear)
	}
	w, err := money.Parse(strings.TrimSpace(in.Wage))
	if err != nil || w <= 0 || w > maxWage {
		return d, fault.Invalidf("declared_wage", "declared_wage.range", "declared monthly wage %q must be a yuan amount above 0 and at most %s", in.Wage, maxWage)
	}
	d.DeclaredWage = w
	return d, nil
}

// DeclareWages records the declarations in one transaction, all or
// nothing, as an employer's yearly file is applied: the first refused row
// (a bad field, a relation out of the caller's reach, a year the relation
// does not cover, the same relation and year twice) fails the whole batch,
// located at its row, and nothing is written. A declaration of a relation
// and year already declared replaces it; the answer gives the replaced
// wage as Previous, so that a changed declaration of closed months can be
// corrected (insurance.Service.PrepareWageCorrections). A declaration
// that changed since the updated_at its row sends back is refused
// (Conflict, rule record.changed), and so the batch.
func (s *Service) DeclareWages(ctx context.Context, changes []WageChange) ([]WageDeclaration, error) {
	c, err := access.Require(ctx, access.WriteEmployments)
	if err != nil {
		return nil, err
	}
	out := make([]WageDeclaration, len(changes))
	seen := map[[2]int64]int{}
	for i, ch := range changes {
		if out[i], err = ch.Input.parse(); err != nil {
			return nil, atRow(err, ch.Row)
		}
		key := [2]int64{out[i].EmploymentID, int64(out[i].Year)}
		if first, dup := seen[key]; dup {
			return nil, atRow(fault.Invalidf("year", "wage.duplicate", "relation %d's year %d is declared twice in the file (also row %d)", key[0], key[1], first), ch.Row)
		}
		seen[key] = ch.Row
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		for i, ch := range changes {
			if err := s.declare(ctx, tx, c, &out[i]); err != nil {
				return atRow(err, ch.Row)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// declare records one parsed declaration d in tx: reach, the relation's
// years, the write and the audit entry.
func (s *Service) declare(ctx context.Context, tx Tx, c access.Caller, d *WageDeclaration) error {
	e, err := visibleEmployment(ctx, tx, c, d.EmploymentID)
	if err != nil {
		return fieldNotFound(err, "employment_id", d.EmploymentID)
	}
	if d.Year < e.Start.Y || (!e.End.IsZero() && d.Year > e.End.Y) {
		return fault.Invalidf("year", "wage.year_in_relation", "relation %d runs from %s to %s and does not cover %d", e.ID, e.Start, endText(e), d.Year)
	}
	at, err := unchangedWage(ctx, tx, d)
	if err != nil {
		return err
	}
	d.PersonID, d.EmployerID, d.Actor = e.PersonID, e.EmployerID, c.Actor()
	d.CreatedAt, d.UpdatedAt = s.now(), access.Touched(at, s.now())
	if d.Previous, err = tx.PutWage(ctx, d); err != nil {
		return err
	}
	return s.record(ctx, tx, c, "employment.declare_wage", fmt.Sprintf("employment/%d/wage/%d", e.ID, d.Year), e.PersonID)
}

// unchangedWage returns when d's relation and year were last declared
// (the zero time: never), refusing the re-declaration if that declaration
// changed since the declarer read it (d.seen; "": no check).
func unchangedWage(ctx context.Context, tx Tx, d *WageDeclaration) (time.Time, error) {
	old, err := tx.ListWages(ctx, WageFilter{EmploymentID: d.EmploymentID, Year: d.Year, EmploymentFilter: EmploymentFilter{Page: Page{Limit: 1}}})
	if err != nil {
		return time.Time{}, err
	}
	var at time.Time
	if len(old) > 0 {
		at = old[0].UpdatedAt
	}
	return at, access.UnchangedSince(d.seen, at, "wage_declaration", fmt.Sprintf("#%d %d", d.EmploymentID, d.Year))
}

// ListWages lists declarations of one relation (every year, oldest
// first) or of one year (by relation ID, paged), leaving out relations out
// of the caller's reach; the persons listed are audited. It fails with
// Invalid when neither a relation nor a year is given.
func (s *Service) ListWages(ctx context.Context, f WageFilter) ([]WageDeclaration, error) {
	c, err := access.Require(ctx, access.ReadEmployments)
	if err != nil {
		return nil, err
	}
	if f.EmploymentID == 0 && f.Year == 0 {
		return nil, fault.Invalidf("year", "wage.filter", "give an employment relation or a year")
	}
	if f.Page, err = clampPage(f.Page); err != nil {
		return nil, err
	}
	if !scopeEmployments(c, &f.EmploymentFilter) {
		return []WageDeclaration{}, nil
	}
	return listAudited(ctx, s, c, "employment.list_wages", "declared_wages",
		func(tx Tx) ([]WageDeclaration, error) { return tx.ListWages(ctx, f) },
		func(d WageDeclaration) int64 { return d.PersonID })
}
