package store_test

import (
	"context"
	"sync"
	"testing"

	"hrss/access"
	"hrss/registry"
	"hrss/store"
	"hrss/store/storetest"
)

// TestConcurrentMigrate: several instances migrating one fresh database
// at once all succeed (they queue; the first applies, the others see it).
func TestConcurrentMigrate(t *testing.T) {
	dsns := []string{storetest.SQLitePath(t) + ".fresh"}
	if pg := storetest.Postgres(t); pg != "" {
		dsns = append(dsns, storetest.PostgresSchema(t, pg))
	}
	for _, dsn := range dsns {
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		applied := make(chan int, 4)
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := store.Open(context.Background(), dsn)
				if err != nil {
					errs <- err
					return
				}
				defer db.Close()
				n, err := db.Migrate(context.Background())
				errs <- err
				applied <- n
			}()
		}
		wg.Wait()
		close(errs)
		close(applied)
		for err := range errs {
			if err != nil {
				t.Fatalf("%s: %v", dsn, err)
			}
		}
		total := 0
		for n := range applied {
			total += n
		}
		if total == 0 {
			t.Fatalf("%s: no migration applied", dsn)
		}
	}
}

// TestContractConcurrentAuditedReads: many callers viewing persons at once
// (each view appends to the one audit chain) all succeed on both engines.
func TestContractConcurrentAuditedReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sys := access.WithCaller(context.Background(), access.System)
		s := service(t, db)
		p, err := s.CreatePerson(sys, person(rid("330402", 1977, 7, 7, 77), "查看"))
		if err != nil {
			t.Fatal(err)
		}
		cw := access.WithCaller(context.Background(), access.Caller{UserID: 3, Name: "cw", Role: access.Caseworker, Divisions: []string{"330402"}})
		var wg sync.WaitGroup
		errs := make(chan error, 32*5)
		for g := 0; g < 32; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 5; i++ {
					_, err := s.Person(cw, p.ID)
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var list []registry.Person
		if list, err = s.FindPersons(cw, registry.PersonQuery{}); err != nil || len(list) != 1 {
			t.Fatal(list, err)
		}
	})
}
