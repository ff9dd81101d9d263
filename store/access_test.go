package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"hrss/access"
	"hrss/store"
	"hrss/store/storetest"
)

// eachRaw runs fn on each engine with a migrated database and a raw
// connection to the same database, for tampering as an intruder with
// direct database access would.
func eachRaw(t *testing.T, fn func(t *testing.T, db *store.DB, raw *sql.DB)) {
	t.Run("sqlite", func(t *testing.T) {
		path := storetest.SQLitePath(t)
		fn(t, openDB(t, path), openRaw(t, "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)"))
	})
	if pg := storetest.Postgres(t); pg != "" {
		t.Run("postgres", func(t *testing.T) {
			url := storetest.PostgresSchema(t, pg)
			fn(t, openDB(t, url), openRaw(t, "pgx", url))
		})
	}
}

func openDB(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func openRaw(t *testing.T, driver, dsn string) *sql.DB {
	t.Helper()
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// appendEntries records n entries, entry i about person i.
func appendEntries(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 123456789, time.UTC)
	for i := 1; i <= n; i++ {
		err := db.Access().Update(ctx, func(tx access.Tx) error {
			c := access.Caller{UserID: 7, Name: "cw", Role: access.Caseworker, IP: "10.0.0.1", Reason: "窗口"}
			return access.Record(ctx, tx, c, at.Add(time.Duration(i)*time.Second), access.Event{Action: "person.view", Object: fmt.Sprintf("person/%d", i), Subjects: []int64{int64(i), 100}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func verify(t *testing.T, db *store.DB) access.Report {
	t.Helper()
	r, err := (&access.Service{Store: db.Access()}).VerifyAudit(access.WithCaller(context.Background(), access.System))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// unguard removes the append-only triggers, as an intruder with the
// rights to do so would.
func unguard(t *testing.T, raw *sql.DB) {
	t.Helper()
	var stmts []string
	if strings.Contains(fmt.Sprintf("%T", raw.Driver()), "sqlite") {
		for _, tr := range []string{"audit_entries_no_update", "audit_entries_no_delete", "audit_subjects_no_update", "audit_subjects_no_delete", "audit_head_forward", "audit_head_no_delete"} {
			stmts = append(stmts, "DROP TRIGGER "+tr)
		}
	} else {
		for _, tb := range []string{"audit_entries", "audit_subjects", "audit_head"} {
			stmts = append(stmts, "ALTER TABLE "+tb+" DISABLE TRIGGER USER")
		}
	}
	for _, s := range stmts {
		if _, err := raw.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
}

// rebind writes $n placeholders for PostgreSQL.
func rebind(raw *sql.DB, q string) string {
	if strings.Contains(fmt.Sprintf("%T", raw.Driver()), "sqlite") {
		return q
	}
	for n := 1; strings.Contains(q, "?"); n++ {
		q = strings.Replace(q, "?", fmt.Sprintf("$%d", n), 1)
	}
	return q
}

func TestAuditTrailIsAppendOnly(t *testing.T) {
	eachRaw(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		appendEntries(t, db, 3)
		for _, q := range []string{"UPDATE audit_entries SET actor = 'mallory' WHERE seq = 2", "DELETE FROM audit_entries WHERE seq = 3",
			"DELETE FROM audit_subjects WHERE seq = 1", "UPDATE audit_head SET seq = 2",
			"UPDATE audit_head SET seq = 4", // past the last entry
			"UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_entries WHERE seq = 2)"} { // onto the last with another's hash
			if _, err := raw.Exec(q); err == nil || !strings.Contains(err.Error(), "audit") {
				t.Errorf("%s: got %v, want the database to refuse", q, err)
			}
		}
		if r := verify(t, db); r.Breach != nil || r.Entries != 3 {
			t.Fatalf("after refused tampering: %v", r)
		}
	})
}

// TestAuditTamper edits and deletes stored entries behind the service's
// back, and Verify names the first bad entry each time.
func TestAuditTamper(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(t *testing.T, db *store.DB, raw *sql.DB)
		seq    int64
		says   string
	}{
		{"edit an entry", func(t *testing.T, db *store.DB, raw *sql.DB) {
			exec(t, raw, "UPDATE audit_entries SET actor = 'someone-else' WHERE seq = 3")
		}, 3, "altered"},
		{"edit an entry and recompute its hash", func(t *testing.T, db *store.DB, raw *sql.DB) {
			e := chainEntry(t, db, 3)
			e.Reason = "nothing to see"
			exec(t, raw, "UPDATE audit_entries SET reason = ?, hash = ? WHERE seq = 3", e.Reason, []byte(e.ComputeHash()))
		}, 4, "previous hash"},
		{"delete an entry", func(t *testing.T, db *store.DB, raw *sql.DB) {
			exec(t, raw, "DELETE FROM audit_subjects WHERE seq = 2")
			exec(t, raw, "DELETE FROM audit_entries WHERE seq = 2")
		}, 2, "missing"},
		{"delete the last entry", func(t *testing.T, db *store.DB, raw *sql.DB) {
			exec(t, raw, "DELETE FROM audit_subjects WHERE seq = 5")
			exec(t, raw, "DELETE FROM audit_entries WHERE seq = 5")
		}, 5, "missing"},
		{"hide a view from the person's index", func(t *testing.T, db *store.DB, raw *sql.DB) {
			exec(t, raw, "DELETE FROM audit_subjects WHERE seq = 2 AND person_id = 2")
		}, 2, "subject index"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eachRaw(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
				appendEntries(t, db, 5)
				if r := verify(t, db); r.Breach != nil || r.Entries != 5 {
					t.Fatalf("before tampering: %v", r)
				}
				unguard(t, raw)
				c.tamper(t, db, raw)
				r := verify(t, db)
				if r.Breach == nil || r.Breach.Seq != c.seq || !strings.Contains(r.Breach.Problem, c.says) {
					t.Fatalf("got %v; want a breach at entry %d saying %q", r, c.seq, c.says)
				}
			})
		})
	}
}

// TestAuditHeadAnchor: an intruder who rewrites the end of the trail and
// its head leaves a consistent chain; the head printed by an earlier
// verification (kept elsewhere) tells.
func TestAuditHeadAnchor(t *testing.T) {
	eachRaw(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		appendEntries(t, db, 4)
		anchor := verify(t, db).Head
		unguard(t, raw)
		prev := chainEntry(t, db, 3)
		exec(t, raw, "DELETE FROM audit_subjects WHERE seq = 4")
		exec(t, raw, "DELETE FROM audit_entries WHERE seq = 4")
		exec(t, raw, "UPDATE audit_head SET seq = 3, hash = ? WHERE id = 1", []byte(prev.Hash))
		r := verify(t, db)
		if r.Breach != nil || r.Head.Seq == anchor.Seq {
			t.Fatalf("got %v; the chain is consistent but its head moved back from %d", r, anchor.Seq)
		}
	})
}

func exec(t *testing.T, raw *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := raw.Exec(rebind(raw, q), args...); err != nil {
		t.Fatal(err)
	}
}

// chainEntry reads entry seq as stored.
func chainEntry(t *testing.T, db *store.DB, seq int64) access.Entry {
	t.Helper()
	var e access.Entry
	err := db.Access().View(context.Background(), func(tx access.Tx) error {
		es, err := tx.AuditChain(context.Background(), seq-1, 1)
		if err == nil && len(es) == 1 {
			e = es[0]
		}
		return err
	})
	if err != nil || e.Seq != seq {
		t.Fatalf("entry %d: %+v %v", seq, e, err)
	}
	return e
}

// TestAuditBatchAppend: one transaction appends 250 entries at once
// (access.RecordAll, as a batch of the journal), more than one INSERT of
// entries and of subjects holds; they chain after the entries before, the
// head moves to the last, every subject is indexed, and the chain
// verifies; entries appended one by one after them chain on.
func TestAuditBatchAppend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		appendEntries(t, db, 2)
		const n = 250
		at := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
		as := make([]access.TimedEvent, n)
		for i := range as {
			as[i] = access.TimedEvent{Caller: access.System, At: at.Add(time.Duration(i) * time.Millisecond),
				Event: access.Event{Action: "test.batch", Object: fmt.Sprintf("b/%d", i), Subjects: []int64{int64(1000 + i), int64(2000 + i%7), 5}}}
		}
		if err := db.Access().Update(ctx, func(tx access.Tx) error { return access.RecordAll(ctx, tx, as) }); err != nil {
			t.Fatal(err)
		}
		appendEntries(t, db, 1)
		r := verify(t, db)
		if r.Breach != nil || r.Entries != n+3 || r.Head.Seq != n+3 {
			t.Fatalf("after a batch of %d: %+v", n, r)
		}
		if e := chainEntry(t, db, 3+n-1); e.Object != fmt.Sprintf("b/%d", n-1) || len(e.Subjects) != 3 {
			t.Fatalf("entry %d: %+v", 3+n-1, e)
		}
		audit := &access.Service{Store: db.Access()}
		for person, want := range map[int64]int{5: n, 1000 + n - 1: 1, 2003: 36 /* i%7 == 3: 3, 10, … 248 */} {
			es, err := audit.ListAudit(access.WithCaller(ctx, access.System), access.AuditFilter{PersonID: person, Limit: 1000})
			if err != nil || len(es) != want {
				t.Fatalf("person %d: %d entries, want %d (%v)", person, len(es), want, err)
			}
		}
	})
}

// TestAuditConcurrentAppends: appends from many transactions at once
// serialise on the head; the chain stays whole.
func TestAuditConcurrentAppends(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const workers, each = 8, 5
		ctx := context.Background()
		errs := make(chan error, workers)
		for w := range workers {
			go func() {
				for i := range each {
					errs <- db.Access().Update(ctx, func(tx access.Tx) error {
						return access.Record(ctx, tx, access.System, time.Now(), access.Event{Action: "test.append", Object: fmt.Sprintf("w%d/%d", w, i), Subjects: []int64{int64(w + 1)}})
					})
				}
			}()
		}
		for range workers * each {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if r := verify(t, db); r.Breach != nil || r.Entries != workers*each {
			t.Fatalf("%v", r)
		}
	})
}
