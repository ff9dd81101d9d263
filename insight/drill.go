package insight

import (
	"context"
	"fmt"

	"hrss/access"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// MaxRecords bounds a drill-down list.
const MaxRecords = 5000

// Drill lists the records behind the count of an indicator in one
// division and month (e.g. the persons counted as new urban jobs in
// 南湖区 in 2026-03), with their names: for caseworkers and reviewers of
// the division (the view is audited as a view of the persons named);
// analysts and other roles read aggregates only (Forbidden, rule
// insight.records_staff). A record of a person who lives outside the
// caller's divisions (counted here by their employer's or enrolment's
// division) is listed without the name, marked OutOfReach, as the
// registry would not show them either. It fails with Invalid for an
// indicator without a list (an amount or a rate).
func (s *Service) Drill(ctx context.Context, name, division string, p period.YearMonth, limit int) ([]Record, error) {
	c, err := access.Current(ctx)
	if err != nil {
		return nil, err
	}
	if !c.IsSystem() && (!c.DivisionScoped() || !c.Can(access.ReadPersons)) {
		return nil, &fault.Error{Kind: fault.Forbidden, Rule: "insight.records_staff",
			Message: "the lists behind the indicators are for the division's staff: your role reads aggregates"}
	}
	if !c.InDivision(division) {
		return nil, access.OutOfScope("division", 0)
	}
	ind, ok := ByName(name)
	if !ok {
		return nil, fault.Invalidf("indicator", "indicator.known", "%q is not an indicator", name)
	}
	if !ind.Persons {
		return nil, fault.Invalidf("indicator", "indicator.records", "indicator %s is an amount: it has no list of persons", name)
	}
	if p > s.today().Month() {
		return nil, fault.Invalidf("period", "indicators.period", "%s has not begun", p)
	}
	if limit <= 0 || limit > MaxRecords {
		limit = MaxRecords
	}
	m := s.months(p.Year())[p.Month()-1]
	var out []Record
	err = access.ViewAudited(ctx, s.Store, c, s.now(), func(tx Tx) (ev access.Event, err error) {
		if out, err = tx.Records(ctx, name, division, m, limit); err != nil {
			return ev, err
		}
		var persons []int64
		reach := map[int64]bool{}
		for i := range out {
			r := &out[i]
			in, seen := reach[r.PersonID]
			if !seen {
				if in, err = inReach(ctx, tx, c, r.PersonID); err != nil {
					return ev, err
				}
				reach[r.PersonID] = in
				if in {
					persons = append(persons, r.PersonID)
				}
			}
			if !in {
				r.Name, r.OutOfReach = "", true
			}
		}
		return access.Event{Action: "insight.drill",
			Object: fmt.Sprintf("indicator/%s/%s/%s: %d records", name, division, p, len(out)), Subjects: persons}, nil
	})
	return out, err
}

// inReach reports whether c may see the person's record: System and
// city-wide staff every person, the divisions' staff those who live in
// their divisions (registry/scope.go).
func inReach(ctx context.Context, tx Tx, c access.Caller, person int64) (bool, error) {
	if c.IsSystem() || c.CityWide() {
		return true, nil
	}
	p, err := tx.Person(ctx, person)
	if err != nil {
		return false, err
	}
	return c.InDivision(p.ResidenceDivision), nil
}
