//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// hrssAt runs the command line on database db with the key in keyFile.
func hrssAt(t *testing.T, db, keyFile string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"--db", db, "--key-file", keyFile}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// mustHrss runs the command line and fails the test unless it exits 0.
func mustHrss(t *testing.T, db, keyFile string, args ...string) string {
	t.Helper()
	code, out, errs := hrssAt(t, db, keyFile, args...)
	if code != 0 {
		t.Fatalf("hrss %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// smallCity generates a small demo city (with insurance history, support
// grants and users) into db.
func smallCity(t *testing.T, db, keyFile string, persons int) {
	t.Helper()
	mustHrss(t, db, keyFile, "demo", "--no-serve", "--persons", strconv.Itoa(persons), "--months", "3", "--as-of", "2025-07-04")
}

// residentIDs reads every person through the registry service, which opens
// each sealed resident ID with the vault of the key in keyFile.
func residentIDs(t *testing.T, db, keyFile string) map[int64]string {
	t.Helper()
	ctx := systemContext(context.Background())
	a, err := openApp(ctx, &globals{db: db, keyFile: keyFile})
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	out := map[int64]string{}
	for after := int64(0); ; {
		ps, err := a.registry.FindPersons(ctx, registry.PersonQuery{Whole: true, Reason: "test: compare the numbers before and after", Page: registry.Page{After: after, Limit: registry.MaxPage}})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) == 0 {
			return out
		}
		for _, p := range ps {
			out[p.ID] = string(p.ResidentID)
			after = p.ID
		}
	}
}

// checkIntact runs hrss check and hrss audit verify on db.
func checkIntact(t *testing.T, db, keyFile string) {
	t.Helper()
	mustHrss(t, db, keyFile, "check")
	if out := mustHrss(t, db, keyFile, "audit", "verify"); !strings.Contains(out, "audit trail intact") {
		t.Fatalf("audit verify: %s", out)
	}
}

// TestBackupRestoreRoundTrip backs a SQLite city up while it is being
// written to, restores the copy under another name and over a database,
// and finds hrss check, hrss audit verify and every decrypted resident ID
// as they were.
func TestBackupRestoreRoundTrip(t *testing.T) {
	dir := t.TempDir()
	db, key := filepath.Join(dir, "city.db"), filepath.Join(dir, "hrss.key")
	smallCity(t, db, key, 400)

	// a server's writes go on during the backup
	ctx := systemContext(context.Background())
	a, err := openApp(ctx, &globals{db: db, keyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	var written atomic.Int64
	stop, done := make(chan struct{}), make(chan error, 1)
	go func() {
		for seq := 1; ; seq++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			rid := ident.NewResidentID("330402", period.Date{Y: 1970 + seq%30, M: 1 + seq%12, D: 1 + seq%28}, 700+seq%200)
			if _, err := a.registry.CreatePerson(ctx, registry.PersonInput{ResidentID: string(rid), Name: "在线" + strconv.Itoa(seq), ResidenceDivision: "330402"}); err == nil {
				written.Add(1)
			}
		}
	}()
	for written.Load() < 5 {
		time.Sleep(time.Millisecond)
	}
	backup := filepath.Join(dir, "backup.db")
	before := written.Load()
	out := mustHrss(t, db, key, "backup", backup)
	during := written.Load() - before
	close(stop)
	<-done
	a.close()
	t.Logf("%s(%d writes committed during the backup)", out, during)
	if during == 0 {
		t.Errorf("no write went through while the backup ran: it was not online")
	}
	if !strings.Contains(out, "its resident IDs open with the current key") {
		t.Errorf("backup output: %s", out)
	}
	if code, _, errs := hrssAt(t, db, key, "backup", backup); code != 2 || !strings.Contains(errs, "exists") {
		t.Errorf("a second backup to the same file: exit %d %s", code, errs)
	}

	original := residentIDs(t, db, key)
	// the copy is itself an hrss database: --db opens it with the same key
	checkIntact(t, backup, key)
	restored := filepath.Join(dir, "restored.db")
	out = mustHrss(t, restored, key, "restore", backup)
	if !strings.Contains(out, "restored "+restored) {
		t.Errorf("restore output: %s", out)
	}
	checkIntact(t, restored, key)
	got := residentIDs(t, restored, key)
	if len(got) < 400 {
		t.Fatalf("restored %d persons", len(got))
	}
	for id, rid := range got {
		if original[id] != rid {
			t.Fatalf("person %d: resident ID %q after the restore, %q before", id, rid, original[id])
		}
	}

	// over the original database (no server holds it): it is moved aside
	out = mustHrss(t, db, key, "restore", backup)
	if !strings.Contains(out, "the database it replaced is "+db+".replaced-") {
		t.Errorf("restore over a database: %s", out)
	}
	checkIntact(t, db, key)
	if n := len(residentIDs(t, db, key)); n != len(got) {
		t.Errorf("after restoring over it the database has %d persons, the backup %d", n, len(got))
	}
	matches, _ := filepath.Glob(db + ".replaced-*")
	if len(matches) != 1 {
		t.Fatalf("replaced files %v", matches)
	}
	if n := len(residentIDs(t, matches[0], key)); n != len(original) {
		t.Errorf("the replaced database kept %d persons of %d", n, len(original))
	}

	// under another key the restore is refused, and nothing is written
	other := filepath.Join(dir, "other.key")
	os.WriteFile(other, []byte(hex.EncodeToString(bytes.Repeat([]byte{7}, 32))+"\n"), 0o600)
	sum := fileSum(t, restored)
	if code, _, errs := hrssAt(t, restored, other, "restore", backup); code != 2 || !strings.Contains(errs, "do not open with the current key") {
		t.Errorf("restore under another key: exit %d %s", code, errs)
	}
	if fileSum(t, restored) != sum {
		t.Errorf("a refused restore changed the database")
	}
}

// TestRestoreRefusesWhatIsNotHrss: files that are not a current hrss
// database are refused with a clear error and nothing is written, neither
// to the database nor beside it.
func TestRestoreRefusesWhatIsNotHrss(t *testing.T) {
	dir := t.TempDir()
	db, key := filepath.Join(dir, "hrss.db"), filepath.Join(dir, "hrss.key")
	mustHrss(t, db, key, "user", "add", "--name", "ops.admin", "--role", "administrator")
	good := filepath.Join(dir, "good.db")
	mustHrss(t, db, key, "backup", good)

	bad := filepath.Join(t.TempDir(), "bad")
	os.MkdirAll(bad, 0o755)
	write := func(name string, b []byte) string {
		p := filepath.Join(bad, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noise := make([]byte, 8192)
	rand.Read(noise)
	sqliteFile := func(name, ddl string) string {
		p := filepath.Join(bad, name)
		x, err := sql.Open("sqlite", "file:"+p)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if _, err := x.Exec(ddl); err != nil {
			t.Fatal(err)
		}
		return p
	}
	behind := filepath.Join(bad, "behind.db") // an hrss database missing its last migration
	copyFile(t, good, behind)
	func() {
		x, err := sql.Open("sqlite", "file:"+behind)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if _, err := x.Exec("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)"); err != nil {
			t.Fatal(err)
		}
	}()
	goodBytes, _ := os.ReadFile(good)
	cases := []struct{ file, want string }{
		{write("empty.db", nil), "not a SQLite database file"},
		{write("noise.db", noise), "not a SQLite database file"},
		{write("text.db", []byte("id,name\n1,x\n")), "not a SQLite database file"},
		{write("truncated.db", goodBytes[:len(goodBytes)/3]), ""}, // refused one way or another; the message varies
		{sqliteFile("other.db", "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)"), "no schema_migrations table"},
		{sqliteFile("empty-migrations.db", "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"), "none of hrss's migrations"},
		{behind, "migrations pending"},
		{filepath.Join(bad, "missing.db"), "no such file"},
		{bad, "not a regular file"},
	}
	sum, entries := fileSum(t, db), dirNames(t, dir)
	for _, c := range cases {
		code, out, errs := hrssAt(t, db, key, "restore", c.file)
		if code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("restore %s: exit %d, stdout %q, stderr %q; want a refusal naming %q", filepath.Base(c.file), code, out, errs, c.want)
		}
		if fileSum(t, db) != sum || !slices.Equal(dirNames(t, dir), entries) {
			t.Fatalf("restore %s wrote something: %v, was %v", filepath.Base(c.file), dirNames(t, dir), entries)
		}
	}
	// and the good one goes through
	mustHrss(t, db, key, "restore", good)
}

// TestRestoreRefusesDatabaseInUse: while another process (a server) has
// the database open, restore refuses it, naming the process, and writes
// nothing; once it is gone the restore goes through.
func TestRestoreRefusesDatabaseInUse(t *testing.T) {
	dir := t.TempDir()
	db, key := filepath.Join(dir, "hrss.db"), filepath.Join(dir, "hrss.key")
	mustHrss(t, db, key, "user", "add", "--name", "ops.admin", "--role", "administrator")
	backup := filepath.Join(dir, "backup.db")
	mustHrss(t, db, key, "backup", backup)

	child := helper(t, "hold", map[string]string{"HRSS_HELPER_DB": db})
	sum, entries := fileSum(t, db), dirNames(t, dir)
	code, _, errs := hrssAt(t, db, key, "restore", backup)
	if code != 1 || !strings.Contains(errs, fmt.Sprintf("in use by process %d", child.Process.Pid)) {
		t.Errorf("restore under a running process: exit %d %s", code, errs)
	}
	if code, _, errs := hrssAt(t, db, key, "rekey", "--new-key-file", filepath.Join(dir, "new.key")); code != 1 || !strings.Contains(errs, "in use by process") {
		t.Errorf("rekey under a running process: exit %d %s", code, errs)
	}
	if fileSum(t, db) != sum || !slices.Equal(dirNames(t, dir), entries) {
		t.Errorf("a refused restore wrote something: %v, was %v", dirNames(t, dir), entries)
	}
	child.Process.Kill()
	child.Wait()
	mustHrss(t, db, key, "restore", backup)
	checkIntact(t, db, key)
}

// TestPostgresBackupRestore: on PostgreSQL, backup runs pg_dump and
// restore pg_restore into an empty database; check, audit verify and the
// resident IDs survive; a database that already holds hrss's tables is
// refused without --force, and a file that is not a dump is refused.
func TestPostgresBackupRestore(t *testing.T) {
	base := storetest.Postgres(t)
	if base == "" {
		t.Skip(storetest.EnvPostgres + " is not set")
	}
	for _, bin := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(bin); err != nil { // a named PostgreSQL is never skipped
			t.Fatalf("%s is set but %s is not on PATH: install PostgreSQL's client programs", storetest.EnvPostgres, bin)
		}
	}
	dir := t.TempDir()
	key := filepath.Join(dir, "hrss.key")
	src := storetest.PostgresSchema(t, base)
	smallCity(t, src, key, 300)
	original := residentIDs(t, src, key)
	dump := filepath.Join(dir, "city.dump")
	if out := mustHrss(t, src, key, "backup", dump); !strings.Contains(out, "pg_dump") {
		t.Errorf("backup: %s", out)
	}

	// a fresh database, with the same schema name in its URL
	dbName := "hrss_restore_" + hex.EncodeToString(randomBytes(5))
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	// the cleanup drops the database, then closes admin: a deferred Close
	// ran before the cleanups, so the drop failed unseen on a closed pool
	// and left every hrss_restore_* database on the server
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + dbName + " WITH (FORCE)"); err != nil {
			t.Errorf("drop the restore's database %s: %v", dbName, err)
		}
		admin.Close()
	})
	if _, err := admin.Exec("CREATE DATABASE " + dbName); err != nil {
		t.Fatal(err)
	}
	su, _ := url.Parse(src)
	tu := *su
	tu.Path = "/" + dbName
	target := tu.String()

	if out := mustHrss(t, target, key, "restore", dump); !strings.Contains(out, "restored the PostgreSQL database") {
		t.Errorf("restore: %s", out)
	}
	checkIntact(t, target, key)
	got := residentIDs(t, target, key)
	if len(got) != len(original) {
		t.Fatalf("restored %d persons of %d", len(got), len(original))
	}
	for id, rid := range got {
		if original[id] != rid {
			t.Fatalf("person %d: %q after the restore, %q before", id, rid, original[id])
		}
	}
	if code, _, errs := hrssAt(t, target, key, "restore", dump); code != 1 || !strings.Contains(errs, "already holds hrss's tables") {
		t.Errorf("restore over hrss's tables: exit %d %s", code, errs)
	}
	// a server still connected (its connections name it): --force does not
	// move the schema from under it
	server := storetest.OtherProcess(t, target, tu.Query().Get("search_path"))
	if code, _, errs := hrssAt(t, target, key, "restore", "--force", dump); code != 1 || !strings.Contains(errs, "in use by 1 other hrss process") {
		t.Errorf("restore --force under a server: exit %d %s", code, errs)
	}
	storetest.HangUp(t, server, target)
	if out := mustHrss(t, target, key, "restore", "--force", dump); !strings.Contains(out, "_replaced_") {
		t.Errorf("restore --force: %s", out)
	}
	checkIntact(t, target, key)
	junk := filepath.Join(dir, "junk.dump")
	os.WriteFile(junk, []byte("not a dump"), 0o644)
	if code, _, errs := hrssAt(t, target, key, "restore", "--force", junk); code != 2 || !strings.Contains(errs, "not a pg_dump archive") {
		t.Errorf("restore of a junk file: exit %d %s", code, errs)
	}
	checkIntact(t, target, key)
}

