// Command scale shows on PostgreSQL that what hrss does per person or
// per month costs the same per row however many months of history the
// database holds (ins_assessments is partitioned by period, and every
// other table is read by an index that leads with the person, the payer
// or the period). It loads -persons insured persons (default 2,000,000:
// employees of -employers employers, one in twenty a flexible worker)
// through the bulk writer, then gives them -months months of history
// (default 12) as the bureau's monthly jobs would: each month is
// assessed by insurance.Service.Assess (which creates the month's
// partition), its bills are paid in full (the payments written in bulk,
// as a legacy system's collection history would be) and it is closed
// (insurance.Service.Close), which credits the personal accounts.
//
// At each history depth of -depths (default 1, 6 and 12 months) it
// measures, medians of -rounds rounds:
//
//   - a person's statement (insurance.Service.Statement, audited) of
//     -sample persons, per credited month read;
//   - an employer's bills (insurance.Service.Bills by payer) of -sample
//     employers, per bill read;
//   - the month's run: the month's first run, and -reruns re-runs of it
//     before it is closed (each also deletes the run it replaces), per
//     person-month;
//   - the month's close (crediting the accounts in chunks), per
//     person-month credited;
//
// and prints PostgreSQL's plans of the queries over the history with the
// partitions of ins_assessments each scans. At the end it prints each
// operation's time per row at every depth and the ratio of the deepest
// to the shallowest.
//
//	createdb -h 127.0.0.1 -U postgres scale
//	go run ./bench/scale [-pg postgres://postgres@127.0.0.1:5432/scale?sslmode=disable] [-persons 2000000] [-months 12]
//
// It works in a schema of its own in that database and drops it at the
// end (-keep keeps it).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"hrss/bench/internal/insured"
	"hrss/insurance"
	"hrss/rules"
	"hrss/rules/period"
	"hrss/store"
)

// config is what the flags choose.
type config struct {
	persons, employers, months int
	depths                     []int
	sample, rounds, reruns     int
	first                      period.YearMonth
}

func main() {
	pg := flag.String("pg", "postgres://postgres@127.0.0.1:5432/scale?sslmode=disable", "PostgreSQL URL of the benchmark's database")
	var cfg config
	flag.IntVar(&cfg.persons, "persons", 2_000_000, "insured persons")
	flag.IntVar(&cfg.employers, "employers", 0, "employers (default persons/100)")
	flag.IntVar(&cfg.months, "months", 12, "months of history")
	depths := flag.String("depths", "1,6,12", "history depths measured, in months (those beyond -months are left out)")
	flag.IntVar(&cfg.sample, "sample", 200, "persons and employers read per round")
	flag.IntVar(&cfg.rounds, "rounds", 5, "rounds of reads per depth (the median is kept)")
	flag.IntVar(&cfg.reruns, "reruns", 3, "re-runs of the month's assessment per depth (the median is kept)")
	first := flag.String("first", "2025-01", "the first month of history")
	keep := flag.Bool("keep", false, "keep the benchmark's schema at the end")
	flag.Parse()
	var err error
	if cfg.first, err = period.ParseYearMonth(*first); err != nil {
		fail(err)
	}
	if cfg.depths, err = depthList(*depths, cfg.months); err != nil {
		fail(err)
	}
	if cfg.employers == 0 {
		cfg.employers = max(1, cfg.persons/100)
	}
	if cfg.persons < 1 || cfg.months < 1 || cfg.sample < 1 || cfg.rounds < 1 || cfg.reruns < 1 {
		fail(fmt.Errorf("-persons, -months, -sample, -rounds and -reruns must be at least 1"))
	}
	dsn, drop := schema(*pg, *keep)
	defer drop()
	start := time.Now()
	fmt.Printf("hrss scale benchmark: %d insured persons, %d employers, %d months from %s, depths %v; %s/%s, %d CPUs, load average %s\n\n",
		cfg.persons, cfg.employers, cfg.months, cfg.first, cfg.depths, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), loadAvg())
	res := run(dsn, cfg)
	res.print(cfg)
	fmt.Printf("\nwhole benchmark %s (loading %s), load average at the end %s\n", time.Since(start).Round(time.Second), res.loading.Round(time.Second), loadAvg())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/scale:", err)
	os.Exit(1)
}

// depthList reads -depths, keeping those within months, in order.
func depthList(s string, months int) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		d, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || d < 1 {
			return nil, fmt.Errorf("-depths: %q is not a number of months", f)
		}
		if d <= months && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("-depths %q: none within -months %d", s, months)
	}
	return out, nil
}

