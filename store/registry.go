package store

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"hrss/access"
	"hrss/registry"
	"hrss/registry/ident"
)

// Registry returns db as the registry's Store.
func (db *DB) Registry() registry.Store { return registryStore{db} }

type registryStore struct{ db *DB }

// AppendAudit implements access.Appender (DB.AppendAudit).
func (s registryStore) AppendAudit(ctx context.Context, c access.Caller, at time.Time, ev access.Event) error {
	return s.db.AppendAudit(ctx, c, at, ev)
}

// AuditJournal implements access.Journaled: the database's journal.
func (s registryStore) AuditJournal() *access.Journal { return s.db.journal }

func (s registryStore) Update(ctx context.Context, fn func(registry.Tx) error) error {
	return s.db.updateAudited(ctx, func(t *Tx) error { return fn(t) })
}

func (s registryStore) View(ctx context.Context, fn func(registry.Tx) error) error {
	return s.db.view(ctx, func(t *Tx) error { return fn(t) })
}

const personCols = `id, id_sealed, id_hash, name, sex, birth, hukou_division, residence_division,
	education, phone, grad_school, grad_major, grad_degree, grad_date, created_at, updated_at`

func personArgs(p *registry.SealedPerson) []any {
	var school, major, degree string
	var gdate any
	if g := p.Graduation; g != nil {
		school, major, degree, gdate = g.School, g.Major, string(g.Degree), dateArg(g.Date)
	}
	return []any{p.IDSealed, p.IDHash, p.Name, string(p.Sex), p.Birth.String(), p.HukouDivision, p.ResidenceDivision,
		string(p.Education), p.Phone, textArg(school), textArg(major), textArg(degree), gdate, tsArg(p.CreatedAt), tsArg(p.UpdatedAt)}
}

func scanPerson(sc interface{ Scan(...any) error }) (registry.SealedPerson, error) {
	var p registry.SealedPerson
	var sex, edu, school, major, degree string
	var gdate = new(registry.Graduation)
	err := sc.Scan(&p.ID, &p.IDSealed, &p.IDHash, &p.Name, &sex, dateCol{&p.Birth}, &p.HukouDivision, &p.ResidenceDivision,
		&edu, &p.Phone, nullString{&school}, nullString{&major}, nullString{&degree}, dateCol{&gdate.Date}, tsCol{&p.CreatedAt}, tsCol{&p.UpdatedAt})
	p.Sex, p.Education = ident.Sex(sex), registry.Education(edu)
	if school != "" {
		gdate.School, gdate.Major, gdate.Degree = school, major, registry.Education(degree)
		p.Graduation = gdate
	}
	return p, err
}

