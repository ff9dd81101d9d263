package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"hrss/registry"
)

// Bulk writes many rows with their IDs already assigned, as the demo
// generator and migrations from legacy systems do: COPY on PostgreSQL,
// prepared multi-row INSERTs in one transaction per batch on SQLite (and
// BulkLoad for a fresh database: bulk_load.go). Rows are
// checked by the database's constraints but not by the domain's
// validation: callers give valid rows.
type Bulk struct {
	db       *DB
	deferred bool // a fresh load set indexes and triggers aside (BulkLoad)
}

// Bulk returns the bulk writer of db.
func (db *DB) Bulk() *Bulk { return &Bulk{db: db} }

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

func columns(list string) []string { return strings.Split(strings.Join(strings.Fields(list), ""), ",") }

// bulkRows is how many rows one multi-row INSERT of copy writes on
// SQLite: one statement run per chunk instead of per row, its variables
// well under SQLite's limit for the widest table.
const bulkRows = 64

// copy writes rows into table in one transaction: COPY on PostgreSQL, on
// SQLite a prepared INSERT of bulkRows rows per run (and one for the rest).
func (b *Bulk) copy(ctx context.Context, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if b.db.engine == Postgres {
		return b.copyPostgres(ctx, table, cols, rows)
	}
	return b.db.update(ctx, func(t *Tx) error {
		one := "(?" + strings.Repeat(", ?", len(cols)-1) + ")"
		head := fmt.Sprintf("INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		args := make([]any, 0, bulkRows*len(cols))
		var st *sql.Stmt
		defer func() {
			if st != nil {
				st.Close()
			}
		}()
		for lo := 0; lo < len(rows); lo += bulkRows {
			chunk := rows[lo:min(lo+bulkRows, len(rows))]
			if st == nil || len(chunk) < bulkRows {
				if st != nil {
					st.Close()
				}
				var err error
				if st, err = t.tx.PrepareContext(ctx, head+one+strings.Repeat(", "+one, len(chunk)-1)); err != nil {
					return wrapDBError(err)
				}
			}
			args = args[:0]
			for _, r := range chunk {
				args = append(args, r...)
			}
			if _, err := st.ExecContext(ctx, args...); err != nil {
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
		layouts, err := timeLayouts(ctx, pc, table, cols)
		if err != nil {
			return err
		}
		if err := timeValues(cols, layouts, rows); err != nil {
			return err
		}
		_, err = pc.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return wrapDBError(err)
	})
}

// timeLayouts asks PostgreSQL which of cols are dates or timestamps, and
// returns for each the layout its text takes on the way in (dateArg,
// tsArg), "" for the other columns: the schema decides, not the names.
func timeLayouts(ctx context.Context, pc *pgx.Conn, table string, cols []string) ([]string, error) {
	rows, err := pc.Query(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1`, table)
	if err != nil {
		return nil, err
	}
	types := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			rows.Close()
			return nil, err
		}
		types[name] = typ
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]string, len(cols))
	for i, c := range cols {
		switch types[c] {
		case "date":
			out[i] = time.DateOnly
		case "timestamp with time zone", "timestamp without time zone":
			out[i] = time.RFC3339Nano
		}
	}
	return out, nil
}

// timeValues turns the text dates and timestamps of rows into time.Time
// for COPY's binary format, column by column as layouts says.
func timeValues(cols, layouts []string, rows [][]any) error {
	for c, layout := range layouts {
		if layout == "" {
			continue
		}
		for _, r := range rows {
			s, ok := r[c].(string)
			if !ok {
				continue
			}
			t, err := time.Parse(layout, s)
			if err != nil {
				return fmt.Errorf("column %s: %w", cols[c], err)
			}
			r[c] = t
		}
	}
	return nil
}
