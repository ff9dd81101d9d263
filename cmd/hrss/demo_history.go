package main

import (
	"context"
	"fmt"
	"slices"

	"hrss/demo"
	"hrss/insurance"
	"hrss/registry/ident"
	"hrss/rules/money"
	"hrss/rules/period"
)

// demoOpenMonths is how many of the demo's latest months stay open: last
// month, whose collection is still under way, and the month before, in
// which late payments still arrive.
const demoOpenMonths = 2

// demoFirstMonth is the earliest month the demo assesses: the legacy
// account records end the year before (demo.LegacyLastYear).
var demoFirstMonth = period.New(demo.LegacyLastYear+1, 1)

// demoMonths checks --months against the city's today: the months it
// asks for must begin no earlier than demoFirstMonth.
func demoMonths(n int, today period.Date) error {
	if n < 0 {
		return fmt.Errorf("--months %d must not be negative", n)
	}
	if first := today.Month().Add(-n); n > 0 && first < demoFirstMonth {
		return fmt.Errorf("--months %d reaches back to %s; the demo's insurance history begins in %s (at most %d months before %s)", n, first, demoFirstMonth, today.Month().Sub(demoFirstMonth), today)
	}
	return nil
}

// monthFigures are what a demo month's line reports, read back from the
// bills after the collections were applied.
type monthFigures struct {
	bills, paid, part, unpaid int
	billed, collected, owed   money.Fen
}

func figuresOf(bills []insurance.Bill) monthFigures {
	var f monthFigures
	for _, b := range bills {
		f.bills++
		f.billed += b.Due
		f.collected += b.Paid
		f.owed += b.Unpaid()
		switch {
		case b.Unpaid() == 0:
			f.paid++
		case b.Paid > 0:
			f.part++
		default:
			f.unpaid++
		}
	}
	return f
}

// demoHistory gives the demo city the last months of social insurance,
// as the bureau's monthly jobs would have left them: each of the months
// months before the city's today, oldest first, is assessed
// (insurance.Service.Assess), its payers' collection records are
// generated from the seed (demo.Collections: most paid on time, some
// late, some in part, a few not at all; last month's still under way)
// and imported as the tax bureau's file (ImportCollections), and every
// month but the last two is closed (Close), which credits the personal
// accounts of the paid bills. It prints one line per month. It fails on
// the first error of a service, or if a row of the generated file is a
// duplicate or overpays (a row the service cannot match to its payer is
// kept aside, as the service does, and counted in the month's line).
func demoHistory(ctx context.Context, g *globals, a *app, cfg demo.Config, months int, payers *demo.Payers) error {
	if months == 0 {
		return nil
	}
	svc, err := insuranceService(g, a)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "social insurance, the %d months before %s (assessed and collected; all closed but the last %d):\n", months, cfg.AsOf, demoOpenMonths)
	for i := months; i >= 1; i-- {
		p := cfg.AsOf.Month().Add(-i)
		bar := newProgress(g.stderr, "assessing "+p.String())
		sum, err := svc.Assess(ctx, p, insurance.AssessOptions{Progress: bar.update})
		if err != nil {
			return fmt.Errorf("demo: assessment of %s: %w", p, err)
		}
		bills, err := svc.Bills(ctx, insurance.BillFilter{Period: p})
		if err != nil {
			return err
		}
		rows, err := demo.Collections(demo.CollectionsConfig{Seed: cfg.Seed, AsOf: cfg.AsOf, Open: i == 1}, bills, payers)
		if err != nil {
			return err
		}
		unmatched := 0
		if len(rows) > 0 {
			rep, err := svc.ImportCollections(ctx, fmt.Sprintf("demo-collections-%s.csv", p), demo.CollectionsCSV(rows))
			if err != nil {
				return fmt.Errorf("demo: collections of %s: %w", p, err)
			}
			// Every row pays an existing bill of its payer, at most what
			// it owes: none may be a duplicate or overpay.
			unmatched = len(rep.Unmatched)
			if rep.Applied+unmatched != len(rows) || len(rep.Duplicates)+len(rep.Overpaid) > 0 {
				return fmt.Errorf("demo: collections of %s: %d of %d rows applied, %d unmatched, %d duplicates, %d overpaid", p, rep.Applied, len(rows), unmatched, len(rep.Duplicates), len(rep.Overpaid))
			}
		}
		state := "open"
		if i > demoOpenMonths {
			bar := newProgress(g.stderr, "closing "+p.String())
			if _, err := svc.Close(ctx, p, insurance.CloseOptions{Progress: bar.update}); err != nil {
				return fmt.Errorf("demo: closing %s: %w", p, err)
			}
			state = "closed"
		}
		if bills, err = svc.Bills(ctx, insurance.BillFilter{Period: p}); err != nil {
			return err
		}
		f := figuresOf(bills)
		note := ""
		if unmatched > 0 {
			note = fmt.Sprintf("; %d payments unmatched, kept aside", unmatched)
		}
		fmt.Fprintf(g.stdout, "  %s %-6s %6d persons, %5d bills: billed %14s, collected %14s, unpaid %13s yuan (%d bills paid, %d in part, %d not at all%s)\n",
			p, state, sum.Persons, f.bills, f.billed, f.collected, f.owed, f.paid, f.part, f.unpaid, note)
	}
	if err := demoLateFees(ctx, g, svc, cfg, payers); err != nil {
		return err
	}
	return demoCorrection(ctx, g, a, svc, cfg, months)
}

