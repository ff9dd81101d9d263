package store

import (
	"context"

	"hrss/employment"
)

const bookingCols = `fair_id, person_id, employer_id, slot, created_at`

func scanBooking(sc interface{ Scan(...any) error }) (employment.FairBooking, error) {
	var b employment.FairBooking
	err := sc.Scan(&b.FairID, &b.PersonID, &b.EmployerID, &b.Slot, tsCol{&b.CreatedAt})
	return b, err
}

// InsertFairBooking implements employment.Tx.
func (t *Tx) InsertFairBooking(ctx context.Context, b employment.FairBooking) error {
	_, err := t.exec(ctx, "INSERT INTO fair_bookings ("+bookingCols+") VALUES (?, ?, ?, ?, ?)", b.FairID, b.PersonID, b.EmployerID, b.Slot, tsArg(b.CreatedAt))
	return err
}

// DeleteFairBooking implements employment.Tx.
func (t *Tx) DeleteFairBooking(ctx context.Context, fairID, personID int64) error {
	_, err := t.exec(ctx, "DELETE FROM fair_bookings WHERE fair_id = ? AND person_id = ?", fairID, personID)
	return err
}

// FairBookings implements employment.Tx.
func (t *Tx) FairBookings(ctx context.Context, fairID int64) ([]employment.FairBooking, error) {
	return queryList(ctx, t, "SELECT "+bookingCols+" FROM fair_bookings WHERE fair_id = ? ORDER BY employer_id, slot", []any{fairID}, scanBooking)
}

// PersonBookings implements employment.Tx.
func (t *Tx) PersonBookings(ctx context.Context, personID int64) ([]employment.FairBooking, error) {
	return queryList(ctx, t, "SELECT "+bookingCols+" FROM fair_bookings WHERE person_id = ? ORDER BY fair_id", []any{personID}, scanBooking)
}
