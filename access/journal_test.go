package access_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"hrss/access"
)

// chainTx is an audit trail in memory: the head and the entries.
type chainTx struct {
	head    access.Head
	entries []access.Entry
}

func (t *chainTx) AuditHead(context.Context) (access.Head, error) { return t.head, nil }

func (t *chainTx) InsertAudit(_ context.Context, es []access.Entry) error {
	t.entries = append(t.entries, es...)
	last := es[len(es)-1]
	t.head = access.Head{Seq: last.Seq, Hash: last.Hash}
	return nil
}

// TestJournalGroupsAppends: appends that arrive while a batch is being
// written are written together in the next one transaction, chained in
// order; each returns only after its batch is committed, and a failed
// batch fails each of its appends and appends nothing.
func TestJournalGroupsAppends(t *testing.T) {
	trail := &chainTx{}
	var mu sync.Mutex
	var batches []int
	firstIn, release := make(chan struct{}), make(chan struct{})
	fail := false
	j := access.NewJournal(func(ctx context.Context, fn func(access.AuditTx) error) error {
		mu.Lock()
		defer mu.Unlock()
		if len(batches) == 0 {
			close(firstIn)
			mu.Unlock()
			<-release // the first batch writes until the others have queued
			mu.Lock()
		}
		tx := &chainTx{head: trail.head}
		if err := fn(tx); err != nil {
			return err
		}
		batches = append(batches, len(tx.entries))
		if fail {
			return errors.New("commit failed")
		}
		trail.head, trail.entries = tx.head, append(trail.entries, tx.entries...)
		return nil
	})
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	append1 := func(obj string) error {
		return j.Append(context.Background(), access.System, at, access.Event{Action: "test.view", Object: obj})
	}
	first := make(chan error, 1)
	go func() { first <- append1("first") }()
	<-firstIn
	const others = 20
	var wg sync.WaitGroup
	errs := make(chan error, others)
	for range others {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- append1("other") }()
	}
	waitQueued(t, j, others)
	close(release)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(batches) != 2 || batches[0] != 1 || batches[1] != others {
		t.Fatalf("batches %v, want [1 %d]", batches, others)
	}
	prev := make(access.Digest, 32)
	for i, e := range trail.entries {
		if e.Seq != int64(i+1) || !bytes.Equal(e.PrevHash, prev) || !bytes.Equal(e.ComputeHash(), e.Hash) {
			t.Fatalf("entry %d is not chained: %+v", i+1, e)
		}
		prev = e.Hash
	}
	fail = true
	if err := append1("lost"); err == nil || len(trail.entries) != others+1 {
		t.Fatalf("a failed batch: %v, %d entries", err, len(trail.entries))
	}
}

// waitQueued waits until n appends wait in j's queue.
func waitQueued(t *testing.T, j *access.Journal, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if j.Queued() >= n {
			return
		}
	}
	t.Fatalf("%d appends never queued", n)
}
