package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os/signal"
	"syscall"
	"time"

	"hrss/access"
	"hrss/demo"
	"hrss/registry"
	"hrss/rules/period"
)

func runDemo(g *globals, args []string) error {
	fs := newFlags(g, "demo", "demo [--persons N] [--seed S] [--months N] [--no-serve] [--addr HOST:PORT]")
	persons := fs.Int("persons", 20000, "number of persons in the synthetic city")
	seed := fs.Uint64("seed", 1, "seed of the generator: the same seed gives the same city")
	months := fs.Int("months", 12, "months of social insurance before today to assess and collect (all but the last two closed)")
	noServe := fs.Bool("no-serve", false, "generate only; do not serve")
	addr := fs.String("addr", envOr("HRSS_ADDR", "127.0.0.1:8080"), "address to serve on")
	asOf := fs.String("as-of", "", "the city's today, YYYY-MM-DD (default: today)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *persons < 1 || *persons > 20_000_000 {
		return fmt.Errorf("--persons %d must lie between 1 and 20000000", *persons)
	}
	today := period.FromTime(time.Now())
	if *asOf != "" {
		d, err := period.ParseDate(*asOf)
		if err != nil {
			return fmt.Errorf("--as-of: %w", err)
		}
		today = d
	}
	if err := demoMonths(*months, today); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(systemContext(context.Background()), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.close()
	existing, err := a.registry.FindPersons(ctx, registry.PersonQuery{Page: registry.Page{Limit: 1}})
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		fmt.Fprintf(g.stdout, "the database %s already holds a city; serving it as it is (use a new --db to generate another)\n", g.db)
	} else if err := generate(ctx, g, a, demo.Config{Persons: *persons, Seed: *seed, AsOf: today}, *months); err != nil {
		return err
	}
	if *noServe {
		return nil
	}
	g.scanEvery, g.serve.workers, g.serve.recomputeEvery = 24*time.Hour, 1, 24*time.Hour
	return serveApp(ctx, g, a, *addr)
}

// generate builds the synthetic city into a's database with the given
// months of social insurance history (demoHistory) and prints its summary.
func generate(ctx context.Context, g *globals, a *app, cfg demo.Config, months int) error {
	start := time.Now()
	bar := newProgress(g.stderr, "generating city")
	bulk, err := a.db.BulkLoad(ctx) // a fresh database: indexes built once at the end (store/bulk_load.go)
	if err != nil {
		return err
	}
	sink, jobs := demo.WithJobs(bulk, cfg)
	sink, accounts, err := withAccounts(g, sink, bulk)
	if err != nil {
		return err
	}
	sink, payers := demo.WithPayers(sink)
	sum, err := demo.Generate(ctx, cfg, a.vault, sink, bar.update)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	b, _ := json.MarshalIndent(sum, "", "  ")
	fmt.Fprintf(g.stdout, "generated the synthetic city (seed %d, as of %s) in %s:\n%s\n", cfg.Seed, cfg.AsOf, time.Since(start).Round(time.Millisecond), b)
	jb, _ := json.MarshalIndent(jobs, "", "  ")
	fmt.Fprintf(g.stdout, "employment services:\n%s\n", jb)
	fmt.Fprintf(g.stdout, "personal-account history (legacy records to %d): %d persons, %d yearly records\n", demo.LegacyLastYear, accounts.Persons, accounts.Years)
	if err := auditBulk(ctx, a, "demo.generate", fmt.Sprintf("city/seed-%d: %d persons, %d employers, %d relations", cfg.Seed, sum.Persons, sum.Employers, sum.Employments)); err != nil {
		return err
	}
	if err := a.db.Analyze(ctx); err != nil { // the registry just loaded, for the history's plans
		return fmt.Errorf("demo: analyze the city: %w", err)
	}
	if err := demoHistory(ctx, g, a, cfg, months, payers); err != nil {
		return err
	}
	if err := a.db.Analyze(ctx); err != nil { // the months of history, for the support scan's plans
		return fmt.Errorf("demo: analyze the history: %w", err)
	}
	sup, err := demoSupport(ctx, g, a, cfg)
	if err != nil {
		return err
	}
	if err := demoTargets(ctx, g, a, cfg); err != nil {
		return fmt.Errorf("demo targets: %w", err)
	}
	if err := demoClaims(ctx, g, a, cfg, months, jobs); err != nil {
		return err
	}
	if err := demoOutcomes(ctx, g, a, sup, cfg, months); err != nil {
		return err
	}
	if err := demoSummary(ctx, g, a); err != nil {
		return fmt.Errorf("demo indicators' summary: %w", err)
	}
	users, err := access.CreateDemoUsers(ctx, a.access, demoScope(ctx, sup, "330402"))
	if err != nil {
		return fmt.Errorf("demo users: %w", err)
	}
	fmt.Fprintln(g.stdout, "\nOne user per role:")
	return access.WriteDemoUsers(g.stdout, users)
}

// auditBulk records a bulk load in the audit trail: the rows it wrote
// bypass the services (and their entry per record), so the load itself is
// one entry of the System caller.
func auditBulk(ctx context.Context, a *app, action, object string) error {
	return a.access.Store.Update(ctx, func(tx access.Tx) error {
		return access.Record(ctx, tx, access.System, time.Now().UTC(), access.Event{Action: action, Object: object})
	})
}
