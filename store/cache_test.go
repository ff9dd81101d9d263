package store_test

import (
	"context"
	"sync"
	"testing"

	"hrss/access"
	"hrss/employment"
	"hrss/registry"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// TestMatcherVersionTwoServers: two servers (two DBs on one database)
// write vacancies at once, in transactions that overlap (not queued on
// the audit lock): every write succeeds, the matcher's cache version
// moves by exactly one per write, and on PostgreSQL no transaction had
// to be tried again (the version is counted per backend, not in one row
// every writer updates, which under SERIALIZABLE failed one of every two
// concurrent writers with 40001). Then a server that restarts folds the
// counts of the backends gone and the version stays.
func TestMatcherVersionTwoServers(t *testing.T) {
	dsns := map[string]string{"sqlite": storetest.SQLitePath(t)}
	if pg := storetest.Postgres(t); pg != "" {
		dsns["postgres"] = storetest.PostgresSchema(t, pg)
	}
	for name, dsn := range dsns {
		t.Run(name, func(t *testing.T) {
			ctx := access.WithCaller(context.Background(), access.System)
			a, b := openServer(t, dsn), openServer(t, dsn)
			w, _ := jobsSetup(t, a)
			emp := w.employer("330402")
			before := matcherVersion(t, a)
			const writers, writes = 4, 10
			errs := make(chan error, 2*writers*writes)
			var wg sync.WaitGroup
			for _, db := range []*store.DB{a, b} {
				for range writers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for range writes {
							errs <- store.UpdateForTest(ctx, db, func(tx *store.Tx) error { return tx.InsertVacancy(ctx, vacancy(emp)) })
						}
					}()
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if moved := matcherVersion(t, b) - before; moved != 2*writers*writes {
				t.Fatalf("the version moved by %d for %d writes", moved, 2*writers*writes)
			}
			if retried := a.Retried() + b.Retried(); name == "postgres" && retried != 0 {
				t.Fatalf("%d transactions were tried again: the writers contended", retried)
			}
			a.Close()
			c := openServer(t, dsn)
			if v := matcherVersion(t, c); v != before+2*writers*writes {
				t.Fatalf("after the fold the version is %d, want %d", v, before+2*writers*writes)
			}
		})
	}
}

// openServer opens and migrates dsn as a server would; closed at the end.
func openServer(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err == nil {
		_, err = db.Migrate(context.Background())
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func matcherVersion(t *testing.T, db *store.DB) (v int64) {
	t.Helper()
	if err := db.Jobs().View(context.Background(), func(tx employment.Tx) (err error) { v, err = tx.MatcherVersion(context.Background()); return err }); err != nil {
		t.Fatal(err)
	}
	return v
}

// vacancy is a new open vacancy of employer emp.
func vacancy(emp int64) *employment.Vacancy {
	return &employment.Vacancy{EmployerID: emp, Title: "岗位", Occupation: "2-02-10-03", Education: registry.EduBachelor,
		SalaryMin: money.Yuan(8000), SalaryMax: money.Yuan(9000), Division: "330402", Openings: 1,
		ValidFrom: period.Date{Y: 2026, M: 6, D: 1}, ValidTo: period.Date{Y: 2026, M: 8, D: 31}, Status: employment.Open,
		CreatedAt: jobsToday, UpdatedAt: jobsToday}
}
