package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"hrss/access"
	"hrss/employment"
	"hrss/registry"
	"hrss/rules/money"
)

// Jobs returns db as the employment services' Store.
func (db *DB) Jobs() employment.Store { return jobsStore{db} }

type jobsStore struct{ db *DB }

// AppendAudit implements access.Appender (DB.AppendAudit).
func (s jobsStore) AppendAudit(ctx context.Context, c access.Caller, at time.Time, ev access.Event) error {
	return s.db.AppendAudit(ctx, c, at, ev)
}

// AuditJournal implements access.Journaled: the database's journal.
func (s jobsStore) AuditJournal() *access.Journal { return s.db.journal }

func (s jobsStore) Update(ctx context.Context, fn func(employment.Tx) error) error {
	return s.db.updateAudited(ctx, func(t *Tx) error { return fn(t) })
}

func (s jobsStore) View(ctx context.Context, fn func(employment.Tx) error) error {
	return s.db.view(ctx, func(t *Tx) error { return fn(t) })
}

// jobsJoin and jobsSplit store a list as comma-separated text.
func jobsJoin[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ",")
}

func jobsSplit[T ~string](s string) []T {
	out := []T{}
	for _, x := range strings.Split(s, ",") {
		if x != "" {
			out = append(out, T(x))
		}
	}
	return out
}

func jobsJoinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

