package store_test

import (
	"context"
	"math"
	"slices"
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
			var mark insurance.DeleteMark
			for n := -1; n != 0; {
				update(t, ins, func(tx insurance.Tx) (err error) {
					mark, n, err = tx.DeleteRunRows(ctx, p, keep1, keep2, mark, 1000)
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

// TestDeleteRunRowsResumes deletes a re-run's stale runs seven rows and
// bills a transaction, carrying the mark from one to the next, and
// interrupts the deletion twice: once dropping the mark (a run taking
// over after a crash starts from the zero mark), once keeping it while
// the keeps change (the re-run became the period's: the run it
// replaces is stale now, though the mark had passed over it). Every row
// and bill of the stale runs goes, one of them with gaps in its seqs (a
// crashed run's writers commit chunks out of order), every transaction
// but the last ones deletes the limit, and the kept run's rows and
// bills stay, all of them.
func TestDeleteRunRowsResumes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, ins, p := context.Background(), db.Insurance(), period.New(2025, 3)
		now := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
		runs := prepareRuns(t, ins, p, now, 4)
		// The current run is the oldest: the runs after it crashed, or
		// were abandoned, before the re-run.
		current, crashed, abandoned, rerun := runs[0].ID, runs[1].ID, runs[2].ID, runs[3].ID
		var gaps []int
		for _, r := range [][2]int{{1, 50}, {101, 150}, {171, 173}} {
			for s := r[0]; s <= r[1]; s++ {
				gaps = append(gaps, s)
			}
		}
		wrote := map[int64]int{}
		for _, w := range []struct {
			run   int64
			seqs  []int
			bills int
		}{{current, seqRange(1, 40), 3}, {crashed, gaps, 0}, {abandoned, seqRange(1, 300), 5}, {rerun, seqRange(1, 20), 4}} {
			writeRun(t, ins, p, now, w.run, w.seqs, w.bills)
			wrote[w.run] = len(w.seqs) + w.bills
		}
		update(t, ins, func(tx insurance.Tx) error {
			if err := tx.PeriodWritten(ctx, p); err != nil { // the re-run of an attached period
				return err
			}
			return tx.PutPeriod(ctx, insurance.PeriodState{Period: p, Status: insurance.PeriodOpen, CurrentRun: current})
		})
		wantRows, wantBills, err := store.RunKeysForTest(ctx, db, p)
		if err != nil {
			t.Fatal(err)
		}

		const limit = 7
		var counts []int
		del := func(keep1, keep2 int64, mark insurance.DeleteMark, times int) insurance.DeleteMark {
			t.Helper()
			for i := 0; i < times; i++ {
				var n int
				update(t, ins, func(tx insurance.Tx) (err error) {
					mark, n, err = tx.DeleteRunRows(ctx, p, keep1, keep2, mark, limit)
					return err
				})
				if counts = append(counts, n); n == 0 {
					break
				}
			}
			return mark
		}
		del(current, rerun, insurance.DeleteMark{}, 10)        // the re-run's start, interrupted
		mark := del(current, rerun, insurance.DeleteMark{}, 5) // taken over from the zero mark, interrupted
		del(rerun, 0, mark, math.MaxInt)                       // the re-run became the period's
		want := wrote[abandoned] + wrote[crashed] + wrote[current]
		total := 0
		for i, n := range counts {
			if total += n; n > limit || n < limit && i < len(counts)-2 {
				t.Fatalf("deleted %v a transaction: each but the last two must delete %d", counts, limit)
			}
		}
		if total != want || counts[len(counts)-1] != 0 {
			t.Fatalf("deleted %d rows and bills (%v a transaction), want %d", total, counts, want)
		}
		gotRows, gotBills, err := store.RunKeysForTest(ctx, db, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(gotRows) != 1 || len(gotBills) != 1 || !slices.Equal(gotRows[rerun], wantRows[rerun]) || !slices.Equal(gotBills[rerun], wantBills[rerun]) {
			t.Fatalf("left rows %v and bills %v, want run %d's alone: %v and %v", gotRows, gotBills, rerun, wantRows[rerun], wantBills[rerun])
		}
	})
}

func seqRange(from, to int) []int {
	out := make([]int, 0, to-from+1)
	for s := from; s <= to; s++ {
		out = append(out, s)
	}
	return out
}

// writeRun gives run the lock of p and writes its rows of the seqs given
// and bills of payers of both kinds.
func writeRun(t *testing.T, ins insurance.Store, p period.YearMonth, now time.Time, run int64, seqs []int, bills int) {
	t.Helper()
	ctx := context.Background()
	l := insurance.RunLock{Period: p, Run: run, Heartbeat: now}
	update(t, ins, func(tx insurance.Tx) error { return tx.PutLock(ctx, l) })
	rows := make([]insurance.Row, len(seqs))
	for i, s := range seqs {
		rows[i] = runRows(p, run, s, 1)[0]
	}
	if held, err := ins.(insurance.RowWriter).WriteRows(ctx, l, rows); err != nil || !held {
		t.Fatalf("run %d's rows: held %v, %v", run, held, err)
	}
	update(t, ins, func(tx insurance.Tx) error {
		bs := make([]insurance.Bill, bills)
		for i := range bs {
			bs[i] = insurance.Bill{Period: p, Run: run, PayerKind: insurance.PayerKind(1 + i%2), PayerID: int64(1 + i/2), Division: "330402"}
		}
		return tx.InsertBills(ctx, bs)
	})
}
