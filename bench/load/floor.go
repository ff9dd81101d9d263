package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"time"
)

// floorLevel sends the same number of requests as hrss answered at this
// level, from as many clients making the same choices, to a bare
// net/http handler that answers each kind with a recorded hrss answer
// of the median size: the cost of HTTP and of the clients alone. Paced
// clients (think > 0) are paced the same way.
func floorLevel(ctx context.Context, cfg config, fx *fixtures, st *stats, n int, think time.Duration, requests int) (*stats, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: floorHandler(st), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	out := newStats()
	always := make(chan struct{})
	close(always)
	limit := cfg.Duration + cfg.RunLimit // the budget of requests ends it, long before
	drive(ctx, newAPI("http://"+ln.Addr().String(), 1000), fx, nil, out, n, think, cfg, requests, time.Now().Add(limit), always, limit)
	return out, nil
}

// floorHandler answers every kind's route with its recorded answer.
func floorHandler(st *stats) http.Handler {
	mux := http.NewServeMux()
	for _, k := range kinds {
		ans, ok := st.kind(k.name).median()
		if !ok {
			ans = sample{status: http.StatusOK, ctype: "application/json", body: []byte("{}")}
		}
		mux.HandleFunc(k.pattern, func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", ans.ctype)
			w.WriteHeader(ans.status)
			w.Write(ans.body)
		})
	}
	return mux
}
