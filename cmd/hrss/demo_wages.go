package main

import (
	"context"
	"fmt"

	"hrss/demo"
	"hrss/insurance"
	"hrss/registry"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// demoCorrection leaves one correction waiting for review in the demo
// city: the yearly base declaration of the last closed month's year of an
// employee of an employer of demoUsersDivision is declared 10% higher
// (the rise truncated to the fen), and the correction of that year's
// closed months is derived from it, previewed and left for a reviewer
// (screen /corrections). Without a closed month it does nothing.
func demoCorrection(ctx context.Context, g *globals, a *app, svc *insurance.Service, cfg demo.Config, months int) error {
	if months <= demoOpenMonths {
		return nil
	}
	closed := cfg.AsOf.Month().Add(-demoOpenMonths - 1)
	es, err := a.registry.ListEmployments(ctx, registry.EmploymentFilter{Page: registry.Page{Limit: registry.MaxPage}})
	if err != nil {
		return err
	}
	for _, e := range es {
		if !e.End.IsZero() || e.Start.Month() > closed {
			continue
		}
		if er, err := a.registry.Employer(ctx, e.EmployerID); err != nil || er.Division != demoUsersDivision {
			continue
		}
		pc, err := demoDeclare(ctx, a, svc, e, closed)
		if fault.RuleOf(err) == "correction.nothing" {
			continue // the wage was above the ceiling both times
		}
		if err != nil {
			return fmt.Errorf("demo: a changed declaration: %w", err)
		}
		fmt.Fprintf(g.stdout, "  declared wage of %d for relation %d raised by 10%%: correction %d of %s..%s (%s yuan) waits for review\n",
			closed.Year(), e.ID, pc.ID, pc.From, pc.To, pc.PreviewTotal)
		return nil
	}
	return nil
}

// demoDeclare declares e's wage of p's year 10% higher and derives the
// correction of the year's closed months.
func demoDeclare(ctx context.Context, a *app, svc *insurance.Service, e registry.Employment, p period.YearMonth) (insurance.PreparedCorrection, error) {
	raised := e.DeclaredWage + e.DeclaredWage/10
	in := registry.WageInput{EmploymentID: e.ID, Year: p.Year(), Wage: raised.String()}
	if _, err := a.registry.DeclareWages(ctx, []registry.WageChange{{Input: in}}); err != nil {
		return insurance.PreparedCorrection{}, err
	}
	return svc.DeriveCorrection(ctx, insurance.DeriveInput{EmploymentID: e.ID, Year: p.Year()})
}
