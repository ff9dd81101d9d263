package rules

import (
	"fmt"

	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// FlexibleBase returns the contribution base of a flexible worker who
// chose pct percent (60-300) of the average wage, for period at in
// division: the average wage in force contribution.average_wage_lag
// months before the period (as for BaseLimits) × pct / 100, rounded
// half-up to the fen, then kept within the floor and ceiling of the
// period. It fails for pct outside 60-300 or a missing parameter.
func (p *Params) FlexibleBase(division string, at period.YearMonth, pct int) (money.Fen, error) {
	if pct < 60 || pct > 300 {
		return 0, invalid("base_pct", "flexible.base_level", "error.flexible.base_level", msg.Int("pct", pct))
	}
	r := p.reader(division, nil)
	lag, err := r.int(parAverageWageLag, at.First())
	if err != nil {
		return 0, err
	}
	avg, err := r.fen(parAverageWage, at.Add(-lag).First())
	if err != nil {
		return 0, fmt.Errorf("flexible base: %w", err)
	}
	l, err := r.limits(at)
	if err != nil {
		return 0, err
	}
	return clampBase(avg.MulRatePPM(int64(pct)*10_000), l), nil
}
