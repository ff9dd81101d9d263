package insurance_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"hrss/insurance"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// engines returns a migrated database per engine as a DSN, for tests
// that need a second process or raw SQL.
func engines(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{"sqlite": storetest.SQLitePath(t)}
	if pg := storetest.Postgres(t); pg != "" {
		dsn := storetest.PostgresSchema(t, pg)
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		db.Close()
		out["postgres"] = dsn
	}
	return out
}

func openDSN(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// rawExec runs one statement outside hrss, as someone tampering would.
func rawExec(t *testing.T, dsn, q string) {
	t.Helper()
	driver, name := "sqlite", "file:"+dsn
	if store.IsPostgres(dsn) {
		driver, name = "pgx", dsn
	}
	db, err := sql.Open(driver, name)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

const crashEnv = "HRSS_TEST_CRASH_DSN"

// TestCrashMidRunThenRerun kills a run half-way (a child process that
// exits without any cleanup after two committed chunks, as kill -9
// would) and proves that the re-run gives the result of one clean run
// and leaves nothing of the crashed one.
func TestCrashMidRunThenRerun(t *testing.T) {
	if dsn := os.Getenv(crashEnv); dsn != "" {
		crashChild(t, dsn)
		return
	}
	for name, dsn := range engines(t) {
		t.Run(name, func(t *testing.T) {
			db := openDSN(t, dsn)
			c := newCity(t, db, 80)
			p := ym("2025-05")
			crashInChild(t, "TestCrashMidRunThenRerun", crashEnv, dsn)
			st := periodState(t, c.svc, p)
			if st.CurrentRun != 0 {
				t.Fatalf("a crashed run became the period's: %+v", st)
			}
			// The crashed run's lock is fresh: a run refuses until it expires.
			if _, err := c.svc.Assess(system(), p, insurance.AssessOptions{}); err == nil || !strings.Contains(err.Error(), "in progress") {
				t.Fatalf("run over a fresh crashed lock: %v", err)
			}
			c.svc.Now = func() time.Time { return testNow.Add(time.Hour) } // the lock has expired
			sum, err := c.svc.Assess(system(), p, insurance.AssessOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want, total := c.expected(t, p)
			if sum.Total != total || sum.Rows != len(c.jobs)+len(c.flex) {
				t.Fatalf("after the crash: %+v, want total %s", sum, total)
			}
			assertBills(t, c.svc, p, want)
			runs, _ := c.svc.Runs(system(), p)
			if len(runs) != 2 || runs[1].Status != insurance.RunAbandoned || runs[0].Status != insurance.RunDone {
				t.Fatalf("runs %+v", runs)
			}
			mustCheck(t, c.svc)
			var n int
			raw := openRaw(t, dsn)
			if err := raw.QueryRow("SELECT count(*) FROM ins_assessments").Scan(&n); err != nil || n != sum.Rows {
				t.Fatalf("%d rows stored, want %d (%v)", n, sum.Rows, err)
			}
		})
	}
}

// crashInChild runs test in a child process with env set to dsn and
// expects it to exit as the crash its child part makes (status 9).
func crashInChild(t *testing.T, test, env, dsn string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
	cmd.Env = append(os.Environ(), env+"="+dsn)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 9 {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func crashChild(t *testing.T, dsn string) {
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	svc := newService(t, db)
	svc.AfterChunk = func(rows int) {
		if rows >= 14 {
			os.Exit(9) // no deferred cleanup, no lock release: as kill -9
		}
	}
	svc.Assess(system(), ym("2025-05"), insurance.AssessOptions{})
	os.Exit(0)
}

const crashDeleteEnv = "HRSS_TEST_CRASH_DELETE_DSN"

// TestCrashMidDeleteThenRerun kills runs while they delete other runs'
// rows in chunks: once in the cleanup after a run became the period's,
// once in the next run's cleanup at its start. Each time the period
// reads as its current run alone, and the run after them leaves exactly
// one run's rows and bills.
func TestCrashMidDeleteThenRerun(t *testing.T) {
	if dsn := os.Getenv(crashDeleteEnv); dsn != "" {
		crashDeleteChild(t, dsn)
		return
	}
	for name, dsn := range engines(t) {
		t.Run(name, func(t *testing.T) {
			db := openDSN(t, dsn)
			c := newCity(t, db, 80)
			p := ym("2025-05")
			sum, err := c.svc.Assess(system(), p, insurance.AssessOptions{})
			if err != nil {
				t.Fatal(err)
			}
			raw := openRaw(t, dsn)
			want, _ := c.expected(t, p)
			for phase := range 2 { // 0: after the run became the period's; 1: at the next run's start
				crashInChild(t, "TestCrashMidDeleteThenRerun", crashDeleteEnv, dsn)
				if rows := countRows(t, raw, "ins_assessments"); rows <= sum.Rows || rows >= 2*sum.Rows {
					t.Fatalf("phase %d: %d rows stored, want a part of a second run's %d beside them", phase, rows, sum.Rows)
				}
				assertBills(t, c.svc, p, want)
				mustCheck(t, c.svc)
			}
			st := periodState(t, c.svc, p)
			runs, _ := c.svc.Runs(system(), p)
			if len(runs) != 3 || st.CurrentRun != runs[1].ID || runs[0].Status != insurance.RunRunning {
				t.Fatalf("period %+v, runs %+v: want the second run current and the third crashed running", st, runs)
			}
			c.svc.Now = func() time.Time { return testNow.Add(time.Hour) } // the crashed run's lock has expired
			if sum, err = c.svc.Assess(system(), p, insurance.AssessOptions{}); err != nil {
				t.Fatal(err)
			}
			assertBills(t, c.svc, p, want)
			mustCheck(t, c.svc)
			if n := countRows(t, raw, "ins_assessments"); n != sum.Rows {
				t.Fatalf("%d rows stored, want %d", n, sum.Rows)
			}
			if n := countRows(t, raw, "ins_bills"); n != sum.Employers+sum.Flexible {
				t.Fatalf("%d bills stored, want %d", n, sum.Employers+sum.Flexible)
			}
		})
	}
}

// crashDeleteChild re-runs the period and exits as kill -9 would after
// its first committed chunk of deletions.
func crashDeleteChild(t *testing.T, dsn string) {
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	svc := newService(t, db)
	svc.AfterDelete = func(int) { os.Exit(9) }
	svc.Assess(system(), ym("2025-05"), insurance.AssessOptions{})
	os.Exit(0)
}

func countRows(t *testing.T, raw *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := raw.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// assertBills checks that the bills of p read as want.
func assertBills(t *testing.T, svc *insurance.Service, p period.YearMonth, want map[[2]int64]money.Fen) {
	t.Helper()
	got := billMap(t, svc, p)
	if len(got) != len(want) {
		t.Errorf("%d bills read, want %d", len(got), len(want))
	}
	for k, w := range want {
		if got[k].Total != w {
			t.Errorf("bill %v = %s, want %s", k, got[k].Total, w)
		}
	}
}

func openRaw(t *testing.T, dsn string) *sql.DB {
	driver, name := "sqlite", "file:"+dsn
	if store.IsPostgres(dsn) {
		driver, name = "pgx", dsn
	}
	db, err := sql.Open(driver, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func periodState(t *testing.T, svc *insurance.Service, p interface{ String() string }) insurance.PeriodState {
	t.Helper()
	ps, err := svc.Periods(system())
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range ps {
		if st.Period.String() == p.String() {
			return st
		}
	}
	return insurance.PeriodState{}
}

// TestCheckCatchesTampering changes a stored amount behind hrss's back
// and expects Check to name the breach.
func TestCheckCatchesTampering(t *testing.T) {
	for name, dsn := range engines(t) {
		t.Run(name, func(t *testing.T) {
			db := openDSN(t, dsn)
			c := newCity(t, db, 20)
			if _, err := c.svc.Assess(system(), ym("2025-01"), insurance.AssessOptions{}); err != nil {
				t.Fatal(err)
			}
			mustCheck(t, c.svc)
			rawExec(t, dsn, "UPDATE ins_assessments SET pension_emp = pension_emp + 1 WHERE seq = 3")
			rep, err := c.svc.Check(system())
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK || rep.Results[0].OK || len(rep.Results[0].Breaches) == 0 {
				t.Fatalf("tampering not caught: %+v", rep)
			}
			t.Log(rep.Results[0].Breaches[0])
		})
	}
}

// TestRerunDeletionInterrupted re-runs a period whose deletion of the
// run it replaced (seven rows or bills a transaction, Service.Chunk 7)
// is cut short after three transactions, then re-runs it again: the
// next run's start deletes the rest of the first run from the start
// (it has no mark of the one cut short), its end deletes the second
// run, and every row and bill left is the last run's.
func TestRerunDeletionInterrupted(t *testing.T) {
	for name, dsn := range engines(t) {
		t.Run(name, func(t *testing.T) {
			c := newCity(t, openDSN(t, dsn), 80)
			p := ym("2025-05")
			first, err := c.svc.Assess(system(), p, insurance.AssessOptions{})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(system())
			defer cancel()
			c.svc.AfterDelete = func(deleted int) {
				if deleted >= 21 {
					cancel() // the deletion's next transaction fails
				}
			}
			second, err := c.svc.Assess(ctx, p, insurance.AssessOptions{})
			if err != nil {
				t.Fatal(err)
			}
			raw := openRaw(t, dsn)
			rows, bills := runCounts(t, raw, "ins_assessments"), runCounts(t, raw, "ins_bills")
			if rows[second.Run] != second.Rows || rows[first.Run] != first.Rows-21 {
				t.Fatalf("rows by run after the deletion cut short: %v, want %d of run %d and %d of run %d", rows, second.Rows, second.Run, first.Rows-21, first.Run)
			}
			if n := first.Employers + first.Flexible; len(bills) != 2 || bills[first.Run] != n || bills[second.Run] != n {
				t.Fatalf("bills by run after the deletion cut short: %v, want %d of runs %d and %d (the rows go first)", bills, n, first.Run, second.Run)
			}
			c.svc.AfterDelete = nil
			third, err := c.svc.Assess(system(), p, insurance.AssessOptions{})
			if err != nil {
				t.Fatal(err)
			}
			rows, bills = runCounts(t, raw, "ins_assessments"), runCounts(t, raw, "ins_bills")
			if len(rows) != 1 || rows[third.Run] != third.Rows || len(bills) != 1 || bills[third.Run] != third.Employers+third.Flexible {
				t.Fatalf("rows %v and bills %v by run, want run %d's alone (%d rows, %d bills)", rows, bills, third.Run, third.Rows, third.Employers+third.Flexible)
			}
			want, _ := c.expected(t, p)
			assertBills(t, c.svc, p, want)
			mustCheck(t, c.svc)
		})
	}
}

// runCounts counts the rows of table by run.
func runCounts(t *testing.T, raw *sql.DB, table string) map[int64]int {
	t.Helper()
	rows, err := raw.Query("SELECT run_id, count(*) FROM " + table + " GROUP BY run_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var run int64
		var n int
		if err := rows.Scan(&run, &n); err != nil {
			t.Fatal(err)
		}
		out[run] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
