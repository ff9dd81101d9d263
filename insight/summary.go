package insight

import (
	"context"

	"hrss/access"
)

// Refresh brings the indicators' summary up to date for the current and
// the previous year, the years the indicators page opens on: each month
// of each indicator that a write since the last refresh can have changed
// (or that the summary lacks) is computed from the records and kept. The
// figures never depend on it: a month the summary does not hold is
// computed from the records when asked. `hrss serve` runs it every
// minute; `hrss indicators --refresh` and the demo run it once.
func (s *Service) Refresh(ctx context.Context) (RefreshReport, error) {
	if _, err := access.Require(ctx, access.ReadAggregates); err != nil {
		return RefreshReport{}, err
	}
	y := s.today().Y
	return s.Store.Refresh(ctx, [][]Month{s.months(y - 1), s.months(y)})
}

// CheckSummary recomputes from the records every month the summary holds
// for the current and the previous year and lists each figure that
// differs (hrss check's insight_summary invariant); checked counts the
// (indicator, month) pairs compared.
func (s *Service) CheckSummary(ctx context.Context) (checked int, breaches []string, err error) {
	if _, err := access.Require(ctx, access.ReadAggregates); err != nil {
		return 0, nil, err
	}
	y := s.today().Y
	for _, year := range []int{y - 1, y} {
		n, b, err := s.Store.CheckSummary(ctx, s.months(year))
		if err != nil {
			return checked, breaches, err
		}
		checked += n
		breaches = append(breaches, b...)
	}
	return checked, breaches, nil
}
