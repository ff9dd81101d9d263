package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is `hrss serve`, a child process on a loopback port.
type server struct {
	bin, db, keyFile string
	pprof            string // hrss serve --pprof, empty none
	cmd              *exec.Cmd
	base             string // http://127.0.0.1:PORT
	log              *os.File
}

// build compiles hrss from the module this command belongs to into dir.
func build(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		return "", fmt.Errorf("finding the module to build hrss from: %v", err)
	}
	bin := filepath.Join(dir, "hrss")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/hrss")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(out)))
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/hrss: %v\n%s", err, msg)
	}
	return bin, nil
}

// copyCity copies a SQLite city (and its write-ahead log) into dir and
// returns the copy's path; a PostgreSQL URL is returned as it is.
func copyCity(src, dir string) (string, error) {
	if isPostgres(src) {
		return src, nil
	}
	dst := filepath.Join(dir, "city.db")
	if err := copyFile(src, dst); err != nil {
		return "", err
	}
	if err := copyFile(src+"-wal", dst+"-wal"); err != nil && !os.IsNotExist(err) {
		return "", err
	}
	return dst, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// hrss runs the binary's subcommand args on the database, with stdin.
func (s *server) hrss(ctx context.Context, stdin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, s.bin, append([]string{"--db", s.db, "--key-file", s.keyFile}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("hrss %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

var servingLine = regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)/`)

// start starts `hrss serve` on a free loopback port, its log in logPath,
// and waits until /readyz answers 200.
func (s *server) start(ctx context.Context, logPath string) error {
	var err error
	if s.log, err = os.Create(logPath); err != nil {
		return err
	}
	args := []string{"--db", s.db, "--key-file", s.keyFile, "serve", "--addr", "127.0.0.1:0", "--scan-every", "0"}
	if s.pprof != "" {
		args = append(args, "--pprof", s.pprof)
	}
	s.cmd = exec.Command(s.bin, args...)
	s.cmd.Stderr = s.log
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := s.cmd.Start(); err != nil {
		return err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	go io.Copy(io.Discard, stdout)
	m := servingLine.FindStringSubmatch(line)
	if m == nil {
		s.stop()
		return fmt.Errorf("hrss serve did not start (%v): %q; see %s", err, line, logPath)
	}
	s.base = m[1]
	if err := s.waitReady(ctx); err != nil {
		s.stop() // not left serving (and holding the database) after the test gave up
		return err
	}
	return nil
}

func (s *server) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(time.Minute)
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/readyz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("hrss serve at %s is not ready: %v", s.base, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// resetPeak starts a new peak of the server's resident memory (writing 5
// to /proc/PID/clear_refs resets VmHWM); false if the kernel refused, and
// the peak is then the process's whole life's.
func (s *server) resetPeak() bool {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.cmd.Process.Pid), []byte("5"), 0) == nil
}

// peakMiB reads the server's peak resident memory (VmHWM) in MiB.
func (s *server) peakMiB() (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", s.cmd.Process.Pid)
}

// stop ends the server (SIGTERM, then SIGKILL after 15 s).
func (s *server) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
	s.log.Close()
}
