package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"hrss/insurance"
	"hrss/rules"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// runPensions is `hrss pensions`: provisional pensions recomputed once
// their year's calculation base is published (the parameter files or a
// --params overlay publish it), under four eyes.
func runPensions(g *globals, args []string) error {
	return jobsSub(g, "pensions", args, map[string]func(*globals, []string) error{
		"recompute": pensionsRecompute, "list": pensionsList, "show": pensionsShow,
		"approve": pensionsDecide(true), "reject": pensionsDecide(false),
	}, "recompute", "list", "show", "approve", "reject")
}

func pensionsRecompute(g *globals, args []string) error {
	fs := newFlags(g, "pensions recompute", "pensions recompute [--claim ID] [--as-of YYYY-MM] [--as CASEWORKER] [--json]\n\n"+
		"Prepares for a reviewer the recomputation of every approved provisional pension whose retirement year's\n"+
		"calculation base is now published (or, with --claim, of that one): the same record computed again and the\n"+
		"back pay or recovery of every month paid up to --as-of (default this month). A pension with a recomputation\n"+
		"prepared or applied is left alone: a second run prepares nothing new.")
	claim := fs.Int64("claim", 0, "only this claim")
	asOf := fs.String("as-of", "", "the last month of payments counted, YYYY-MM (default this month)")
	as := fs.String("as", "", "the caseworker preparing (default the system operator, as the scheduled scan)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var at period.YearMonth
	if *asOf != "" {
		var err error
		if at, err = periodFlag(*asOf); err != nil {
			return err
		}
	}
	return withInsuranceAs(g, *as, func(ctx context.Context, svc *insurance.Service) error {
		if *claim != 0 {
			r, err := svc.PrepareRecomputation(ctx, *claim, at)
			if err != nil || *asJSON {
				return jsonOr(g, r, err)
			}
			printRecomputation(g, r)
			return nil
		}
		scan, err := svc.ScanRecomputations(ctx, at)
		if err != nil || *asJSON {
			return jsonOr(g, scan, err)
		}
		for _, r := range scan.Prepared {
			printRecomputation(g, r)
		}
		fmt.Fprintf(g.stdout, "%d recomputations prepared for review; %d provisional pensions still wait for their base (payments up to %s)\n",
			len(scan.Prepared), scan.Waiting, scan.AsOf)
		return nil
	})
}

// printRecomputation prints one line of r.
func printRecomputation(g *globals, r insurance.Recomputation) {
	fmt.Fprintf(g.stdout, "Recomputation %d of claim %d (person %d, base of %d) %s by %s: %s -> %s a month, %d months paid, difference %s\n",
		r.ID, r.ClaimID, r.PersonID, r.BaseYear, r.Status, r.Preparer, r.OldMonthly, r.NewMonthly, r.Months, r.Difference)
}

func pensionsList(g *globals, args []string) error {
	fs := newFlags(g, "pensions list", "pensions list [--status prepared|applied|rejected] [--claim ID] [--as USER] [--json]")
	status := fs.String("status", "", "only these")
	claim := fs.Int64("claim", 0, "only this claim's")
	as := fs.String("as", "", "act as this user (default: the system operator)")
	asJSON := fs.Bool("json", false, "print the list as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withInsuranceAs(g, *as, func(ctx context.Context, svc *insurance.Service) error {
		list, err := svc.Recomputations(ctx, insurance.RecomputationFilter{Status: insurance.RecomputationStatus(*status), ClaimID: *claim})
		if err != nil || *asJSON {
			if list == nil {
				list = []insurance.Recomputation{}
			}
			return jsonOr(g, list, err)
		}
		return jobsTable(g.stdout, "ID\tCLAIM\tPERSON\tBASE YEAR\tOLD\tNEW\tMONTHS\tDIFFERENCE\tSTATUS\tPREPARER\tDECIDER", func(tw *tabwriter.Writer) {
			for _, r := range list {
				fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", r.ID, r.ClaimID, r.PersonID, r.BaseYear, r.OldMonthly, r.NewMonthly, r.Months, r.Difference, r.Status, r.Preparer, r.Decider)
			}
		})
	})
}

func pensionsShow(g *globals, args []string) error {
	fs := newFlags(g, "pensions show", "pensions show ID [--as USER] [--lang zh-CN|en] [--json]\n\nOne recomputation: the months paid with what was due, and the traces of the back pay and of the pension recomputed.")
	as := fs.String("as", "", "act as this user (default: the system operator)")
	asJSON := fs.Bool("json", false, "print JSON (each step of the traces with its text in --lang)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	id, err := idArg(fs.Args())
	if err != nil {
		return err
	}
	l, err := g.language()
	if err != nil {
		return err
	}
	return withInsuranceAs(g, *as, func(ctx context.Context, svc *insurance.Service) error {
		r, err := svc.Recomputation(ctx, id)
		if err != nil {
			return err
		}
		var d struct {
			Result        rules.PensionResult       `json:"result"`
			Recomputation rules.RecomputationResult `json:"recomputation"`
		}
		if err := json.Unmarshal(r.Detail, &d); err != nil {
			return err
		}
		rules.Localize(d.Result.Trace, l)
		rules.Localize(d.Recomputation.Trace, l)
		if *asJSON {
			r.Detail = nil
			return printJSON(g, map[string]any{"recomputation": r, "pension": d.Result, "back_pay": d.Recomputation})
		}
		printRecomputation(g, r)
		for _, m := range d.Recomputation.Months {
			fmt.Fprintf(g.stdout, "  %s  paid %10s  due %10s  difference %9s\n", m.Period, m.Paid, m.Due, m.Difference)
		}
		fmt.Fprintln(g.stdout, "\n"+msg.Render(l, "cli.trace"))
		for _, s := range append(d.Recomputation.Trace, d.Result.Trace...) {
			fmt.Fprintln(g.stdout, "  "+s.Text)
		}
		return nil
	})
}

func pensionsDecide(approve bool) func(*globals, []string) error {
	return func(g *globals, args []string) error {
		fs := newFlags(g, "pensions approve|reject", "pensions approve|reject ID [--note TEXT] --as REVIEWER [--json]\n\n"+
			"Decides a prepared recomputation: a reviewer who did not prepare it (four eyes). Approval counts every\n"+
			"month paid until now, pays the new amount from the next run with the back pay on a line of its own (or\n"+
			"nets a recovery from the next payments). A rejection needs --note.")
		note := fs.String("note", "", "the reviewer's note (required to reject)")
		as := fs.String("as", "", "the reviewer deciding")
		asJSON := fs.Bool("json", false, "print the recomputation as JSON")
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		id, err := idArg(fs.Args())
		if err != nil {
			return err
		}
		return withInsuranceAs(g, *as, func(ctx context.Context, svc *insurance.Service) error {
			r, err := svc.DecideRecomputation(ctx, id, approve, *note)
			if err != nil || *asJSON {
				r.Detail = nil
				return jsonOr(g, r, err)
			}
			printRecomputation(g, r)
			return nil
		})
	}
}
