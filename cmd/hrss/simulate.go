package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"hrss/insurance"
	"hrss/rules/fault"
	"hrss/rules/period"
)

func runSimulate(g *globals, args []string) error {
	fs := newFlags(g, "simulate", "simulate --reform FILE --period YYYY-MM [--json]")
	reformFile := fs.String("reform", "", "YAML file of parameter values overlaid on the baseline (same format as rules/params)")
	month := fs.String("period", "", "the month to evaluate, YYYY-MM")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *reformFile == "" {
		return fault.Invalidf("reform", "flag.required", "--reform FILE is required")
	}
	at, err := period.ParseYearMonth(*month)
	if err != nil {
		return fault.Invalidf("period", "period.format", "--period: %v", err)
	}
	return withInsurance(g, func(ctx context.Context, svc *insurance.Service) error {
		reform, err := svc.Params.OverlayFile(*reformFile)
		if err != nil {
			return err
		}
		start := time.Now()
		rep, err := svc.Simulate(ctx, reform, at)
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(g.stdout)
			enc.SetEscapeHTML(false)
			return enc.Encode(rep)
		}
		fmt.Fprint(g.stdout, rep.Text())
		fmt.Fprintf(g.stdout, "\n%d insured person-months read and evaluated in %s\n", rep.Persons, time.Since(start).Round(time.Millisecond))
		return nil
	})
}
