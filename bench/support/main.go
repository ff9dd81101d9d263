// Command support benchmarks the support programmes' proactive scan
// (免申即享) over a demo city: it scans the job expansion programme, and
// then every programme, from an unscanned state, and measures beside them
// in the same run and database the floor: one plain SQL query that
// selects the same eligible hires (store.PlainExpansionPersons), whose
// persons must equal the scan's. It prints the median times, the ratio to
// the floor (goal ≤ 2) and the peak Go heap of a scan (goal ≤ 1 GiB).
//
//	go run ./cmd/hrss demo --no-serve --persons 1000000 --db city.db   # once
//	go run ./bench/support -db city.db [-runs 3] [-as-of YYYY-MM-DD]
//
// It deletes the database's grants, batches, payment runs and scans
// before each run (store.ResetSupport): run it on a demo city only.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"sort"
	"time"

	"hrss/access"
	"hrss/rules"
	"hrss/rules/period"
	"hrss/store"
	"hrss/support"
)

func main() {
	dsn := flag.String("db", "hrss.db", "the demo city: a SQLite file or a postgres:// URL")
	runs := flag.Int("runs", 3, "timed runs of each step (the median is reported)")
	asOfText := flag.String("as-of", "", "the day the records are read as of (default today)")
	code := flag.String("programme", "expansion_2025", "the job expansion programme measured against the floor")
	flag.Parse()
	asOf := period.FromTime(time.Now())
	if *asOfText != "" {
		d, err := period.ParseDate(*asOfText)
		if err != nil {
			fail(err)
		}
		asOf = d
	}
	if err := run(*dsn, *code, asOf, *runs); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/support:", err)
	os.Exit(1)
}

func run(dsn, code string, asOf period.Date, runs int) error {
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
	svc := &support.Service{Store: db.Support(), Params: params, Now: func() time.Time { return asOf.Time().Add(9 * time.Hour) }}
	g, err := params.Programme(code)
	if err != nil {
		return err
	}
	q, err := store.PlainExpansionOf(params, g, "330400", asOf)
	if err != nil {
		return err
	}
	fmt.Printf("bench/support: %s database %s, as of %s, %d runs, %d CPUs\n\n", db.Engine(), dsn, asOf, runs, runtime.NumCPU())

	var floor, one, all []time.Duration
	var want []int64
	var peak uint64
	var last support.Scan
	for i := 0; i < runs; i++ {
		start := time.Now()
		if want, err = db.PlainExpansionPersons(ctx, q); err != nil {
			return err
		}
		floor = append(floor, time.Since(start))

		d, sc, _, err := timedScan(ctx, db, svc, code, asOf)
		if err != nil {
			return err
		}
		one = append(one, d)
		if err := samePersons(ctx, svc, code, want); err != nil {
			return err
		}
		d, sc, p, err := timedScan(ctx, db, svc, "", asOf)
		if err != nil {
			return err
		}
		all, peak, last = append(all, d), max(peak, p), sc
	}
	fmt.Printf("  floor: plain SQL selecting the eligible hires of %s  %8.3f s  (%d persons)\n", code, median(floor).Seconds(), len(want))
	fmt.Printf("  scan of %-38s %8.3f s  ratio %.2f (goal <= 2), grants equal to the floor's persons\n", code, median(one).Seconds(), ratio(one, floor))
	fmt.Printf("  scan of every programme                        %8.3f s  ratio %.2f to the floor of one\n", median(all).Seconds(), ratio(all, floor))
	fmt.Printf("  peak Go heap during a scan of every programme  %8.0f MiB (goal <= 1024)\n\n", float64(peak)/(1<<20))
	for _, c := range sortedKeys(last.ByProgramme) {
		p := last.ByProgramme[c]
		fmt.Printf("  %-18s %9d candidates %8d grants %16s yuan\n", c, p.Candidates, p.Created, p.Amount)
	}
	return db.ResetSupport(ctx)
}

// timedScan resets the grants and times one scan, with its peak heap.
func timedScan(ctx context.Context, db *store.DB, svc *support.Service, code string, asOf period.Date) (time.Duration, support.Scan, uint64, error) {
	if err := db.ResetSupport(ctx); err != nil {
		return 0, support.Scan{}, 0, err
	}
	runtime.GC()
	stop := peakHeap()
	start := time.Now()
	sc, err := svc.Scan(ctx, support.ScanOptions{Programme: code, AsOf: asOf})
	d := time.Since(start)
	return d, sc, stop(), err
}

// samePersons checks the scan's grants of code against the floor's persons.
func samePersons(ctx context.Context, svc *support.Service, code string, want []int64) error {
	gs, err := svc.Grants(ctx, support.GrantFilter{Programme: code})
	if err != nil {
		return err
	}
	got := make([]int64, 0, len(gs))
	for _, g := range gs {
		got = append(got, g.PersonID)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		return fmt.Errorf("the scan granted %d persons, the plain SQL finds %d: they differ", len(got), len(want))
	}
	return nil
}

// peakHeap samples the live heap every 20 ms until the returned function
// is called, which returns the peak in bytes.
func peakHeap() func() uint64 {
	done, res := make(chan struct{}), make(chan uint64)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-done:
				res <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-res }
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ratio(a, b []time.Duration) float64 { return median(a).Seconds() / median(b).Seconds() }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
