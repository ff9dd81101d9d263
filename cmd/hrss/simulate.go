package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/period"
	"hrss/store"
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
	base, err := loadParams(g)
	if err != nil {
		return err
	}
	reform, err := base.OverlayFile(*reformFile)
	if err != nil {
		return err
	}
	ctx := context.Background()
	db, err := store.Open(ctx, g.db)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	start := time.Now()
	pop, err := registry.Population(ctx, db, base, at)
	if err != nil {
		return err
	}
	read := time.Since(start)
	rep, err := rules.Simulate(base, reform, pop, at)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(g.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(rep)
	}
	fmt.Fprint(g.stdout, rep.Text())
	fmt.Fprintf(g.stdout, "\n%d insured person-months read in %s, evaluated in %s\n", pop.Len(), read.Round(time.Millisecond), (time.Since(start) - read).Round(time.Millisecond))
	return nil
}