// InsertPerson implements registry.Tx.
func (t *Tx) InsertPerson(ctx context.Context, p *registry.SealedPerson) error {
	id, err := t.insertID(ctx, `INSERT INTO persons (id_sealed, id_hash, name, sex, birth, hukou_division, residence_division,
		education, phone, grad_school, grad_major, grad_degree, grad_date, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, personArgs(p)...)
	p.ID = id
	return err
}

// UpdatePerson implements registry.Tx.
func (t *Tx) UpdatePerson(ctx context.Context, p *registry.SealedPerson) error {
	_, err := t.exec(ctx, `UPDATE persons SET id_sealed = ?, id_hash = ?, name = ?, sex = ?, birth = ?, hukou_division = ?,
		residence_division = ?, education = ?, phone = ?, grad_school = ?, grad_major = ?, grad_degree = ?, grad_date = ?,
		created_at = ?, updated_at = ? WHERE id = ?`, append(personArgs(p), p.ID)...)
	return err
}

// Person implements registry.Tx.
func (t *Tx) Person(ctx context.Context, id int64) (registry.SealedPerson, error) {
	p, err := scanPerson(t.queryRow(ctx, "SELECT "+personCols+" FROM persons WHERE id = ?", id))
	return p, notFound(err, "person", id)
}

// ListPersons implements registry.Tx.
func (t *Tx) ListPersons(ctx context.Context, f registry.PersonFilter) ([]registry.SealedPerson, error) {
	q, args := t.personsQuery(f)
	return queryList(ctx, t, q, args, scanPerson)
}

// personsQuery is ListPersons' query of f and its arguments.
func (t *Tx) personsQuery(f registry.PersonFilter) (string, []any) {
	w := where{}
	w.add(f.IDHash != nil, "id_hash = ?", f.IDHash)
	w.add(f.NamePrefix != "", "name LIKE ? ESCAPE '\\'", likePrefix(f.NamePrefix))
	if f.NamePrefix != "" && t.engine == SQLite {
		// SQLite's LIKE is case-insensitive and cannot search the BINARY
		// name index: without the range it read persons in ID order until
		// it had found a page of the name (all million for a rare one).
		// PostgreSQL's LIKE searches its text_pattern_ops index, and its
		// collation need not be in code point order.
		w.add(true, "name >= ?", f.NamePrefix)
		if end, ok := prefixEnd(f.NamePrefix); ok {
			w.add(true, "name < ?", end)
		}
	}
	w.add(f.Division != "", "residence_division = ?", f.Division)
	w.add(f.ID != 0, "id = ?", f.ID)
	w.addIn("residence_division", f.Divisions)
	w.add(f.EmployerID != 0, "id IN (SELECT person_id FROM employments WHERE employer_id = ?)", f.EmployerID)
	w.add(true, "id > ?", f.After)
	order := "id"
	if f.Newest {
		order = "id DESC"
	}
	return "SELECT " + personCols + " FROM persons WHERE " + w.sql() + " ORDER BY " + order + " LIMIT ?", append(w.args, f.Limit)
}

// where builds a conjunction of conditions with their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(on bool, cond string, args ...any) {
	if on {
		w.conds = append(w.conds, cond)
		w.args = append(w.args, args...)
	}
}

// addIn adds "col IN (…)" when vals is not empty.
func (w *where) addIn(col string, vals []string) {
	w.addInf(col+" IN %s", vals)
}

// addInf adds cond with each %s replaced by the list (?, ?, …) of vals,
// when vals is not empty.
func (w *where) addInf(cond string, vals []string) {
	if len(vals) == 0 {
		return
	}
	list := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ") + ")"
	w.conds = append(w.conds, strings.ReplaceAll(cond, "%s", list))
	for range strings.Count(cond, "%s") {
		for _, v := range vals {
			w.args = append(w.args, v)
		}
	}
}

func (w *where) sql() string { return strings.Join(w.conds, " AND ") }

// prefixEnd is the least string above every string that starts with p,
// in code point order (UTF-8's byte order, SQLite's BINARY): p with its
// last character incremented; false when there is none (p empty, not
// UTF-8 at its end, or ending in U+10FFFF).
func prefixEnd(p string) (string, bool) {
	r, size := utf8.DecodeLastRuneInString(p)
	switch {
	case size == 0 || r == utf8.MaxRune || r == utf8.RuneError && size == 1:
		return "", false
	case r == 0xD7FF: // the surrogates are not characters
		r = 0xE000
	default:
		r++
	}
	return p[:len(p)-size] + string(r), true
}

// likePrefix escapes s for a LIKE prefix match.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}

const employerCols = `id, credit_code, name, industry_section, industry_division, division, risk_class, risk_float_pct, created_at, updated_at`

func employerArgs(e *registry.Employer) []any {
	return []any{string(e.CreditCode), e.Name, e.IndustrySection, e.IndustryDivision, e.Division, e.RiskClass, decToPct(e.RiskFloat), tsArg(e.CreatedAt), tsArg(e.UpdatedAt)}
}

func scanEmployer(sc interface{ Scan(...any) error }) (registry.Employer, error) {
	var e registry.Employer
	var code string
	var pct int64
	err := sc.Scan(&e.ID, &code, &e.Name, &e.IndustrySection, &e.IndustryDivision, &e.Division, &e.RiskClass, &pct, tsCol{&e.CreatedAt}, tsCol{&e.UpdatedAt})
	e.CreditCode, e.RiskFloat = ident.CreditCode(code), pctToDec(pct)
	return e, err
}

// InsertEmployer implements registry.Tx.
func (t *Tx) InsertEmployer(ctx context.Context, e *registry.Employer) error {
	id, err := t.insertID(ctx, `INSERT INTO employers (credit_code, name, industry_section, industry_division, division,
		risk_class, risk_float_pct, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, employerArgs(e)...)
	e.ID = id
	return err
}

// UpdateEmployer implements registry.Tx.
func (t *Tx) UpdateEmployer(ctx context.Context, e *registry.Employer) error {
	_, err := t.exec(ctx, `UPDATE employers SET credit_code = ?, name = ?, industry_section = ?, industry_division = ?,
		division = ?, risk_class = ?, risk_float_pct = ?, created_at = ?, updated_at = ? WHERE id = ?`, append(employerArgs(e), e.ID)...)
	return err
}

// Employer implements registry.Tx.
func (t *Tx) Employer(ctx context.Context, id int64) (registry.Employer, error) {
	e, err := scanEmployer(t.queryRow(ctx, "SELECT "+employerCols+" FROM employers WHERE id = ?", id))
	return e, notFound(err, "employer", id)
}

// ListEmployers implements registry.Tx.
func (t *Tx) ListEmployers(ctx context.Context, f registry.EmployerFilter) ([]registry.Employer, error) {
	w := where{}
	w.add(f.CreditCode != "", "credit_code = ?", f.CreditCode)
	w.add(f.NamePrefix != "", "name LIKE ? ESCAPE '\\'", likePrefix(f.NamePrefix))
	w.add(f.Division != "", "division = ?", f.Division)
	w.add(f.ID != 0, "id = ?", f.ID)
	w.addIn("division", f.Divisions)
	w.add(f.PersonID != 0, "id IN (SELECT employer_id FROM employments WHERE person_id = ?)", f.PersonID)
	w.add(true, "id > ?", f.After)
	return queryList(ctx, t, "SELECT "+employerCols+" FROM employers WHERE "+w.sql()+" ORDER BY id LIMIT ?", append(w.args, f.Limit), scanEmployer)
}

// queryList runs q and scans every row with scan.
func queryList[T any](ctx context.Context, t *Tx, q string, args []any, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
