package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"hrss/rules/fault"
)

// TestProfiler: --pprof takes only a loopback HOST:PORT (refused naming
// the flag otherwise), serves the profiles there and stops with the
// server's context.
func TestProfiler(t *testing.T) {
	for _, bad := range []string{"0.0.0.0:6060", ":6060", "10.0.0.1:6060", "localhost", "127.0.0.1"} {
		err := checkPprofAddr(bad)
		if fe, ok := err.(*fault.Error); !ok || fe.Field != "pprof" || fe.Rule != "serve.pprof_loopback" {
			t.Errorf("--pprof %q: %v, want refused naming pprof", bad, err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if err := checkPprofAddr(addr); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := serveProfiler(ctx, addr); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "goroutine profile") {
		t.Fatalf("the goroutine profile: %d %.200s", resp.StatusCode, body)
	}
	cancel()
	for range 100 {
		if c, err := net.Dial("tcp", addr); err != nil {
			return
		} else {
			c.Close()
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Error("the profiler still listens after the server's context ended")
}
