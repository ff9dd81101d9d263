package main

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"
)

// readGoal is the goal for the reads' p99 at goalClients clients.
const (
	readGoal    = 20 * time.Millisecond
	goalClients = 50
)

// printLevel prints one level: per kind of request hrss's and the
// floor's latencies, the p99 ratio, the rates, the monthly run and the
// server's peak memory.
func printLevel(cfg config, lv *level) {
	n, errs := lv.hrss.count()
	fn, _ := lv.floor.count()
	rate, frate := float64(n)/lv.hrss.elapsed.Seconds(), float64(fn)/lv.floor.elapsed.Seconds()
	fmt.Fprintf(cfg.Out, "%d clients, %s: hrss %d requests in %.1f s = %.0f requests/s, %d errors; floor %.0f requests/s (hrss at %.3f of the floor's rate)\n",
		lv.clients, mode(lv.think), n, lv.hrss.elapsed.Seconds(), rate, errs, frate, rate/frate)
	tw := tabwriter.NewWriter(cfg.Out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tn\terrors\tp50 ms\tp95 ms\tp99 ms\tsize B\tfloor p50\tfloor p95\tfloor p99\tp99 ratio\t")
	var reads, writes []string
	for _, k := range kinds {
		printRow(tw, k.name, lv.hrss.kinds[k.name], lv.floor.kinds[k.name])
		if k.write {
			writes = append(writes, k.name)
		} else {
			reads = append(reads, k.name)
		}
	}
	printRow(tw, "reads", lv.hrss.merged(reads), lv.floor.merged(reads))
	printRow(tw, "writes", lv.hrss.merged(writes), lv.floor.merged(writes))
	tw.Flush()
	run := fmt.Sprintf("%s assessed again (%d persons) in %.1f s", "the monthly run", lv.run.persons, lv.run.took.Seconds())
	if lv.run.err != nil {
		run = "the monthly run FAILED: " + lv.run.err.Error()
	}
	peak := "during the level"
	if !lv.peakOfLevel {
		peak = "since the server started"
	}
	q := lv.hrss.merged(reads).quantiles()
	fq := lv.floor.merged(reads).quantiles()
	goal := ""
	switch {
	case lv.clients >= goalClients && lv.think > 0:
		goal = fmt.Sprintf(" (goal ≤ %s ms at %d paced clients: met)", ms(readGoal), goalClients)
		if q[2] > readGoal {
			goal = strings.Replace(goal, "met", "MISSED", 1)
		}
	case lv.clients >= goalClients:
		goal = fmt.Sprintf(" (%s × the floor's %s ms; the goal is judged on paced clients, -think)", ratio(q[2], fq[2]), ms(fq[2]))
	}
	fmt.Fprintf(cfg.Out, "  %s; server peak memory %.0f MiB (VmHWM %s); load average %s; reads p99 %s ms%s\n", run, lv.peakMiB, peak, loadAverage(), ms(q[2]), goal)
	fmt.Fprintf(cfg.Out, "  server: %s\n", lv.sched)
	for _, k := range kinds {
		if ks := lv.hrss.kinds[k.name]; ks != nil {
			for _, e := range ks.first {
				fmt.Fprintf(cfg.Out, "  error (%s): %s\n", k.name, e)
			}
		}
	}
	fmt.Fprintln(cfg.Out)
}

func printRow(tw *tabwriter.Writer, name string, h, f *kindStats) {
	if h == nil || len(h.lat) == 0 {
		return
	}
	q, fq := h.quantiles(), f.quantiles()
	size := 0
	if len(h.sizes) > 0 {
		for _, s := range h.sizes {
			size += s
		}
		size /= len(h.sizes)
	}
	fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t\n", name, len(h.lat), h.errs, ms(q[0]), ms(q[1]), ms(q[2]), size, ms(fq[0]), ms(fq[1]), ms(fq[2]), ratio(q[2], fq[2]))
}

// mode names how the clients of a level send.
func mode(think time.Duration) string {
	if think == 0 {
		return "closed loop"
	}
	return "paced (think time " + think.String() + " on average)"
}

// loadAverage is the machine's load average over 1, 5 and 15 minutes
// (Linux), or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}
