// Command assess benchmarks the monthly assessment run (核定) of hrss on
// SQLite and on PostgreSQL: N insured person-months (default 1,000,000:
// employees of 20,000 employers and 5% flexible workers) are written
// into a fresh database, then one period is assessed by
// insurance.Service.Assess (chunked, fenced commits, bills, summary).
// Beside it, in the same run and database, it measures
//
//   - the floor: the raw bulk insert of the same rows with the same
//     columns into a scratch table with the same primary key (COPY of
//     the same binary data on PostgreSQL; one prepared INSERT per row in
//     one transaction on SQLite), then the one index the run's rows also
//     end with (the payer index), built once (store.DB.BenchFloor);
//   - a plain-SQL assessment: one INSERT … SELECT over the registry with
//     the rates joined in, which must give the same total;
//
// and prints the times, the ratios and the peak heap of the run. The
// database is brought to rest before each measurement
// (store.DB.BenchSettle: the registry vacuumed and analyzed once written,
// a checkpoint before the run and before the floor), so that none pays
// for what the one before left.
//
//	go run ./bench/assess [-n 1000000] [-pg postgres://…] [-period 2025-03]
//
// PostgreSQL runs when -pg or HRSS_TEST_POSTGRES names a database; the
// benchmark works in a schema of its own and drops it at the end.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"time"

	"hrss/bench/internal/insured"
	"hrss/insurance"
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/store"
)

