// Command load is hrss's load test. It builds hrss from this tree, starts
// `hrss serve` as a child process on a free loopback port over a copy of
// a demo city (a SQLite file is copied to a temporary folder; a
// PostgreSQL database is written to, so it must be a scratch database),
// signs in users of every role, and then, at each number of concurrent
// clients (1, 10 and 50 by default), mixes person searches, person
// pages, statements, pension estimates, employer bills, hires, wage
// declarations and collection imports while a monthly run (the
// assessment of the latest open period) goes on in the background.
//
// It prints requests per second, p50/p95/p99 per kind of request, the
// errors (goal 0) and the server's peak memory (VmHWM of its process),
// and beside them a floor measured in the same run: the same requests,
// from the same clients, answered by a bare net/http handler that returns
// a recorded hrss response of the same kind and size (the cost of HTTP
// alone), with the ratio. The goal is p99 ≤ 20 ms for the reads at 50
// clients. Clients send in a closed loop, each its next request as soon
// as the last is answered; with -think each level is run again with
// paced clients, who wait an exponentially distributed think time
// between requests as caseworkers at their screens do. The goal is
// judged on paced clients: 50 closed-loop clients on a small machine
// queue behind each other (the floor itself is near 20 ms there), so
// their figures are printed beside the floor's, with the ratio. After the load it reads back every write that was answered
// 2xx (hires, wage declarations, imported payments) through the API and
// exits 1 if any is missing, or if any request failed.
//
// Loopback only, bounded in requests and time, it stops by itself:
//
//	go run ./cmd/hrss demo --no-serve --persons 20000 --db /tmp/load/city.db --key-file /tmp/load/city.key
//	go run ./bench/load -db /tmp/load/city.db -key-file /tmp/load/city.key [-clients 1,10,50] [-duration 20s] [-think 1s [-paced-only]]
//	go run ./bench/load -db 'postgres://postgres@127.0.0.1:5432/scratch?sslmode=disable' -scratch -key-file city.key
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"
)

// config is what one run of the load test is given.
type config struct {
	DB       string        // the demo city: a SQLite file (copied) or a postgres:// URL (a scratch database, written to)
	KeyFile  string        // the city's key file
	Scratch  bool          // the PostgreSQL database may be written to
	Binary   string        // a built hrss; empty: build it from this tree
	Clients  []int         // concurrent clients of each level
	Think    time.Duration // >0: each level is also run with paced clients, who wait this long on average between requests
	Paced    bool          // with Think: the paced clients only, no closed loop
	Duration time.Duration // how long each level sends requests (at least until its monthly run ends)
	Requests int           // at most this many requests per level
	RunLimit time.Duration // a level waits at most this long for its monthly run
	Citizens int           // citizens signed in (each client acts for one)
	Agents   int           // employer agents signed in, each of another employer
	Seed     int64
	Keep     bool   // keep the temporary folder (database copy, server log)
	Pprof    string // the server's profiler address (hrss serve --pprof), empty none
	Out      io.Writer

	// tamper, when set, runs after the load and before the check of the
	// writes, with the database, what was acknowledged and the check (the
	// test checks, removes a write, and sees the run's check fail).
	tamper func(db string, l *ledger, verify func() ([]string, error)) error
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/load:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if _, err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench/load:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	cfg := config{Out: os.Stdout}
	fs.StringVar(&cfg.DB, "db", "", "the demo city: a SQLite file (a copy is written) or a postgres:// URL of a scratch database (written to; needs -scratch)")
	fs.StringVar(&cfg.KeyFile, "key-file", "", "the city's key file (hrss demo --key-file)")
	fs.BoolVar(&cfg.Scratch, "scratch", false, "confirm that the PostgreSQL database is a scratch database the test may write to")
	fs.StringVar(&cfg.Binary, "hrss", "", "an hrss binary to serve with (default: built from this tree)")
	clients := fs.String("clients", "1,10,50", "concurrent clients of each level, comma-separated")
	fs.DurationVar(&cfg.Think, "think", 0, "also run each level with paced clients that think this long on average (exponentially distributed) between requests, as caseworkers do; 0: closed loop only")
	fs.BoolVar(&cfg.Paced, "paced-only", false, "with -think: run the paced clients only, not the closed loop")
	fs.DurationVar(&cfg.Duration, "duration", 20*time.Second, "how long each level sends requests (it also lasts until its monthly run ends)")
	fs.IntVar(&cfg.Requests, "requests", 50000, "at most this many requests per level")
	fs.DurationVar(&cfg.RunLimit, "run-limit", 10*time.Minute, "a level waits at most this long for its monthly run")
	fs.IntVar(&cfg.Citizens, "citizens", 20, "citizen users (each client acts for one of them)")
	fs.IntVar(&cfg.Agents, "agents", 10, "employer agent users, of as many employers")
	fs.Int64Var(&cfg.Seed, "seed", 1, "seed of the clients' choices")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the temporary folder (database copy, server log)")
	fs.StringVar(&cfg.Pprof, "pprof", "", "serve the server's profiler on this loopback address (hrss serve --pprof), to profile it under the load")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	var err error
	if cfg.Clients, err = parseClients(*clients); err != nil {
		return cfg, err
	}
	return cfg, cfg.check()
}

// parseClients reads "1,10,50".
func parseClients(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1000 {
			return nil, fmt.Errorf("-clients: %q is not a number of clients between 1 and 1000", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func (cfg config) check() error {
	switch {
	case cfg.DB == "":
		return errors.New("-db: name the demo city (a SQLite file or a postgres:// URL)")
	case cfg.KeyFile == "":
		return errors.New("-key-file: name the city's key file")
	case !exists(cfg.KeyFile):
		return fmt.Errorf("-key-file: %s does not exist (hrss would make a new key that opens none of the city's resident IDs)", cfg.KeyFile)
	case isPostgres(cfg.DB) && !cfg.Scratch:
		return errors.New("-db: a PostgreSQL database is written to by the load; name a scratch database and pass -scratch")
	case cfg.Think < 0:
		return errors.New("-think must not be negative")
	case cfg.Paced && cfg.Think == 0:
		return errors.New("-paced-only needs -think: the paced clients' mean think time")
	case cfg.Duration <= 0 || cfg.Requests < 1:
		return errors.New("-duration and -requests must be positive")
	case cfg.Citizens < 1 || cfg.Agents < 1:
		return errors.New("-citizens and -agents must be at least 1")
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}
