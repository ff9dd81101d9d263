package main

import (
	"context"
	"database/sql"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// tinyCity builds hrss and generates a small demo city into a temporary
// folder: the binary, the database, the key file.
func tinyCity(t *testing.T) (bin, db, key string) {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	bin, err := build(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	db, key = filepath.Join(dir, "city.db"), filepath.Join(dir, "city.key")
	out, err := exec.CommandContext(ctx, bin, "--db", db, "--key-file", key, "demo", "--no-serve", "--persons", "1500", "--months", "3").CombinedOutput()
	if err != nil {
		t.Fatalf("hrss demo: %v\n%s", err, out)
	}
	return bin, db, key
}

// TestLoad runs the load test briefly over a tiny city, in a closed loop
// and with paced clients: no request fails, the floor is measured, writes are acknowledged and, checked
// before anything is touched, all present; the original database is left
// as it was. Then a payment is deleted and a declared wage changed
// behind the server's back, and the run's own check of the writes must
// name both and fail.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds hrss and a demo city")
	}
	bin, db, key := tinyCity(t)
	before := fingerprint(t, db)
	out := &strings.Builder{}
	cfg := config{DB: db, KeyFile: key, Binary: bin, Clients: []int{1, 4}, Think: 20 * time.Millisecond, Duration: time.Second, Requests: 300,
		RunLimit: time.Minute, Citizens: 3, Agents: 3, Seed: 1, Out: out}
	var gone, changed string
	cfg.tamper = func(path string, l *ledger, verify func() ([]string, error)) error {
		if missing, err := verify(); err != nil || len(missing) > 0 {
			t.Errorf("before tampering: missing %v, %v", missing, err)
		}
		for ref := range l.payments {
			gone = ref
			break
		}
		for id := range l.hires {
			changed = itoa(id)
			break
		}
		return tamper(path, gone, changed)
	}
	res, err := run(context.Background(), cfg)
	t.Log(out.String())
	if res == nil {
		t.Fatal(err)
	}
	if res.errors != 0 {
		t.Errorf("%d requests failed", res.errors)
	}
	if len(res.levels) != 4 || res.levels[0].think != 0 || res.levels[1].think == 0 {
		t.Errorf("want 1 and 4 clients each in a closed loop and paced, got %d levels", len(res.levels))
	}
	for _, lv := range res.levels {
		if n, _ := lv.floor.count(); n == 0 || lv.peakMiB <= 0 {
			t.Errorf("%d clients: floor %d requests, peak %.0f MiB", lv.clients, n, lv.peakMiB)
		}
		for _, k := range []string{"search", "person", "statement", "pension", "bills", "hire", "import"} {
			if lv.hrss.kinds[k] == nil {
				t.Errorf("%d clients: no %s request was sent", lv.clients, k)
			}
		}
	}
	if fingerprint(t, db) != before {
		t.Error("the original database was written to")
	}
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("a payment removed and a wage changed: err %v", err)
	}
	all := strings.Join(res.missing, "\n")
	if gone == "" || changed == "" || !strings.Contains(all, gone) || !strings.Contains(all, "relation "+changed+": declared wage") {
		t.Errorf("the check does not name payment %q and relation %s:\n%s", gone, changed, all)
	}
}

// tamper deletes payment ref and changes relation id's declared wage in
// the SQLite database at path, as if those acknowledged writes were lost.
func tamper(path, ref, id string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec("DELETE FROM ins_payments WHERE reference = ?", ref); err != nil {
		return err
	}
	_, err = db.Exec("UPDATE employments SET declared_wage = declared_wage + 1 WHERE id = ?", id)
	return err
}

// fingerprint is the database's users and relations counted, which any
// run on it would change.
func fingerprint(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var users, rels int
	if err := db.QueryRow("SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM employments)").Scan(&users, &rels); err != nil {
		t.Fatal(err)
	}
	return itoa(int64(users)) + "/" + itoa(int64(rels))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
