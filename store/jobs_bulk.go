package store

import (
	"context"
	"fmt"

	"hrss/employment"
)

// The employment services' bulk writers: the demo city's registrations,
// vacancies and services, with their IDs preassigned.

// Seekers writes job-seeker registrations with their IDs set.
func (b *Bulk) Seekers(ctx context.Context, ss []employment.SeekerRegistration) error {
	rows := make([][]any, len(ss))
	for i := range ss {
		r := append([]any{ss[i].ID}, seekerArgs(&ss[i])...)
		r[3], r[4], r[6] = dateArg(ss[i].Registered), dateArg(ss[i].LastContact), dateArg(ss[i].ClosedOn)
		rows[i] = r
	}
	return b.copy(ctx, "seeker_registrations", columns(seekerCols), rows)
}

// Unemployment writes unemployment registrations with their IDs set.
func (b *Bulk) Unemployment(ctx context.Context, us []employment.UnemploymentRegistration) error {
	rows := make([][]any, len(us))
	for i := range us {
		r := append([]any{us[i].ID}, unemploymentArgs(&us[i])...)
		r[3], r[4], r[6] = dateArg(us[i].Registered), dateArg(us[i].LastContact), dateArg(us[i].EndedOn)
		rows[i] = r
	}
	return b.copy(ctx, "unemployment_registrations", columns(unemploymentCols), rows)
}

// Vacancies writes vacancies with their IDs set.
func (b *Bulk) Vacancies(ctx context.Context, vs []employment.Vacancy) error {
	rows := make([][]any, len(vs))
	for i := range vs {
		r := append([]any{vs[i].ID}, vacancyArgs(&vs[i])...)
		r[12], r[13] = dateArg(vs[i].ValidFrom), dateArg(vs[i].ValidTo)
		rows[i] = r
	}
	return b.copy(ctx, "vacancies", columns(vacancyCols), rows)
}

const serviceCols = `id, person_id, kind, service_date, vacancy_id, note, recorded_by, created_at`

// Services writes "1131" service records with their IDs set.
func (b *Bulk) Services(ctx context.Context, ss []employment.ServiceRecord) error {
	rows := make([][]any, len(ss))
	for i, s := range ss {
		var vac any
		if s.VacancyID != 0 {
			vac = s.VacancyID
		}
		rows[i] = []any{s.ID, s.PersonID, string(s.Kind), s.Date.String(), vac, s.Note, s.RecordedBy, tsArg(s.CreatedAt)}
	}
	return b.copy(ctx, "followup_services", columns(serviceCols), rows)
}

// FinishJobs moves PostgreSQL's identity sequences of the employment
// tables past the IDs written in bulk.
func (b *Bulk) FinishJobs(ctx context.Context) error {
	if b.db.engine != Postgres {
		return nil
	}
	return b.db.update(ctx, func(t *Tx) error {
		for _, table := range []string{"seeker_registrations", "unemployment_registrations", "vacancies", "followup_services"} {
			q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), GREATEST((SELECT max(id) FROM %s), 1))", table, table)
			if _, err := t.exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
}
