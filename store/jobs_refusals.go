package store

import (
	"context"

	"hrss/employment"
)

const refusalCols = `id, registration_id, person_id, refused_on, vacancy_id, offer, note, recorded_by, created_at`

// InsertRefusal implements employment.Tx.
func (t *Tx) InsertRefusal(ctx context.Context, r *employment.OfferRefusal) error {
	var vacancy any
	if r.VacancyID != 0 {
		vacancy = r.VacancyID
	}
	id, err := t.insertID(ctx, `INSERT INTO unemployment_refusals (registration_id, person_id, refused_on, vacancy_id, offer, note, recorded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.RegistrationID, r.PersonID, r.RefusedOn.String(), vacancy, string(r.Offer), r.Note, r.RecordedBy, tsArg(r.CreatedAt))
	r.ID = id
	return err
}

// ListRefusals implements employment.Tx.
func (t *Tx) ListRefusals(ctx context.Context, registration int64) ([]employment.OfferRefusal, error) {
	rows, err := t.query(ctx, "SELECT "+refusalCols+" FROM unemployment_refusals WHERE registration_id = ? ORDER BY refused_on, id", registration)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []employment.OfferRefusal
	for rows.Next() {
		var r employment.OfferRefusal
		var offer string
		if err := rows.Scan(&r.ID, &r.RegistrationID, &r.PersonID, dateCol{&r.RefusedOn}, jobsNullInt{&r.VacancyID}, &offer, &r.Note, &r.RecordedBy, tsCol{&r.CreatedAt}); err != nil {
			return nil, err
		}
		r.Offer = employment.Offer(offer)
		out = append(out, r)
	}
	return out, rows.Err()
}
