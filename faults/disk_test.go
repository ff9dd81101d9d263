//go:build linux

package faults

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSQLiteDiskFull serves a SQLite database on a file system of 8 MB
// (tmpfs) and fills it while persons are registered through the API.
// The write that finds the disk full is answered 503 with the rule
// store.disk_full and says nothing was written (so do the next ones, and
// the command line creating a database there); every registration acknowledged before is there,
// PRAGMA integrity_check is ok, and once space is freed the same server
// accepts writes again; hrss check and hrss audit verify pass.
//
// Mounting needs root: elsewhere the test is skipped, except in CI,
// where it fails.
func TestSQLiteDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		if inCI() {
			t.Fatal("the full-disk fault mounts a small tmpfs and must run as root in CI")
		}
		t.Skip("mounting a small tmpfs needs root")
	}
	dir := t.TempDir()
	disk := filepath.Join(dir, "disk")
	if err := os.Mkdir(disk, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", disk).CombinedOutput(); err != nil {
		t.Fatalf("mount an 8 MB tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", disk).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", disk, err, out)
		}
	})
	e := env{db: filepath.Join(disk, "hrss.db"), key: filepath.Join(dir, "hrss.key")}
	e.must(t, "migrate")
	token := e.writerToken(t)
	srv := e.serve(t)
	defer srv.kill(t) // before the unmount

	filler := filepath.Join(disk, "filler")
	fill(t, filler, 256<<10)
	ctx := context.Background()
	c := &http.Client{Timeout: 30 * time.Second}
	acked := map[int64]bool{}
	full := 0
	for i := 0; full < 3; i++ {
		if i > 2000 {
			t.Fatalf("2000 registrations fit on a disk with 256 kB free")
		}
		st, m, err := call(ctx, c, "POST", srv.url+"/api/v1/persons", token, personBody(0, i))
		switch {
		case err != nil:
			t.Fatalf("registration %d: %v\n%s", i, err, srv.logs.String())
		case st == http.StatusCreated:
			if full > 0 {
				t.Fatalf("a registration succeeded after the disk was full and before space was freed")
			}
			acked[int64(m["id"].(float64))] = true
		case st == http.StatusServiceUnavailable && m["rule"] == "store.disk_full" &&
			strings.Contains(m["detail"].(string), "the disk holding the database is full: nothing of this change was written"):
			full++
		default:
			t.Fatalf("registration %d on a full disk: %d %v", i, st, m)
		}
	}
	topUp(t, filler) // what the failed writes left free, so that no small write fits
	// (a small write of the command line may still fit in the space the
	// failed writes took in the write-ahead log; a new database does not)
	fresh := env{db: filepath.Join(disk, "new.db"), key: e.key}
	if code, _, errs := fresh.run(t, "migrate"); code != 1 || !strings.Contains(errs, "the disk holding the database is full") {
		t.Errorf("the command line on a full disk: exit %d %s", code, errs)
	}
	os.Remove(fresh.db)
	t.Logf("the disk was full after %d registrations", len(acked))

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if st, m, err := call(ctx, c, "POST", srv.url+"/api/v1/persons", token, personBody(1, 0)); err != nil || st != http.StatusCreated {
		t.Fatalf("a registration once space was freed: %d %v %v", st, m, err)
	}
	x := e.sqlDB(t)
	var check string
	if err := x.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	for id := range acked {
		if count(t, x, "SELECT count(*) FROM persons WHERE id = ?", id) != 1 {
			t.Fatalf("acknowledged person %d is missing", id)
		}
	}
	checkWhole(t, e)
	e.intact(t)
}

// fill writes a file at path that leaves about free bytes on its file
// system.
func fill(t *testing.T, path string, free int64) {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(path), &st); err != nil {
		t.Fatal(err)
	}
	size := int64(st.Bavail)*int64(st.Bsize) - free
	if size <= 0 {
		t.Fatalf("only %d bytes free", int64(st.Bavail)*int64(st.Bsize))
	}
	if err := os.WriteFile(path, make([]byte, size), 0o600); err != nil {
		t.Fatal(err)
	}
}

// topUp appends to the file at path until its file system is full.
func topUp(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	page := make([]byte, 4096)
	for {
		if _, err := f.Write(page); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return
		}
	}
}
