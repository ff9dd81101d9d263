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