// demoFeePayers is how many payers of the demo pay the late fee billed
// on a bill they paid late; one of them (of demoUsersDivision, the demo
// users' division, when one is found) pays demoOverpay more, which stays
// a credit, beside one payment that matches no payer.
const (
	demoFeePayers     = 5
	demoOverpay       = money.Fen(10_00)
	demoUsersDivision = "330402"
)

// demoLateFees bills the late fees accrued to the city's today
// (BillLateFees) and imports the tax bureau's file of a few payers
// paying the fee of a bill they paid late (the first with demoOverpay
// too much) and of one payment that matches no payer, so that the
// screens show late fees billed and paid and credits to re-match or
// refund.
func demoLateFees(ctx context.Context, g *globals, svc *insurance.Service, cfg demo.Config, payers *demo.Payers) error {
	run, err := svc.BillLateFees(ctx, cfg.AsOf)
	if err != nil {
		return fmt.Errorf("demo: late fees: %w", err)
	}
	ar, err := svc.Arrears(ctx, cfg.AsOf)
	if err != nil {
		return err
	}
	var rows []insurance.Collection
	over := -1 // the row that pays too much: the first of the demo users' division
	for _, pa := range ar.Payers {
		code, ok := payers.Code(pa.PayerKind, pa.PayerID)
		i := slices.IndexFunc(pa.Bills, func(b insurance.ArrearsBill) bool { return b.Principal == 0 && b.FeeBilled > 0 && b.FeePaid == 0 })
		mine := pa.Division == demoUsersDivision && over < 0
		if !ok || i < 0 || len(rows) >= demoFeePayers && !mine {
			continue
		}
		if mine {
			over = len(rows)
		}
		b := pa.Bills[i]
		rows = append(rows, insurance.Collection{Row: len(rows) + 2, PayerCode: code, Period: b.Period, Amount: b.FeeBilled, PaidOn: cfg.AsOf,
			Reference: fmt.Sprintf("DEMO%d-FEE-%s-%s%d", cfg.Seed, b.Period, pa.PayerKind, pa.PayerID)})
		if len(rows) >= demoFeePayers && over >= 0 {
			break
		}
	}
	if len(rows) > 0 {
		rows[max(over, 0)].Amount += demoOverpay
	}
	stray := string(ident.NewCreditCode('9', '1', "330402", 999_999))
	rows = append(rows, insurance.Collection{Row: len(rows) + 2, PayerCode: stray, Period: cfg.AsOf.Month().Add(-1), Amount: money.Yuan(1234),
		PaidOn: cfg.AsOf, Reference: fmt.Sprintf("DEMO%d-STRAY", cfg.Seed)})
	rep, err := svc.ImportCollections(ctx, "demo-collections-late-fees.csv", demo.CollectionsCSV(rows))
	if err != nil {
		return fmt.Errorf("demo: late fee payments: %w", err)
	}
	fmt.Fprintf(g.stdout, "  late fees billed to %s: %d lines, %s yuan; %d paid (%s yuan); %d credits kept (%d overpaid, %d unmatched)\n",
		cfg.AsOf, run.Lines, run.Amount, rep.Applied, rep.FeeAmount, len(rep.Overpaid)+len(rep.Unmatched), len(rep.Overpaid), len(rep.Unmatched))
	return nil
}
