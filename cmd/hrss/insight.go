package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"hrss/access"
	"hrss/insight"
	"hrss/insurance"
	"hrss/rules"
	"hrss/rules/msg"
	"hrss/web"
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
	fs := newFlags(g, "indicators", "indicators --year YYYY [--division D] [--indicator NAME,…] [--json] [--refresh]\n"+
		"       indicators --drill NAME --division D --period YYYY-MM [--json]\n"+
		"       indicators --refresh\n\n"+
		"The bureau's indicators for the year by division and month, with targets and status; or the records behind one count.\n"+
		"--refresh first brings the indicators' summary up to date (hrss serve does so every minute; figures never depend on it).")
	year := fs.Int("year", 0, "the year")
	div := fs.String("division", "", "one division (330400 the city; default the city and every division)")
	names := fs.String("indicator", "", "comma-separated indicators (default all)")
	drill := fs.String("drill", "", "list the records behind this indicator's count (with --division and --period)")
	per := fs.String("period", "", "the month of a drill-down, YYYY-MM")
	as := fs.String("as", "", "act as this user (default the system operator)")
	asJSON := fs.Bool("json", false, `print [{"name","division","value","target","status","by_month"}]`)
	refresh := fs.Bool("refresh", false, "bring the indicators' summary up to date first")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *refresh {
		if err := refreshSummary(g, *as, *year == 0 && *drill == ""); err != nil || (*year == 0 && *drill == "") {
			return err
		}
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
		return jobsTable(g.stdout, g.cols("indicator", "division", "ytd", "target", "status"), func(tw *tabwriter.Writer) {
			for _, r := range rows {
				t := "-"
				if r.Target != nil {
					t = *r.Target
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Division, r.Value, t, r.Status)
			}
		})
	})
}

// refreshSummary brings the indicators' summary up to date, saying what
// it did when report is set.
func refreshSummary(g *globals, as string, report bool) error {
	return withInsight(g, as, func(ctx context.Context, svc *insight.Service) error { return refreshWith(ctx, g, svc, report) })
}

// refreshWith is refreshSummary with the service at hand.
func refreshWith(ctx context.Context, g *globals, svc *insight.Service, report bool) error {
	start := time.Now()
	rep, err := svc.Refresh(ctx)
	if err == nil && report {
		g.say("cli.indicators.refreshed", msg.Int("months", rep.Months), msg.Text("seconds", fmt.Sprintf("%.1f", time.Since(start).Seconds())))
	}
	return err
}

// addInsightCheck appends to rep the indicators' summary checked against
// the records: every indicator-month it holds, recomputed.
func addInsightCheck(g *globals, rep *insurance.CheckReport) error {
	return withInsight(g, "", func(ctx context.Context, svc *insight.Service) error {
		n, breaches, err := svc.CheckSummary(ctx)
		if err != nil {
			return err
		}
		rep.Results = append(rep.Results, insurance.CheckResult{Invariant: "insight_summary", Checked: n, Breaches: breaches, OK: len(breaches) == 0})
		rep.OK = rep.OK && len(breaches) == 0
		return nil
	})
}

// scheduleRefresh brings the indicators' summary up to date as System
// at once and then every interval until ctx ends. Every server may run
// it: two refreshes at once are safe, the one overtaken writes nothing.
func scheduleRefresh(ctx context.Context, svc *insight.Service, every time.Duration, observe func(job string, started time.Time, err error)) {
	ctx = access.Background(systemContext(ctx)) // batch work: the requests' writes go first
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		started := time.Now()
		var rep insight.RefreshReport
		var err error
		access.Lowered(ctx, func() { rep, err = svc.Refresh(ctx) }) // at the batch work's priority
		if rep.Months > 0 || err != nil {
			observe(web.JobInsightRefresh, started, err)
		}
		if err != nil && ctx.Err() == nil {
			slog.Error("insight refresh", "err", err)
		} else if rep.Months > 0 {
			slog.Info("insight refresh", "months", rep.Months, "seconds", time.Since(started).Seconds())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
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
			return printJSON(g, rep)
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
