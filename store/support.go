package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"hrss/access"
	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/support"
)

// Support returns db as the support programmes' Store.
func (db *DB) Support() support.Store { return supportStore{db} }

type supportStore struct{ db *DB }

// AppendAudit implements access.Appender (DB.AppendAudit).
func (s supportStore) AppendAudit(ctx context.Context, c access.Caller, at time.Time, ev access.Event) error {
	return s.db.AppendAudit(ctx, c, at, ev)
}

// AuditJournal implements access.Journaled: the database's journal.
func (s supportStore) AuditJournal() *access.Journal { return s.db.journal }

func (s supportStore) Update(ctx context.Context, fn func(support.Tx) error) error {
	return s.db.updateAudited(ctx, func(t *Tx) error { return fn(t) })
}

func (s supportStore) View(ctx context.Context, fn func(support.Tx) error) error {
	return s.db.view(ctx, func(t *Tx) error { return fn(t) })
}

const grantCols = `g.id, g.programme, g.family, g.grant_key, g.person_id, g.employer_id, g.beneficiary, g.payee_id, g.division, g.event_date,
	g.amount, g.months, g.grp, g.detail, g.scan_id, g.status, g.batch_id, g.note, g.created_at, g.updated_at`

func scanGrant(sc interface{ Scan(...any) error }) (support.Grant, error) {
	var g support.Grant
	var person, employer, scan, batch sql.NullInt64
	var ben, grp, detail, status string
	var amount int64
	err := sc.Scan(&g.ID, &g.Programme, &g.Family, &g.Key, &person, &employer, &ben, &g.PayeeID, &g.Division, dateCol{&g.Event},
		&amount, &g.Months, &grp, &detail, &scan, &status, &batch, &g.Note, tsCol{&g.CreatedAt}, tsCol{&g.UpdatedAt})
	if err != nil {
		return g, err
	}
	g.PersonID, g.EmployerID, g.ScanID, g.BatchID = person.Int64, employer.Int64, scan.Int64, batch.Int64
	g.Beneficiary, g.Group, g.Status, g.Amount = rules.Beneficiary(ben), rules.Group(grp), support.Status(status), money.Fen(amount)
	err = support.DecodeDetail(&g, detail) // before g is returned (order of "return g, f(&g)" unspecified)
	return g, err
}

