package store_test

import (
	"context"
	"math"
	"testing"
	"time"

	"hrss/insurance"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// TestCopyRows writes rows whose every column differs, with amounts
// negative and at the ends of int64, through the run's RowWriter (the
// binary COPY of copyRows on PostgreSQL), makes the period's rows ready
// (PeriodWritten: the ATTACH of the partition on PostgreSQL) and reads
// them back as they were written.
func TestCopyRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ins := db.Insurance()
		p := period.New(2025, 3)
		now := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
		r := insurance.Run{Period: p, Status: insurance.RunRunning, Actor: "test", StartedAt: now}
		update(t, ins, func(tx insurance.Tx) error {
			if err := tx.PutPeriod(ctx, insurance.PeriodState{Period: p, Status: insurance.PeriodOpen}); err != nil {
				return err
			}
			if err := tx.InsertRun(ctx, &r); err != nil {
				return err
			}
			if err := tx.PutLock(ctx, insurance.RunLock{Period: p, Run: r.ID, Heartbeat: now}); err != nil {
				return err
			}
			return tx.PreparePeriod(ctx, p)
		})
		want := []insurance.Row{
			{Period: p, Run: r.ID, Seq: 1, PersonID: 1 << 40, Kind: insurance.PayerEmployer, RelationID: 7, PayerID: 1<<33 + 5, Division: "330402",
				Base: 123456, Lines: [7]money.Fen{1, -2, 3, -4, 5, -6, 7}, AccountCredit: 9876},
			{Period: p, Run: r.ID, Seq: math.MaxInt32, PersonID: 2, Kind: insurance.PayerFlexible, RelationID: 1 << 50, PayerID: 2, Division: "330483",
				Base: math.MaxInt64, Lines: [7]money.Fen{math.MinInt64, math.MaxInt64, 0, 0, 0, 0, 0}, AccountCredit: -1},
			{Period: p, Run: r.ID, Seq: 2, PersonID: 3, Kind: insurance.PayerEmployer, RelationID: 9, PayerID: 11, Division: "",
				Lines: [7]money.Fen{0, 0, 0, 0, 0, 0, 1}},
		}
		held, err := ins.(insurance.RowWriter).WriteRows(ctx, insurance.RunLock{Period: p, Run: r.ID, Heartbeat: now}, want)
		if err != nil || !held {
			t.Fatalf("WriteRows: held %v, %v", held, err)
		}
		update(t, ins, func(tx insurance.Tx) error {
			if err := tx.PeriodWritten(ctx, p); err != nil {
				return err
			}
			return tx.PutPeriod(ctx, insurance.PeriodState{Period: p, Status: insurance.PeriodOpen, CurrentRun: r.ID})
		})
		got, err := db.AssessmentRows(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		want[1], want[2] = want[2], want[1] // read in seq order
		if len(got) != len(want) {
			t.Fatalf("read %d rows, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("row %d read back as\n%+v, want\n%+v", i, got[i], want[i])
			}
		}
	})
}