func jobsSplitIDs(s string) []int64 {
	out := []int64{}
	for _, x := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(x, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

func jobsBool(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Occupations implements employment.Tx.
func (t *Tx) Occupations(ctx context.Context) ([]employment.Occupation, error) {
	return queryList(ctx, t, "SELECT code, name_zh, name_en, source FROM occupations ORDER BY code", nil,
		func(sc interface{ Scan(...any) error }) (employment.Occupation, error) {
			var o employment.Occupation
			err := sc.Scan(&o.Code, &o.NameZH, &o.NameEN, &o.Source)
			return o, err
		})
}

// ReplaceOccupations implements employment.Tx.
func (t *Tx) ReplaceOccupations(ctx context.Context, os []employment.Occupation) error {
	if _, err := t.exec(ctx, "DELETE FROM occupations"); err != nil {
		return err
	}
	for _, o := range os {
		if _, err := t.exec(ctx, "INSERT INTO occupations (code, name_zh, name_en, source) VALUES (?, ?, ?, ?)", string(o.Code), o.NameZH, o.NameEN, o.Source); err != nil {
			return err
		}
	}
	return nil
}

// Skills implements employment.Tx.
func (t *Tx) Skills(ctx context.Context) ([]employment.Skill, error) {
	return queryList(ctx, t, "SELECT code, name_zh, name_en, weight, source FROM skills ORDER BY ord", nil,
		func(sc interface{ Scan(...any) error }) (employment.Skill, error) {
			var s employment.Skill
			err := sc.Scan(&s.Code, &s.NameZH, &s.NameEN, &s.Weight, &s.Source)
			return s, err
		})
}

// ReplaceSkills implements employment.Tx.
func (t *Tx) ReplaceSkills(ctx context.Context, ss []employment.Skill) error {
	if _, err := t.exec(ctx, "DELETE FROM skills"); err != nil {
		return err
	}
	for i, s := range ss {
		if _, err := t.exec(ctx, "INSERT INTO skills (code, name_zh, name_en, weight, source, ord) VALUES (?, ?, ?, ?, ?, ?)", s.Code, s.NameZH, s.NameEN, s.Weight, s.Source, i); err != nil {
			return err
		}
	}
	return nil
}

const seekerCols = `id, person_id, division, registered, last_contact, status, closed_on, ground, occupations, skills, education,
	experience_years, salary_min, accepted_divisions, mobility, opt_out, graduate, created_at, updated_at`

func seekerArgs(s *employment.SeekerRegistration) []any {
	return []any{s.PersonID, s.Division, s.Registered.String(), s.LastContact.String(), string(s.Status), dateArg(s.ClosedOn), string(s.Ground),
		jobsJoin(s.Occupations), jobsJoin(s.Skills), string(s.Education), s.Experience, int64(s.SalaryMin), jobsJoin(s.Divisions),
		string(s.Mobility), jobsBool(s.OptOut), jobsBool(s.Graduate), tsArg(s.CreatedAt), tsArg(s.UpdatedAt)}
}

func scanSeeker(sc interface{ Scan(...any) error }) (employment.SeekerRegistration, error) {
	var s employment.SeekerRegistration
	var status, ground, occs, skills, edu, divs, mob string
	var salary int64
	var optOut, grad int
	err := sc.Scan(&s.ID, &s.PersonID, &s.Division, dateCol{&s.Registered}, dateCol{&s.LastContact}, &status, dateCol{&s.ClosedOn}, &ground,
		&occs, &skills, &edu, &s.Experience, &salary, &divs, &mob, &optOut, &grad, tsCol{&s.CreatedAt}, tsCol{&s.UpdatedAt})
	s.Status, s.Ground, s.Education, s.Mobility = employment.Status(status), employment.Ground(ground), registry.Education(edu), employment.Mobility(mob)
	s.Occupations, s.Skills, s.Divisions = jobsSplit[employment.OccupationCode](occs), jobsSplit[string](skills), jobsSplit[string](divs)
	s.SalaryMin, s.OptOut, s.Graduate = money.Fen(salary), optOut != 0, grad != 0
	return s, err
}

// InsertSeeker implements employment.Tx.
func (t *Tx) InsertSeeker(ctx context.Context, s *employment.SeekerRegistration) error {
	id, err := t.insertID(ctx, `INSERT INTO seeker_registrations (`+strings.TrimPrefix(seekerCols, "id, ")+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, seekerArgs(s)...)
	s.ID = id
	return err
}

// UpdateSeeker implements employment.Tx.
func (t *Tx) UpdateSeeker(ctx context.Context, s *employment.SeekerRegistration) error {
	_, err := t.exec(ctx, `UPDATE seeker_registrations SET person_id = ?, division = ?, registered = ?, last_contact = ?, status = ?,
		closed_on = ?, ground = ?, occupations = ?, skills = ?, education = ?, experience_years = ?, salary_min = ?,
		accepted_divisions = ?, mobility = ?, opt_out = ?, graduate = ?, created_at = ?, updated_at = ? WHERE id = ?`, append(seekerArgs(s), s.ID)...)
	return err
}

// Seeker implements employment.Tx.
func (t *Tx) Seeker(ctx context.Context, id int64) (employment.SeekerRegistration, error) {
	s, err := scanSeeker(t.queryRow(ctx, "SELECT "+seekerCols+" FROM seeker_registrations WHERE id = ?", id))
	return s, notFound(err, "job-seeker registration", id)
}

func regWhere(f employment.SeekerFilter) where {
	w := where{}
	w.add(f.PersonID != 0, "person_id = ?", f.PersonID)
	w.add(f.Division != "", "division = ?", f.Division)
	w.add(f.Status != "", "status = ?", string(f.Status))
	w.add(true, "id > ?", f.After)
	return w
}

// ListSeekers implements employment.Tx.
func (t *Tx) ListSeekers(ctx context.Context, f employment.SeekerFilter) ([]employment.SeekerRegistration, error) {
	w := regWhere(f)
	return queryList(ctx, t, "SELECT "+seekerCols+" FROM seeker_registrations WHERE "+w.sql()+" ORDER BY id LIMIT ?", append(w.args, f.Limit), scanSeeker)
}

const unemploymentCols = `id, person_id, division, registered, last_contact, status, ended_on, ground, employment_id, created_at, updated_at`

func unemploymentArgs(u *employment.UnemploymentRegistration) []any {
	var emp any
	if u.EmploymentID != 0 {
		emp = u.EmploymentID
	}
	return []any{u.PersonID, u.Division, u.Registered.String(), u.LastContact.String(), string(u.Status), dateArg(u.EndedOn),
		string(u.Ground), emp, tsArg(u.CreatedAt), tsArg(u.UpdatedAt)}
}

func scanUnemployment(sc interface{ Scan(...any) error }) (employment.UnemploymentRegistration, error) {
	var u employment.UnemploymentRegistration
	var status, ground string
	err := sc.Scan(&u.ID, &u.PersonID, &u.Division, dateCol{&u.Registered}, dateCol{&u.LastContact}, &status, dateCol{&u.EndedOn},
		&ground, jobsNullInt{&u.EmploymentID}, tsCol{&u.CreatedAt}, tsCol{&u.UpdatedAt})
	u.Status, u.Ground = employment.Status(status), employment.Ground(ground)
	return u, err
}

// InsertUnemployment implements employment.Tx.
func (t *Tx) InsertUnemployment(ctx context.Context, u *employment.UnemploymentRegistration) error {
	id, err := t.insertID(ctx, `INSERT INTO unemployment_registrations (`+strings.TrimPrefix(unemploymentCols, "id, ")+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, unemploymentArgs(u)...)
	u.ID = id
	return err
}

// UpdateUnemployment implements employment.Tx.
func (t *Tx) UpdateUnemployment(ctx context.Context, u *employment.UnemploymentRegistration) error {
	_, err := t.exec(ctx, `UPDATE unemployment_registrations SET person_id = ?, division = ?, registered = ?, last_contact = ?,
		status = ?, ended_on = ?, ground = ?, employment_id = ?, created_at = ?, updated_at = ? WHERE id = ?`, append(unemploymentArgs(u), u.ID)...)
	return err
}

// Unemployment implements employment.Tx.
func (t *Tx) Unemployment(ctx context.Context, id int64) (employment.UnemploymentRegistration, error) {
	u, err := scanUnemployment(t.queryRow(ctx, "SELECT "+unemploymentCols+" FROM unemployment_registrations WHERE id = ?", id))
	return u, notFound(err, "unemployment registration", id)
}

// ListUnemployment implements employment.Tx.
func (t *Tx) ListUnemployment(ctx context.Context, f employment.SeekerFilter) ([]employment.UnemploymentRegistration, error) {
	w := regWhere(f)
	return queryList(ctx, t, "SELECT "+unemploymentCols+" FROM unemployment_registrations WHERE "+w.sql()+" ORDER BY id LIMIT ?", append(w.args, f.Limit), scanUnemployment)
}

// jobsNullInt scans a nullable integer column (0 for NULL).
type jobsNullInt struct{ p *int64 }

func (c jobsNullInt) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*c.p = 0
	case int64:
		*c.p = x
	case int32:
		*c.p = int64(x)
	default:
		return fmt.Errorf("integer column: unexpected %T", v)
	}
	return nil
}
