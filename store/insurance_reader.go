package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
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

// pgEmployer is what the run reads of an employment's employer.
type pgEmployer struct {
	division          string
	riskClass, fltPct int32
}

// pgEmployees streams the employees of EachInsured: the employers first,
// into memory (tens of thousands of rows), then the employment relations
// alone, joined to their employer here. Joined in the query, the
// employers were probed one index lookup per employer in the first
// chunks (PostgreSQL's Memoize over a nested loop): the first 20,000
// rows took ten times the rest's pace, and the run waited for them.
func pgEmployees(ctx context.Context, tx pgx.Tx, year int, first, last any, fn func(registry.Insured) error) error {
	emps, err := pgEmployers(ctx, tx)
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT m.id, m.person_id, m.employer_id, `+wageOfYear+`, m.insurances
		FROM employments m LEFT JOIN declared_wages w ON w.employment_id = m.id AND w.year = $3
		WHERE m.start_date <= $1 AND (m.end_date IS NULL OR m.end_date >= $2)
		ORDER BY m.id`, last, first, year)
	if err != nil {
		return err
	}
	defer rows.Close()
	sets := map[string][]registry.Insurance{} // the few distinct insurance sets, parsed once
	var ins pgtype.DriverBytes                // the driver's bytes until the next row: no copy
	var wage int64
	for rows.Next() {
		in := registry.Insured{Kind: registry.KindEmployee}
		if err := rows.Scan(&in.EmploymentID, &in.PersonID, &in.EmployerID, &wage, &ins); err != nil {
			return err
		}
		e, ok := emps[in.EmployerID]
		if !ok {
			return fmt.Errorf("store: employment %d names employer %d, which the registry does not hold", in.EmploymentID, in.EmployerID)
		}
		in.Division, in.Wage, in.RiskClass, in.RiskFloatPct = e.division, money.Fen(wage), int(e.riskClass), int(e.fltPct)
		set, ok := sets[string(ins)]
		if !ok {
			for _, x := range strings.Split(string(ins), ",") {
				set = append(set, registry.Insurance(x))
			}
			sets[string(ins)] = set
		}
		in.Insurances = set
		if err := fn(in); err != nil {
			return err
		}
	}
	return rows.Err()
}

// pgEmployers reads every employer's division and risk, the divisions
// shared among them.
func pgEmployers(ctx context.Context, tx pgx.Tx) (map[int64]pgEmployer, error) {
	rows, err := tx.Query(ctx, `SELECT id, division, risk_class, risk_float_pct FROM employers`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]pgEmployer{}
	divs := map[string]string{}
	var id int64
	var div pgtype.DriverBytes
	for rows.Next() {
		var e pgEmployer
		if err := rows.Scan(&id, &div, &e.riskClass, &e.fltPct); err != nil {
			return nil, err
		}
		if e.division = divs[string(div)]; e.division == "" {
			e.division = string(div)
			divs[e.division] = e.division
		}
		out[id] = e
	}
	return out, rows.Err()
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
