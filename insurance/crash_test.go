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
			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashMidRunThenRerun$")
			cmd.Env = append(os.Environ(), crashEnv+"="+dsn)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 9 {
				t.Fatalf("child: %v\n%s", err, out)
			}
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
			got := billMap(t, c.svc, p)
			for k, w := range want {
				if got[k].Total != w {
					t.Errorf("bill %v = %s, want %s", k, got[k].Total, w)
				}
			}
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
