package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"hrss/access"
	"hrss/queue"
	"hrss/rules/fault"
)

// Queue returns the job queue's store (queue.Store) over db.
//
// A claim on PostgreSQL is one READ COMMITTED statement that picks the
// next due row with FOR UPDATE SKIP LOCKED, so that workers of several
// servers each take a different row and never wait for one another; on
// SQLite the one writer connection serialises claims. Times are written
// fixed-width (queueTS) so that SQLite compares them as text.
func (db *DB) Queue() queue.Store { return queueStore{db} }

type queueStore struct{ db *DB }

// queueTS formats t for the queue's time columns: UTC, microseconds,
// always the same width.
func queueTS(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

func queueTSArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return queueTS(t)
}

// storedCaller is the JSON of the caller a job runs as, with the address
// and reason the audit trail records (access.Caller leaves them out).
type storedCaller struct {
	access.Caller
	IP     string `json:"ip,omitempty"`
	Reason string `json:"reason,omitempty"`
}

const queueCols = `id, kind, unique_key, args, caller, created_by, state, attempts, max_attempts, run_at, lease_until, worker,
	done, total, note, result, error, created_at, started_at, finished_at`

func (s queueStore) Enqueue(ctx context.Context, j queue.Job, audit bool) (queue.Job, bool, error) {
	caller, err := json.Marshal(storedCaller{Caller: j.Caller, IP: j.Caller.IP, Reason: j.Caller.Reason})
	if err != nil {
		return queue.Job{}, false, err
	}
	var key any
	if j.Key != "" {
		key = j.Key
	}
	run := s.db.update
	if audit {
		run = s.db.updateAudited
	}
	created, out := false, queue.Job{}
	err = run(ctx, func(tx *Tx) error { // retried whole: j must stay as given
		created = false
		rows, err := tx.query(ctx, `INSERT INTO queue_jobs (kind, unique_key, args, caller, created_by, state, max_attempts, run_at, created_at)
			VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?) ON CONFLICT (kind, unique_key) DO NOTHING RETURNING id`,
			j.Kind, key, string(j.Args), string(caller), j.CreatedBy, j.MaxAttempts, queueTS(j.RunAt), queueTS(j.CreatedAt))
		if err != nil {
			return err
		}
		var id int64
		created = rows.Next()
		if created {
			err = rows.Scan(&id)
		}
		err = errors.Join(err, rows.Err(), rows.Close())
		if err != nil {
			return err
		}
		if !created {
			err = tx.queryRow(ctx, "SELECT id FROM queue_jobs WHERE kind = ? AND unique_key = ?", j.Kind, j.Key).Scan(&id)
		}
		if err == nil && audit && created {
			err = access.Record(ctx, tx, j.Caller, j.CreatedAt, access.Event{Action: "queue.enqueue", Object: "queue_jobs/" + strconv.FormatInt(id, 10) + " " + j.Kind})
		}
		if err == nil {
			out, err = tx.queueJob(ctx, id)
		}
		return err
	})
	return out, created, err
}

// claimTx runs fn in a READ COMMITTED transaction on PostgreSQL (SKIP
// LOCKED's home: each statement sees the rows committed before it) and
// in the writer's transaction on SQLite, retried like every other.
func (db *DB) claimTx(ctx context.Context, fn func(*Tx) error) error {
	if db.engine != Postgres {
		return db.update(ctx, fn)
	}
	opts := &sql.TxOptions{Isolation: sql.LevelReadCommitted}
	return db.retry(ctx, func() error { return db.runTx(ctx, db.write, opts, fn) })
}

// leaseExpired is the error of a job whose last attempt's worker stopped
// renewing its lease.
var leaseExpired = func() string {
	b, _ := json.Marshal(queue.Failure{Kind: fault.Internal, Rule: "queue.lease_expired",
		Message: "the job's worker stopped renewing its lease (its server died or was cut off) and no attempt is left"})
	return string(b)
}()

