// Package store is the database of hrss: one adapter over database/sql
// for both engines (embedded SQLite through the pure-Go modernc driver,
// PostgreSQL through pgx), the embedded migrations, the one transaction
// helper with its retry on serialization failures, and the bulk writers.
//
// Queries are plain SQL written once with ? placeholders; rebind turns
// them into $n for PostgreSQL. Where the dialects differ (DDL, bulk
// writes), each engine has its own file.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"hrss/access"
	"hrss/rules/fault"
)

// Engine names a database engine.
type Engine string

// The engines hrss runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is an open hrss database.
type DB struct {
	engine Engine
	write  *sql.DB // SQLite: the one writer connection; PostgreSQL: the pool
	read   *sql.DB // SQLite: a pool of read-only connections; PostgreSQL: the same pool
	dsn    string
	// journal appends the audit entries of reads, several at once
	// (access.Journal); one per database, whose chain it extends.
	journal *access.Journal
	// retried counts the attempts retry made again (Retried).
	retried atomic.Int64
	// turns orders this process's waiters for the one writer, interactive
	// work first (gate.go).
	turns *gate
	// ckpt copies SQLite's write-ahead log into the file, apart from the
	// writer (checkpoint.go); nil on PostgreSQL.
	ckpt *checkpointer
}

// Retried returns how many times since Open a transaction was tried
// again after a serialization failure, a deadlock or a busy database
// (hrss_db_retries_total): a figure that climbs shows writers contending.
func (db *DB) Retried() int64 { return db.retried.Load() }

// newDB returns the DB of the engine over its connection pools.
func newDB(engine Engine, write, read *sql.DB, dsn string) *DB {
	db := &DB{engine: engine, write: write, read: read, dsn: dsn, turns: newGate()}
	db.journal = access.NewJournal(func(ctx context.Context, fn func(access.AuditTx) error) error {
		return db.updateAudited(ctx, func(t *Tx) error { return fn(t) })
	})
	return db
}

// AppendAudit appends the audit entry of a read in a short write of its
// own, committed with the others waiting (access.Journal).
func (db *DB) AppendAudit(ctx context.Context, c access.Caller, at time.Time, ev access.Event) error {
	return db.journal.Append(ctx, c, at, ev)
}

// IsPostgres reports whether dsn selects PostgreSQL rather than a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the database named by dsn: a postgres:// URL for PostgreSQL,
// anything else the path of a SQLite file (created if missing). It checks
// the connection but does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	var db *DB
	var err error
	if IsPostgres(dsn) {
		db, err = openPostgres(dsn)
	} else {
		db, err = openSQLite(dsn)
	}
	if err != nil {
		return nil, err
	}
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", db.engine, err)
	}
	return db, nil
}

func openPostgres(dsn string) (*DB, error) {
	pool, err := sql.Open("pgx", withAppName(dsn)) // inuse_postgres.go: tells other hrss processes apart
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL: %w", err)
	}
	pool.SetMaxOpenConns(16)
	pool.SetMaxIdleConns(16)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return newDB(Postgres, pool, pool, dsn), nil
}

// sqlitePragmas are set on every SQLite connection; busy_timeout comes
// first so that the others wait for a lock instead of failing.
// mmap_size maps up to 2 GiB of the file (SQLite's own ceiling), so that
// reads take pages from the operating system's cache without a read(2)
// each: under bench/load a quarter of the CPU went to those calls.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=mmap_size(2147418112)"

func openSQLite(path string) (*DB, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fault.Invalidf("db", "db.path", "%q: a SQLite path may not contain ? or #", path)
	}
	if err := refuseForeign(path); err != nil { // foreign.go: never write to a file that is not hrss's
		return nil, err
	}
	w, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas+"&_pragma=wal_autocheckpoint(0)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1) // one writer: SQLite serialises writes anyway
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := pingSQLite(w); err != nil { // creates the file and sets WAL before readers open
		w.Close()
		return nil, fmt.Errorf("open SQLite %s: %w", path, unavailable(err))
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	db := newDB(SQLite, w, r, path)
	cp, err := startCheckpointer(path, db.turns)
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	db.ckpt = cp
	return db, nil
}

