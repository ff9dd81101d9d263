package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"hrss/access"
	"hrss/insurance"
	"hrss/rules/money"
	"hrss/rules/period"
)

// Insurance returns db as social insurance's Store.
func (db *DB) Insurance() insurance.Store {
	if db.engine == Postgres {
		return pgInsuranceStore{insuranceStore{db}}
	}
	return insuranceStore{db}
}

type insuranceStore struct{ db *DB }

// AppendAudit implements access.Appender (DB.AppendAudit).
func (s insuranceStore) AppendAudit(ctx context.Context, c access.Caller, at time.Time, ev access.Event) error {
	return s.db.AppendAudit(ctx, c, at, ev)
}

// AuditJournal implements access.Journaled: the database's journal.
func (s insuranceStore) AuditJournal() *access.Journal { return s.db.journal }

// pgInsuranceStore is the Store on PostgreSQL: it also writes a run's
// bills with COPY (insurance.BillWriter, insurance_finish.go).
type pgInsuranceStore struct{ insuranceStore }

func (s insuranceStore) Update(ctx context.Context, fn func(insurance.Tx) error) error {
	return s.db.updateAudited(ctx, func(t *Tx) error { return fn(t) })
}

// UpdateChunk implements insurance.Store: updateAudited's queue (every
// insurance transaction takes the audit lock before BEGIN on
// PostgreSQL, so none overlaps another and REPEATABLE READ sees what
// each committed before it), at REPEATABLE READ on PostgreSQL. Under
// SERIALIZABLE a close's chunk of 5,000 persons took predicate locks
// that PostgreSQL keeps until every transaction overlapping it ends: at
// 2,000,000 persons, beside another database's long transaction on the
// same server, the chunks failed with "out of shared memory" and then
// with serialization failures on rows nobody else wrote (bench/scale).
func (s insuranceStore) UpdateChunk(ctx context.Context, fn func(insurance.Tx) error) error {
	opts := s.db.writeOpts()
	if s.db.engine == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead}
	}
	return s.db.retry(ctx, func() error {
		return s.db.withLock(ctx, auditLockKey, func(b beginner) error { return s.db.runTx(ctx, b, opts, func(t *Tx) error { return fn(t) }) })
	})
}

func (s insuranceStore) View(ctx context.Context, fn func(insurance.Tx) error) error {
	return s.db.view(ctx, func(t *Tx) error { return fn(t) })
}

// Periods are stored as the integer YYYYMM.
func ymArg(p period.YearMonth) int {
	if p == 0 {
		return 0
	}
	return p.Year()*100 + p.Month()
}

func ymOf(n int64) period.YearMonth {
	if n == 0 {
		return 0
	}
	return period.New(int(n/100), int(n%100))
}

// ymCol scans an integer YYYYMM column.
type ymCol struct{ p *period.YearMonth }

func (c ymCol) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	*c.p = ymOf(n.Int64)
	return nil
}

// nullTS scans a nullable timestamp column.
type nullTS struct{ t *time.Time }

func (c nullTS) Scan(v any) error {
	if v == nil {
		*c.t = time.Time{}
		return nil
	}
	return tsCol{c.t}.Scan(v)
}

func nullTSArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return tsArg(t)
}

// periodCols are the columns of ins_periods that scanPeriod reads.
const periodCols = `period, status, current_run, closed_at, closed_by, credited_kind, credited_payer`

// scanPeriod reads a row of periodCols.
func scanPeriod(row interface{ Scan(...any) error }) (insurance.PeriodState, error) {
	var st insurance.PeriodState
	var status string
	var cur sql.NullInt64
	var kind int16
	err := row.Scan(ymCol{&st.Period}, &status, &cur, nullTS{&st.ClosedAt}, &st.ClosedBy, &kind, &st.Credited.ID)
	st.Status, st.CurrentRun, st.Credited.Kind = insurance.PeriodStatus(status), cur.Int64, insurance.PayerKind(kind)
	return st, err
}

