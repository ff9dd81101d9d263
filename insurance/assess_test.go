package insurance_test

import (
	"testing"

	"hrss/insurance"
	"hrss/rules/fault"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// TestAssessTotalsMatchRules assesses 2025-01 with the read-ahead in
// memory, then 2025-02 with its memory at 1 byte: every chunk but the
// one held is spilled to the spool file and read back.
func TestAssessTotalsMatchRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 60)
		for i, p := range []period.YearMonth{ym("2025-01"), ym("2025-02")} {
			c.svc.ReadAheadBytes = int64(i)
			assessMatchesRules(t, c, p)
		}
	})
}

func assessMatchesRules(t *testing.T, c *city, p period.YearMonth) {
	t.Helper()
	sum, err := c.svc.Assess(system(), p, insurance.AssessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, total := c.expected(t, p)
	if sum.Total != total || sum.Rows != len(c.jobs)+len(c.flex) || sum.Employers != 4 || sum.Flexible != len(c.flex) {
		t.Fatalf("summary %+v, want total %s rows %d", sum, total, len(c.jobs)+len(c.flex))
	}
	got := billMap(t, c.svc, p)
	if len(got) != len(want) {
		t.Fatalf("%d bills, want %d", len(got), len(want))
	}
	for k, w := range want {
		if got[k].Total != w || got[k].Due != w {
			t.Errorf("bill %v = %s, want %s", k, got[k].Total, w)
		}
	}
	mustCheck(t, c.svc)
}

func TestAssessRerunReplacesExactly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 40)
		p := ym("2025-02")
		first, err := c.svc.Assess(system(), p, insurance.AssessOptions{})
		if err != nil {
			t.Fatal(err)
		}
		before := billMap(t, c.svc, p)
		second, err := c.svc.Assess(system(), p, insurance.AssessOptions{})
		if err != nil {
			t.Fatal(err)
		}
		after := billMap(t, c.svc, p)
		if first.Total != second.Total || first.Rows != second.Rows || second.Run == first.Run {
			t.Fatalf("re-run %+v differs from %+v", second, first)
		}
		for k, b := range before {
			a := after[k]
			if a.Total != b.Total || a.Persons != b.Persons || a.Run != second.Run {
				t.Errorf("bill %v: %+v then %+v", k, b, a)
			}
		}
		var rows int
		if err := db.Insurance().View(system(), func(tx insurance.Tx) error {
			n, _, err := tx.CheckInvariant(system(), insurance.InvAssessedBilled, 10)
			rows = n
			return err
		}); err != nil || rows != len(before) {
			t.Fatalf("%d bills stand after a re-run, want %d (%v)", rows, len(before), err)
		}
		mustCheck(t, c.svc)
	})
}

func TestClosedPeriodRefusesRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 20)
		p := ym("2025-03")
		if _, err := c.svc.Close(system(), p, insurance.CloseOptions{}); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("closing an unassessed period: %v", err)
		}
		if _, err := c.svc.Assess(system(), p, insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.svc.Close(system(), p, insurance.CloseOptions{}); err != nil {
			t.Fatal(err)
		}
		_, err := c.svc.Assess(system(), p, insurance.AssessOptions{})
		if fault.KindOf(err) != fault.Conflict {
			t.Fatalf("re-running a closed period: %v, want Conflict", err)
		}
		mustCheck(t, c.svc)
	})
}

func TestConcurrentRunRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 30)
		p := ym("2025-04")
		var second error
		tried := false
		c.svc.AfterChunk = func(int) {
			if !tried {
				tried = true
				other := newService(t, db)
				_, second = other.Assess(system(), p, insurance.AssessOptions{})
			}
		}
		if _, err := c.svc.Assess(system(), p, insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
		if fault.KindOf(second) != fault.Conflict {
			t.Fatalf("second concurrent run: %v, want Conflict", second)
		}
		mustCheck(t, c.svc)
	})
}