// TestHelperProcess is no test: it is the other process of the tests that
// need one (a server holding a database open, a rekey killed half way).
// It does nothing unless HRSS_HELPER says what to be.
func TestHelperProcess(t *testing.T) {
	switch os.Getenv("HRSS_HELPER") {
	case "":
		return
	case "hold":
		db, err := store.Open(context.Background(), os.Getenv("HRSS_HELPER_DB"))
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		defer db.Close()
		if _, err := db.Migrations(context.Background()); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin) // until the test ends
		os.Exit(0)
	case "rekey":
		killAt, _ := strconv.ParseInt(os.Getenv("HRSS_HELPER_KILL_AT"), 10, 64)
		rekeyHook = func(id int64) {
			if id == killAt { // half way through a chunk's transaction
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {}
			}
		}
		os.Exit(run(strings.Split(os.Getenv("HRSS_HELPER_ARGS"), "\n"), nil, os.Stdout, os.Stderr))
	}
}

// helper starts the test binary as TestHelperProcess with env; for
// "hold" it waits until the child has the database open.
func helper(t *testing.T, what string, env map[string]string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "HRSS_HELPER="+what)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	if what == "hold" {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		if strings.TrimSpace(line) != "ready" {
			t.Fatalf("helper: %q", line)
		}
	}
	return cmd
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}
