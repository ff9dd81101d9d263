//go:build unix

package faults

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// cluster is a private PostgreSQL cluster of one test: its own data
// directory, port and socket directory, so that stopping it disturbs no
// other test (the shared server at 127.0.0.1:5432 is never touched).
type cluster struct {
	bin, dir, data string
	port           int
	as             *user.User // the owner of the data directory when the test runs as root
}

// newCluster initialises and starts a cluster; it is stopped and removed
// when the test ends. Without PostgreSQL's server binaries the test is
// skipped, except in CI, where it fails.
func newCluster(t *testing.T) *cluster {
	t.Helper()
	bin := serverBin()
	if bin == "" {
		if inCI() {
			t.Fatal("PostgreSQL's server binaries (initdb, pg_ctl) are not installed under /usr/lib/postgresql/*/bin: the restart faults cannot run")
		}
		t.Skip("no PostgreSQL server binaries (initdb, pg_ctl)")
	}
	dir, err := os.MkdirTemp("", "hrss-faults-pg-") // not t.TempDir(): its parents are private to root
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{bin: bin, dir: dir, data: filepath.Join(dir, "data"), port: freePort(t)}
	t.Cleanup(func() {
		c.ctl(t, "stop", "-m", "immediate")
		os.RemoveAll(dir)
	})
	if os.Geteuid() == 0 { // initdb refuses root: the cluster belongs to the postgres user
		if c.as, err = user.Lookup("postgres"); err != nil {
			t.Fatalf("running as root, and no postgres user to own the test cluster: %v", err)
		}
		uid, _ := strconv.Atoi(c.as.Uid)
		gid, _ := strconv.Atoi(c.as.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := c.cmd("initdb", "-D", c.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	c.start(t)
	return c
}

// serverBin returns the directory of the newest installed PostgreSQL
// server binaries, or "".
func serverBin() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if fileExists(filepath.Join(d, "initdb")) && fileExists(filepath.Join(d, "pg_ctl")) {
			return d
		}
	}
	return ""
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// cmd is a command of the cluster's binaries, run as its owner.
func (c *cluster) cmd(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	if c.as != nil {
		uid, _ := strconv.Atoi(c.as.Uid)
		gid, _ := strconv.Atoi(c.as.Gid)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
		cmd.Env = append(os.Environ(), "HOME="+c.dir)
	}
	return cmd
}

func (c *cluster) ctl(t *testing.T, args ...string) error {
	t.Helper()
	var out bytes.Buffer
	cmd := c.cmd("pg_ctl", append([]string{"-D", c.data}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_ctl %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return nil
}

// start starts the cluster and waits until it accepts connections.
func (c *cluster) start(t *testing.T) {
	t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", c.port, c.dir)
	if err := c.ctl(t, "start", "-w", "-t", "60", "-l", filepath.Join(c.dir, "log"), "-o", opts); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		t.Fatalf("%v\n%s", err, log)
	}
}

// crash stops the cluster in immediate mode: every backend is killed
// without a checkpoint, as in a crash; the next start recovers from WAL.
func (c *cluster) crash(t *testing.T) {
	t.Helper()
	if err := c.ctl(t, "stop", "-m", "immediate", "-w"); err != nil {
		t.Fatal(err)
	}
}

// url is the URL of database name in the cluster.
func (c *cluster) url(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, name)
}