// schema creates the benchmark's schema in the database at base and
// returns its URL and what drops it (nothing with keep).
func schema(base string, keep bool) (string, func()) {
	dsn, drop, err := insured.Schema(base, "hrss_scale_")
	if err != nil {
		fail(fmt.Errorf("%w (create the database first: createdb -h 127.0.0.1 -U postgres scale)", err))
	}
	if keep {
		fmt.Printf("(the schema of %s is kept)\n", dsn)
		return dsn, func() {}
	}
	return dsn, drop
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// run loads the population and the history, measuring at each depth.
func run(dsn string, cfg config) *results {
	ctx, db, err := insured.Open(dsn)
	if err != nil {
		fail(err)
	}
	defer db.Close()
	params, err := rules.Embedded()
	if err != nil {
		fail(err)
	}
	svc := &insurance.Service{Store: db.Insurance(), Insured: db.InsuredReader(), Params: params, Writers: 2}
	res := &results{}
	t0 := time.Now()
	last := time.Now()
	err = insured.Populate(ctx, db, cfg.persons, cfg.employers, func(done, total int) {
		if time.Since(last) > 30*time.Second || done == total {
			fmt.Printf("  registry: %d of %d persons written, %s\n", done, total, time.Since(t0).Round(time.Second))
			last = time.Now()
		}
	})
	if err != nil {
		fail(err)
	}
	res.registry = time.Since(t0)
	fmt.Printf("registry of %d insured persons written in %s\n\n", cfg.persons, res.registry.Round(time.Second))
	for m := 1; m <= cfg.months; m++ {
		p := cfg.first.Add(m - 1)
		measured := slices.Contains(cfg.depths, m)
		t := time.Now()
		sum := assess(ctx, svc, p)
		firstRun := time.Since(t)
		res.loading += firstRun
		var d *depth
		if measured {
			d = &depth{months: m, rows: sum.Rows, firstRun: perRow(firstRun, sum.Rows)}
			for range cfg.reruns {
				var dt deletionTimes
				svc.AfterDelete = dt.mark
				t := time.Now()
				s := assess(ctx, svc, p)
				d.reruns = append(d.reruns, perRow(time.Since(t), s.Rows))
				svc.AfterDelete = nil
				fmt.Printf("  re-run of %s: %s; deletion of the previous run: %s\n", p, time.Since(t).Round(time.Millisecond), dt.String())
			}
		}
		t = time.Now()
		bills := pay(ctx, db, svc, p)
		paying := time.Since(t)
		t = time.Now()
		closeMonth(ctx, svc, p)
		closing := time.Since(t)
		res.loading += paying + closing
		if measured {
			d.close = perRow(closing, sum.Rows)
		}
		fmt.Printf("%s: assessed %d person-months in %s (%s a row), %d bills paid in %s, the month closed in %s (%s a row); load average %s\n",
			p, sum.Rows, firstRun.Round(time.Millisecond), perRow(firstRun, sum.Rows), bills, paying.Round(time.Millisecond),
			closing.Round(time.Millisecond), perRow(closing, sum.Rows), loadAvg())
		if measured {
			measure(ctx, db, svc, cfg, p, d)
			res.depths = append(res.depths, d)
			d.print()
		}
	}
	res.loading += res.registry
	return res
}

// closeMonth closes p, printing its progress every 30 s. The close
// credits the accounts in chunks of a few thousand persons, each its own
// transaction; when the store gives up on one (serialization failures on
// a busy shared PostgreSQL), it tries again after a pause, and the close
// continues from the last chunk committed.
func closeMonth(ctx context.Context, svc *insurance.Service, p period.YearMonth) {
	t0, last := time.Now(), time.Now()
	progress := func(done, total int) {
		if time.Since(last) > 30*time.Second {
			fmt.Printf("  closing %s: %d of %d persons credited, %s\n", p, done, total, time.Since(t0).Round(time.Second))
			last = time.Now()
		}
	}
	for try := 1; ; try++ {
		_, err := svc.Close(ctx, p, insurance.CloseOptions{Progress: progress})
		if err == nil {
			return
		}
		if try == 5 || !strings.Contains(err.Error(), "SQLSTATE 40001") && !strings.Contains(err.Error(), "SQLSTATE 53200") {
			fail(fmt.Errorf("closing %s (try %d): %w", p, try, err))
		}
		fmt.Printf("  closing %s, try %d: %v; continuing in 10 s\n", p, try, err)
		time.Sleep(10 * time.Second)
	}
}

func assess(ctx context.Context, svc *insurance.Service, p period.YearMonth) insurance.Summary {
	sum, err := svc.Assess(ctx, p, insurance.AssessOptions{})
	if err != nil {
		fail(fmt.Errorf("assessing %s: %w", p, err))
	}
	return sum
}

// pay pays every bill of p in full, as one collection file written in
// bulk, and returns the number of bills.
func pay(ctx context.Context, db *store.DB, svc *insurance.Service, p period.YearMonth) int {
	bills, err := svc.Bills(ctx, insurance.BillFilter{Period: p})
	if err != nil {
		fail(err)
	}
	paidOn := period.Date{Y: p.Add(1).Year(), M: p.Add(1).Month(), D: 10}
	pays := make([]insurance.Payment, len(bills))
	for i, b := range bills {
		pays[i] = insurance.Payment{Reference: fmt.Sprintf("SCALE-%s-%d-%d", p, b.PayerKind, b.PayerID), Row: i + 2,
			PayerCode: insured.PayerCode(b.PayerKind == insurance.PayerEmployer, b.PayerID), PayerKind: b.PayerKind, PayerID: b.PayerID,
			Period: p, Amount: b.Due, Applied: b.Due, PaidOn: paidOn, Status: "applied"}
	}
	im := &insurance.Import{FileName: fmt.Sprintf("scale-collections-%s.csv", p), SHA256: "-", Rows: len(pays), Actor: "bench/scale", CreatedAt: time.Now()}
	if err := db.Bulk().Payments(ctx, im, pays); err != nil {
		fail(fmt.Errorf("paying %s: %w", p, err))
	}
	return len(bills)
}
