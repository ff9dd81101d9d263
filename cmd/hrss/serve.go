package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"hrss/store"
	"hrss/support"
	"hrss/web"
)

func runServe(g *globals, args []string) error {
	fs := newFlags(g, "serve", "serve [--addr HOST:PORT] [--scan-every DURATION]")
	addr := fs.String("addr", envOr("HRSS_ADDR", "127.0.0.1:8080"), "address to listen on (env HRSS_ADDR)")
	fs.DurationVar(&g.scanEvery, "scan-every", 24*time.Hour, "run the support programmes' proactive scan at start and then this often (0: never)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.close()
	return serveApp(ctx, g, a, *addr)
}

// serveApp serves a on addr until ctx ends, then shuts down gracefully.
func serveApp(ctx context.Context, g *globals, a *app, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if err := checkServingKey(ctx, g, a.db); err != nil { // rekey.go
		ln.Close()
		return err
	}
	slog.SetDefault(slog.New(web.LogHandler(slog.NewJSONHandler(g.stderr, nil)))) // JSON lines with request IDs
	ws := a.server()
	if ws.Rules, err = loadParams(g); err != nil { // the screens compute with the same parameters as the CLI
		ln.Close()
		return err
	}
	ws.DB, ws.MetricsToken, ws.RequestLog = a.db, envOr("HRSS_METRICS_TOKEN", ""), slog.Default() // /readyz, /metrics, request log (web/ops.go)
	srv := web.NewHTTPServer(addr, ws.Handler())
	fmt.Fprintf(g.stdout, "hrss serving %s database on http://%s/ (API: http://%s/api/v1/openapi.json); Ctrl-C stops\n", engineName(a.db), ln.Addr(), ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if g.scanEvery > 0 && ws.Support != nil {
		go scheduleScans(ctx, ws.Support, g.scanEvery, ws.ObserveJob)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func engineName(db *store.DB) string {
	if db.Engine() == store.Postgres {
		return "PostgreSQL"
	}
	return "SQLite"
}

func runMigrate(g *globals, args []string) error {
	fs := newFlags(g, "migrate", "migrate")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx := context.Background()
	db, err := store.Open(ctx, g.db)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "applied %d migration(s) to the %s database\n", n, engineName(db))
	return nil
}

// scheduleScans runs the support programmes' proactive scan (免申即享) as
// System at start and then every interval until ctx ends, logging each
// outcome and recording its duration in the metrics (observe). A scan is
// idempotent (the grants' unique keys), so a scan that two servers run at
// once creates each grant once.
func scheduleScans(ctx context.Context, svc *support.Service, every time.Duration, observe func(job string, started time.Time, err error)) {
	ctx = systemContext(ctx)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		started := time.Now()
		sc, err := svc.Scan(ctx, support.ScanOptions{})
		observe(web.JobSupportScan, started, err)
		if err != nil {
			slog.Error("support scan", "err", err)
		} else {
			slog.Info("support scan", "scan", sc.ID, "as_of", sc.AsOf.String(), "eligible", sc.Eligible, "created", sc.Created, "revoked", sc.Revoked)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
