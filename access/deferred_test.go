package access_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"hrss/access"
)

// journalStore is a view store over an audit trail in memory whose
// entries go through a Journal (as every store of one database does).
type journalStore struct {
	j       *access.Journal
	batches *[]int
}

func (s journalStore) View(ctx context.Context, fn func(int) error) error { return fn(0) }
func (s journalStore) AppendAudit(ctx context.Context, c access.Caller, at time.Time, ev access.Event) error {
	return s.j.Append(ctx, c, at, ev)
}
func (s journalStore) AuditJournal() *access.Journal { return s.j }

func newJournalStore(trail *chainTx, fail *bool) journalStore {
	var batches []int
	j := access.NewJournal(func(ctx context.Context, fn func(access.AuditTx) error) error {
		tx := &chainTx{head: trail.head}
		if err := fn(tx); err != nil {
			return err
		}
		batches = append(batches, len(tx.entries))
		if *fail {
			return errors.New("commit failed")
		}
		trail.head, trail.entries = tx.head, append(trail.entries, tx.entries...)
		return nil
	})
	return journalStore{j, &batches}
}

// TestDeferredViews: in a context of DeferViews the views' entries are
// kept until Flush, then appended in the views' order in one batch of
// the journal, two stores sharing it; a second Flush appends only the
// views since; a failed batch fails Flush and appends nothing; outside
// DeferViews each view appends at once.
func TestDeferredViews(t *testing.T) {
	trail, fail := &chainTx{}, false
	a := newJournalStore(trail, &fail)
	b := journalStore{a.j, a.batches} // another store of the same database
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	view := func(ctx context.Context, s journalStore, obj string) {
		t.Helper()
		if err := access.ViewAudited(ctx, s, access.System, at, func(int) (access.Event, error) {
			return access.Event{Action: "test.view", Object: obj}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, d := access.DeferViews(context.Background())
	view(ctx, a, "person/1")
	view(ctx, a, "person/1/employments")
	view(ctx, b, "person/1/statement")
	if len(trail.entries) != 0 {
		t.Fatalf("%d entries appended before Flush", len(trail.entries))
	}
	if err := d.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(*a.batches) != 1 || (*a.batches)[0] != 3 {
		t.Fatalf("batches %v, want one of 3", *a.batches)
	}
	for i, want := range []string{"person/1", "person/1/employments", "person/1/statement"} {
		if trail.entries[i].Object != want {
			t.Errorf("entry %d is %s, want %s", i, trail.entries[i].Object, want)
		}
	}
	view(ctx, a, "person/2")
	if err := d.Flush(context.Background()); err != nil || len(trail.entries) != 4 {
		t.Fatalf("second Flush: %v, %d entries", err, len(trail.entries))
	}
	fail = true
	view(ctx, a, "person/3")
	if err := d.Flush(context.Background()); err == nil || len(trail.entries) != 4 {
		t.Fatalf("failed batch: %v, %d entries", err, len(trail.entries))
	}
	fail = false
	view(context.Background(), a, "person/4")
	if len(trail.entries) != 5 || trail.entries[4].Object != "person/4" {
		t.Fatalf("a view outside DeferViews: %d entries", len(trail.entries))
	}
}
