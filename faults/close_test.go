//go:build unix

package faults

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"hrss/store/storetest"
)

// The servers of the close test: 100 persons a close's transaction
// credits (hrss serve --close-chunk), so that the demo city's close takes
// some fifteen chunks and the kill lands between two of them, and a job
// lease of 10 seconds (--job-lease), so that the restarted server takes
// the dead one's job 10 seconds after its last renewal, not a minute.
var closeServe = []string{"--close-chunk", "100", "--job-lease", "10s"}

// TestKillServeDuringClose queues the close of a month through the API
// (POST /api/v1/periods/{period}/close) on a demo city, kills hrss serve
// with SIGKILL once the close has committed its first chunks and before
// its last, and starts the server again: the queue's next attempt, once
// the dead worker's lease has run out, finishes the close by itself.
// The period, its credits and its run locks are then the same, row for
// row, as on a copy of the city taken before (SQLite: the file copied;
// PostgreSQL: CREATE DATABASE … TEMPLATE) whose close, queued the same
// way, was never interrupted; each close is audited once, and hrss check
// and hrss audit verify pass.
func TestKillServeDuringClose(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		e := newEnv(t, filepath.Join(dir, "faulted.db"))
		testKillDuringClose(t, e, func(t *testing.T) env {
			clean := env{db: filepath.Join(dir, "clean.db"), key: e.key}
			copyFile(t, e.db, clean.db)
			return clean
		})
	})
	base := storetest.Postgres(t)
	if base == "" {
		return
	}
	t.Run("postgres", func(t *testing.T) {
		name := newDatabase(t, base, "")
		e := newEnv(t, databaseURL(t, base, name))
		testKillDuringClose(t, e, func(t *testing.T) env {
			return env{db: databaseURL(t, base, newDatabase(t, base, name)), key: e.key}
		})
	})
}

func testKillDuringClose(t *testing.T, e env, copyOf func(*testing.T) env) {
	e.must(t, "demo", "--no-serve", "--persons", "3000", "--months", "2", "--as-of", "2025-07-04")
	clean := copyOf(t) // before any connection to the template
	var p int
	if err := e.sqlDB(t).QueryRow("SELECT min(period) FROM ins_periods WHERE status = 'open'").Scan(&p); err != nil {
		t.Fatal(err)
	}
	per := fmt.Sprintf("%04d-%02d", p/100, p%100)

	// the faulted close: killed between two of its chunks
	token := e.writerToken(t)
	srv := e.serve(t, closeServe...)
	job := queueClose(t, srv, token, per)
	killed := killMidClose(t, e, srv, p)
	x := e.sqlDB(t)
	var state string
	var attempts int
	if err := x.QueryRow(rebind(e, "SELECT state, attempts FROM queue_jobs WHERE id = ?"), job).Scan(&state, &attempts); err != nil {
		t.Fatal(err)
	}
	if state != "running" || attempts != 1 {
		t.Fatalf("the close job after the kill: %s, attempt %d; want running, attempt 1", state, attempts)
	}
	e.intact(t) // a period closing half-way is whole

	srv = e.serve(t, closeServe...)
	resumed := finished(t, srv, token, job, 3*time.Minute)
	if resumed.State != "succeeded" || resumed.Attempts != 2 || resumed.Result.Status != "closed" || resumed.Done != resumed.Total {
		t.Fatalf("the close after the restart: %+v\n%s", resumed, srv.logs.String())
	}
	credits := count(t, x, rebind(e, "SELECT count(*) FROM ins_credits WHERE period = ?"), p)
	t.Logf("killed with %d of the close's %d credits written; attempt 2 finished it", killed, credits)
	if killed == 0 || killed >= credits {
		t.Fatalf("the kill did not land inside the close: %d of %d credits written before it", killed, credits)
	}

	// the same close, never interrupted, on the copy
	cleanToken := clean.writerToken(t)
	cleanSrv := clean.serve(t)
	if j := finished(t, cleanSrv, cleanToken, queueClose(t, cleanSrv, cleanToken, per), 3*time.Minute); j.State != "succeeded" || j.Attempts != 1 {
		t.Fatalf("the clean close: %+v", j)
	}
	sameClose(t, e, clean)
	sameAs(t, e, clean, "after the close") // and nothing else of social insurance differs
	e.intact(t)
	clean.intact(t)
}

