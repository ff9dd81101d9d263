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
// the division (the view is audited as a view of those persons);
// analysts and other roles read aggregates only (Forbidden). It fails
// with Invalid for an indicator without a list (an amount or a rate).
func (s *Service) Drill(ctx context.Context, name, division string, p period.YearMonth, limit int) ([]Record, error) {
	c, err := access.Require(ctx, access.ReadPersons)
	if err != nil {
		return nil, err
	}
	if !c.IsSystem() && !c.DivisionScoped() {
		return nil, fault.Forbiddenf("the lists behind the indicators are for the division's staff: your role reads aggregates")
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
	m := Month{Period: p, Last: p.Last(), DueTo: s.dueTo(p)}
	var out []Record
	err = s.Store.Update(ctx, func(tx Tx) error {
		if out, err = tx.Records(ctx, name, division, m, limit); err != nil {
			return err
		}
		persons := make([]int64, len(out))
		for i, r := range out {
			persons[i] = r.PersonID
		}
		return access.Record(ctx, tx, c, s.now(), access.Event{Action: "insight.drill",
			Object: fmt.Sprintf("indicator/%s/%s/%s: %d records", name, division, p, len(out)), Subjects: persons})
	})
	return out, err
}