func main() {
	n := flag.Int("n", 1_000_000, "insured person-months to assess")
	employers := flag.Int("employers", 20_000, "employers")
	pg := flag.String("pg", os.Getenv("HRSS_TEST_POSTGRES"), "PostgreSQL URL (default HRSS_TEST_POSTGRES); empty skips PostgreSQL")
	per := flag.String("period", "2025-03", "the period assessed")
	lite := flag.Bool("sqlite", true, "run on SQLite")
	flag.Parse()
	p, err := period.ParseYearMonth(*per)
	if err != nil {
		fail(err)
	}
	fmt.Printf("hrss assessment benchmark: %d person-months, %d employers, period %s, %s/%s, %d CPUs\n\n", *n, *employers, p, runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	dir, err := os.MkdirTemp("", "hrss-bench-assess")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	if *lite {
		bench("sqlite", filepath.Join(dir, "hrss.db"), *n, *employers, p)
	}
	if *pg != "" {
		dsn, drop, err := insured.Schema(*pg, "hrss_bench_")
		if err != nil {
			fail(err)
		}
		defer drop()
		bench("postgres", dsn, *n, *employers, p)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/assess:", err)
	os.Exit(1)
}

func bench(engine, dsn string, n, employers int, p period.YearMonth) {
	ctx, db, err := insured.Open(dsn)
	if err != nil {
		fail(err)
	}
	defer db.Close()
	t0 := time.Now()
	if err := insured.Populate(ctx, db, n, employers, nil); err != nil {
		fail(err)
	}
	fmt.Printf("%s: registry of %d person-months written in %s\n", engine, n, time.Since(t0).Round(time.Millisecond))
	if err := db.BenchSettle(ctx, true); err != nil {
		fail(err)
	}
	params, err := rules.Embedded()
	if err != nil {
		fail(err)
	}
	svc := &insurance.Service{Store: db.Insurance(), Insured: db.InsuredReader(), Params: params, Writers: 2}
	t0 = time.Now()
	nRead := 0
	if err := db.InsuredReader().EachInsured(ctx, p, func(registry.Insured) error { nRead++; return nil }); err != nil {
		fail(err)
	}
	read := time.Since(t0)
	if err := db.BenchSettle(ctx, false); err != nil {
		fail(err)
	}
	runtime.GC()
	stop := peakHeap()
	t0 = time.Now()
	var first, last time.Duration
	progress := func(done, total int) {
		if first == 0 {
			first = time.Since(t0)
		}
		last = time.Since(t0)
	}
	sum, err := svc.Assess(ctx, p, insurance.AssessOptions{Progress: progress})
	assess := time.Since(t0)
	peak := stop()
	if err != nil {
		fail(err)
	}
	rows, err := db.AssessmentRows(ctx, p)
	if err != nil {
		fail(err)
	}
	if err := db.BenchSettle(ctx, false); err != nil {
		fail(err)
	}
	write, index, err := db.BenchFloor(ctx, rows)
	if err != nil {
		fail(err)
	}
	floor := write + index
	rows = nil
	plain, total, err := db.BenchPlainSQL(ctx, p, plainRates(params, p))
	if err != nil {
		fail(err)
	}
	db.DropBenchTables(ctx)
	same := "same total"
	if money.Fen(total) != sum.Total {
		same = fmt.Sprintf("DIFFERENT total %s", money.Fen(total))
	}
	rate := func(d time.Duration) string { return fmt.Sprintf("%.0f rows/s", float64(sum.Rows)/d.Seconds()) }
	fmt.Printf("  assessment run (hrss assess)   %9s  %14s  %d bills, total %s\n", assess.Round(time.Millisecond), rate(assess), sum.Employers+sum.Flexible, sum.Total)
	fmt.Printf("  floor: raw bulk insert + index  %9s  %14s  ratio run/floor %.2f (goal <= 1.5)\n", floor.Round(time.Millisecond), rate(floor), assess.Seconds()/floor.Seconds())
	fmt.Printf("  (floor's insert alone           %9s  %14s  ratio run/insert %.2f; its payer index %s)\n", write.Round(time.Millisecond), rate(write), assess.Seconds()/write.Seconds(), index.Round(time.Millisecond))
	fmt.Printf("  plain SQL INSERT ... SELECT     %9s  %14s  ratio run/plain %.2f (goal < 1), %s\n", plain.Round(time.Millisecond), rate(plain), assess.Seconds()/plain.Seconds(), same)
	fmt.Printf("  (run phases: first chunk committed at %s, last at %s, attach, bills and switch %s)\n", first.Round(time.Millisecond), last.Round(time.Millisecond), (assess - last).Round(time.Millisecond))
	fmt.Printf("  (reading the registry alone     %9s  %14s)\n", read.Round(time.Millisecond), rate(read))
	fmt.Printf("  peak Go heap during the run     %9.0f MiB (goal <= 1024)\n\n", float64(peak)/(1<<20))
}

// peakHeap samples the live heap every 20 ms until the returned
// function is called, which returns the peak in bytes.
func peakHeap() func() uint64 {
	done := make(chan struct{})
	res := make(chan uint64)
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

// plainRates resolves the rates of every division for the plain-SQL
// assessment from the same parameters.
func plainRates(params *rules.Params, p period.YearMonth) []store.PlainRates {
	day := p.First()
	ppm := func(name, div string) int64 {
		v, err := params.Lookup(name, day, div)
		if err != nil {
			fail(err)
		}
		return v.Dec().Shift(6).IntPart()
	}
	var out []store.PlainRates
	for _, div := range insured.Divisions {
		floor, ceil, err := params.BaseLimits(div, p)
		if err != nil {
			fail(err)
		}
		r := store.PlainRates{Division: div, Floor: int64(floor), Ceiling: int64(ceil), FlexPPM: ppm("pension.flexible_rate", div), FlexBase: map[int]int64{}}
		for i, name := range []string{"pension.individual_rate", "pension.employer_rate", "medical.individual_rate", "medical.employer_rate", "unemployment.individual_rate", "unemployment.employer_rate"} {
			r.LinePPM[i] = ppm(name, div)
		}
		wi, err := params.Lookup("work_injury.base_rate", day, div)
		if err != nil {
			fail(err)
		}
		for _, row := range wi.Rows() {
			r.InjuryPPM[row.Key] = row.Value.Shift(6).IntPart()
		}
		if r.AccountPPM, err = params.AccountRatePPM(div, p); err != nil {
			fail(err)
		}
		for _, pct := range []int{60, 100, 150, 200, 300} {
			b, err := params.FlexibleBase(div, p, pct)
			if err != nil {
				fail(err)
			}
			r.FlexBase[pct] = int64(b)
		}
		out = append(out, r)
	}
	return out
}