// InsertGrant implements support.Tx.
func (t *Tx) InsertGrant(ctx context.Context, g *support.Grant, foundAsOf period.Date) (bool, error) {
	err := t.queryRow(ctx, `INSERT INTO sup_grants (programme, family, grant_key, person_id, employer_id, beneficiary, payee_id,
		division, event_date, amount, months, grp, detail, relation_id, loan_id, scan_id, found_as_of, status, batch_id, note, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (family, grant_key) DO NOTHING RETURNING id`,
		g.Programme, g.Family, g.Key, idArg(g.PersonID), idArg(g.EmployerID), string(g.Beneficiary), g.PayeeID, g.Division, dateArg(g.Event),
		int64(g.Amount), g.Months, string(g.Group), support.EncodeDetail(*g), idArg(g.Source.RelationID), idArg(g.Source.LoanID), idArg(g.ScanID),
		dateArg(foundAsOf), string(g.Status), idArg(g.BatchID), g.Note, tsArg(g.CreatedAt), tsArg(g.UpdatedAt)).Scan(&g.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, wrapDBError(err)
}

// Grant implements support.Tx.
func (t *Tx) Grant(ctx context.Context, id int64) (support.Grant, error) {
	g, err := scanGrant(t.queryRow(ctx, "SELECT "+grantCols+" FROM sup_grants g WHERE g.id = ?", id))
	return g, notFound(err, "grant", id)
}

// ListGrants implements support.Tx.
func (t *Tx) ListGrants(ctx context.Context, f support.GrantFilter) ([]support.Grant, error) {
	w, args := grantWhere(f)
	q := "SELECT " + grantCols + " FROM sup_grants g" + w + " ORDER BY g.id"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return t.grants(ctx, q, args...)
}

// grants runs a query of grantCols and scans its grants.
func (t *Tx) grants(ctx context.Context, q string, args ...any) ([]support.Grant, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []support.Grant
	for rows.Next() {
		g, err := scanGrant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// grantWhere builds the WHERE clause of a grant filter.
func grantWhere(f support.GrantFilter) (string, []any) {
	var w insWhere
	w.add(f.Programme != "", "g.programme = ?", f.Programme)
	w.add(len(f.Divisions) > 0, "g.division IN ("+sqlList(len(f.Divisions))+")", anySlice(f.Divisions)...)
	w.add(f.Status != "", "g.status = ?", string(f.Status))
	w.add(f.PersonID != 0, "g.person_id = ?", f.PersonID)
	w.add(f.EmployerID != 0, "g.employer_id = ?", f.EmployerID)
	w.add(f.Payee != "", "g.beneficiary = ?", string(f.Payee))
	w.add(f.PayeeID != 0, "g.payee_id = ?", f.PayeeID)
	w.add(f.BatchID != 0, "g.batch_id = ?", f.BatchID)
	w.add(f.LoanID != 0, "g.loan_id = ?", f.LoanID)
	w.add(f.AfterID != 0, "g.id > ?", f.AfterID)
	return w.sql()
}

func anySlice(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// LiveGrants implements support.Tx.
func (t *Tx) LiveGrants(ctx context.Context, programme string, asOf period.Date) ([]support.Grant, error) {
	return t.grants(ctx, "SELECT "+grantCols+` FROM sup_grants g WHERE g.programme = ? AND g.found_as_of <= ?
		AND g.status NOT IN ('rejected', 'revoked', 'clawback') ORDER BY g.id`, programme, dateArg(asOf))
}

// UpdateGrant implements support.Tx.
func (t *Tx) UpdateGrant(ctx context.Context, g support.Grant) error {
	_, err := t.exec(ctx, `UPDATE sup_grants SET status = ?, batch_id = ?, note = ?, updated_at = ? WHERE id = ?`,
		string(g.Status), idArg(g.BatchID), g.Note, tsArg(g.UpdatedAt), g.ID)
	return err
}

// GrantTotals implements support.Tx.
func (t *Tx) GrantTotals(ctx context.Context, f support.GrantFilter) ([]support.Total, error) {
	w, args := grantWhere(f)
	rows, err := t.query(ctx, `SELECT g.programme, g.division, g.status, count(*), SUM(g.amount) FROM sup_grants g`+w+`
		GROUP BY g.programme, g.division, g.status ORDER BY g.programme, g.division, g.status`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []support.Total
	for rows.Next() {
		var x support.Total
		var st string
		var amt int64
		if err := rows.Scan(&x.Programme, &x.Division, &st, &x.Grants, &amt); err != nil {
			return nil, err
		}
		x.Status, x.Amount = support.Status(st), money.Fen(amt)
		out = append(out, x)
	}
	return out, rows.Err()
}

// InsertScan implements support.Tx.
func (t *Tx) InsertScan(ctx context.Context, s *support.Scan) error {
	id, err := t.insertID(ctx, `INSERT INTO sup_scans (as_of, programme, actor, started_at) VALUES (?, ?, ?, ?)`,
		dateArg(s.AsOf), s.Programme, s.Actor, tsArg(s.StartedAt))
	s.ID = id
	return err
}

// UpdateScan implements support.Tx.
func (t *Tx) UpdateScan(ctx context.Context, s support.Scan) error {
	b, _ := json.Marshal(s.ByProgramme)
	_, err := t.exec(ctx, `UPDATE sup_scans SET finished_at = ?, eligible = ?, created = ?, revoked = ?, summary = ? WHERE id = ?`,
		tsArg(s.FinishedAt), s.Eligible, s.Created, s.Revoked, string(b), s.ID)
	return err
}

// ListScans implements support.Tx.
func (t *Tx) ListScans(ctx context.Context, limit int) ([]support.Scan, error) {
	rows, err := t.query(ctx, fmt.Sprintf(`SELECT id, as_of, programme, actor, started_at, finished_at, eligible, created, revoked, summary
		FROM sup_scans ORDER BY id DESC LIMIT %d`, max(limit, 1)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []support.Scan
	for rows.Next() {
		var s support.Scan
		var sum string
		if err := rows.Scan(&s.ID, dateCol{&s.AsOf}, &s.Programme, &s.Actor, tsCol{&s.StartedAt}, nullTS{&s.FinishedAt},
			&s.Eligible, &s.Created, &s.Revoked, &sum); err != nil {
			return nil, err
		}
		if sum != "" {
			if err := json.Unmarshal([]byte(sum), &s.ByProgramme); err != nil {
				return nil, err
			}
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

const batchCols = `id, division, programme, status, grants, total, preparer_id, preparer, prepared_at, reviewer, reviewed_at, note`

func scanBatch(sc interface{ Scan(...any) error }) (support.Batch, error) {
	var b support.Batch
	var st string
	var total int64
	err := sc.Scan(&b.ID, &b.Division, &b.Programme, &st, &b.Grants, &total, &b.PreparerID, &b.Preparer, tsCol{&b.PreparedAt},
		&b.Reviewer, nullTS{&b.ReviewedAt}, &b.Note)
	b.Status, b.Total = support.Status(st), money.Fen(total)
	return b, err
}

// InsertGrantBatch implements support.Tx.
func (t *Tx) InsertGrantBatch(ctx context.Context, b *support.Batch) error {
	id, err := t.insertID(ctx, `INSERT INTO sup_batches (division, programme, status, grants, total, preparer_id, preparer, prepared_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, b.Division, b.Programme, string(b.Status), b.Grants, int64(b.Total), b.PreparerID, b.Preparer, tsArg(b.PreparedAt))
	b.ID = id
	return err
}

// UpdateGrantBatch implements support.Tx.
func (t *Tx) UpdateGrantBatch(ctx context.Context, b support.Batch) error {
	_, err := t.exec(ctx, `UPDATE sup_batches SET status = ?, grants = ?, total = ?, reviewer = ?, reviewed_at = ?, note = ? WHERE id = ?`,
		string(b.Status), b.Grants, int64(b.Total), b.Reviewer, nullTSArg(b.ReviewedAt), b.Note, b.ID)
	return err
}

// GrantBatch implements support.Tx.
func (t *Tx) GrantBatch(ctx context.Context, id int64) (support.Batch, error) {
	b, err := scanBatch(t.queryRow(ctx, "SELECT "+batchCols+" FROM sup_batches WHERE id = ?", id))
	return b, notFound(err, "batch", id)
}

// ListGrantBatches implements support.Tx.
func (t *Tx) ListGrantBatches(ctx context.Context, divisions []string, status support.Status) ([]support.Batch, error) {
	var w insWhere
	w.add(len(divisions) > 0, "division IN ("+sqlList(len(divisions))+")", anySlice(divisions)...)
	w.add(status != "", "status = ?", string(status))
	where, args := w.sql()
	rows, err := t.query(ctx, "SELECT "+batchCols+" FROM sup_batches"+where+" ORDER BY id DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []support.Batch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Payee implements support.Tx.
func (t *Tx) Payee(ctx context.Context, kind rules.Beneficiary, id int64) (support.Payee, bool, error) {
	p := support.Payee{Kind: kind, ID: id}
	err := t.queryRow(ctx, `SELECT bank, account, holder, updated_at FROM sup_payees WHERE kind = ? AND id = ?`, string(kind), id).
		Scan(&p.Bank, &p.Account, &p.Holder, tsCol{&p.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	return p, err == nil, wrapDBError(err)
}

// PutPayee implements support.Tx.
func (t *Tx) PutPayee(ctx context.Context, p support.Payee) error {
	_, err := t.exec(ctx, `INSERT INTO sup_payees (kind, id, bank, account, holder, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, id) DO UPDATE SET bank = excluded.bank, account = excluded.account, holder = excluded.holder, updated_at = excluded.updated_at`,
		string(p.Kind), p.ID, p.Bank, p.Account, p.Holder, tsArg(p.UpdatedAt))
	return err
}

// InsertPayRun implements support.Tx.
func (t *Tx) InsertPayRun(ctx context.Context, r *support.PaymentRun) error {
	var key any
	if r.Key != "" {
		key = r.Key
	}
	id, err := t.insertID(ctx, `INSERT INTO sup_payment_runs (actor, created_at, request_key) VALUES (?, ?, ?)`, r.Actor, tsArg(r.CreatedAt), key)
	r.ID = id
	return err
}

// UpdatePayRun implements support.Tx.
func (t *Tx) UpdatePayRun(ctx context.Context, r support.PaymentRun) error {
	_, err := t.exec(ctx, `UPDATE sup_payment_runs SET rows_n = ?, total = ?, reissues = ? WHERE id = ?`, r.Rows, int64(r.Total), r.Reissues, r.ID)
	return err
}

const payRunCols = `id, actor, created_at, rows_n, total, reissues, request_key`

func scanPayRun(sc interface{ Scan(...any) error }) (support.PaymentRun, error) {
	var r support.PaymentRun
	var total int64
	var key sql.NullString
	err := sc.Scan(&r.ID, &r.Actor, tsCol{&r.CreatedAt}, &r.Rows, &total, &r.Reissues, &key)
	r.Total, r.Key = money.Fen(total), key.String
	return r, err
}

// ListPayRuns implements support.Tx.
func (t *Tx) ListPayRuns(ctx context.Context) ([]support.PaymentRun, error) {
	rows, err := t.query(ctx, "SELECT "+payRunCols+" FROM sup_payment_runs ORDER BY id DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []support.PaymentRun
	for rows.Next() {
		r, err := scanPayRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// PayRun implements support.Tx.
func (t *Tx) PayRun(ctx context.Context, id int64) (support.PaymentRun, error) {
	r, err := scanPayRun(t.queryRow(ctx, "SELECT "+payRunCols+" FROM sup_payment_runs WHERE id = ?", id))
	return r, notFound(err, "payment run", id)
}

// PayRunByKey implements support.Tx.
func (t *Tx) PayRunByKey(ctx context.Context, key string) (support.PaymentRun, bool, error) {
	r, err := scanPayRun(t.queryRow(ctx, "SELECT "+payRunCols+" FROM sup_payment_runs WHERE request_key = ?", key))
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}

const payRowCols = `reference, run_id, grant_id, amount, bank, account, holder, status, failure, return_id, reissue`

func scanPayRow(sc interface{ Scan(...any) error }) (support.Payment, error) {
	var p support.Payment
	var amt int64
	var st string
	var ret sql.NullInt64
	var reissue int
	err := sc.Scan(&p.Reference, &p.RunID, &p.GrantID, &amt, &p.Bank, &p.Account, &p.Holder, &st, &p.Failure, &ret, &reissue)
	p.Amount, p.Status, p.ReturnID, p.Reissue = money.Fen(amt), support.Status(st), ret.Int64, reissue == 1
	return p, err
}

// InsertPayRow implements support.Tx.
func (t *Tx) InsertPayRow(ctx context.Context, p support.Payment) error {
	_, err := t.exec(ctx, "INSERT INTO sup_payments ("+payRowCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		p.Reference, p.RunID, p.GrantID, int64(p.Amount), p.Bank, p.Account, p.Holder, string(p.Status), p.Failure, idArg(p.ReturnID), boolInt(p.Reissue))
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// PayRows implements support.Tx.
func (t *Tx) PayRows(ctx context.Context, run, grant int64) ([]support.Payment, error) {
	var w insWhere
	w.add(run != 0, "run_id = ?", run)
	w.add(grant != 0, "grant_id = ?", grant)
	where, args := w.sql()
	rows, err := t.query(ctx, "SELECT "+payRowCols+" FROM sup_payments"+where+" ORDER BY run_id, reference", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []support.Payment
	for rows.Next() {
		p, err := scanPayRow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PayRow implements support.Tx.
func (t *Tx) PayRow(ctx context.Context, reference string) (support.Payment, bool, error) {
	p, err := scanPayRow(t.queryRow(ctx, "SELECT "+payRowCols+" FROM sup_payments WHERE reference = ?", reference))
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	return p, err == nil, wrapDBError(err)
}

// UpdatePayRow implements support.Tx.
func (t *Tx) UpdatePayRow(ctx context.Context, p support.Payment) error {
	_, err := t.exec(ctx, `UPDATE sup_payments SET status = ?, failure = ?, return_id = ? WHERE reference = ?`,
		string(p.Status), p.Failure, idArg(p.ReturnID), p.Reference)
	return err
}

// InsertReturn implements support.Tx.
func (t *Tx) InsertReturn(ctx context.Context, r *support.Return) error {
	id, err := t.insertID(ctx, `INSERT INTO sup_returns (file_name, sha256, rows_n, actor, created_at) VALUES (?, ?, ?, ?, ?)`,
		r.FileName, r.SHA256, r.Rows, r.Actor, tsArg(r.CreatedAt))
	r.ID = id
	return err
}

// PersonName implements support.Tx.
func (t *Tx) PersonName(ctx context.Context, id int64) (string, error) {
	var n string
	err := t.queryRow(ctx, `SELECT name FROM persons WHERE id = ?`, id).Scan(&n)
	return n, notFound(err, "person", id)
}

// EmployerName implements support.Tx.
func (t *Tx) EmployerName(ctx context.Context, id int64) (string, error) {
	var n string
	err := t.queryRow(ctx, `SELECT name FROM employers WHERE id = ?`, id).Scan(&n)
	return n, notFound(err, "employer", id)
}

// PersonDivision implements support.Tx.
func (t *Tx) PersonDivision(ctx context.Context, id int64) (string, error) {
	var d string
	err := t.queryRow(ctx, `SELECT residence_division FROM persons WHERE id = ?`, id).Scan(&d)
	return d, notFound(err, "person", id)
}

// EmployerDivision implements support.Tx.
func (t *Tx) EmployerDivision(ctx context.Context, id int64) (string, error) {
	var d string
	err := t.queryRow(ctx, `SELECT division FROM employers WHERE id = ?`, id).Scan(&d)
	return d, notFound(err, "employer", id)
}

// EnterpriseStaff implements support.Tx.
func (t *Tx) EnterpriseStaff(ctx context.Context, employer int64, day period.Date) (int, int, error) {
	var staff, hires int
	yearBefore := period.Date{Y: day.Y - 1, M: day.M, D: min(day.D, period.DaysIn(day.Y-1, day.M))}
	err := t.queryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN start_date <= ? AND (end_date IS NULL OR end_date >= ?) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN start_date > ? AND start_date <= ? THEN 1 ELSE 0 END), 0)
		FROM employments WHERE employer_id = ?`, dateArg(day), dateArg(day), dateArg(yearBefore), dateArg(day), employer).Scan(&staff, &hires)
	return staff, hires, wrapDBError(err)
}

// InsertInternship implements support.Tx.
func (t *Tx) InsertInternship(ctx context.Context, in *support.Internship) error {
	id, err := t.insertID(ctx, `INSERT INTO sup_internships (employer_id, person_id, division, start_date, end_date, allowance, actor, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, in.EmployerID, in.PersonID, in.Division, dateArg(in.Start), dateArg(in.End), int64(in.Allowance), in.Actor, tsArg(in.CreatedAt))
	in.ID = id
	return err
}

const internshipCols = `id, employer_id, person_id, division, start_date, end_date, allowance, actor, created_at`

func scanInternship(sc interface{ Scan(...any) error }) (support.Internship, error) {
	var in support.Internship
	var amt int64
	err := sc.Scan(&in.ID, &in.EmployerID, &in.PersonID, &in.Division, dateCol{&in.Start}, dateCol{&in.End}, &amt, &in.Actor, tsCol{&in.CreatedAt})
	in.Allowance = money.Fen(amt)
	return in, err
}

// Internship implements support.Tx.
func (t *Tx) Internship(ctx context.Context, id int64) (support.Internship, error) {
	in, err := scanInternship(t.queryRow(ctx, "SELECT "+internshipCols+" FROM sup_internships WHERE id = ?", id))
	return in, notFound(err, "internship", id)
}

// ListInternships implements support.Tx.
func (t *Tx) ListInternships(ctx context.Context, f support.InternshipFilter) ([]support.Internship, error) {
	var w insWhere
	w.add(len(f.Divisions) > 0, "division IN ("+sqlList(len(f.Divisions))+")", anySlice(f.Divisions)...)
	w.add(f.EmployerID != 0, "employer_id = ?", f.EmployerID)
	w.add(f.PersonID != 0, "person_id = ?", f.PersonID)
	where, args := w.sql()
	rows, err := t.query(ctx, "SELECT "+internshipCols+" FROM sup_internships"+where+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []support.Internship
	for rows.Next() {
		in, err := scanInternship(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

const loanCols = `id, programme, borrower, person_id, employer_id, division, bank, guarantor, principal, term_months, contract_rate, signed,
	status, terms, defaults, preparer_id, preparer, reviewer, note, created_at, decided_at`

func scanLoan(sc interface{ Scan(...any) error }) (support.StartupLoan, error) {
	var l support.StartupLoan
	var person, employer sql.NullInt64
	var borrower, rate, status, terms, defaults string
	var principal int64
	err := sc.Scan(&l.ID, &l.Programme, &borrower, &person, &employer, &l.Division, &l.Bank, &l.Guarantor, &principal, &l.TermMonths, &rate,
		dateCol{&l.Signed}, &status, &terms, &defaults, &l.PreparerID, &l.Preparer, &l.Reviewer, &l.Note, tsCol{&l.CreatedAt}, nullTS{&l.DecidedAt})
	if err != nil {
		return l, err
	}
	l.Borrower, l.PersonID, l.EmployerID, l.Principal, l.Status = rules.Borrower(borrower), person.Int64, employer.Int64, money.Fen(principal), support.LoanStatus(status)
	if l.ContractRate, err = money.ParseDec(rate); err != nil {
		return l, err
	}
	for _, s := range strings.Split(defaults, ",") {
		if s == "" {
			continue
		}
		p, err := period.ParseYearMonth(s)
		if err != nil {
			return l, err
		}
		l.Defaults = append(l.Defaults, p)
	}
	return l, json.Unmarshal([]byte(terms), &l.Terms)
}

func loanArgs(l support.StartupLoan) (terms, defaults string) {
	b, _ := json.Marshal(l.Terms)
	ds := make([]string, len(l.Defaults))
	for i, p := range l.Defaults {
		ds[i] = p.String()
	}
	return string(b), strings.Join(ds, ",")
}

// InsertLoan implements support.Tx.
func (t *Tx) InsertLoan(ctx context.Context, l *support.StartupLoan) error {
	terms, defaults := loanArgs(*l)
	id, err := t.insertID(ctx, `INSERT INTO sup_loans (programme, borrower, person_id, employer_id, division, bank, guarantor, principal, term_months,
		contract_rate, signed, status, terms, defaults, preparer_id, preparer, reviewer, note, created_at, decided_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.Programme, string(l.Borrower), idArg(l.PersonID), idArg(l.EmployerID), l.Division, l.Bank, l.Guarantor, int64(l.Principal), l.TermMonths,
		l.ContractRate.String(), dateArg(l.Signed), string(l.Status), terms, defaults, l.PreparerID, l.Preparer, l.Reviewer, l.Note,
		tsArg(l.CreatedAt), nullTSArg(l.DecidedAt))
	l.ID = id
	return err
}

// UpdateLoan implements support.Tx.
func (t *Tx) UpdateLoan(ctx context.Context, l support.StartupLoan) error {
	_, defaults := loanArgs(l)
	_, err := t.exec(ctx, `UPDATE sup_loans SET status = ?, defaults = ?, reviewer = ?, note = ?, decided_at = ? WHERE id = ?`,
		string(l.Status), defaults, l.Reviewer, l.Note, nullTSArg(l.DecidedAt), l.ID)
	return err
}

// Loan implements support.Tx.
func (t *Tx) Loan(ctx context.Context, id int64) (support.StartupLoan, error) {
	l, err := scanLoan(t.queryRow(ctx, "SELECT "+loanCols+" FROM sup_loans WHERE id = ?", id))
	return l, notFound(err, "loan", id)
}

// ListLoans implements support.Tx.
func (t *Tx) ListLoans(ctx context.Context, f support.LoanFilter) ([]support.StartupLoan, error) {
	var w insWhere
	w.add(len(f.Divisions) > 0, "division IN ("+sqlList(len(f.Divisions))+")", anySlice(f.Divisions)...)
	w.add(f.PersonID != 0, "person_id = ?", f.PersonID)
	w.add(f.EmployerID != 0, "employer_id = ?", f.EmployerID)
	w.add(f.Status != "", "status = ?", string(f.Status))
	where, args := w.sql()
	rows, err := t.query(ctx, "SELECT "+loanCols+" FROM sup_loans"+where+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []support.StartupLoan
	for rows.Next() {
		l, err := scanLoan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
