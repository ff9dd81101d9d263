// Command insight benchmarks the bureau's indicators over a demo city:
// every indicator of insight.Catalogue for the city and its seven
// divisions over the twelve months of a year (insight.Service.Indicators,
// as the indicators page asks), beside a floor measured in the same run
// on the same database: the same counts as the plain SQL GROUP BY
// queries alone, run straight through database/sql with nothing around
// them (store.InsightFloor). It times hrss with the summary empty (every
// figure from the records: the ratio to the floor, goal ≤ 1.5), the
// refresh that fills the summary, and then the pages as the screens ask
// for them, each indicator alone and all of them (goal < 1 s a page),
// and checks that every way gives the floor's numbers.
//
//	go run ./cmd/hrss demo --no-serve --persons 1000000 --months 12 --db city.db   # once
//	go run ./bench/insight -db city.db [-year 2026] [-runs 3]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	"hrss/access"
	"hrss/insight"
	"hrss/rules"
	"hrss/store"
)

func main() {
	dsn := flag.String("db", "hrss.db", "the demo city: a SQLite file or a postgres:// URL")
	year := flag.Int("year", time.Now().Year(), "the year")
	runs := flag.Int("runs", 3, "timed runs (the median is reported)")
	flag.Parse()
	if err := run(*dsn, *year, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench/insight:", err)
		os.Exit(1)
	}
}

func run(dsn string, year, runs int) error {
	ctx := access.WithCaller(context.Background(), access.System)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	params, err := rules.Embedded()
	if err != nil {
		return err
	}
	svc := &insight.Service{Store: db.Insight(), Params: params}
	months := svc.Months(year)
	fmt.Printf("bench/insight: %s database %s, year %d (%d months), %d indicators × 8 divisions, %d runs\n\n",
		db.Engine(), dsn, year, len(months), len(insight.Catalogue), runs)
	var svcT, floorT, refreshT, warmT []time.Duration
	var rows, warm []insight.Row
	var floor map[string][]insight.Cell
	for i := 0; i < runs; i++ {
		if err := db.ForgetInsightSummary(ctx); err != nil {
			return err
		}
		start := time.Now()
		if floor, err = db.InsightFloor(ctx, months); err != nil {
			return err
		}
		floorT = append(floorT, time.Since(start))
		start = time.Now()
		if rows, err = svc.Indicators(ctx, insight.Query{Year: year}); err != nil {
			return err
		}
		svcT = append(svcT, time.Since(start))
		start = time.Now()
		if _, err := svc.Refresh(ctx); err != nil {
			return err
		}
		refreshT = append(refreshT, time.Since(start))
		start = time.Now()
		if warm, err = svc.Indicators(ctx, insight.Query{Year: year}); err != nil {
			return err
		}
		warmT = append(warmT, time.Since(start))
	}
	for _, r := range [][]insight.Row{rows, warm} {
		if err := same(r, floor); err != nil {
			return err
		}
	}
	fl := median(floorT).Seconds()
	fmt.Printf("  floor: the plain SQL GROUP BY queries alone              %8.3f s\n", fl)
	fmt.Printf("  hrss, summary empty: every indicator from the records    %8.3f s  ratio %.2f (goal <= 1.5)\n", median(svcT).Seconds(), median(svcT).Seconds()/fl)
	fmt.Printf("  refresh: the summary of this year and the last computed  %8.3f s  ratio %.2f (two years)\n", median(refreshT).Seconds(), median(refreshT).Seconds()/fl)
	fmt.Printf("  hrss, summary held: the whole indicators page            %8.3f s  ratio %.4f (goal < 1 s)\n\n", median(warmT).Seconds(), median(warmT).Seconds()/fl)
	return perIndicator(ctx, svc, year)
}

// perIndicator times each indicator's page alone (an indicator's page
// asks for one indicator, the city and every division), from the summary.
func perIndicator(ctx context.Context, svc *insight.Service, year int) error {
	fmt.Println("  each indicator's page from the summary (goal < 1 s):")
	slowest := time.Duration(0)
	for _, ind := range insight.Catalogue {
		start := time.Now()
		rows, err := svc.Indicators(ctx, insight.Query{Year: year, Names: []string{ind.Name}})
		if err != nil {
			return err
		}
		took := time.Since(start)
		slowest = max(slowest, took)
		fmt.Printf("    %-32s %7.4f s   city %s\n", ind.Name, took.Seconds(), rows[0].Value)
	}
	fmt.Printf("  slowest page %.4f s\n", slowest.Seconds())
	return drillPages(ctx, svc, year)
}

// drillPages times the last step of a drill-down: the persons behind a
// count of 南湖区 in the year's latest complete month (always from the
// records), for every indicator that lists persons.
func drillPages(ctx context.Context, svc *insight.Service, year int) error {
	months := svc.Months(year)
	m := months[max(len(months)-2, 0)].Period
	fmt.Printf("  the persons behind each count of 330402 in %s (from the records, goal < 1 s):\n", m)
	for _, ind := range insight.Catalogue {
		if !ind.Persons {
			continue
		}
		start := time.Now()
		recs, err := svc.Drill(ctx, ind.Name, "330402", m, 0)
		if err != nil {
			return fmt.Errorf("drill-down of %s: %w", ind.Name, err)
		}
		fmt.Printf("    %-32s %7.4f s   %d records\n", ind.Name, time.Since(start).Seconds(), len(recs))
	}
	return nil
}

// same checks that the floor's cells sum to the service's city figures
// month by month.
func same(rows []insight.Row, floor map[string][]insight.Cell) error {
	for _, r := range rows {
		if r.Division != "330400" {
			continue
		}
		ind, _ := insight.ByName(r.Name)
		byMonth := map[string]insight.Figure{}
		for _, c := range floor[r.Name] {
			f := byMonth[c.Period.String()]
			f.Num, f.Den = f.Num+c.Num, f.Den+c.Den
			byMonth[c.Period.String()] = f
		}
		for m, v := range r.ByMonth {
			if got := byMonth[m].Text(ind.Unit); got != v && !(v == "0" || v == "0.00" || v == "") {
				return fmt.Errorf("%s %s: hrss %s, the floor %s", r.Name, m, v, got)
			}
		}
	}
	return nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
