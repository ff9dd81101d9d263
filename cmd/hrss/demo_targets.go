package main

import (
	"context"
	"fmt"

	"hrss/demo"
	"hrss/insight"
	"hrss/registry"
	"hrss/rules/money"
)

// demoTargets sets a few of the year's targets as leadership would have
// at its start, from the year's pace so far (a city target with its
// division breakdown for new urban jobs, the city's contribution income
// and its ceiling on the registered unemployment rate), so that the
// indicator pages show progress against them.
func demoTargets(ctx context.Context, g *globals, a *app, cfg demo.Config) error {
	svc, err := insightService(g, a)
	if err != nil {
		return err
	}
	ctx = systemContext(ctx)
	year := cfg.AsOf.Y
	rows, err := svc.Indicators(ctx, insight.Query{Year: year, Names: []string{"new_urban_jobs", "contribution_income"}})
	if err != nil {
		return err
	}
	months := int64(cfg.AsOf.M)
	set := func(name, div, value string) error {
		_, err := svc.SetTarget(ctx, insight.TargetInput{Year: year, Indicator: name, Division: div, Value: value})
		return err
	}
	var city int64
	for _, r := range rows {
		if r.Name != "new_urban_jobs" || r.Division == registry.CityCode {
			continue
		}
		var n int64
		fmt.Sscan(r.Value, &n)
		t := n * 12 * 105 / 100 / months // 5% above the pace so far
		city += t
		if err := set("new_urban_jobs", r.Division, fmt.Sprint(t)); err != nil {
			return err
		}
	}
	if err := set("new_urban_jobs", registry.CityCode, fmt.Sprint(city)); err != nil {
		return err
	}
	for _, r := range rows {
		if r.Name == "contribution_income" && r.Division == registry.CityCode {
			f, err := money.Parse(r.Value)
			if err != nil {
				return err
			}
			if err := set("contribution_income", registry.CityCode, (f * 12 / money.Fen(months)).String()); err != nil {
				return err
			}
		}
	}
	if err := set("registered_unemployment_rate", registry.CityCode, "2.00"); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "insight: targets of %d set for new urban jobs (city %d, with its division breakdown), contribution income and the registered unemployment rate\n", year, city)
	return nil
}

// demoSummary computes the indicators' summary of the demo city, so that
// the indicators page opens at once.
func demoSummary(ctx context.Context, g *globals, a *app) error {
	svc, err := insightService(g, a)
	if err != nil {
		return err
	}
	return refreshWith(ctx, g, svc, true)
}
