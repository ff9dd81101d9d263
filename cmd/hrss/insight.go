package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"hrss/insight"
	"hrss/rules"
)

// insightService returns the indicators' service of a.
func insightService(g *globals, a *app) (*insight.Service, error) {
	params, err := rules.Load(g.params)
	if err != nil {
		return nil, err
	}
	return &insight.Service{Store: a.db.Insight(), Params: params}, nil
}

// webInsight is insightService for the web server.
func webInsight(a *app) *insight.Service {
	svc, err := insightService(&globals{params: a.params}, a)
	if err != nil {
		return nil
	}
	return svc
}

// withInsight opens the app and runs fn with the indicators' service, as
// System or as the user named by as (withUser).
func withInsight(g *globals, as string, fn func(ctx context.Context, svc *insight.Service) error) error {
	return withUser(g, as, func(ctx context.Context, a *app) error {
		svc, err := insightService(g, a)
		if err != nil {
			return err
		}
		return fn(ctx, svc)
	})
}

func runIndicators(g *globals, args []string) error {
	fs := newFlags(g, "indicators", "indicators --year YYYY [--division D] [--indicator NAME,…] [--json]\n"+
		"       indicators --drill NAME --division D --period YYYY-MM [--json]\n\n"+
		"The bureau's indicators for the year by division and month, with targets and status; or the records behind one count.")
	year := fs.Int("year", 0, "the year")
	div := fs.String("division", "", "one division (330400 the city; default the city and every division)")
	names := fs.String("indicator", "", "comma-separated indicators (default all)")
	drill := fs.String("drill", "", "list the records behind this indicator's count (with --division and --period)")
	per := fs.String("period", "", "the month of a drill-down, YYYY-MM")
	as := fs.String("as", "", "act as this user (default the system operator)")
	asJSON := fs.Bool("json", false, `print [{"name","division","value","target","status","by_month"}]`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *drill != "" {
		return drillDown(g, *as, *drill, *div, *per, *asJSON)
	}
	q := insight.Query{Year: *year, Division: *div}
	if *names != "" {
		q.Names = strings.Split(*names, ",")
	}
	return withInsight(g, *as, func(ctx context.Context, svc *insight.Service) error {
		rows, err := svc.Indicators(ctx, q)
		if err != nil || *asJSON {
			return orJSON(g, rows, err)
		}
		fmt.Fprintf(g.stdout, "%-32s %-8s %16s %16s %-10s\n", "indicator", "division", "year to date", "target", "status")
		for _, r := range rows {
			t := "-"
			if r.Target != nil {
				t = *r.Target
			}
			fmt.Fprintf(g.stdout, "%-32s %-8s %16s %16s %-10s\n", r.Name, r.Division, r.Value, t, r.Status)
		}
		return nil
	})
}

func drillDown(g *globals, as, name, div, per string, asJSON bool) error {
	p, err := periodFlag(per)
	if err != nil {
		return err
	}
	return withInsight(g, as, func(ctx context.Context, svc *insight.Service) error {
		recs, err := svc.Drill(ctx, name, div, p, 0)
		if err != nil || asJSON {
			return orJSON(g, recs, err)
		}
		fmt.Fprintf(g.stdout, "%d records behind %s in %s, %s:\n", len(recs), name, div, p)
		for _, r := range recs {
			fmt.Fprintf(g.stdout, "  %+d person %-8d %-10s %-26s #%-8d %s %s\n", r.Sign, r.PersonID, r.Name, r.What, r.Ref, r.Date, r.Amount)
		}
		return nil
	})
}

func runReport(g *globals, args []string) error {
	fs := newFlags(g, "report", "report --period YYYY-MM [--out FILE.xlsx] [--json]\n\nThe fixed-format monthly report of the month's figures by division.")
	per := fs.String("period", "", "the month, YYYY-MM")
	out := fs.String("out", "", "write the report as an Excel workbook")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p, err := periodFlag(*per)
	if err != nil {
		return err
	}
	return withInsight(g, "", func(ctx context.Context, svc *insight.Service) error {
		rep, err := svc.Report(ctx, p)
		if err != nil {
			return err
		}
		if *out != "" {
			data, err := rep.XLSX()
			if err != nil {
				return err
			}
			if err := os.WriteFile(*out, data, 0o600); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "Monthly report of %s written to %s.\n", p, *out)
		}
		if *asJSON {
			return printJSON(g.stdout, rep)
		}
		if *out == "" {
			printReport(g, rep)
		}
		return nil
	})
}

func printReport(g *globals, rep insight.Report) {
	fmt.Fprintf(g.stdout, "Monthly report %s\n", rep.Period)
	for i, c := range rep.Columns {
		fmt.Fprintf(g.stdout, "\n%s (%s)\n", c.ZH, c.EN)
		for _, r := range rep.Rows {
			fmt.Fprintf(g.stdout, "  %-8s %16s %16s\n", r.Division, r.Month[i], r.YTD[i])
		}
	}
}

func runTargets(g *globals, args []string) error {
	if len(args) == 0 || (args[0] != "set" && args[0] != "list") {
		fmt.Fprintln(g.stderr, "Usage: hrss targets set --year Y --indicator NAME --division D --value V [--as USER] | list --year Y [--json]")
		return errUsage
	}
	fs := newFlags(g, "targets "+args[0], "targets "+args[0]+" [flags]")
	var in insight.TargetInput
	fs.IntVar(&in.Year, "year", time.Now().Year(), "the year")
	fs.StringVar(&in.Indicator, "indicator", "", "set: the indicator")
	fs.StringVar(&in.Division, "division", "330400", "set: the division (330400 the city)")
	fs.StringVar(&in.Value, "value", "", "set: a count, an amount in yuan, or a rate in percent")
	as := fs.String("as", "", "set: the analyst setting it (default the system operator)")
	asJSON := fs.Bool("json", false, "list: print JSON")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	return withInsight(g, *as, func(ctx context.Context, svc *insight.Service) error {
		if args[0] == "set" {
			t, err := svc.SetTarget(ctx, in)
			if err == nil {
				fmt.Fprintf(g.stdout, "Target %d %s %s = %s (set by %s).\n", t.Year, t.Indicator, t.Division, t.Text, t.SetBy)
			}
			return err
		}
		ts, err := svc.Targets(ctx, in.Year)
		if err != nil || *asJSON {
			return orJSON(g, ts, err)
		}
		for _, t := range ts {
			fmt.Fprintf(g.stdout, "%d %-32s %-8s %16s  %s %s\n", t.Year, t.Indicator, t.Division, t.Text, t.SetBy, t.SetAt.Format("2006-01-02 15:04"))
		}
		return nil
	})
}
