package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"hrss/insurance"
	"hrss/rules/fault"
	"hrss/rules/period"
)

func runCollections(g *globals, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprintln(g.stderr, "Usage: hrss collections import [--json] FILE (.csv or .xlsx: credit_code, period, amount, reference, date)")
		return errUsage
	}
	fs := newFlags(g, "collections import", "collections import [--json] FILE\n\nApply a tax-bureau collection file (CSV or Excel .xlsx) to the bills; idempotent by payment reference.")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	return withInsurance(g, func(ctx context.Context, svc *insurance.Service) error {
		rep, err := svc.ImportCollections(ctx, filepath.Base(fs.Arg(0)), data)
		var list fault.List
		if errors.As(err, &list) {
			fmt.Fprintf(g.stderr, "hrss: %s is refused, nothing of it was applied:\n", fs.Arg(0))
			for _, e := range list {
				fmt.Fprintf(g.stderr, "  %s\n", e.Error())
			}
			return exitCode(2)
		}
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(g, rep)
		}
		fmt.Fprintf(g.stdout, "Import %d of %s: %d rows, %d applied (%s)\n", rep.Import, rep.File, rep.Rows, rep.Applied, rep.Amount)
		for _, group := range []struct {
			name  string
			notes []insurance.RowNote
		}{{"overpaid", rep.Overpaid}, {"unmatched", rep.Unmatched}, {"already imported", rep.Duplicates}} {
			for _, n := range group.notes {
				fmt.Fprintf(g.stdout, "  row %d %s (%s, %s): %s\n", n.Row, group.name, n.Reference, n.Amount, n.Note)
			}
		}
		return nil
	})
}

func runArrears(g *globals, args []string) error {
	fs := newFlags(g, "arrears", "arrears --as-of YYYY-MM-DD [--json]\n\nList payers in arrears on a date with the unpaid principal and the late fee (0.05% a day).")
	asOf := fs.String("as-of", "", "the date, YYYY-MM-DD (default today)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withInsurance(g, func(ctx context.Context, svc *insurance.Service) error {
		d := period.FromTime(svc.NowTime())
		if *asOf != "" {
			var err error
			if d, err = period.ParseDate(*asOf); err != nil {
				return fault.Invalidf("as-of", "arrears.as_of", "--as-of %q is not YYYY-MM-DD", *asOf)
			}
		}
		ar, err := svc.Arrears(ctx, d)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(g, ar)
		}
		fmt.Fprintf(g.stdout, "Arrears on %s: %d payers, principal %s, late fee %s\n", ar.AsOf, len(ar.Payers), ar.Principal, ar.Fee)
		fmt.Fprintf(g.stdout, "  %-9s %10s %8s %14s %12s  periods\n", "payer", "id", "division", "principal", "fee")
		for _, pa := range ar.Payers {
			fmt.Fprintf(g.stdout, "  %-9s %10d %8s %14s %12s  %d\n", pa.PayerKind, pa.PayerID, pa.Division, pa.Principal, pa.Fee, len(pa.Bills))
		}
		return nil
	})
}

func runBills(g *globals, args []string) error {
	fs := newFlags(g, "bills", "bills [--period YYYY-MM] [--unpaid] [--json]\n\nList the bills of the current runs with what is due, paid and overpaid.")
	per := fs.String("period", "", "only this period, YYYY-MM")
	unpaid := fs.Bool("unpaid", false, "only bills with something still owed")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f := insurance.BillFilter{Unpaid: *unpaid}
	if *per != "" {
		p, err := periodFlag(*per)
		if err != nil {
			return err
		}
		f.Period = p
	}
	return withInsurance(g, func(ctx context.Context, svc *insurance.Service) error {
		bills, err := svc.Bills(ctx, f)
		if err != nil {
			return err
		}
		if *asJSON {
			if bills == nil {
				bills = []insurance.Bill{}
			}
			return printJSON(g, bills)
		}
		fmt.Fprintf(g.stdout, "%-7s %-9s %10s %8s %7s %14s %14s %14s %10s\n", "period", "payer", "id", "division", "persons", "due", "paid", "overpaid", "due date")
		for _, b := range bills {
			fmt.Fprintf(g.stdout, "%-7s %-9s %10d %8s %7d %14s %14s %14s %10s\n", b.Period, b.PayerKind, b.PayerID, b.Division, b.Persons, b.Due, b.Paid, b.Overpaid, b.DueDate)
		}
		return nil
	})
}