// queueClose queues the close of per through the API and returns its job.
func queueClose(t *testing.T, srv *server, token, per string) int64 {
	t.Helper()
	st, m, err := call(context.Background(), http.DefaultClient, "POST", srv.url+"/api/v1/periods/"+per+"/close", token, nil)
	if err != nil || st != http.StatusAccepted || m["kind"] != "period_close" {
		t.Fatalf("queue the close of %s: %d %v %v\n%s", per, st, m, err, srv.logs.String())
	}
	return int64(m["id"].(float64))
}

// killMidClose waits until the close of period p has committed a chunk
// (the period's last credited payer is recorded), kills srv and returns
// the period's credits written by then. It fails the test if the close
// finished first.
func killMidClose(t *testing.T, e env, srv *server, p int) int64 {
	t.Helper()
	x := e.sqlDB(t)
	q := rebind(e, "SELECT status, credited_payer FROM ins_periods WHERE period = ?")
	var status string
	var payer int64
	for deadline := time.Now().Add(2 * time.Minute); payer == 0; time.Sleep(2 * time.Millisecond) {
		if err := x.QueryRow(q, p).Scan(&status, &payer); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) || status == "closed" {
			t.Fatalf("the close of %d never stood between two chunks (status %s)\n%s", p, status, srv.logs.String())
		}
	}
	srv.kill(t)
	if err := x.QueryRow(q, p).Scan(&status, &payer); err != nil {
		t.Fatal(err)
	}
	if status != "closing" {
		t.Fatalf("the kill came after the close ended: the period is %s", status)
	}
	return count(t, x, rebind(e, "SELECT count(*) FROM ins_credits WHERE period = ?"), p)
}

// closedJob is a close job as GET /api/v1/queue/{id} shows it.
type closedJob struct {
	State       string
	Attempts    int
	Done, Total int64
	Result      struct{ Status string }
}

// finished follows job on srv until it succeeds or fails, for at most wait.
func finished(t *testing.T, srv *server, token string, job int64, wait time.Duration) closedJob {
	t.Helper()
	var j closedJob
	for deadline := time.Now().Add(wait); ; time.Sleep(200 * time.Millisecond) {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/queue/%d", srv.url, job), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		err = json.NewDecoder(res.Body).Decode(&j)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("job %d: %d %v", job, res.StatusCode, err)
		}
		if j.State == "succeeded" || j.State == "failed" {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d is still %s after %s\n%s", job, j.State, wait, srv.logs.String())
		}
	}
}

// sameClose fails the test unless what the close writes is the same on
// a and b: the periods (status, run, who closed, the last payer
// credited), the credits (every column but when), the run locks and the
// close's audit entries.
func sameClose(t *testing.T, a, b env) {
	t.Helper()
	sameRows(t, a, b, "after the close", []string{
		"SELECT period, status, current_run, closed_by, credited_kind, credited_payer FROM ins_periods ORDER BY period",
		"SELECT person_id, period, kind, relation_id, source, payer_id, base, amount, unemployment, book_year FROM ins_credits ORDER BY 1, 2, 3, 4, 5",
		"SELECT period, run_id FROM ins_run_locks ORDER BY period",
		"SELECT actor, action, object FROM audit_entries WHERE action = 'insurance.period.close' ORDER BY seq",
	})
}

// copyFile copies a SQLite database (its file, and a WAL if one is left).
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal"} {
		in, err := os.Open(from + suffix)
		if os.IsNotExist(err) && suffix != "" {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(to + suffix)
		if err == nil {
			_, err = io.Copy(out, in)
			err = errors.Join(err, out.Close())
		}
		in.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// newDatabase creates a database on the PostgreSQL server of base (as a
// copy of template when it is not "") and drops it when the test ends.
func newDatabase(t *testing.T, base, template string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	name := "hrss_fault_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	stmt := "CREATE DATABASE " + name
	if template != "" {
		stmt += " TEMPLATE " + template
	}
	if _, err := admin.Exec(stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	t.Cleanup(func() { admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
	return name
}

// databaseURL is base naming database name.
func databaseURL(t *testing.T, base, name string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
