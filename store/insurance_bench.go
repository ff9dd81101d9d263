package store

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"hrss/insurance"
	"hrss/rules/money"
	"hrss/rules/period"
)

// The floors the assessment benchmark (bench/assess) measures itself
// against, in the same run and on the same database. They write into
// scratch tables (ins_bench_*) that they create and drop.

// benchTable creates a scratch table with the columns and key of
// ins_assessments (not partitioned).
func (db *DB) benchTable(ctx context.Context, name string) error {
	ddl := `CREATE TABLE ` + name + ` (period INTEGER NOT NULL, run_id BIGINT NOT NULL, seq INTEGER NOT NULL, person_id BIGINT NOT NULL,
		kind SMALLINT NOT NULL, relation_id BIGINT NOT NULL, payer_id BIGINT NOT NULL, division TEXT NOT NULL, base BIGINT NOT NULL,
		pension_ind BIGINT NOT NULL, pension_emp BIGINT NOT NULL, medical_ind BIGINT NOT NULL, medical_emp BIGINT NOT NULL,
		unemp_ind BIGINT NOT NULL, unemp_emp BIGINT NOT NULL, injury_emp BIGINT NOT NULL, account_credit BIGINT NOT NULL,
		PRIMARY KEY (period, run_id, seq))`
	return db.update(ctx, func(t *Tx) error {
		if _, err := t.exec(ctx, "DROP TABLE IF EXISTS "+name); err != nil {
			return err
		}
		_, err := t.exec(ctx, ddl)
		return err
	})
}

