package registry

import (
	"context"
	"fmt"

	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

// Population reads the insured person-months of period p from r into the
// columns of a rules.Population, for the columnar engine (assessment
// totals, reform simulation). Flexible workers' bases come from their
// chosen level and params (rules.Params.FlexibleBase). Every employee row
// is assessed for all four insurances: the columnar engine has no
// per-person insurance set yet, so relations enrolled in fewer insurances
// are counted as if enrolled in all (see Population's note in
// docs/ARCHITECTURE.md).
func Population(ctx context.Context, r InsuredReader, params *rules.Params, p period.YearMonth) (*rules.Population, error) {
	pop := rules.NewPopulation(1024)
	type level struct {
		division string
		pct      int
	}
	flexBase := map[level]money.Fen{} // computed once per division and level
	err := r.EachInsured(ctx, p, func(in Insured) error {
		row := rules.Person{Division: in.Division, Kind: rules.KindEmployee, Wage: in.Wage, RiskClass: in.RiskClass, FloatPct: in.RiskFloatPct, Period: p}
		if in.Kind == KindFlexible {
			key := level{in.Division, in.BasePct}
			base, ok := flexBase[key]
			if !ok {
				var err error
				if base, err = params.FlexibleBase(in.Division, p, in.BasePct); err != nil {
					return fmt.Errorf("flexible enrolment %d: %w", in.FlexibleID, err)
				}
				flexBase[key] = base
			}
			row = rules.Person{Division: in.Division, Kind: rules.KindFlexible, Wage: base, Period: p}
		}
		return pop.Append(row)
	})
	return pop, err
}
