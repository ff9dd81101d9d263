package store

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// checkpointEvery is how often the checkpointer copies the write-ahead
// log into the database file.
const checkpointEvery = 500 * time.Millisecond

// checkpointer copies SQLite's write-ahead log into the database file
// from a connection of its own, PASSIVE (it never waits for the writer
// or a reader), so that no transaction's commit does it: the writer
// connection runs with wal_autocheckpoint off. With SQLite's automatic
// checkpoint, the commit that crossed the 1,000-page mark copied the
// pages and synced the file inside the writer's turn, and the first
// commit after a long read (a monthly run's EachInsured, which keeps the
// log from being copied past its snapshot) copied everything that had
// piled up behind it, while every other writer and every view's audit
// entry waited. Once a checkpoint has copied the whole log and no
// reader needs it, the writer's next transaction starts the log over.
type checkpointer struct {
	conn   *sql.DB
	stop   chan struct{}
	done   sync.WaitGroup
	closed sync.Once
}

// startCheckpointer opens the checkpointer's connection on path and
// starts it.
func startCheckpointer(path string) (*checkpointer, error) {
	c, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas)
	if err != nil {
		return nil, err
	}
	c.SetMaxOpenConns(1)
	c.SetMaxIdleConns(1)
	cp := &checkpointer{conn: c, stop: make(chan struct{})}
	cp.done.Add(1)
	go cp.loop()
	return cp, nil
}

func (cp *checkpointer) loop() {
	defer cp.done.Done()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-cp.stop:
			return
		case <-t.C:
			cp.checkpoint()
		}
	}
}

// checkpoint runs one PASSIVE checkpoint; a busy database (another
// process checkpointing) is left for the next tick.
func (cp *checkpointer) checkpoint() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cp.conn.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
}

// close stops the checkpointer after a last checkpoint and closes its
// connection.
func (cp *checkpointer) close() error {
	var err error
	cp.closed.Do(func() {
		close(cp.stop)
		cp.done.Wait()
		cp.checkpoint()
		err = cp.conn.Close()
	})
	return err
}
