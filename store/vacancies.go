package store

import (
	"context"
	"strings"

	"hrss/employment"
	"hrss/registry"
	"hrss/rules/money"
)

const vacancyCols = `id, employer_id, title, occupation, skills, education, experience_years, salary_min, salary_max, division,
	openings, filled, valid_from, valid_to, status, description, created_at, updated_at`

func vacancyArgs(v *employment.Vacancy) []any {
	return []any{v.EmployerID, v.Title, string(v.Occupation), jobsJoin(v.Skills), string(v.Education), v.Experience, int64(v.SalaryMin),
		int64(v.SalaryMax), v.Division, v.Openings, v.Filled, v.ValidFrom.String(), v.ValidTo.String(), string(v.Status), v.Description,
		tsArg(v.CreatedAt), tsArg(v.UpdatedAt)}
}

func scanVacancy(sc interface{ Scan(...any) error }) (employment.Vacancy, error) {
	var v employment.Vacancy
	var occ, skills, edu, status string
	var lo, hi int64
	err := sc.Scan(&v.ID, &v.EmployerID, &v.Title, &occ, &skills, &edu, &v.Experience, &lo, &hi, &v.Division, &v.Openings, &v.Filled,
		dateCol{&v.ValidFrom}, dateCol{&v.ValidTo}, &status, &v.Description, tsCol{&v.CreatedAt}, tsCol{&v.UpdatedAt})
	v.Occupation, v.Skills, v.Education, v.Status = employment.OccupationCode(occ), jobsSplit[string](skills), registry.Education(edu), employment.Status(status)
	v.SalaryMin, v.SalaryMax = money.Fen(lo), money.Fen(hi)
	return v, err
}

// InsertVacancy implements employment.Tx.
func (t *Tx) InsertVacancy(ctx context.Context, v *employment.Vacancy) error {
	id, err := t.insertID(ctx, `INSERT INTO vacancies (`+strings.TrimPrefix(vacancyCols, "id, ")+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, vacancyArgs(v)...)
	v.ID = id
	return err
}

// UpdateVacancy implements employment.Tx.
func (t *Tx) UpdateVacancy(ctx context.Context, v *employment.Vacancy) error {
	_, err := t.exec(ctx, `UPDATE vacancies SET employer_id = ?, title = ?, occupation = ?, skills = ?, education = ?,
		experience_years = ?, salary_min = ?, salary_max = ?, division = ?, openings = ?, filled = ?, valid_from = ?, valid_to = ?,
		status = ?, description = ?, created_at = ?, updated_at = ? WHERE id = ?`, append(vacancyArgs(v), v.ID)...)
	return err
}

// Vacancy implements employment.Tx.
func (t *Tx) Vacancy(ctx context.Context, id int64) (employment.Vacancy, error) {
	v, err := scanVacancy(t.queryRow(ctx, "SELECT "+vacancyCols+" FROM vacancies WHERE id = ?", id))
	return v, notFound(err, "vacancy", id)
}

// ListVacancies implements employment.Tx.
func (t *Tx) ListVacancies(ctx context.Context, f employment.VacancyFilter) ([]employment.Vacancy, error) {
	w := where{}
	w.add(f.EmployerID != 0, "employer_id = ?", f.EmployerID)
	w.add(f.Division != "", "division = ?", f.Division)
	w.add(f.Occupation != "", "occupation LIKE ? ESCAPE '\\'", likePrefix(f.Occupation))
	if !f.OpenOn.IsZero() {
		d := f.OpenOn.String()
		w.add(true, "status = 'open' AND valid_from <= ? AND valid_to >= ? AND filled < openings", d, d)
	}
	w.add(true, "id > ?", f.After)
	return queryList(ctx, t, "SELECT "+vacancyCols+" FROM vacancies WHERE "+w.sql()+" ORDER BY id LIMIT ?", append(w.args, f.Limit), scanVacancy)
}

// InsertService implements employment.Tx.
func (t *Tx) InsertService(ctx context.Context, s *employment.ServiceRecord) error {
	var vac any
	if s.VacancyID != 0 {
		vac = s.VacancyID
	}
	id, err := t.insertID(ctx, `INSERT INTO followup_services (person_id, kind, service_date, vacancy_id, note, recorded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, s.PersonID, string(s.Kind), s.Date.String(), vac, s.Note, s.RecordedBy, tsArg(s.CreatedAt))
	s.ID = id
	return err
}

// ListServices implements employment.Tx.
func (t *Tx) ListServices(ctx context.Context, personIDs []int64) ([]employment.ServiceRecord, error) {
	if len(personIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(personIDs))
	for i, id := range personIDs {
		args[i] = id
	}
	q := "SELECT id, person_id, kind, service_date, vacancy_id, note, recorded_by, created_at FROM followup_services WHERE person_id IN (?" +
		strings.Repeat(", ?", len(args)-1) + ") ORDER BY id"
	return queryList(ctx, t, q, args, func(sc interface{ Scan(...any) error }) (employment.ServiceRecord, error) {
		var s employment.ServiceRecord
		var kind string
		err := sc.Scan(&s.ID, &s.PersonID, &kind, dateCol{&s.Date}, jobsNullInt{&s.VacancyID}, &s.Note, &s.RecordedBy, tsCol{&s.CreatedAt})
		s.Kind = employment.ServiceKind(kind)
		return s, err
	})
}

// ListGraduates implements employment.Tx.
func (t *Tx) ListGraduates(ctx context.Context, f employment.GraduateFilter) ([]employment.GraduateRow, error) {
	today := f.Today.String()
	q := `SELECT p.id, p.name, p.residence_division, p.grad_school, p.grad_major, p.grad_degree, p.grad_date,
		(SELECT max(e.end_date) FROM employments e WHERE e.person_id = p.id AND e.end_date IS NOT NULL AND e.end_date < ?)
		FROM persons p
		WHERE p.residence_division = ? AND p.grad_date >= ? AND p.grad_date <= ? AND p.id > ?
		AND NOT EXISTS (SELECT 1 FROM employments e WHERE e.person_id = p.id AND e.start_date <= ? AND (e.end_date IS NULL OR e.end_date >= ?))
		AND NOT EXISTS (SELECT 1 FROM flexible_workers w WHERE w.person_id = p.id AND w.start_date <= ? AND (w.end_date IS NULL OR w.end_date >= ?))
		ORDER BY p.id LIMIT ?`
	args := []any{today, f.Division, f.LeftFrom.String(), f.LeftTo.String(), f.After, today, today, today, today, f.Limit}
	return queryList(ctx, t, q, args, func(sc interface{ Scan(...any) error }) (employment.GraduateRow, error) {
		var r employment.GraduateRow
		var degree string
		err := sc.Scan(&r.PersonID, &r.Name, &r.Division, nullString{&r.Graduation.School}, nullString{&r.Graduation.Major}, nullString{&degree},
			dateCol{&r.Graduation.Date}, dateCol{&r.LastEnd})
		r.Graduation.Degree = registry.Education(degree)
		return r, err
	})
}
