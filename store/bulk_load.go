package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// A fresh bulk load on SQLite (the demo city: a million persons, millions
// of relations and legacy account years) writes its tables without their
// secondary indexes and insight triggers and builds them once at the end:
// keeping five indexes of random keys up to date row by row costs more than
// the rows themselves, and sorting each index once costs little. Each
// object set aside is recorded in bulk_deferred (migration 0720) in the
// transaction that drops it, with its SQL as the migrations made it, so
// that Finish, or the next Migrate after a load that stopped half-way,
// makes exactly the same schema again. During the load the writer runs
// with synchronous=OFF: a fresh load that fails is discarded, so there is
// nothing that a lost write could damage (docs/ARCHITECTURE.md).

// bulkTables are the tables whose secondary indexes and insight triggers a
// fresh load sets aside: the ones it writes by the million. Unique indexes
// stay (they are constraints), and so do triggers that are not the insight
// log's (the matcher cache's of 0600 are on tables not listed here).
var bulkTables = []string{"persons", "employers", "employments", "flexible_workers", "ins_account_legacy"}

// insightInsertTrigger matches an insight trigger of migration 0501 on
// INSERT: one logged row per inserted row, its month an expression of NEW.
var insightInsertTrigger = regexp.MustCompile(`^CREATE TRIGGER (insight_\w+) AFTER INSERT ON (\w+)(?: WHEN (.+?))? BEGIN INSERT INTO insight_changes \(source, since\) VALUES \('(\w+)', (.+)\); END;?$`)

// insightTrigger matches any insight trigger of 0501 or 0700 (on INSERT,
// UPDATE or DELETE: a load only inserts, so the others log nothing).
var insightTrigger = regexp.MustCompile(`^CREATE TRIGGER insight_\w+ AFTER (?:INSERT|UPDATE|DELETE)\b.* BEGIN INSERT INTO insight_changes \(source, since\) VALUES \('\w+', .+\); END;?$`)

// BulkLoad returns the bulk writer of db for loading a fresh database: on
// SQLite, when none of the bulk tables holds a row yet, it sets their
// secondary indexes and insight triggers aside and turns synchronous off
// until Finish, which builds them, logs the insight changes the triggers
// would have logged, and turns synchronous back on. Otherwise (PostgreSQL,
// or rows already there) it is Bulk. Whoever calls it calls Finish, also
// after a failed load (see Restore).
func (db *DB) BulkLoad(ctx context.Context) (*Bulk, error) {
	b := db.Bulk()
	if db.engine != SQLite {
		return b, nil
	}
	fresh := true
	err := db.update(ctx, func(t *Tx) error {
		for _, table := range bulkTables {
			var n int
			if err := t.queryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM "+table+" LIMIT 1)").Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				fresh = false
				return nil
			}
		}
		return t.deferObjects(ctx)
	})
	if err != nil || !fresh {
		return b, err
	}
	if _, err := db.write.ExecContext(ctx, "PRAGMA synchronous = OFF"); err != nil {
		return b, err
	}
	b.deferred = true
	return b, nil
}

// deferObjects records and drops the secondary indexes and insight
// triggers of bulkTables.
func (t *Tx) deferObjects(ctx context.Context) error {
	list := "'" + strings.Join(bulkTables, "', '") + "'"
	rows, err := t.query(ctx, `SELECT type, name, sql FROM sqlite_master
		WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name IN (`+list+`) ORDER BY type, name`)
	if err != nil {
		return err
	}
	type object struct{ kind, name, def, replay string }
	var objs []object
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.kind, &o.name, &o.def); err != nil {
			rows.Close()
			return err
		}
		switch {
		case o.kind == "index" && !strings.HasPrefix(o.def, "CREATE UNIQUE"):
		case o.kind == "trigger" && insightTrigger.MatchString(o.def):
			if m := insightInsertTrigger.FindStringSubmatch(o.def); m != nil {
				o.replay = replayInsert(m[2], m[3], m[4], m[5])
			}
		default:
			continue
		}
		objs = append(objs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, o := range objs {
		if _, err := t.exec(ctx, `INSERT INTO bulk_deferred (name, def, replay) VALUES (?, ?, ?)`, o.name, o.def, o.replay); err != nil {
			return err
		}
		if _, err := t.exec(ctx, "DROP "+strings.ToUpper(o.kind)+" "+o.name); err != nil {
			return err
		}
	}
	return nil
}

