package main

import (
	"context"
	"fmt"

	"hrss/insurance"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// The income command is listed after bills (registered here so that the
// command list in main.go need not change with it).
func runIncome(g *globals, args []string) error {
	fs := newFlags(g, "income", "income --from YYYY-MM --to YYYY-MM [--division CODE] [--by-payer-kind] [--json]\n\nContribution income by division and period (and kind of payer): billed (assessed plus corrections),\npaid, outstanding, arrears (owed past the due date today, and the bills owing it) and overpaid,\nsummed over the bills of each period's current run. Aggregates only.")
	from := fs.String("from", "", "the first period, YYYY-MM")
	to := fs.String("to", "", "the last period, YYYY-MM")
	div := fs.String("division", "", "one county-level division code")
	byKind := fs.Bool("by-payer-kind", false, "a row per kind of payer: employers, flexible workers")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f := insurance.IncomeFilter{Division: *div, ByPayerKind: *byKind}
	for _, x := range []struct {
		name, v string
		p       *period.YearMonth
	}{{"from", *from, &f.From}, {"to", *to, &f.To}} {
		p, err := period.ParseYearMonth(x.v)
		if err != nil {
			return fault.Invalidf(x.name, "period.format", "--%s %q is not YYYY-MM", x.name, x.v)
		}
		*x.p = p
	}
	return withInsurance(g, func(ctx context.Context, svc *insurance.Service) error {
		inc, err := svc.Income(ctx, f)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(g, inc)
		}
		fmt.Fprintf(g.stdout, "Contribution income %s to %s, arrears as of %s\n", inc.From, inc.To, inc.AsOf)
		const row = "  %-7s %8s %-9s %7v %8v %16s %16s %16s %16s %9v %14s\n"
		fmt.Fprintf(g.stdout, row, "period", "division", "payer", "bills", "persons", "billed", "paid", "outstanding", "arrears", "in arrears", "overpaid")
		for _, r := range inc.Items {
			kind := "all"
			if inc.ByPayerKind {
				kind = r.PayerKind.String()
			}
			fmt.Fprintf(g.stdout, row, r.Period, r.Division, kind, r.Payers, r.Persons, r.Billed, r.Paid, r.Outstanding, r.Arrears, r.InArrears, r.Overpaid)
		}
		t := inc.Total
		fmt.Fprintf(g.stdout, row, "total", "", "", "", "", t.Billed, t.Paid, t.Outstanding, t.Arrears, t.InArrears, t.Overpaid)
		return nil
	})
}