// pingSQLite opens the first connection. Switching a new file to WAL
// answers SQLITE_BUSY at once, without the busy timeout, while another
// process does the same; so a busy answer is retried for a few seconds.
func pingSQLite(w *sql.DB) error {
	var err error
	for i := 0; i < 100; i++ {
		if err = w.Ping(); err == nil || !retryable(err) {
			return err
		}
		time.Sleep(time.Duration(10+rand.IntN(20)) * time.Millisecond)
	}
	return err
}

// Engine returns the engine of db.
func (db *DB) Engine() Engine { return db.engine }

// Close closes every connection of db.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	if db.ckpt != nil {
		err = errors.Join(err, db.ckpt.close())
	}
	return err
}

// maxAttempts bounds the retries of one transaction: with the backoff of
// retry (5 ms doubling to 320 ms, jittered) about 4 s in all, so that a
// loaded machine's long transactions do not exhaust it.
const maxAttempts = 16

// update runs fn in a read-write transaction (SERIALIZABLE on PostgreSQL,
// IMMEDIATE on SQLite) and commits it; a serialization failure or a busy
// database anywhere in it retries the whole transaction with backoff. On
// SQLite each attempt takes its turn of the one writer (writerTurn).
func (db *DB) update(ctx context.Context, fn func(*Tx) error) error {
	return db.retry(ctx, func() error {
		if db.engine == Postgres { // a pool of writers: no one writer to wait for
			return db.runTx(ctx, db.write, db.writeOpts(), fn)
		}
		return db.writerTurn(ctx, func() error { return db.runTx(ctx, db.write, db.writeOpts(), fn) })
	})
}

// writerTurn runs fn, which takes the one writer (SQLite's connection,
// PostgreSQL's audit lock), in its turn of the gate: a batch context
// (access.Background) after the interactive work waiting.
func (db *DB) writerTurn(ctx context.Context, fn func() error) error {
	batch := access.IsBackground(ctx)
	if batch {
		access.Yield(ctx) // and the processors first, to the requests in flight
	}
	leave, err := db.turns.enter(ctx, batch)
	if err != nil {
		return err
	}
	defer leave()
	if batch {
		// the requests wait for this turn: held at their priority, not
		// at the lowered one of the batch work's thread
		access.Unlowered(ctx, func() { err = fn() })
		return err
	}
	return fn()
}

// updateAudited is update for the transactions that append to the audit
// chain, which has one head row: on PostgreSQL they queue on a session
// advisory lock taken before BEGIN, so that each one's snapshot already
// sees the head its predecessor wrote (under SERIALIZABLE, waiting for the
// head row inside the transaction ends in a serialization failure every
// time two collide). On SQLite the one writer connection queues them.
// Either way each attempt takes its turn of the writer (writerTurn).
func (db *DB) updateAudited(ctx context.Context, fn func(*Tx) error) error {
	return db.retry(ctx, func() error {
		return db.writerTurn(ctx, func() error {
			return db.withLock(ctx, auditLockKey, func(b beginner) error { return db.runTx(ctx, b, db.writeOpts(), fn) })
		})
	})
}

// The PostgreSQL advisory lock keys of hrss.
const (
	migrateLockKey = 4242001
	auditLockKey   = 4242002
)

func (db *DB) writeOpts() *sql.TxOptions {
	if db.engine == Postgres {
		return &sql.TxOptions{Isolation: sql.LevelSerializable}
	}
	return &sql.TxOptions{}
}