// replayInsert is the statement that logs, for the rows of table, what the
// insight trigger on INSERT (when, since: its WHEN condition and month
// expression over NEW) would have logged row by row: the summary reads of
// a source only its earliest month and the highest change ID, so one row
// with the earliest month of the rows that match stands for all of them.
func replayInsert(table, when, source, since string) string {
	strip := func(s string) string { return strings.ReplaceAll(s, "NEW.", "") }
	q := fmt.Sprintf("INSERT INTO insight_changes (source, since) SELECT '%s', min(%s) FROM %s", source, strip(since), table)
	if when != "" {
		q += " WHERE " + strip(when)
	}
	return q + " HAVING count(*) > 0"
}

// Finish builds what a fresh load set aside (Restore) and, on PostgreSQL,
// moves the identity sequences past the IDs written in bulk, so that later
// inserts do not collide with them.
func (b *Bulk) Finish(ctx context.Context) error {
	if b.db.engine != Postgres {
		return b.Restore(ctx)
	}
	return b.db.update(ctx, func(t *Tx) error {
		for _, table := range []string{"persons", "employers", "employments", "flexible_workers"} {
			q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), GREATEST((SELECT max(id) FROM %s), 1))", table, table)
			if _, err := t.exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
}

// Restore ends a fresh load: it builds the indexes and triggers it set
// aside, exactly as recorded, logs the insight changes of the rows loaded,
// and turns synchronous back to NORMAL. It does nothing for a load that
// set nothing aside, and may be called again.
func (b *Bulk) Restore(ctx context.Context) error {
	if !b.deferred {
		return nil
	}
	if err := b.db.update(ctx, func(t *Tx) error { return t.restoreDeferred(ctx) }); err != nil {
		return err
	}
	b.deferred = false
	_, err := b.db.write.ExecContext(ctx, "PRAGMA synchronous = NORMAL")
	return err
}

// restoreDeferred makes the objects of bulk_deferred, in the order they
// were set aside, replays their insight log and empties the table.
func (t *Tx) restoreDeferred(ctx context.Context) error {
	rows, err := t.query(ctx, `SELECT name, def, replay FROM bulk_deferred ORDER BY seq`)
	if err != nil {
		return err
	}
	var stmts []string
	for rows.Next() {
		var name, def, replay string
		if err := rows.Scan(&name, &def, &replay); err != nil {
			rows.Close()
			return err
		}
		if replay != "" {
			stmts = append(stmts, replay)
		}
		stmts = append(stmts, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, q := range stmts {
		if _, err := t.exec(ctx, q); err != nil {
			return fmt.Errorf("building what the bulk load set aside: %s: %w", q, err)
		}
	}
	_, err = t.exec(ctx, `DELETE FROM bulk_deferred`)
	return err
}

// restoreAfterMigrate builds what a bulk load that stopped half-way set
// aside, so that the schema is the migrations' again whatever happened.
func (db *DB) restoreAfterMigrate(ctx context.Context) error {
	if db.engine != SQLite {
		return nil
	}
	return db.update(ctx, func(t *Tx) error {
		var n int
		if err := t.queryRow(ctx, `SELECT count(*) FROM bulk_deferred`).Scan(&n); err != nil || n == 0 {
			return err
		}
		return t.restoreDeferred(ctx)
	})
}

// Analyze gathers the planner's statistics of the whole database after a
// stage that wrote in bulk (the demo's load, its months of history): on
// PostgreSQL one ANALYZE of every table, which alone analyzes the
// partitioned ins_assessments as a whole (autovacuum never does: it visits
// only the partitions, whose statistics do not give the joins' estimates
// across them) and gives the freshly COPYd tables their row counts before
// autovacuum reaches them. Without it the demo's support scan on a
// 1,000,000-person city ran its query over the new hires' paid months for
// more than ten minutes. SQLite's plans need no statistics here: nothing
// is done.
func (db *DB) Analyze(ctx context.Context) error {
	if db.engine != Postgres {
		return nil
	}
	_, err := db.write.ExecContext(ctx, "ANALYZE")
	return err
}
