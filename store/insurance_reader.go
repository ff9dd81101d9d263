package store

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"hrss/registry"
	"hrss/rules/money"
	"hrss/rules/period"
)

// InsuredReader returns the reader of insured person-months that the
// assessment run uses. On SQLite it is db itself (EachInsured in
// insured.go). On PostgreSQL it streams the same rows, in the same order,
// through pgx's binary protocol in one repeatable-read snapshot: the
// conversions of database/sql cost as much per row as the run's COPY.
// TestInsuredReaderAgrees proves both give the same rows. Rows share
// their Insurances slices: do not modify them.
func (db *DB) InsuredReader() registry.InsuredReader {
	if db.engine != Postgres {
		return db
	}
	return pgInsured{db}
}

type pgInsured struct{ db *DB }

// EachInsured implements registry.InsuredReader.
func (r pgInsured) EachInsured(ctx context.Context, p period.YearMonth, fn func(registry.Insured) error) error {
	conn, err := r.db.read.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		first, last := p.First().Time(), p.Last().Time()
		if err := pgEmployees(ctx, tx, p.Year(), first, last, fn); err != nil {
			return err
		}
		return pgFlexible(ctx, tx, first, last, fn)
	})
}

func pgEmployees(ctx context.Context, tx pgx.Tx, year int, first, last any, fn func(registry.Insured) error) error {
	rows, err := tx.Query(ctx, `SELECT m.id, m.person_id, m.employer_id, e.division, `+wageOfYear+`, m.insurances, e.risk_class, e.risk_float_pct
		FROM employments m JOIN employers e ON e.id = m.employer_id
		LEFT JOIN declared_wages w ON w.employment_id = m.id AND w.year = $3
		WHERE m.start_date <= $1 AND (m.end_date IS NULL OR m.end_date >= $2)
		ORDER BY m.id`, last, first, year)
	if err != nil {
		return err
	}
	defer rows.Close()
	sets := map[string][]registry.Insurance{} // the few distinct insurance sets, parsed once
	var ins string
	var wage int64
	var class, pct int32
	for rows.Next() {
		in := registry.Insured{Kind: registry.KindEmployee}
		if err := rows.Scan(&in.EmploymentID, &in.PersonID, &in.EmployerID, &in.Division, &wage, &ins, &class, &pct); err != nil {
			return err
		}
		in.Wage, in.RiskClass, in.RiskFloatPct = money.Fen(wage), int(class), int(pct)
		set, ok := sets[ins]
		if !ok {
			for _, x := range strings.Split(ins, ",") {
				set = append(set, registry.Insurance(x))
			}
			sets[ins] = set
		}
		in.Insurances = set
		if err := fn(in); err != nil {
			return err
		}
	}
	return rows.Err()
}

func pgFlexible(ctx context.Context, tx pgx.Tx, first, last any, fn func(registry.Insured) error) error {
	rows, err := tx.Query(ctx, `SELECT id, person_id, division, base_pct FROM flexible_workers
		WHERE start_date <= $1 AND (end_date IS NULL OR end_date >= $2) ORDER BY id`, last, first)
	if err != nil {
		return err
	}
	defer rows.Close()
	pension := []registry.Insurance{registry.Pension}
	var pct int32
	for rows.Next() {
		in := registry.Insured{Kind: registry.KindFlexible, Insurances: pension}
		if err := rows.Scan(&in.FlexibleID, &in.PersonID, &in.Division, &pct); err != nil {
			return err
		}
		in.BasePct = int(pct)
		if err := fn(in); err != nil {
			return err
		}
	}
	return rows.Err()
}
