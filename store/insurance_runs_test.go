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

// TestRunRowsInParts writes a run's chunk larger than one SQLite write
// transaction, fenced by the run's lock, and deletes other runs' rows
// and bills a bounded number at a time, keeping the runs named.
func TestRunRowsInParts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ins := db.Insurance()
		p := period.New(2025, 3)
		now := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
		runs := prepareRuns(t, ins, p, now, 2)
		a, b := runs[0], runs[1]
		rw := ins.(insurance.RowWriter)
		write := func(run int64, from, n int) bool {
			t.Helper()
			held, err := rw.WriteRows(ctx, insurance.RunLock{Period: p, Run: run, Heartbeat: now}, runRows(p, run, from, n))
			if err != nil {
				t.Fatal(err)
			}
			return held
		}
		if !write(a.ID, 1, 2500) {
			t.Fatal("the run holding the lock was refused")
		}
		update(t, ins, func(tx insurance.Tx) error {
			bills := []insurance.Bill{{Period: p, Run: a.ID, PayerKind: insurance.PayerEmployer, PayerID: 1, Division: "330402"},
				{Period: p, Run: a.ID, PayerKind: insurance.PayerEmployer, PayerID: 2, Division: "330402"},
				{Period: p, Run: a.ID, PayerKind: insurance.PayerFlexible, PayerID: 1, Division: "330402"}}
			if err := tx.InsertBills(ctx, bills); err != nil {
				return err
			}
			return tx.PutLock(ctx, insurance.RunLock{Period: p, Run: b.ID, Heartbeat: now}) // b takes the period over
		})
		if write(a.ID, 2501, 10) {
			t.Fatal("a run that lost its lock wrote rows")
		}
		if !write(b.ID, 1, 5) {
			t.Fatal("the run that took the lock was refused")
		}
		deleted := func(keep1, keep2 int64) []int {
			var out []int
			for n := -1; n != 0; {
				update(t, ins, func(tx insurance.Tx) (err error) {
					n, err = tx.DeleteRunRows(ctx, p, keep1, keep2, 1000)
					return err
				})
				out = append(out, n)
			}
			return out
		}
		// 2,500 rows and 3 bills of a (none of the refused 10), b's kept.
		if got := deleted(0, b.ID); len(got) != 4 || got[0] != 1000 || got[1] != 1000 || got[2] != 503 {
			t.Fatalf("deleted %v at a time, want [1000 1000 503 0]", got)
		}
		if got := deleted(0, 0); len(got) != 2 || got[0] != 5 {
			t.Fatalf("deleted %v at a time, want [5 0]", got)
		}
	})
}

// TestCopyRows writes rows whose every column differs, with amounts
// negative and at the ends of int64, through the run's RowWriter (the
// binary COPY of copyRows on PostgreSQL), makes the period's rows ready
// (PeriodWritten: the ATTACH of the partition on PostgreSQL) and reads
// them back as they were written.
func TestCopyRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, ins, p := context.Background(), db.Insurance(), period.New(2025, 3)
		now := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
		r := prepareRuns(t, ins, p, now, 1)[0]
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

// prepareRuns opens period p, records n runs of it, gives the first its
// lock and makes the period ready for rows (PreparePeriod).
func prepareRuns(t *testing.T, ins insurance.Store, p period.YearMonth, now time.Time, n int) []insurance.Run {
	t.Helper()
	ctx := context.Background()
	runs := make([]insurance.Run, n)
	update(t, ins, func(tx insurance.Tx) error {
		if err := tx.PutPeriod(ctx, insurance.PeriodState{Period: p, Status: insurance.PeriodOpen}); err != nil {
			return err
		}
		for i := range runs {
			runs[i] = insurance.Run{Period: p, Status: insurance.RunRunning, Actor: "test", StartedAt: now}
			if err := tx.InsertRun(ctx, &runs[i]); err != nil {
				return err
			}
		}
		if err := tx.PutLock(ctx, insurance.RunLock{Period: p, Run: runs[0].ID, Heartbeat: now}); err != nil {
			return err
		}
		return tx.PreparePeriod(ctx, p)
	})
	return runs
}

func update(t *testing.T, s insurance.Store, fn func(insurance.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// runRows makes n rows of a run numbered from seq from.
func runRows(p period.YearMonth, run int64, from, n int) []insurance.Row {
	rows := make([]insurance.Row, n)
	for i := range rows {
		seq := from + i
		rows[i] = insurance.Row{Period: p, Run: run, Seq: int32(seq), PersonID: int64(seq), Kind: insurance.PayerEmployer,
			RelationID: int64(seq), PayerID: int64(seq%3 + 1), Division: "330402", Base: 500000}
	}
	return rows
}