// Period implements insurance.Tx.
func (t *Tx) Period(ctx context.Context, p period.YearMonth) (insurance.PeriodState, error) {
	st, err := scanPeriod(t.queryRow(ctx, `SELECT `+periodCols+` FROM ins_periods WHERE period = ?`, ymArg(p)))
	if errors.Is(err, sql.ErrNoRows) {
		return insurance.PeriodState{Period: p}, nil
	}
	return st, wrapDBError(err)
}

// PutPeriod implements insurance.Tx.
func (t *Tx) PutPeriod(ctx context.Context, st insurance.PeriodState) error {
	var cur any
	if st.CurrentRun != 0 {
		cur = st.CurrentRun
	}
	_, err := t.exec(ctx, `INSERT INTO ins_periods (`+periodCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (period) DO UPDATE SET status = excluded.status, current_run = excluded.current_run,
		closed_at = excluded.closed_at, closed_by = excluded.closed_by,
		credited_kind = excluded.credited_kind, credited_payer = excluded.credited_payer`,
		ymArg(st.Period), string(st.Status), cur, nullTSArg(st.ClosedAt), st.ClosedBy, int16(st.Credited.Kind), st.Credited.ID)
	return err
}

// ListPeriods implements insurance.Tx.
func (t *Tx) ListPeriods(ctx context.Context) ([]insurance.PeriodState, error) {
	rows, err := t.query(ctx, `SELECT `+periodCols+` FROM ins_periods ORDER BY period`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.PeriodState
	for rows.Next() {
		st, err := scanPeriod(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// Lock implements insurance.Tx.
func (t *Tx) Lock(ctx context.Context, p period.YearMonth) (insurance.RunLock, bool, error) {
	l := insurance.RunLock{Period: p}
	err := t.queryRow(ctx, `SELECT run_id, heartbeat_at FROM ins_run_locks WHERE period = ?`, ymArg(p)).Scan(&l.Run, tsCol{&l.Heartbeat})
	if errors.Is(err, sql.ErrNoRows) {
		return l, false, nil
	}
	return l, err == nil, wrapDBError(err)
}

// PutLock implements insurance.Tx.
func (t *Tx) PutLock(ctx context.Context, l insurance.RunLock) error {
	_, err := t.exec(ctx, `INSERT INTO ins_run_locks (period, run_id, heartbeat_at) VALUES (?, ?, ?)
		ON CONFLICT (period) DO UPDATE SET run_id = excluded.run_id, heartbeat_at = excluded.heartbeat_at`,
		ymArg(l.Period), l.Run, tsArg(l.Heartbeat))
	return err
}

// Heartbeat implements insurance.Tx.
func (t *Tx) Heartbeat(ctx context.Context, l insurance.RunLock) (bool, error) {
	r, err := t.exec(ctx, `UPDATE ins_run_locks SET heartbeat_at = ? WHERE period = ? AND run_id = ?`, tsArg(l.Heartbeat), ymArg(l.Period), l.Run)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, err
}

// DeleteLock implements insurance.Tx.
func (t *Tx) DeleteLock(ctx context.Context, p period.YearMonth, run int64) error {
	_, err := t.exec(ctx, `DELETE FROM ins_run_locks WHERE period = ? AND run_id = ?`, ymArg(p), run)
	return err
}

const runCols = `id, period, status, actor, started_at, finished_at, persons, payers, total, summary`

func scanRun(sc interface{ Scan(...any) error }) (insurance.Run, error) {
	var r insurance.Run
	var status string
	var total int64
	err := sc.Scan(&r.ID, ymCol{&r.Period}, &status, &r.Actor, tsCol{&r.StartedAt}, nullTS{&r.FinishedAt}, &r.Persons, &r.Payers, &total, &r.Summary)
	r.Status, r.Total = insurance.RunStatus(status), money.Fen(total)
	return r, err
}

// InsertRun implements insurance.Tx.
func (t *Tx) InsertRun(ctx context.Context, r *insurance.Run) error {
	id, err := t.insertID(ctx, `INSERT INTO ins_runs (period, status, actor, started_at) VALUES (?, ?, ?, ?)`,
		ymArg(r.Period), string(r.Status), r.Actor, tsArg(r.StartedAt))
	r.ID = id
	return err
}

// UpdateRun implements insurance.Tx.
func (t *Tx) UpdateRun(ctx context.Context, r insurance.Run) error {
	_, err := t.exec(ctx, `UPDATE ins_runs SET status = ?, finished_at = ?, persons = ?, payers = ?, total = ?, summary = ? WHERE id = ?`,
		string(r.Status), nullTSArg(r.FinishedAt), r.Persons, r.Payers, int64(r.Total), r.Summary, r.ID)
	return err
}

// Run implements insurance.Tx.
func (t *Tx) Run(ctx context.Context, id int64) (insurance.Run, error) {
	r, err := scanRun(t.queryRow(ctx, "SELECT "+runCols+" FROM ins_runs WHERE id = ?", id))
	return r, notFound(err, "assessment run", id)
}

// ListRuns implements insurance.Tx.
func (t *Tx) ListRuns(ctx context.Context, p period.YearMonth) ([]insurance.Run, error) {
	rows, err := t.query(ctx, "SELECT "+runCols+" FROM ins_runs WHERE period = ? ORDER BY id DESC", ymArg(p))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AbandonRuns implements insurance.Tx.
func (t *Tx) AbandonRuns(ctx context.Context, p period.YearMonth, keep int64) error {
	_, err := t.exec(ctx, `UPDATE ins_runs SET status = 'abandoned' WHERE period = ? AND status = 'running' AND id <> ?`, ymArg(p), keep)
	return err
}

// PreparePeriod implements insurance.Tx: on PostgreSQL it makes the
// period's partition of ins_assessments ready for the run's rows. A
// period without one gets a table of its own, not yet attached, with its
// primary key (which the rows fill in order) but not the parent's other
// indexes, and a CHECK on its bounds that lets ATTACH skip the scan: the
// run COPYs its rows into it and WriteBills attaches it, building the
// payer index once, which costs a fraction of keeping it up to date row
// by row (it takes the rows in random order). A table left unattached
// holds only rows of runs that crashed or lost the period (none was ever
// current): it is emptied. A period whose partition is attached (a
// re-run) writes into it as it is.
func (t *Tx) PreparePeriod(ctx context.Context, p period.YearMonth) error {
	if t.engine != Postgres {
		return nil
	}
	name, exists, attached, err := t.assessmentPartition(ctx, p)
	if err != nil || attached {
		return err
	}
	if exists {
		_, err = t.exec(ctx, "TRUNCATE "+name)
		return err
	}
	n, next := ymArg(p), ymArg(p.Add(1))
	_, err = t.exec(ctx, fmt.Sprintf(`CREATE TABLE %s (LIKE ins_assessments INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
		CONSTRAINT %s_bounds CHECK (period >= %d AND period < %d), PRIMARY KEY (period, run_id, seq))`, name, name, n, next))
	return err
}

// partitionName is the name of period p's partition of ins_assessments
// on PostgreSQL.
func partitionName(p period.YearMonth) string { return fmt.Sprintf("ins_assessments_p%d", ymArg(p)) }

// assessmentPartition names period p's partition of ins_assessments
// (PostgreSQL) and says whether it exists and whether it is attached.
func (t *Tx) assessmentPartition(ctx context.Context, p period.YearMonth) (name string, exists, attached bool, err error) {
	name = partitionName(p)
	var part sql.NullBool
	err = t.queryRow(ctx, partitionState, name).Scan(&part)
	return name, part.Valid, part.Bool, wrapDBError(err)
}

// partitionState reads whether the table $1 is a partition: NULL when
// there is no such table.
const partitionState = `SELECT (SELECT relispartition FROM pg_class WHERE oid = to_regclass($1))`

// DeleteRunRows implements insurance.Tx: it deletes the rows, then the
// bills, of each run of p (ins_runs, in ID order) other than keep1 and
// keep2, by their keys, from the mark from on, at most limit rows in all.
// On PostgreSQL the rows are deleted from the period's partition itself,
// attached or not (PreparePeriod).
func (t *Tx) DeleteRunRows(ctx context.Context, p period.YearMonth, keep1, keep2 int64, from insurance.DeleteMark, limit int) (insurance.DeleteMark, int, error) {
	if from.Keep1 != keep1 || from.Keep2 != keep2 {
		from = insurance.DeleteMark{Keep1: keep1, Keep2: keep2}
	}
	runs, err := t.queryIDs(ctx, `SELECT id FROM ins_runs WHERE period = ? AND id >= ? AND id <> ? AND id <> ? ORDER BY id`, ymArg(p), from.Run, keep1, keep2)
	if err != nil || len(runs) == 0 {
		return from, 0, err
	}
	rowsTable := "ins_assessments"
	if t.engine == Postgres {
		name, exists, _, err := t.assessmentPartition(ctx, p)
		if err != nil {
			return from, 0, err
		}
		if rowsTable = name; !exists {
			rowsTable = ""
		}
	}
	d := runDeletion{t: t, p: ymArg(p), rows: rowsTable, mark: from, limit: limit}
	for _, run := range runs {
		if run != d.mark.Run {
			d.mark = insurance.DeleteMark{Keep1: keep1, Keep2: keep2, Run: run}
		}
		if full, err := d.deleteRun(ctx); err != nil || full {
			return d.mark, d.done, err
		}
	}
	// Every run is done: the next call starts past the last.
	d.mark = insurance.DeleteMark{Keep1: keep1, Keep2: keep2, Run: runs[len(runs)-1] + 1}
	return d.mark, d.done, nil
}

// runDeletion is one DeleteRunRows: it deletes run by run, keeping the
// mark of the last key deleted so that each statement starts its index
// scan there rather than at the run's first key, past the entries of
// every row deleted before it (on PostgreSQL they stay in the index,
// dead, until vacuumed; each statement walked them again, and at
// 1,000,000 rows the last deletions took 150 ms each).
type runDeletion struct {
	t     *Tx
	p     int
	rows  string // the table of the period's rows; "" when there is none
	mark  insurance.DeleteMark
	limit int
	done  int
}

// deleteRun deletes what it may of the rows, then the bills, of the
// mark's run past the mark, and reports whether it reached the limit.
func (d *runDeletion) deleteRun(ctx context.Context) (bool, error) {
	if !d.mark.RowsDone && d.rows != "" {
		if full, err := d.deleteRows(ctx); err != nil || full {
			return full, err
		}
	}
	d.mark.RowsDone = true
	return d.deleteBills(ctx)
}

// deleteRows deletes up to the limit of the run's rows past the mark's
// seq: the seq of the last row it may delete is read first (the key
// scanned from the mark), then the rows up to it go by a range of the
// key. When fewer rows are left, it deletes them all.
func (d *runDeletion) deleteRows(ctx context.Context) (bool, error) {
	q := strings.ReplaceAll(rowsBound, "TABLE", d.rows)
	var last int32
	err := d.t.queryRow(ctx, q, d.p, d.mark.Run, d.mark.Seq, d.limit-d.done-1).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		q = strings.ReplaceAll(deleteRowsRest, "TABLE", d.rows)
		return false, d.exec(ctx, q, d.p, d.mark.Run, d.mark.Seq)
	}
	if err != nil {
		return false, wrapDBError(err)
	}
	q = strings.ReplaceAll(deleteRowsRange, "TABLE", d.rows)
	if err := d.exec(ctx, q, d.p, d.mark.Run, d.mark.Seq, last); err != nil {
		return false, err
	}
	d.mark.Seq = last
	return d.done >= d.limit, nil
}

// deleteBills deletes up to the limit of the run's bills past the mark's
// payer, as deleteRows does the rows.
func (d *runDeletion) deleteBills(ctx context.Context) (bool, error) {
	var last insurance.PayerRef
	from := d.mark.Payer
	err := d.t.queryRow(ctx, billsBound, d.p, d.mark.Run, int16(from.Kind), from.ID, d.limit-d.done-1).Scan(&last.Kind, &last.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, d.exec(ctx, deleteBillsRest, d.p, d.mark.Run, int16(from.Kind), from.ID)
	}
	if err != nil {
		return false, wrapDBError(err)
	}
	if err := d.exec(ctx, deleteBillsRange, d.p, d.mark.Run, int16(from.Kind), from.ID, int16(last.Kind), last.ID); err != nil {
		return false, err
	}
	d.mark.Payer = last
	return d.done >= d.limit, nil
}

// exec runs a deletion and counts the rows it deleted.
func (d *runDeletion) exec(ctx context.Context, q string, args ...any) error {
	r, err := d.t.exec(ctx, q, args...)
	if err != nil {
		return err
	}
	n, err := r.RowsAffected()
	d.done += int(n)
	return err
}

// The statements of runDeletion, by the primary keys of the rows (TABLE:
// ins_assessments or a partition of it) and of the bills. Each bound is
// the key of the last row the deletion may take: the OFFSET reads the
// key from the mark on, and the deletion is then a range of it. (A
// semi-join on a sub-select with a LIMIT was planned on a partition
// PostgreSQL had no statistics for yet as a nested loop over the whole
// run for each deletion: found by go run ./bench/scale.)
const (
	rowsBound = `SELECT seq FROM TABLE WHERE period = ? AND run_id = ? AND seq > ?
		ORDER BY seq LIMIT 1 OFFSET ?`
	deleteRowsRange = `DELETE FROM TABLE WHERE period = ? AND run_id = ? AND seq > ? AND seq <= ?`
	deleteRowsRest  = `DELETE FROM TABLE WHERE period = ? AND run_id = ? AND seq > ?`
	billsBound      = `SELECT payer_kind, payer_id FROM ins_bills WHERE period = ? AND run_id = ? AND (payer_kind, payer_id) > (?, ?)
		ORDER BY payer_kind, payer_id LIMIT 1 OFFSET ?`
	deleteBillsRange = `DELETE FROM ins_bills WHERE period = ? AND run_id = ?
		AND (payer_kind, payer_id) > (?, ?) AND (payer_kind, payer_id) <= (?, ?)`
	deleteBillsRest = `DELETE FROM ins_bills WHERE period = ? AND run_id = ? AND (payer_kind, payer_id) > (?, ?)`
)

func (t *Tx) queryIDs(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// assessmentCols are the columns of ins_assessments, in Row order.
var assessmentCols = []string{"period", "run_id", "seq", "person_id", "kind", "relation_id", "payer_id", "division", "base",
	"pension_ind", "pension_emp", "medical_ind", "medical_emp", "unemp_ind", "unemp_emp", "injury_emp", "account_credit"}

// InsertRows implements insurance.Tx: PostgreSQL takes the chunk, rows
// of one period, as one INSERT … SELECT FROM unnest of arrays into the
// period's partition (one round trip, COPY-like); SQLite a prepared
// multi-row INSERT.
func (t *Tx) InsertRows(ctx context.Context, rows []insurance.Row) error {
	if len(rows) == 0 {
		return nil
	}
	if t.engine == Postgres {
		return t.insertRowsPostgres(ctx, rows)
	}
	return t.insertRowsSQLite(ctx, rows)
}

func rowArgs(r *insurance.Row, dst []any) []any {
	dst = append(dst, ymArg(r.Period), r.Run, r.Seq, r.PersonID, int16(r.Kind), r.RelationID, r.PayerID, r.Division, int64(r.Base))
	for _, a := range r.Lines {
		dst = append(dst, int64(a))
	}
	return append(dst, int64(r.AccountCredit))
}

// sqliteTxRows is the number of rows per transaction of WriteRows on
// SQLite: 1,000 held the writer 15–65 ms under bench/load, longer than
// the 20 ms the reads' audit entries may wait for it; 250, 8 ms at the
// median but 87 ms at the 99th percentile on a machine at load average
// 10 (the holder waiting for a processor), and a waiting view's entry
// waits for the whole of the one transaction it finds under way.
const sqliteTxRows = 100

// sqliteBatch is the number of rows per multi-row INSERT on SQLite
// (17 columns × 500 rows stays below the 32,766 parameter limit).
const sqliteBatch = 500

func (t *Tx) insertRowsSQLite(ctx context.Context, rows []insurance.Row) error {
	one := "(?" + strings.Repeat(",?", len(assessmentCols)-1) + ")"
	head := "INSERT INTO ins_assessments (" + strings.Join(assessmentCols, ",") + ") VALUES "
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, sqliteBatch*len(assessmentCols))
	for i := 0; i < len(rows); i += sqliteBatch {
		part := rows[i:min(i+sqliteBatch, len(rows))]
		args = args[:0]
		for j := range part {
			args = rowArgs(&part[j], args)
		}
		q := head + one + strings.Repeat(","+one, len(part)-1)
		if len(part) == sqliteBatch {
			if full == nil {
				var err error
				if full, err = t.tx.PrepareContext(ctx, q); err != nil {
					return wrapDBError(err)
				}
			}
			if _, err := full.ExecContext(ctx, args...); err != nil {
				return wrapDBError(err)
			}
			continue
		}
		if _, err := t.exec(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

func (t *Tx) insertRowsPostgres(ctx context.Context, rows []insurance.Row) error {
	n := len(rows)
	per, run, seq, person, kind, rel, payer := make([]int32, n), make([]int64, n), make([]int32, n), make([]int64, n), make([]int16, n), make([]int64, n), make([]int64, n)
	div := make([]string, n)
	var amt [9][]int64
	for k := range amt {
		amt[k] = make([]int64, n)
	}
	for i := range rows {
		r := &rows[i]
		per[i], run[i], seq[i], person[i], kind[i], rel[i], payer[i], div[i] = int32(ymArg(r.Period)), r.Run, r.Seq, r.PersonID, int16(r.Kind), r.RelationID, r.PayerID, r.Division
		amt[0][i] = int64(r.Base)
		for l, a := range r.Lines {
			amt[1+l][i] = int64(a)
		}
		amt[8][i] = int64(r.AccountCredit)
	}
	_, err := t.exec(ctx, `INSERT INTO `+partitionName(rows[0].Period)+` (`+strings.Join(assessmentCols, ",")+`)
		SELECT * FROM unnest(?::int[], ?::bigint[], ?::int[], ?::bigint[], ?::smallint[], ?::bigint[], ?::bigint[], ?::text[],
			?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])`,
		per, run, seq, person, kind, rel, payer, div, amt[0], amt[1], amt[2], amt[3], amt[4], amt[5], amt[6], amt[7], amt[8])
	return err
}

// InsertBills implements insurance.Tx.
func (t *Tx) InsertBills(ctx context.Context, bills []insurance.Bill) error {
	for i := 0; i < len(bills); i += 500 {
		part := bills[i:min(i+500, len(bills))]
		args := make([]any, 0, len(part)*9)
		for _, b := range part {
			args = append(args, ymArg(b.Period), b.Run, int16(b.PayerKind), b.PayerID, b.Division, b.Persons, int64(b.EmployerPart), int64(b.IndividualPart), int64(b.Total))
		}
		q := `INSERT INTO ins_bills (period, run_id, payer_kind, payer_id, division, persons, employer_part, individual_part, total) VALUES ` +
			"(?,?,?,?,?,?,?,?,?)" + strings.Repeat(",(?,?,?,?,?,?,?,?,?)", len(part)-1)
		if _, err := t.exec(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// WriteRows implements insurance.RowWriter: on PostgreSQL one fenced
// transaction (fencedCopy) COPYs the rows into the period's partition
// (PreparePeriod); on SQLite transactions of sqliteTxRows rows renew the
// heartbeat and write the rows with multi-row INSERTs, so that the one
// writer, which audited reads wait for, is held a few ms at a time
// rather than the 0.5 s of a 20,000-row
// chunk (the rows are invisible until the run ends: a part written alone
// is deleted by the next run like any crashed run's).
func (s insuranceStore) WriteRows(ctx context.Context, l insurance.RunLock, rows []insurance.Row) (bool, error) {
	if s.db.engine != Postgres {
		held := true
		for i := 0; i < len(rows) && held; i += sqliteTxRows {
			part := rows[i:min(i+sqliteTxRows, len(rows))]
			err := s.db.update(ctx, func(t *Tx) error {
				var err error
				if held, err = t.Heartbeat(ctx, l); err != nil || !held {
					return err
				}
				return t.InsertRows(ctx, part)
			})
			if err != nil {
				return false, err
			}
		}
		return held, nil
	}
	return s.db.fencedCopy(ctx, l, func(tx pgx.Tx) error {
		return copyRows(ctx, tx, partitionName(l.Period), rows)
	})
}

// fencedCopy runs fn in one READ COMMITTED transaction of pgx on
// PostgreSQL (pgxUpdate, retried like every write) that renews l's
// heartbeat after fn, just before its commit: the UPDATE waits for and
// re-reads a concurrent takeover, so the fence holds, and it reports
// false, rolling fn's work back, when l's run no longer holds its period.
// The UPDATE holds the lock's row until the commit, so that two fenced
// transactions of a run (its writers, its bills beside the ATTACH of
// PeriodWritten) wait for each other only to commit, not to write. A
// takeover that truncates the partition (PreparePeriod) while a writer
// of the old run is in its COPY waits for it, and the writer for the
// takeover's lock: PostgreSQL breaks the deadlock, and the retry of the
// one it aborted finds the lock taken, or taken over.
func (db *DB) fencedCopy(ctx context.Context, l insurance.RunLock, fn func(pgx.Tx) error) (bool, error) {
	var held bool
	err := db.retry(ctx, func() error {
		held = false
		return db.pgxUpdate(ctx, func(tx pgx.Tx) error {
			if err := fn(tx); err != nil {
				return wrapDBError(err)
			}
			tag, err := tx.Exec(ctx, `UPDATE ins_run_locks SET heartbeat_at = $1 WHERE period = $2 AND run_id = $3`, l.Heartbeat, ymArg(l.Period), l.Run)
			if err != nil {
				return err
			}
			if held = tag.RowsAffected() == 1; !held {
				return errNotHeld // roll fn's work back
			}
			return nil
		})
	})
	if errors.Is(err, errNotHeld) {
		err = nil
	}
	return held && err == nil, err
}

// errNotHeld rolls back a fencedCopy whose run lost its period.
var errNotHeld = errors.New("store: the run no longer holds its period")

// pgxUpdate runs fn in one READ COMMITTED transaction of pgx on a
// connection of the write pool (PostgreSQL only) and commits it if fn
// returns nil; it is not retried.
func (db *DB) pgxUpdate(ctx context.Context, fn func(pgx.Tx) error) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if err := fn(tx); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}