// view runs fn in a read-only transaction: a snapshot on both engines
// (REPEATABLE READ on PostgreSQL, so that a multi-statement read never
// mixes states).
func (db *DB) view(ctx context.Context, fn func(*Tx) error) error {
	opts := &sql.TxOptions{}
	if db.engine == Postgres {
		opts = &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
		if access.IsBackground(ctx) {
			fn = serial(ctx, fn)
		}
	}
	return db.retry(ctx, func() error { return db.runTx(ctx, db.read, opts, fn) })
}

// serial runs fn's queries without PostgreSQL's parallel workers: a batch
// read (the indicators' refresh, whose scans of a month's assessments
// took every processor in parallel under bench/load) then takes one
// processor and leaves the others to the requests.
func serial(ctx context.Context, fn func(*Tx) error) func(*Tx) error {
	return func(t *Tx) error {
		if _, err := t.exec(ctx, "SET LOCAL max_parallel_workers_per_gather = 0"); err != nil {
			return err
		}
		return fn(t)
	}
}

func (db *DB) retry(ctx context.Context, attempt func() error) error {
	var err error
	for i := 0; i < maxAttempts; i++ {
		if err = attempt(); err == nil || !retryable(err) {
			return unavailable(err) // unavailable.go: a full disk or a lost connection says so
		}
		db.retried.Add(1)
		backoff := time.Duration(1<<min(i, 6))*5*time.Millisecond + time.Duration(rand.Int64N(int64(5*time.Millisecond)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
	}
	return fmt.Errorf("gave up after %d attempts: %w", maxAttempts, err)
}

// beginner starts transactions: the pool, or one pinned connection.
type beginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// runTx runs fn in one transaction of b and commits it. The deferred
// rollback also ends the transaction when fn panics, so that the SQLite
// writer connection is never left inside an open transaction.
func (db *DB) runTx(ctx context.Context, b beginner, opts *sql.TxOptions, fn func(*Tx) error) error {
	tx, err := b.BeginTx(ctx, opts)
	if err != nil {
		return wrapDBError(err)
	}
	defer tx.Rollback() // a no-op after Commit
	if err := fn(&Tx{tx: tx, engine: db.engine}); err != nil {
		return err
	}
	return wrapDBError(tx.Commit())
}

// withLock runs fn holding the PostgreSQL session advisory lock key on a
// pinned connection of the write pool, released afterwards (a connection
// whose unlock fails is discarded, never returned to the pool holding
// the lock). On SQLite it runs fn on the one writer connection.
func (db *DB) withLock(ctx context.Context, key int64, fn func(beginner) error) error {
	if db.engine != Postgres {
		return fn(db.write)
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return wrapDBError(err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return fn(conn)
}

// retryable reports whether err is a serialization failure or deadlock
// (PostgreSQL SQLSTATE 40001, 40P01) or a busy SQLite database.
func retryable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01"
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		c := lite.Code() & 0xff
		return c == 5 || c == 6 // SQLITE_BUSY, SQLITE_LOCKED
	}
	return false
}

// wrapDBError maps a uniqueness or foreign-key violation to a Conflict and
// keeps anything else as it is.
func wrapDBError(err error) error {
	if err == nil {
		return nil
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return errUnique(keyColumn(pg.Detail, "Key (", ")"), err)
		case "23503":
			return errReference(err)
		}
		return err
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		switch lite.Code() {
		case 2067, 1555: // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
			return errUnique(keyColumn(lite.Error(), "constraint failed: ", " "), err)
		case 787: // SQLITE_CONSTRAINT_FOREIGNKEY
			return errReference(err)
		}
	}
	return err
}

// errUnique is a uniqueness violation on column col, named as the input
// field it comes from (the resident ID's lookup hash is the resident ID).
func errUnique(col string, err error) error {
	field := col
	switch col {
	case "id_hash":
		field = "resident_id"
	case "":
		return &fault.Error{Kind: fault.Conflict, Rule: "unique", Message: "a record with the same key exists", Err: err}
	}
	return &fault.Error{Kind: fault.Conflict, Field: field, Rule: "unique", Message: "a record with the same " + field + " exists", Err: err}
}

func errReference(err error) error {
	return &fault.Error{Kind: fault.Conflict, Rule: "reference", Message: "the record refers to one that does not exist", Err: err}
}

// keyColumn finds the (last) column of a violated key in a driver's
// message: PostgreSQL's detail "Key (credit_code)=(…) already exists.",
// SQLite's "UNIQUE constraint failed: employers.credit_code (2067)".
// Several columns, or none found, give "".
func keyColumn(msg, before, after string) string {
	_, rest, ok := strings.Cut(msg, before)
	if !ok {
		return ""
	}
	if i := strings.Index(rest, after); i >= 0 {
		rest = rest[:i]
	}
	if strings.ContainsAny(rest, ", ") {
		return ""
	}
	if i := strings.LastIndexByte(rest, '.'); i >= 0 {
		rest = rest[i+1:]
	}
	return rest
}

// Tx is one transaction; it implements the domain packages' Tx interfaces.
type Tx struct {
	tx     *sql.Tx
	engine Engine
	// assessed memoises, for the life of the transaction, the one pass
	// over the assessment rows that several indicators share (insight).
	assessed map[string][]assessedCell
	// sum is the indicators' summary state read in this transaction.
	sum *summaryState
	// stmts are, on SQLite, the statements this transaction ran more than
	// once, prepared (stmt): the modernc driver parses an unprepared query
	// on every run, and an import runs the same few for each of its rows.
	stmts map[string]*sql.Stmt
	seen  map[string]bool
}

// maxStmts bounds the statements one transaction keeps prepared.
const maxStmts = 64

// stmt returns the prepared statement of q for its second and later runs
// in this transaction on SQLite, nil otherwise (run q as it is). The
// transaction closes its statements when it ends.
func (t *Tx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if t.engine != SQLite {
		return nil, nil
	}
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	if !t.seen[q] || len(t.stmts) >= maxStmts {
		if t.seen == nil {
			t.seen = map[string]bool{}
		}
		if len(t.seen) < 4*maxStmts {
			t.seen[q] = true
		}
		return nil, nil
	}
	st, err := t.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, wrapDBError(err)
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[q] = st
	return st, nil
}

// rebind rewrites ? placeholders to $1, $2 … for PostgreSQL. Queries in
// hrss hold no ? inside string literals.
func rebind(engine Engine, q string) string {
	if engine != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st, err := t.stmt(ctx, q); err != nil || st != nil {
		if err != nil {
			return nil, err
		}
		r, err := st.ExecContext(ctx, args...)
		return r, wrapDBError(err)
	}
	r, err := t.tx.ExecContext(ctx, rebind(t.engine, q), args...)
	return r, wrapDBError(err)
}

func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r, err := t.tx.QueryContext(ctx, rebind(t.engine, q), args...)
	return r, wrapDBError(err)
}

// queryAll is query for a caller that reads all the rows and closes them
// before it runs anything else: on SQLite it may run a statement prepared
// earlier in the transaction (stmt), which one open Rows at a time uses.
func (t *Tx) queryAll(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st, err := t.stmt(ctx, q); err != nil || st != nil {
		if err != nil {
			return nil, err
		}
		r, err := st.QueryContext(ctx, args...)
		return r, wrapDBError(err)
	}
	return t.query(ctx, q, args...)
}

// queryRow runs a query of one row; its callers scan the row at once, so
// on SQLite it may run a statement prepared earlier in the transaction.
func (t *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st, err := t.stmt(ctx, q); err == nil && st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, rebind(t.engine, q), args...)
}

// insertID runs an INSERT … RETURNING id and returns the id.
func (t *Tx) insertID(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := t.queryRow(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, wrapDBError(err)
}

// notFound turns sql.ErrNoRows into a NotFound fault naming what was sought.
func notFound(err error, what string, id int64) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fault.NotFoundf("%s %d not found", what, id)
	}
	return wrapDBError(err)
}
