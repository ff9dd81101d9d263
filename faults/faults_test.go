//go:build unix

package faults

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"hrss/store"
	"hrss/store/storetest"
)

// hrssBin is the hrss binary built from this tree by TestMain.
var hrssBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hrss-faults-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		os.Exit(1)
	}
	hrssBin = filepath.Join(dir, "hrss")
	build := exec.Command(goTool(), "build", "-o", hrssBin, "hrss/cmd/hrss")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "faults: go build hrss/cmd/hrss:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// goTool finds the go command that runs these tests.
func goTool() string {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	return "go"
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// inCI reports whether the tests run where every fault must be provoked
// (CI sets HRSS_TEST_POSTGRES, or CI): a missing tool there fails the
// test instead of skipping it.
func inCI() bool { return os.Getenv("CI") != "" || os.Getenv(storetest.EnvPostgres) != "" }

// env is one hrss database with its key file.
type env struct{ db, key string }

// newEnv returns an env for database db with a new key file.
func newEnv(t *testing.T, db string) env {
	return env{db: db, key: filepath.Join(t.TempDir(), "hrss.key")}
}

// engines runs fn on a new SQLite file and, when configured, on a fresh
// schema of the shared PostgreSQL, as subtests.
func engines(t *testing.T, fn func(t *testing.T, e env)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newEnv(t, filepath.Join(t.TempDir(), "hrss.db"))) })
	if base := storetest.Postgres(t); base != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, newEnv(t, storetest.PostgresSchema(t, base))) })
	}
}

// run runs the binary on e with args and returns its exit status and
// output.
func (e env) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(hrssBin, append([]string{"--db", e.db, "--key-file", e.key}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if x, ok := err.(*exec.ExitError); ok {
		return x.ExitCode(), out.String(), errb.String()
	} else if err != nil {
		t.Fatalf("hrss %s: %v", strings.Join(args, " "), err)
	}
	return 0, out.String(), errb.String()
}

// must runs the binary and fails the test unless it exits 0.
func (e env) must(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := e.run(t, args...)
	if code != 0 {
		t.Fatalf("hrss %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// intact fails the test unless hrss check and hrss audit verify pass.
func (e env) intact(t *testing.T) {
	t.Helper()
	e.must(t, "check")
	if out := e.must(t, "audit", "verify"); !strings.HasPrefix(out, "audit trail intact") {
		t.Errorf("audit verify: %s", out)
	}
}

// writerToken creates a city-wide caseworker and a write token for it.
func (e env) writerToken(t *testing.T) string {
	t.Helper()
	e.must(t, "user", "add", "--name", "fault.writer", "--role", "caseworker", "--division", "330400")
	return strings.TrimSpace(e.must(t, "token", "create", "--user", "fault.writer", "--name", "faults", "--scope", "write"))
}

// sqlDB opens e's database directly (no hrss code in between).
func (e env) sqlDB(t *testing.T) *sql.DB {
	t.Helper()
	driver, name := "sqlite", "file:"+e.db+"?_pragma=busy_timeout(10000)"
	if store.IsPostgres(e.db) {
		driver, name = "pgx", e.db
	}
	x, err := sql.Open(driver, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

// count returns the single integer a query answers.
func count(t *testing.T, x *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := x.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// server is a running hrss serve process.
type server struct {
	cmd  *exec.Cmd
	url  string
	logs *syncBuffer
	done chan error
}

// serve starts hrss serve on e on a free loopback port, with serve's
// flags extra, and waits until it listens; the process is killed when
// the test ends.
func (e env) serve(t *testing.T, extra ...string) *server {
	t.Helper()
	args := append([]string{"--db", e.db, "--key-file", e.key, "serve", "--addr", "127.0.0.1:0", "--scan-every", "0"}, extra...)
	cmd := exec.Command(hrssBin, args...)
	s := &server{cmd: cmd, logs: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = s.logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); <-s.done })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := regexp.MustCompile(`on (http://[^/ ]+)/`).FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		io.Copy(io.Discard, out)
	}()
	go func() { s.done <- cmd.Wait() }()
	select {
	case s.url = <-found:
		return s
	case err := <-s.done:
		s.done <- err
		t.Fatalf("hrss serve exited: %v\n%s", err, s.logs.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("hrss serve did not start listening\n%s", s.logs.String())
	}
	return nil
}

// kill sends SIGKILL and waits for the process to end.
func (s *server) kill(t *testing.T) {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGKILL)
	err := <-s.done
	s.done <- err
	if x, ok := err.(*exec.ExitError); !ok || x.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("hrss serve was not killed by SIGKILL: %v", err)
	}
}

// call sends a JSON request with the bearer token (none when "") and
// decodes the answer.
func call(ctx context.Context, c *http.Client, method, url, token string, body any) (int, map[string]any, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	var m map[string]any
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, err
	}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			return res.StatusCode, nil, fmt.Errorf("%d %s: %w", res.StatusCode, b, err)
		}
	}
	return res.StatusCode, m, nil
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func isPostgres(e env) bool { return store.IsPostgres(e.db) }
