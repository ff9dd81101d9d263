package store

import (
	"context"
	"database/sql"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// checkpointEvery is how often the checkpointer copies the write-ahead
// log into the database file.
const checkpointEvery = 500 * time.Millisecond

// resetFrames is the length of the write-ahead log (in pages: 64 MiB of
// 4 KiB pages) past which the checkpointer starts it over (TRUNCATE).
const resetFrames = 16_384

// resetWait is how long the checkpointer's TRUNCATE waits for readers
// of the log (its connection's busy timeout) before it gives up until
// the next tick.
const resetWait = 50 * time.Millisecond

// maxResetBackoff is the most ticks the checkpointer waits after a
// reset a reader kept waiting (the indicators' refresh reads a snapshot
// of tens of seconds): 8 s.
const maxResetBackoff = 16

// checkpointer copies SQLite's write-ahead log into the database file
// from a connection of its own, PASSIVE (it never waits for the writer
// or a reader), so that no transaction's commit does it: the writer
// connection runs with wal_autocheckpoint off. With SQLite's automatic
// checkpoint, the commit that crossed the 1,000-page mark copied the
// pages and synced the file inside the writer's turn, and the first
// commit after a long read (a monthly run's EachInsured, which keeps the
// log from being copied past its snapshot) copied everything that had
// piled up behind it, while every other writer and every view's audit
// entry waited.
//
// SQLite starts the log over only when a write transaction begins after
// a checkpoint copied all of it; under a steady stream of commits (a
// run's chunks, the audit journal's batches) that moment never comes,
// and the log grew to gigabytes during a monthly run. So once a PASSIVE
// checkpoint has copied the whole log and the log is longer than
// resetFrames, the checkpointer takes a turn of the writer's gate (as
// batch work: behind the interactive waiters) and runs a TRUNCATE
// checkpoint in it: with this process's writer idle it copies what was
// committed since, waits at most resetWait for the readers still reading
// the log (readers that begin meanwhile read the file), and empties the
// log. If a reader keeps it longer, it gives up, and tries again after
// 1, 2, 4 ... (at most maxResetBackoff) ticks, so that a long reader
// does not cost the writer resetWait at every tick.
type checkpointer struct {
	conn        *sql.DB
	turns       *gate // the writer's gate; nil: never reset
	resetFrames int
	stop        chan struct{}
	done        sync.WaitGroup
	closed      sync.Once
	resets      atomic.Int64 // the log started over
	every       atomic.Int64 // the tick, checkpointEvery (tests shorten it)
}

// startCheckpointer opens the checkpointer's connection on path and
// starts it; turns is the gate of the database's writer.
func startCheckpointer(path string, turns *gate) (*checkpointer, error) {
	c, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas)
	if err != nil {
		return nil, err
	}
	c.SetMaxOpenConns(1)
	c.SetMaxIdleConns(1)
	cp := &checkpointer{conn: c, turns: turns, resetFrames: resetFrames, stop: make(chan struct{})}
	cp.every.Store(int64(checkpointEvery))
	cp.done.Add(1)
	go cp.loop()
	return cp, nil
}

func (cp *checkpointer) loop() {
	defer cp.done.Done()
	skip, backoff := 0, 0 // ticks to skip before the next reset, and the last skip
	for {
		select {
		case <-cp.stop:
			return
		case <-time.After(time.Duration(cp.every.Load())):
			log, _, ok := cp.checkpoint("PASSIVE")
			if skip > 0 || !ok || log < cp.resetFrames {
				skip = max(skip-1, 0)
				continue
			}
			if cp.reset() {
				backoff = 0
			} else { // a long reader: try again later and later
				backoff = min(max(2*backoff, 1), maxResetBackoff)
				skip = backoff
			}
		}
	}
}

// checkpoint runs one checkpoint of mode and returns the log's length
// and the pages of it copied (both in pages); ok is false when the
// database was busy (another process checkpointing, a reader keeping a
// TRUNCATE waiting) or failed: it is left for the next tick.
func (cp *checkpointer) checkpoint(mode string) (log, copied int, ok bool) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var busy int
	err := cp.conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &log, &copied)
	return log, copied, err == nil && busy == 0
}

// reset empties the log in a turn of the writer's gate (see
// checkpointer) and reports whether it did.
func (cp *checkpointer) reset() bool {
	if cp.turns == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	leave, err := cp.turns.enter(ctx, true)
	if err != nil {
		return false
	}
	defer leave()
	conn, err := cp.conn.Conn(ctx)
	if err != nil {
		return false
	}
	defer conn.Close()
	conn.ExecContext(ctx, "PRAGMA busy_timeout = "+strconv.Itoa(int(resetWait/time.Millisecond)))
	defer conn.ExecContext(ctx, "PRAGMA busy_timeout = 10000")
	var busy, log, copied int
	if conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &log, &copied) != nil || busy != 0 {
		return false
	}
	cp.resets.Add(1)
	return true
}

// close stops the checkpointer after a last checkpoint and closes its
// connection.
func (cp *checkpointer) close() error {
	var err error
	cp.closed.Do(func() {
		close(cp.stop)
		cp.done.Wait()
		cp.checkpoint("PASSIVE")
		err = cp.conn.Close()
	})
	return err
}
