//go:build unix

package main

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"hrss/store"
	"hrss/store/storetest"
)

// TestCheckCatchesMoneyBreaches: on a demo city (late fees billed and
// paid, credits kept) hrss check passes; a late fee line raised behind
// hrss's back and a refund beyond its credit are each reported by hrss
// check under late_fees_billed and credits_balance, with exit status 1.
func TestCheckCatchesMoneyBreaches(t *testing.T) {
	engines := map[string]func(t *testing.T) string{"sqlite": func(t *testing.T) string { return filepath.Join(t.TempDir(), "hrss.db") }}
	if base := storetest.Postgres(t); base != "" {
		engines["postgres"] = func(t *testing.T) string { return storetest.PostgresSchema(t, base) }
	}
	for name, newDB := range engines {
		t.Run(name, func(t *testing.T) {
			db, key := newDB(t), filepath.Join(t.TempDir(), "hrss.key")
			smallCity(t, db, key, 300)
			mustHrss(t, db, key, "check")
			tamper(t, db,
				// one line's amount raised: its billing no longer adds up,
				// and the bill's lines are not the fee due
				`DELETE FROM ins_fee_stale`,
				`UPDATE ins_late_fees SET amount = amount + 100 WHERE id = (SELECT MIN(id) FROM ins_late_fees)`,
				// a refund of more than the unmatched payment's credit
				`INSERT INTO ins_refunds (credit_ref, amount, holder, bank, account, reason, status, prepared_by, prepared_name, prepared_at)
				SELECT reference, overpaid + 100, 'x', 'y', '6222020000000001', 'tamper', 'prepared', 1, 'x', '2025-07-04T00:00:00Z'
				FROM ins_payments WHERE status = 'unmatched' AND overpaid > 0 ORDER BY reference LIMIT 1`)
			code, out, errs := hrssAt(t, db, key, "check")
			if code != 1 {
				t.Fatalf("hrss check exits %d after tampering\n%s%s", code, out, errs)
			}
			for _, want := range []string{"late_fees_billed", "billing differs from its lines", "late fee billed differs from the fee due",
				"credits_balance", "credit used twice", "collected differs from allocations plus credits"} {
				if !strings.Contains(out, want) {
					t.Errorf("hrss check does not report %q:\n%s", want, out)
				}
			}
		})
	}
}

// tamper runs statements on db outside hrss, as an intruder would.
func tamper(t *testing.T, db string, stmts ...string) {
	t.Helper()
	driver, dsn := "sqlite", "file:"+db
	if store.IsPostgres(db) {
		driver, dsn = "pgx", db
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range stmts {
		res, err := raw.Exec(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n, _ := res.RowsAffected(); n == 0 && !strings.HasPrefix(q, "DELETE") {
			t.Fatalf("%s changed nothing", q)
		}
	}
}