// DropBenchTables drops the scratch tables of the benchmark floors.
func (db *DB) DropBenchTables(ctx context.Context) error {
	return db.update(ctx, func(t *Tx) error {
		for _, n := range []string{"ins_bench_floor", "ins_bench_plain"} {
			if _, err := t.exec(ctx, "DROP TABLE IF EXISTS "+n); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchSettle brings the database to rest between the benchmark's
// measurements, so that none pays for what another left: on PostgreSQL
// it vacuums and analyzes the registry once it is written (autovacuum
// would otherwise visit the freshly loaded tables during the run, which
// alone reads them), then checkpoints (so that a measurement does not
// flush the writes of the one before); on SQLite it checkpoints the WAL
// into the database file.
func (db *DB) BenchSettle(ctx context.Context, registry bool) error {
	var qs []string
	if db.engine == Postgres {
		if registry {
			qs = append(qs, `VACUUM (ANALYZE) persons, employers, employments, declared_wages, flexible_workers`)
		}
		qs = append(qs, `CHECKPOINT`)
	} else {
		qs = append(qs, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	for _, q := range qs {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// AssessmentRows reads the rows of period p's current run, in order.
func (db *DB) AssessmentRows(ctx context.Context, p period.YearMonth) ([]insurance.Row, error) {
	var out []insurance.Row
	err := db.view(ctx, func(t *Tx) error {
		rows, err := t.query(ctx, `SELECT a.period, a.run_id, a.seq, a.person_id, a.kind, a.relation_id, a.payer_id, a.division, a.base,
			a.pension_ind, a.pension_emp, a.medical_ind, a.medical_emp, a.unemp_ind, a.unemp_emp, a.injury_emp, a.account_credit
			FROM ins_assessments a JOIN ins_periods s ON s.period = a.period AND s.current_run = a.run_id WHERE a.period = ? ORDER BY a.seq`, ymArg(p))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r insurance.Row
			var kind int16
			var l [9]int64
			if err := rows.Scan(ymCol{&r.Period}, &r.Run, &r.Seq, &r.PersonID, &kind, &r.RelationID, &r.PayerID, &r.Division,
				&l[0], &l[1], &l[2], &l[3], &l[4], &l[5], &l[6], &l[7], &l[8]); err != nil {
				return err
			}
			r.Kind = insurance.PayerKind(kind)
			r.Base = moneyFen(l[0])
			for i := range r.Lines {
				r.Lines[i] = moneyFen(l[1+i])
			}
			r.AccountCredit = moneyFen(l[8])
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// BenchFloor writes rows into a scratch table the plainest fast way, as
// the floor of the assessment run, and gives it the indexes the run's
// rows end with: on PostgreSQL one COPY of the same binary data the run
// sends (copyRows), on SQLite one prepared single-row INSERT per row, in
// one transaction, into a table with the primary key of ins_assessments,
// then one CREATE INDEX of its payer index (ins_assessments_payer), with
// the sort memory the run's ATTACH gets. It returns the time of the
// writes and of the index.
func (db *DB) BenchFloor(ctx context.Context, rows []insurance.Row) (write, index time.Duration, err error) {
	if err := db.benchTable(ctx, "ins_bench_floor"); err != nil {
		return 0, 0, err
	}
	const payerIndex = `CREATE INDEX ins_bench_floor_payer ON ins_bench_floor (period, run_id, kind, payer_id)`
	if db.engine == Postgres {
		data := rowsCopyData(rows)
		start := time.Now()
		err := db.pgxUpdate(ctx, func(tx pgx.Tx) error {
			if _, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(data), copyRowsSQL("ins_bench_floor")); err != nil {
				return err
			}
			write = time.Since(start)
			if _, err := tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '`+attachSortMem+`'`); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, payerIndex)
			return err
		})
		index = time.Since(start) - write
		return write, index, err
	}
	vals := make([][]any, len(rows))
	for i := range rows {
		vals[i] = rowArgs(&rows[i], make([]any, 0, len(assessmentCols)))
	}
	start := time.Now()
	err = db.update(ctx, func(t *Tx) error {
		st, err := t.tx.PrepareContext(ctx, "INSERT INTO ins_bench_floor ("+strings.Join(assessmentCols, ",")+") VALUES (?"+strings.Repeat(",?", len(assessmentCols)-1)+")")
		if err != nil {
			return err
		}
		defer st.Close()
		for _, v := range vals {
			if _, err := st.ExecContext(ctx, v...); err != nil {
				return err
			}
		}
		write = time.Since(start)
		_, err = t.exec(ctx, payerIndex)
		return err
	})
	index = time.Since(start) - write
	return write, index, err
}

// PlainRates are the resolved rates of one division for the plain-SQL
// assessment: base floor and ceiling in fen, the employee line rates and
// the flexible rate in parts per million, the work-injury rate of each
// class in ppm, the account rate in ppm and the flexible workers' bases
// by level.
type PlainRates struct {
	Division       string
	Floor, Ceiling int64
	LinePPM        [6]int64
	FlexPPM        int64
	InjuryPPM      [9]int64
	AccountPPM     int64
	FlexBase       map[int]int64 // base_pct → base in fen
}

// BenchPlainSQL is the plain-SQL assessment of period p: one INSERT …
// SELECT over the registry with the rates joined in, half-up rounding in
// integer arithmetic, into a scratch table. It returns the time and the
// total assessed.
func (db *DB) BenchPlainSQL(ctx context.Context, p period.YearMonth, rates []PlainRates) (time.Duration, int64, error) {
	if err := db.benchTable(ctx, "ins_bench_plain"); err != nil {
		return 0, 0, err
	}
	var rv, fv []string
	for _, r := range rates {
		for c := 1; c <= 8; c++ {
			rv = append(rv, fmt.Sprintf("('%s', %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d)", r.Division, c, r.Floor, r.Ceiling,
				r.LinePPM[0], r.LinePPM[1], r.LinePPM[2], r.LinePPM[3], r.LinePPM[4], r.LinePPM[5], r.InjuryPPM[c], r.AccountPPM))
		}
		for pct, base := range r.FlexBase {
			fv = append(fv, fmt.Sprintf("('%s', %d, %d, %d, %d)", r.Division, pct, base, r.FlexPPM, r.AccountPPM))
		}
	}
	first, last := p.First().String(), p.Last().String()
	line := func(rate string) string { return "(b.base * b." + rate + " + 500000) / 1000000" }
	emp := `WITH r (div, cls, floor, ceil, pi, pe, mi, me, ui, ue, wi, acc) AS (VALUES ` + strings.Join(rv, ",") + `)
		INSERT INTO ins_bench_plain
		SELECT ?, 0, ROW_NUMBER() OVER (ORDER BY b.id), b.person_id, 1, b.id, b.employer_id, b.division, b.base, ` +
		strings.Join([]string{line("pi"), line("pe"), line("mi"), line("me"), line("ui"), line("ue")}, ", ") + `,
			(b.base * b.wi * b.fl + 50000000) / 100000000, ` + line("acc") + `
		FROM (SELECT m.id, m.person_id, m.employer_id, e.division, e.risk_float_pct AS fl, r.pi, r.pe, r.mi, r.me, r.ui, r.ue, r.wi, r.acc,
				CASE WHEN m.declared_wage < r.floor THEN r.floor WHEN m.declared_wage > r.ceil THEN r.ceil ELSE m.declared_wage END AS base
			FROM employments m JOIN employers e ON e.id = m.employer_id
			JOIN r ON r.div = e.division AND r.cls = e.risk_class
			WHERE m.start_date <= ? AND (m.end_date IS NULL OR m.end_date >= ?)) b`
	flex := `WITH r (div, pct, base, fp, acc) AS (VALUES ` + strings.Join(fv, ",") + `)
		INSERT INTO ins_bench_plain
		SELECT ?, 1, ROW_NUMBER() OVER (ORDER BY f.id), f.person_id, 2, f.id, f.person_id, f.division, r.base,
			(CAST(r.base AS BIGINT) * r.fp + 500000) / 1000000, 0, 0, 0, 0, 0, 0, (CAST(r.base AS BIGINT) * r.acc + 500000) / 1000000
		FROM flexible_workers f JOIN r ON r.div = f.division AND r.pct = f.base_pct
		WHERE f.start_date <= ? AND (f.end_date IS NULL OR f.end_date >= ?)`
	start := time.Now()
	var total int64
	err := db.update(ctx, func(t *Tx) error {
		if _, err := t.exec(ctx, emp, ymArg(p), last, first); err != nil {
			return err
		}
		if len(fv) > 0 {
			if _, err := t.exec(ctx, flex, ymArg(p), last, first); err != nil {
				return err
			}
		}
		return t.queryRow(ctx, `SELECT COALESCE(SUM(`+adjSum+`), 0) FROM ins_bench_plain`).Scan(&total)
	})
	return time.Since(start), total, err
}

func moneyFen(n int64) money.Fen { return money.Fen(n) }

// Plan is PostgreSQL's plan of one of hrss's queries over the history, as
// the scale benchmark (bench/scale) reads it: what it scans.
type Plan struct {
	Name       string
	Scans      []string // each scan: "relation" or "relation by index"
	Partitions int      // partitions of ins_assessments scanned
	Of         int      // partitions of ins_assessments in all
}

// ExplainHistory returns PostgreSQL's plans (EXPLAIN, nothing executed)
// of the queries whose cost must not grow with the months of history:
// a run's deletion of another run's rows and bills, a chunk of a period's close
// crediting its paid rows, a payment crediting one payer's rows, a correction reading
// a relation's rows, a statement's credits and an employer's bills, for
// period p's run, an employer, a person and an employment relation.
func (db *DB) ExplainHistory(ctx context.Context, p period.YearMonth, run, employer, person, relation int64) ([]Plan, error) {
	if db.engine != Postgres {
		return nil, fmt.Errorf("store: plans are read on PostgreSQL only")
	}
	now := time.Now()
	qs := []struct {
		name string
		q    boundQuery
	}{
		{"run: the last of 250 rows to delete", boundQuery{strings.ReplaceAll(rowsBound, "TABLE", "ins_assessments"), []any{ymArg(p), run, 1000, 249}}},
		{"run: delete 250 rows of a previous run", boundQuery{strings.ReplaceAll(deleteRowsRange, "TABLE", "ins_assessments"), []any{ymArg(p), run, 1000, 1250}}},
		{"run: the last of 250 bills to delete", boundQuery{billsBound, []any{ymArg(p), run, int16(insurance.PayerEmployer), employer, 249}}},
		{"close: a chunk's credits (50 employers)", paidCredits(p, run, insurance.PayerRange{Kind: insurance.PayerEmployer, First: employer, Last: employer + 49}, p.Year(), now)[0]},
		{"payment: credit one employer's rows", paidCredits(p, run, insurance.PayerRange{Kind: insurance.PayerEmployer, First: employer, Last: employer}, p.Year(), now)[0]},
		{"correction: one relation's rows", boundQuery{relationRowsQuery, []any{ymArg(p), run, int16(insurance.PayerEmployer), relation, ymArg(p), int16(insurance.PayerEmployer), relation}}},
		{"statement: one person's credits", boundQuery{creditYearsQuery, []any{person}}},
		{"bills: one employer's bills", billsQuery(insurance.BillFilter{PayerKind: insurance.PayerEmployer, PayerID: employer})},
	}
	var out []Plan
	err := db.view(ctx, func(t *Tx) error {
		var of int
		if err := t.queryRow(ctx, `SELECT count(*) FROM pg_inherits WHERE inhparent = 'ins_assessments'::regclass`).Scan(&of); err != nil {
			return err
		}
		for _, q := range qs {
			lines, err := t.explain(ctx, q.q)
			if err != nil {
				return fmt.Errorf("%s: %w", q.name, err)
			}
			out = append(out, planOf(q.name, lines, of))
		}
		return nil
	})
	return out, err
}

func (t *Tx) explain(ctx context.Context, q boundQuery) ([]string, error) {
	rows, err := t.query(ctx, "EXPLAIN "+q.sql, q.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, err
		}
		lines = append(lines, l)
	}
	return lines, rows.Err()
}

// scanLine finds a scan node (parallel or not) in a line of a text plan: its kind, its
// index, if any, and what it scans (a Bitmap Index Scan names its index
// only: the Bitmap Heap Scan above it names the relation).
var scanLine = regexp.MustCompile(`(?:^|-> +)(?:Parallel )?(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan|Bitmap Index Scan|Tid Scan)(?: Backward)?(?: using (\S+))? on (\S+)`)

func planOf(name string, lines []string, of int) Plan {
	pl := Plan{Name: name, Of: of}
	parts := map[string]bool{}
	for _, l := range lines {
		m := scanLine.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil || m[1] == "Bitmap Index Scan" {
			continue
		}
		s := m[3]
		if m[2] != "" {
			s += " by " + m[2]
		}
		pl.Scans = append(pl.Scans, s)
		if strings.HasPrefix(m[3], "ins_assessments_p") {
			parts[m[3]] = true
		}
	}
	pl.Partitions = len(parts)
	return pl
}
