package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCheckpointOffTheWriter: a commit of 8 MB (past SQLite's automatic
// checkpoint of 1,000 pages) leaves the pages in the write-ahead log,
// the database file as it was, and the checkpointer copies them into the
// file within a few of its ticks; the writer's connection has the
// automatic checkpoint off.
func TestCheckpointOffTheWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ckpt.db")
	db, err := openSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	var auto int
	if err := db.write.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("the writer's wal_autocheckpoint is %d (%v), want 0", auto, err)
	}
	if err := db.update(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "CREATE TABLE big (v TEXT)")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * checkpointEvery) // the table is in the file
	before := size(t, path)
	if err := db.update(ctx, func(tx *Tx) error {
		for range 2000 {
			if _, err := tx.exec(ctx, "INSERT INTO big VALUES (?)", strings.Repeat("x", 4000)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if after := size(t, path); after > before+1<<20 {
		t.Fatalf("the commit checkpointed: the file grew from %d to %d bytes", before, after)
	}
	for deadline := time.Now().Add(20 * checkpointEvery); size(t, path) < before+7<<20; time.Sleep(checkpointEvery / 5) {
		if time.Now().After(deadline) {
			t.Fatalf("the checkpointer did not copy the log into the file: %d bytes, were %d", size(t, path), before)
		}
	}
}

func size(t *testing.T, path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// TestCheckpointResetsLog: under a steady stream of small commits and
// short reads (a run's chunks, the views' audit entries) SQLite never
// starts the log over by itself; the checkpointer does (TRUNCATE in a
// turn of the writer's gate) once the log is past resetFrames, so the
// log stays near that length instead of growing by all that was
// written (32 MB here; the log is reset past 1 MB, the tick shortened to
// 20 ms: 7-14 MB at its peak, what is written while a PASSIVE
// checkpoint copies and syncs, against 32 MB without the reset).
func TestCheckpointResetsLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reset.db")
	db, err := openSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.ckpt.resetFrames = 256
	db.ckpt.every.Store(int64(20 * time.Millisecond))
	ctx := context.Background()
	if err := db.update(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "CREATE TABLE big (k INTEGER PRIMARY KEY, v TEXT)")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	readers := make(chan error, 1)
	go func() { // short reads all along, as under load
		var err error
		for err == nil {
			select {
			case <-stop:
				readers <- nil
				return
			default:
			}
			err = db.view(ctx, func(tx *Tx) error {
				var n int
				return tx.queryRow(ctx, "SELECT count(*) FROM big WHERE k > (SELECT max(k) - 10 FROM big)").Scan(&n)
			})
		}
		readers <- err
	}()
	var peak int64
	for i := range 2000 { // 2,000 commits of 4 pages: 32 MB of log
		if err := db.update(ctx, func(tx *Tx) error {
			for j := range 4 {
				if _, err := tx.exec(ctx, "INSERT INTO big VALUES (?, ?)", i*4+j, strings.Repeat("x", 4000)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(path + "-wal"); err == nil {
			peak = max(peak, st.Size())
		}
	}
	close(stop)
	if err := <-readers; err != nil {
		t.Fatal(err)
	}
	if n := db.ckpt.resets.Load(); n < 2 || peak > 16<<20 {
		t.Fatalf("the log peaked at %d bytes after %d resets, want it started over past 1 MB", peak, n)
	}
	t.Logf("log peak %d bytes, %d resets", peak, db.ckpt.resets.Load())
}