func (s queueStore) Claim(ctx context.Context, worker string, kinds []string, now, until time.Time) (queue.Job, bool, error) {
	if len(kinds) == 0 {
		return queue.Job{}, false, nil
	}
	in := "?" + strings.Repeat(", ?", len(kinds)-1)
	lock := ""
	if s.db.engine == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var j queue.Job
	ok := false
	err := s.db.claimTx(ctx, func(tx *Tx) error {
		ts := queueTS(now)
		if _, err := tx.exec(ctx, `UPDATE queue_jobs SET state = 'failed', finished_at = ?, lease_until = NULL, error = ?
			WHERE state = 'running' AND lease_until < ? AND attempts >= max_attempts`, ts, leaseExpired, ts); err != nil {
			return err
		}
		args := []any{worker, queueTS(until), ts}
		args = append(args, ts, ts)
		for _, k := range kinds {
			args = append(args, k)
		}
		rows, err := tx.query(ctx, `UPDATE queue_jobs SET state = 'running', worker = ?, attempts = attempts + 1, lease_until = ?, started_at = ?
			WHERE id = (SELECT id FROM queue_jobs
				WHERE ((state = 'queued' AND run_at <= ?) OR (state = 'running' AND lease_until < ? AND attempts < max_attempts))
				AND kind IN (`+in+`) ORDER BY run_at, id LIMIT 1`+lock+`)
			RETURNING `+queueCols, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		if ok = rows.Next(); ok {
			if err := scanQueueJob(rows, &j); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return j, ok, err
}

func (s queueStore) Renew(ctx context.Context, id int64, worker string, attempt int, p queue.Progress, until time.Time) (bool, error) {
	var n int64
	err := s.db.claimTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE queue_jobs SET lease_until = ?, done = ?, total = ?, note = ?
			WHERE id = ? AND state = 'running' AND worker = ? AND attempts = ?`, queueTS(until), p.Done, p.Total, p.Note, id, worker, attempt)
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	return n == 1, err
}

func (s queueStore) Finish(ctx context.Context, id int64, worker string, attempt int, p queue.Progress, o queue.Outcome, now time.Time) (bool, error) {
	state, errText := queue.Succeeded, ""
	if o.Error != nil {
		b, err := json.Marshal(o.Error)
		if err != nil {
			return false, err
		}
		state, errText = queue.Failed, string(b)
	}
	run := s.db.claimTx
	if o.Refused {
		run = s.db.updateAudited
	}
	var n int64
	err := run(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE queue_jobs SET state = ?, done = ?, total = ?, note = ?, result = ?, error = ?, finished_at = ?, lease_until = NULL
			WHERE id = ? AND state = 'running' AND worker = ? AND attempts = ?`,
			string(state), p.Done, p.Total, p.Note, string(o.Result), errText, queueTS(now), id, worker, attempt)
		if err == nil {
			n, err = res.RowsAffected()
		}
		if err == nil && n == 1 && o.Refused {
			err = auditRefusal(ctx, tx, id, o.Error, now)
		}
		return err
	})
	return n == 1, err
}

// auditRefusal records in the audit trail that job id was refused to its
// caller: who (the caller, from the address they asked from), what job
// and kind, and why (the rule and message of f).
func auditRefusal(ctx context.Context, tx *Tx, id int64, f *queue.Failure, now time.Time) error {
	j, err := tx.queueJob(ctx, id)
	if err != nil {
		return err
	}
	object := "queue_jobs/" + strconv.FormatInt(id, 10) + " " + j.Kind + ": " + f.Rule + ": " + f.Message
	return access.Record(ctx, tx, j.Caller, now, access.Event{Action: "queue.refused", Object: object})
}

func (s queueStore) Jobs(ctx context.Context, f queue.Filter) ([]queue.Job, error) {
	q := "SELECT " + queueCols + " FROM queue_jobs WHERE kind IN (?" + strings.Repeat(", ?", len(f.Kinds)-1) + ")"
	var args []any
	for _, k := range f.Kinds {
		args = append(args, k)
	}
	if f.State != "" {
		q += " AND state = ?"
		args = append(args, string(f.State))
	}
	if f.Before > 0 {
		q += " AND id < ?"
		args = append(args, f.Before)
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	var out []queue.Job
	err := s.db.view(ctx, func(tx *Tx) error {
		out = out[:0]
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var j queue.Job
			if err := scanQueueJob(rows, &j); err != nil {
				return err
			}
			out = append(out, j)
		}
		return rows.Err()
	})
	if out == nil {
		out = []queue.Job{}
	}
	return out, err
}

func (s queueStore) Job(ctx context.Context, id int64) (queue.Job, error) {
	var j queue.Job
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		j, err = tx.queueJob(ctx, id)
		return err
	})
	return j, err
}

func (t *Tx) queueJob(ctx context.Context, id int64) (queue.Job, error) {
	var j queue.Job
	rows, err := t.query(ctx, "SELECT "+queueCols+" FROM queue_jobs WHERE id = ?", id)
	if err != nil {
		return j, err
	}
	defer rows.Close()
	if !rows.Next() {
		return j, notFound(errors.Join(rows.Err(), sql.ErrNoRows), "job", id)
	}
	err = scanQueueJob(rows, &j) // before j is returned: the order of "return j, f(&j)" is unspecified
	return j, err
}

// scanQueueJob reads one row of queueCols into j.
func scanQueueJob(rows *sql.Rows, j *queue.Job) error {
	var key sql.NullString
	var args, caller, state, result, errText string
	if err := rows.Scan(&j.ID, &j.Kind, &key, &args, &caller, &j.CreatedBy, &state, &j.Attempts, &j.MaxAttempts,
		tsCol{&j.RunAt}, nullTime{&j.LeaseUntil}, &j.Worker, &j.Done, &j.Total, &j.Note, &result, &errText,
		tsCol{&j.CreatedAt}, nullTime{&j.StartedAt}, nullTime{&j.FinishedAt}); err != nil {
		return err
	}
	j.Key, j.Args, j.State = key.String, json.RawMessage(args), queue.State(state)
	if result != "" {
		j.Result = json.RawMessage(result)
	}
	var sc storedCaller
	if err := json.Unmarshal([]byte(caller), &sc); err != nil {
		return err
	}
	j.Caller = sc.Caller
	j.Caller.IP, j.Caller.Reason = sc.IP, sc.Reason
	if errText != "" {
		j.Error = &queue.Failure{}
		if err := json.Unmarshal([]byte(errText), j.Error); err != nil {
			return err
		}
	}
	return nil
}
