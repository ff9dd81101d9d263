package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"hrss/registry"
)

// Bulk writes many rows with their IDs already assigned, as the demo
// generator and migrations from legacy systems do: COPY on PostgreSQL,
// one prepared INSERT in one transaction per batch on SQLite. Rows are
// checked by the database's constraints but not by the domain's
// validation: callers give valid rows.
type Bulk struct{ db *DB }

// Bulk returns the bulk writer of db.
func (db *DB) Bulk() *Bulk { return &Bulk{db} }

// Persons writes persons with their IDs set.
func (b *Bulk) Persons(ctx context.Context, ps []registry.SealedPerson) error {
	rows := make([][]any, len(ps))
	for i := range ps {
		rows[i] = append([]any{ps[i].ID}, personArgs(&ps[i])...)
	}
	return b.copy(ctx, "persons", columns(personCols), rows)
}

// Employers writes employers with their IDs set.
func (b *Bulk) Employers(ctx context.Context, es []registry.Employer) error {
	rows := make([][]any, len(es))
	for i := range es {
		rows[i] = append([]any{es[i].ID}, employerArgs(&es[i])...)
	}
	return b.copy(ctx, "employers", columns(employerCols), rows)
}

// Employments writes employment relations with their IDs set.
func (b *Bulk) Employments(ctx context.Context, es []registry.Employment) error {
	rows := make([][]any, len(es))
	for i := range es {
		rows[i] = append([]any{es[i].ID}, employmentArgs(&es[i])...)
	}
	return b.copy(ctx, "employments", columns(employmentCols), rows)
}

// Flexible writes flexible-worker enrolments with their IDs set.
func (b *Bulk) Flexible(ctx context.Context, fs []registry.FlexibleWorker) error {
	rows := make([][]any, len(fs))
	for i := range fs {
		rows[i] = append([]any{fs[i].ID}, flexibleArgs(&fs[i])...)
	}
	return b.copy(ctx, "flexible_workers", columns(flexibleCols), rows)
}

// Finish moves PostgreSQL's identity sequences past the IDs written in
// bulk, so that later inserts do not collide with them.
func (b *Bulk) Finish(ctx context.Context) error {
	if b.db.engine != Postgres {
		return nil
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

func columns(list string) []string { return strings.Split(strings.Join(strings.Fields(list), ""), ",") }

// copy writes rows into table in one transaction.
func (b *Bulk) copy(ctx context.Context, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if b.db.engine == Postgres {
		return b.copyPostgres(ctx, table, cols, rows)
	}
	return b.db.update(ctx, func(t *Tx) error {
		q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (?%s)", table, strings.Join(cols, ", "), strings.Repeat(", ?", len(cols)-1))
		st, err := t.tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, r := range rows {
			if _, err := st.ExecContext(ctx, r...); err != nil {
				return wrapDBError(err)
			}
		}
		return nil
	})
}

func (b *Bulk) copyPostgres(ctx context.Context, table string, cols []string, rows [][]any) error {
	conn, err := b.db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		if err := timeValues(cols, rows); err != nil {
			return err
		}
		_, err := pc.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return wrapDBError(err)
	})
}

// timeValues turns the text dates and timestamps of rows into time.Time
// for COPY's binary format. Columns are recognised by name: "birth" and
// "*_date" hold dates, "*_at" timestamps.
func timeValues(cols []string, rows [][]any) error {
	for c, name := range cols {
		layout := ""
		switch {
		case strings.HasSuffix(name, "_at"):
			layout = time.RFC3339Nano
		case name == "birth" || strings.HasSuffix(name, "_date"):
			layout = time.DateOnly
		default:
			continue
		}
		for _, r := range rows {
			s, ok := r[c].(string)
			if !ok {
				continue
			}
			t, err := time.Parse(layout, s)
			if err != nil {
				return fmt.Errorf("column %s: %w", name, err)
			}
			r[c] = t
		}
	}
	return nil
}
