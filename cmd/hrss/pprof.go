package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"runtime"
	"time"

	"hrss/rules/fault"
)

// checkPprofAddr refuses a profiler address that is not a loopback
// HOST:PORT: the profiles show the server's memory and code, so they
// are never served beside the application or to the network.
func checkPprofAddr(addr string) error {
	if addr == "" {
		return nil
	}
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().IsLoopback() {
		return fault.Invalidf("pprof", "serve.pprof_loopback", "--pprof %q: give a loopback address and port, such as 127.0.0.1:6060", addr)
	}
	return nil
}

// Sampling of the block and mutex profiles while the profiler is served:
// one blocking event per blockRate spent blocked, one mutex contention in
// mutexFraction. Where requests wait (the pool's connections, the
// journal, the gate) shows in /debug/pprof/block and /debug/pprof/mutex.
const (
	blockRate     = int(time.Millisecond)
	mutexFraction = 100
)

// serveProfiler serves net/http/pprof's handlers on addr (loopback,
// checkPprofAddr) until ctx ends, with the block and mutex profiles
// sampled; an empty addr serves nothing.
func serveProfiler(ctx context.Context, addr string) error {
	if addr == "" {
		return nil
	}
	runtime.SetBlockProfileRate(blockRate)
	runtime.SetMutexProfileFraction(mutexFraction)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	return nil
}
