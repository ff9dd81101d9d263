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
// chosen level and params (rules.Params.FlexibleBase). An employee row is
// assessed for the insurances its relation is enrolled in.
func Population(ctx context.Context, r InsuredReader, params *rules.Params, p period.YearMonth) (*rules.Population, error) {
	pop := rules.NewPopulation(1024)
	type level struct {
		division string
		pct      int
	}
	flexBase := map[level]money.Fen{} // computed once per division and level
	err := r.EachInsured(ctx, p, func(in Insured) error {
		row := rules.Person{Division: in.Division, Kind: rules.KindEmployee, Wage: in.Wage, RiskClass: in.RiskClass, FloatPct: in.RiskFloatPct, Period: p, Enrolled: enrolled(in.Insurances)}
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

// enrolled converts a relation's insurances to the rules' set.
func enrolled(ins []Insurance) rules.Enrolled {
	var e rules.Enrolled
	for _, i := range ins {
		e |= rules.EnrolledOf(rules.Insurance(i))
	}
	if e == 0 {
		return rules.EnrolledAll
	}
	return e
}
