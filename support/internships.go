package support

import (
	"context"
	"fmt"

	"hrss/access"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// InternshipInput records an internship; every field text where a bad
// value must be reported by name.
type InternshipInput struct {
	EmployerID int64  `json:"employer_id"` // the host
	PersonID   int64  `json:"person_id"`   // the intern
	Start      string `json:"start"`       // YYYY-MM-DD
	End        string `json:"end"`         // YYYY-MM-DD, the last day served
	Allowance  string `json:"allowance"`   // monthly living allowance, yuan
}

// RecordInternship records an employment internship (就业见习) so that the
// scan can find its host subsidy once it has ended. A caseworker records
// it for a host of their divisions. It fails with Invalid for bad dates
// or allowance (an allowance below the minimum wage is recorded and then
// refused by the rule, with its reason).
func (s *Service) RecordInternship(ctx context.Context, in InternshipInput) (Internship, error) {
	it := Internship{EmployerID: in.EmployerID, PersonID: in.PersonID}
	var err error
	if it.Start, err = period.ParseDate(in.Start); err != nil {
		return it, fault.Invalidf("start", "internship.start", "%q is not a date YYYY-MM-DD", in.Start)
	}
	if it.End, err = period.ParseDate(in.End); err != nil || !it.Start.Before(it.End) {
		return it, fault.Invalidf("end", "internship.end", "%q must be a date YYYY-MM-DD after the start", in.End)
	}
	if it.Allowance, err = money.Parse(in.Allowance); err != nil || it.Allowance <= 0 {
		return it, fault.Invalidf("allowance", "internship.allowance", "%q is not a positive monthly amount in yuan", in.Allowance)
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		if it.Division, err = tx.EmployerDivision(ctx, it.EmployerID); err != nil {
			return err
		}
		if _, err := tx.PersonDivision(ctx, it.PersonID); err != nil {
			return err
		}
		c, err := authorize(ctx, access.PrepareGrants, it.Division)
		if err != nil {
			return err
		}
		it.Actor, it.CreatedAt = c.Actor(), s.now()
		if err := tx.InsertInternship(ctx, &it); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "support.internship.record", fmt.Sprintf("internship/%d", it.ID), it.PersonID)
	})
	return it, err
}

// Internships lists the internships of the caller's divisions (staff) or
// of their employer (an agent).
func (s *Service) Internships(ctx context.Context, f InternshipFilter) ([]Internship, error) {
	c, err := authorize(ctx, access.ReadGrants, "")
	if err != nil {
		return nil, err
	}
	switch {
	case c.IsSystem():
	case c.DivisionScoped():
		f.Divisions = c.ScopeDivisions()
	case c.Role == access.EmployerAgent:
		f.EmployerID = c.EmployerID
	case c.Role == access.Citizen:
		f.PersonID = c.PersonID
	default:
		return nil, nil
	}
	var out []Internship
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.ListInternships(ctx, f)
		return err
	})
	return out, err
}
