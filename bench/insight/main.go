// Command insight benchmarks the bureau's indicators over a demo city:
// every indicator of insight.Catalogue for the city and its seven
// divisions over the twelve months of a year (insight.Service.Indicators,
// as the indicators page asks), beside a floor measured in the same run
// on the same database: the same counts as the plain SQL GROUP BY
// queries alone, run straight through database/sql with nothing around
// them (store.InsightFloor). It prints the median times, the ratio (goal
// ≤ 1.5), the time of each indicator and checks that both give the same
// numbers.
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
	var svcT, floorT []time.Duration
	var rows []insight.Row
	var floor map[string][]insight.Cell
	for i := 0; i < runs; i++ {
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
	}
	if err := same(rows, floor); err != nil {
		return err
	}
	fmt.Printf("  floor: the plain SQL GROUP BY queries alone   %8.3f s\n", median(floorT).Seconds())
	fmt.Printf("  hrss: every indicator, division and month     %8.3f s  ratio %.2f (goal <= 1.5)\n\n", median(svcT).Seconds(),
		median(svcT).Seconds()/median(floorT).Seconds())
	return perIndicator(ctx, svc, year)
}

// perIndicator times each indicator alone (one page of the screens asks
// for one indicator at a time).
func perIndicator(ctx context.Context, svc *insight.Service, year int) error {
	for _, ind := range insight.Catalogue {
		start := time.Now()
		rows, err := svc.Indicators(ctx, insight.Query{Year: year, Names: []string{ind.Name}})
		if err != nil {
			return err
		}
		city := rows[0]
		fmt.Printf("  %-32s %7.3f s   city %s\n", ind.Name, time.Since(start).Seconds(), city.Value)
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
