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
	fs := newFlags(g, "income", "income --from YYYY-MM --to YYYY-MM [--division CODE] [--json]\n\nContribution income by division and period: billed (assessed plus corrections), paid, outstanding\nand overpaid, summed over the bills of each period's current run. Aggregates only.")
	from := fs.String("from", "", "the first period, YYYY-MM")
	to := fs.String("to", "", "the last period, YYYY-MM")
	div := fs.String("division", "", "one county-level division code")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f := insurance.IncomeFilter{Division: *div}
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
			return printJSON(g.stdout, inc)
		}
		fmt.Fprintf(g.stdout, "Contribution income %s to %s\n", inc.From, inc.To)
		fmt.Fprintf(g.stdout, "  %-7s %8s %7s %8s %16s %16s %16s %14s\n", "period", "division", "payers", "persons", "billed", "paid", "outstanding", "overpaid")
		for _, r := range inc.Items {
			fmt.Fprintf(g.stdout, "  %-7s %8s %7d %8d %16s %16s %16s %14s\n", r.Period, r.Division, r.Payers, r.Persons, r.Billed, r.Paid, r.Outstanding, r.Overpaid)
		}
		t := inc.Total
		fmt.Fprintf(g.stdout, "  %-7s %8s %7s %8s %16s %16s %16s %14s\n", "total", "", "", "", t.Billed, t.Paid, t.Outstanding, t.Overpaid)
		return nil
	})
}
