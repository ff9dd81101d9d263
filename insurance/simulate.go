package insurance

import (
	"context"

	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// Simulate evaluates reform (an overlay of s.Params, see
// rules.Params.Overlay) against s.Params over the registry's insured of
// period p: contribution income per insurance and party, by division, with
// the persons whose contributions change (rules.Simulate over
// registry.Population). It is an aggregate over the whole city: analysts,
// city-wide staff and System may run it; others get Forbidden. Nothing
// personal leaves it, so it is not audited.
func (s *Service) Simulate(ctx context.Context, reform *rules.Params, p period.YearMonth) (*rules.SimReport, error) {
	c, err := authorize(ctx, actIncome, "")
	if err != nil {
		return nil, err
	}
	if c.DivisionScoped() && !c.CityWide() {
		return nil, fault.Forbiddenf("a what-if runs over the whole city: analysts and city-wide staff run it")
	}
	if reform == nil {
		return nil, fault.Invalidf("reform", "simulate.reform", "a reform (parameter overlay) is required")
	}
	pop, err := registry.Population(ctx, s.Insured, s.Params, p)
	if err != nil {
		return nil, err
	}
	return rules.Simulate(s.Params, reform, pop, p)
}
