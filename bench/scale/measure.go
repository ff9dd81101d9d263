package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"hrss/insurance"
	"hrss/rules/period"
	"hrss/store"
)

// depth is what was measured with months of history.
type depth struct {
	months   int
	rows     int             // person-months of the month's run
	firstRun time.Duration   // the month's first run, per person-month
	reruns   []time.Duration // its re-runs, per person-month
	close    time.Duration   // the month's close, per person-month

	statement, statementCall  []time.Duration // per credited month read and per call, one a round
	bills, billsCall          []time.Duration // per bill read and per call, one a round
	statementRows, billRows   int             // rows read in a round
	sampled, sampledEmployers int             // persons and employers read a round
	plans                     []store.Plan
}

// results are the benchmark's figures.
type results struct {
	registry, loading time.Duration
	depths            []*depth
}

func perRow(d time.Duration, rows int) time.Duration {
	if rows == 0 {
		return 0
	}
	return d / time.Duration(rows)
}

// short rounds d to three or four figures.
func short(d time.Duration) time.Duration {
	switch {
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	case d >= time.Microsecond:
		return d.Round(10 * time.Nanosecond)
	}
	return d
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// sampleIDs are k IDs spread over 1..n.
func sampleIDs(n, k int) []int64 {
	k = min(k, n)
	out := make([]int64, k)
	for i := range out {
		out[i] = int64(1 + (i*n/k+i%7)%n)
	}
	return out
}

// measure reads the statements and bills of the samples, rounds times,
// and the plans of the queries over the history, with p the latest month.
func measure(ctx context.Context, db *store.DB, svc *insurance.Service, cfg config, p period.YearMonth, d *depth) {
	persons, employers := sampleIDs(cfg.persons, cfg.sample), sampleIDs(cfg.employers, cfg.sample)
	d.sampled, d.sampledEmployers = len(persons), len(employers)
	for range cfg.rounds {
		rows, el := readRound(ctx, "statements", len(persons), func(i int) (int, error) {
			st, err := svc.Statement(ctx, persons[i])
			return st.Months, err
		})
		d.statement, d.statementCall, d.statementRows = append(d.statement, perRow(el, rows)), append(d.statementCall, perRow(el, len(persons))), rows
		rows, el = readRound(ctx, "employers' bills", len(employers), func(i int) (int, error) {
			bs, err := svc.Bills(ctx, insurance.BillFilter{PayerKind: insurance.PayerEmployer, PayerID: employers[i]})
			return len(bs), err
		})
		d.bills, d.billsCall, d.billRows = append(d.bills, perRow(el, rows)), append(d.billsCall, perRow(el, len(employers))), rows
	}
	st, err := svc.Periods(ctx)
	if err != nil {
		fail(err)
	}
	i := slices.IndexFunc(st, func(s insurance.PeriodState) bool { return s.Period == p })
	if i < 0 {
		fail(fmt.Errorf("period %s not found", p))
	}
	// In the population person i's employment relation is number i
	// (persons i%20 == 0 are flexible workers instead).
	person := persons[len(persons)/2] | 1
	if d.plans, err = db.ExplainHistory(ctx, p, st[i].CurrentRun, employers[0], person, person); err != nil {
		fail(err)
	}
}

// readRound reads n times (read(i) returns the rows read) and returns
// the rows and the time taken. A round in which the store gave up on
// serialization failures (a shared PostgreSQL whose other users hold
// huge SERIALIZABLE transactions makes it summarise its conflict
// tracking, and then fails transactions that conflict with nothing) is
// thrown away, said, and read again after a pause, up to five times.
func readRound(ctx context.Context, what string, n int, read func(i int) (int, error)) (int, time.Duration) {
	for try := 1; ; try++ {
		rows, t := 0, time.Now()
		var err error
		for i := 0; i < n && err == nil; i++ {
			var r int
			r, err = read(i)
			rows += r
		}
		if err == nil {
			return rows, time.Since(t)
		}
		if try == 5 || !strings.Contains(err.Error(), "SQLSTATE 40001") {
			fail(fmt.Errorf("reading %s (try %d): %w", what, try, err))
		}
		fmt.Printf("  reading %s, try %d: %v; the round is read again in 10 s\n", what, try, err)
		time.Sleep(10 * time.Second)
	}
}

func (d *depth) print() {
	fmt.Printf("\n  with %d months of history (%d partitions of ins_assessments):\n", d.months, d.plans[0].Of)
	fmt.Printf("    statement        %9s a call, %9s a credited month (%d persons, %d months read a round; median of %d rounds)\n",
		short(median(d.statementCall)), short(median(d.statement)), d.sampled, d.statementRows, len(d.statement))
	fmt.Printf("    employer's bills %9s a call, %9s a bill (%d employers, %d bills read a round; median of %d rounds)\n",
		short(median(d.billsCall)), short(median(d.bills)), d.sampledEmployers, d.billRows, len(d.bills))
	fmt.Printf("    month's run      %9s a person-month the first run, %s a re-run (median of %d: %v)\n",
		short(d.firstRun), short(median(d.reruns)), len(d.reruns), d.reruns)
	fmt.Printf("    month's close    %9s a person-month credited\n", short(d.close))
	fmt.Printf("    plans (EXPLAIN) of the queries over the history:\n")
	for _, pl := range d.plans {
		parts := "no partitioned table"
		if pl.Partitions > 0 {
			parts = fmt.Sprintf("%d of %d partitions", pl.Partitions, pl.Of)
		}
		fmt.Printf("      %-42s %-22s scans %s\n", pl.Name, parts, strings.Join(pl.Scans, ", "))
	}
	fmt.Println()
}

// print is the table of times per row at each depth and the ratios of the
// deepest to the shallowest.
func (r *results) print(cfg config) {
	if len(r.depths) == 0 {
		return
	}
	fmt.Printf("\ntime per row at each depth of history (medians); registry loaded in %s, history in %s\n", r.registry.Round(time.Second), (r.loading - r.registry).Round(time.Second))
	fmt.Printf("  %-44s", "")
	for _, d := range r.depths {
		fmt.Printf(" %10s", fmt.Sprintf("%d months", d.months))
	}
	first, last := r.depths[0], r.depths[len(r.depths)-1]
	fmt.Printf("  %s\n", fmt.Sprintf("ratio %d/%d", last.months, first.months))
	line := func(name string, of func(*depth) time.Duration) {
		fmt.Printf("  %-44s", name)
		for _, d := range r.depths {
			fmt.Printf(" %10s", short(of(d)))
		}
		fmt.Printf("  %.2f\n", float64(of(last))/float64(max(1, of(first))))
	}
	line("statement, a credited month", func(d *depth) time.Duration { return median(d.statement) })
	line("employer's bills, a bill", func(d *depth) time.Duration { return median(d.bills) })
	line("month's run, a person-month (first run)", func(d *depth) time.Duration { return d.firstRun })
	line("month's run, a person-month (re-run)", func(d *depth) time.Duration { return median(d.reruns) })
	line("month's close, a person-month credited", func(d *depth) time.Duration { return d.close })
	line("statement, a call", func(d *depth) time.Duration { return median(d.statementCall) })
	line("employer's bills, a call", func(d *depth) time.Duration { return median(d.billsCall) })
	fmt.Printf("  (a statement and an employer's bills read one row per month of history: per call they grow with it, per row they must not;\n   the run assesses the same %d person-months each month)\n", first.rows)
}

// deletionTimes are the times of the transactions of a run's deletion of
// the run it replaces, from insurance.Service.AfterDelete: each is the
// time since the previous one committed (the first, which has none, is
// left out), so that a deletion whose transactions grow slower as it
// goes (a statement re-reading what the ones before deleted) shows as a
// last tenth slower than its first.
type deletionTimes struct {
	last  time.Time
	rows  int
	times []time.Duration
}

func (dt *deletionTimes) mark(rows int) {
	now := time.Now()
	if !dt.last.IsZero() && rows > dt.rows {
		dt.times = append(dt.times, now.Sub(dt.last))
	}
	dt.last, dt.rows = now, rows
}

// String says how many transactions deleted how many rows and bills, in
// what time, and the mean transaction of the first and the last tenth.
func (dt *deletionTimes) String() string {
	n := len(dt.times)
	if n < 10 {
		return fmt.Sprintf("%d rows and bills in %d transactions", dt.rows, n+1)
	}
	var total time.Duration
	for _, t := range dt.times {
		total += t
	}
	first, last := meanOf(dt.times[:n/10]), meanOf(dt.times[n-n/10:])
	return fmt.Sprintf("%d rows and bills in %d transactions, %s; a transaction %s in the first tenth, %s in the last (ratio %.2f)",
		dt.rows, n+1, total.Round(time.Millisecond), short(first), short(last), float64(last)/float64(max(1, first)))
}

func meanOf(ds []time.Duration) time.Duration {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(max(1, len(ds)))
}
