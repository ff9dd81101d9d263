//go:build unix

package faults

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestPostgresRestartDuringJobs stops a private PostgreSQL cluster in
// immediate mode (a crash: every backend killed, no checkpoint) in the
// middle of a monthly assessment run and of a collection import, and
// starts it again. Each job is held at a known point by a lock the test
// takes (the run after its rows and bills are written, before it makes
// them the period's; the import at its last row, every other row
// applied), so the crash always lands inside the job. Each job fails
// with an error naming the lost database; nothing of it is applied (the
// faulted database equals an untouched copy made before the job), and
// running it again ends exactly as the same job on the untouched copy:
// the same assessment rows, bills, payments, overpayments, credits and
// imports. hrss check and hrss audit verify pass throughout.
func TestPostgresRestartDuringJobs(t *testing.T) {
	c := newCluster(t)
	admin := c.open(t, "postgres")
	if _, err := admin.Exec("CREATE DATABASE faulted"); err != nil {
		t.Fatal(err)
	}
	faulted := env{db: c.url("faulted"), key: filepath.Join(t.TempDir(), "hrss.key")}
	faulted.must(t, "demo", "--no-serve", "--persons", "3000", "--months", "2", "--as-of", "2025-07-04")
	if _, err := admin.Exec("CREATE DATABASE clean TEMPLATE faulted"); err != nil {
		t.Fatal(err)
	}
	admin.Close()
	clean := env{db: c.url("clean"), key: faulted.key}

	var p int
	if err := c.open(t, "faulted").QueryRow("SELECT max(period) FROM ins_periods WHERE status = 'open'").Scan(&p); err != nil {
		t.Fatal(err)
	}
	per := fmt.Sprintf("%04d-%02d", p/100, p%100)

	// the run, held by a lock on its period's row: it blocks in its last
	// transaction, which makes its rows and bills the period's (FOR NO KEY
	// UPDATE: the foreign-key checks of the bills' COPY and of the
	// partition's ATTACH, on their own connections beside each other, take
	// KEY SHARE on the row and pass; FOR UPDATE held them, so the crash
	// came before the bills were written)
	code, errs := crashDuring(t, c, faulted, "SELECT status FROM ins_periods WHERE period = $1 FOR NO KEY UPDATE", []any{p},
		"assess", "--period", per)
	lostDatabase(t, "assess", code, errs)
	if n := count(t, faulted.sqlDB(t), `SELECT count(*) FROM ins_bills b JOIN ins_periods s ON s.period = b.period
		WHERE b.period = $1 AND b.run_id > s.current_run`, p); n == 0 {
		t.Fatal("the crash did not come after the run wrote its bills")
	}
	sameAs(t, faulted, clean, "after the crashed run")
	faulted.intact(t)
	code, _, errs = faulted.run(t, "assess", "--period", per)
	if code != 1 || !strings.Contains(errs, "in progress") || !strings.Contains(errs, "--takeover") {
		t.Fatalf("a run while the crashed run's lock is fresh: exit %d %s", code, errs)
	}
	faulted.must(t, "assess", "--period", per, "--takeover")
	clean.must(t, "assess", "--period", per)
	sameAs(t, faulted, clean, "after the run again")
	faulted.intact(t)

	// the import, held at its last row by an uncommitted payment with
	// that row's reference
	file, last := collectionFile(t, faulted, per)
	code, errs = crashDuring(t, c, faulted, `WITH i AS (INSERT INTO ins_imports (file_name, sha256, row_count, actor, created_at)
			VALUES ('blocker', '', 1, 'faults', now()) RETURNING id)
		INSERT INTO ins_payments (reference, import_id, row_no, payer_code, payer_kind, payer_id, period, amount, applied, overpaid, paid_on, status)
		SELECT $1, id, 1, '', 0, 0, $2, 1, 0, 1, '2025-07-10', 'unmatched' FROM i`, []any{last, p},
		"collections", "import", file)
	lostDatabase(t, "collections import", code, errs)
	sameAs(t, faulted, clean, "after the crashed import")
	faulted.intact(t)
	faulted.must(t, "collections", "import", file)
	clean.must(t, "collections", "import", file)
	sameAs(t, faulted, clean, "after the import again")
	if n := count(t, faulted.sqlDB(t), "SELECT count(*) FROM ins_payments WHERE reference LIKE 'FAULT-%' AND status = 'applied'"); n < 20 {
		t.Fatalf("the import again applied %d payments", n)
	}
	faulted.intact(t)
	clean.intact(t)
}

// open opens database name of the cluster; it is closed when the test ends.
func (c *cluster) open(t *testing.T, name string) *sql.DB {
	t.Helper()
	x, err := sql.Open("pgx", c.url(name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

// crashDuring takes a lock with block (in a transaction left open), runs
// hrss with args on e until it waits for that lock, crashes the cluster,
// waits for hrss to end and starts the cluster again. It returns hrss's
// exit status and standard error.
func crashDuring(t *testing.T, c *cluster, e env, block string, blockArgs []any, args ...string) (int, string) {
	t.Helper()
	x, err := sql.Open("pgx", e.db)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	tx, err := x.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(block, blockArgs...); err != nil {
		t.Fatalf("%s: %v", block, err)
	}
	var holder int64
	if err := tx.QueryRow("SELECT pg_backend_pid()").Scan(&holder); err != nil {
		t.Fatal(err)
	}
	job := exec.Command(hrssBin, append([]string{"--db", e.db, "--key-file", e.key}, args...)...)
	var out, errb bytes.Buffer
	job.Stdout, job.Stderr = &out, &errb
	if err := job.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- job.Wait() }()
	for waiting, deadline := int64(0), time.Now().Add(3*time.Minute); waiting == 0; {
		select {
		case err := <-done:
			t.Fatalf("hrss %s ended before it reached the lock: %v\n%s%s", strings.Join(args, " "), err, out.String(), errb.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("hrss %s never waited for the lock", strings.Join(args, " "))
		}
		// a backend of the job waiting for this lock: the job's own
		// connections wait on each other for a moment now and then
		// (a partition's lock, an uncommitted row), which is not the
		// point the test holds it at
		x.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND wait_event_type = 'Lock' AND $1 = ANY (pg_blocking_pids(pid))`, holder).Scan(&waiting)
	}
	c.crash(t)
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		job.Process.Kill()
		t.Fatalf("hrss %s did not end after the database went away", strings.Join(args, " "))
	}
	tx.Rollback()
	c.start(t)
	t.Logf("hrss %s during the crash: exit %d: %s", strings.Join(args, " "), job.ProcessState.ExitCode(), strings.TrimSpace(errb.String()))
	return job.ProcessState.ExitCode(), errb.String()
}

// lostDatabase fails the test unless a job ended with exit status 1 and
// an error that says the database was lost and nothing was applied.
func lostDatabase(t *testing.T, job string, code int, errs string) {
	t.Helper()
	if code != 1 || !strings.Contains(errs, "the connection to the database was lost") || !strings.Contains(errs, "nothing of this change was written") {
		t.Fatalf("%s when the database went away: exit %d, %q", job, code, errs)
	}
}

// sameAs fails the test unless the social insurance records of a and b
// are the same, row for row (identities and timestamps aside).
func sameAs(t *testing.T, a, b env, when string) {
	t.Helper()
	sameRows(t, a, b, when, []string{
		"SELECT period, status FROM ins_periods ORDER BY period",
		"SELECT period, status, persons, payers, total FROM ins_runs WHERE status = 'done' ORDER BY id",
		`SELECT a.period, a.kind, a.relation_id, a.person_id, a.payer_id, a.division, a.base, a.pension_ind, a.pension_emp,
			a.medical_ind, a.medical_emp, a.unemp_ind, a.unemp_emp, a.injury_emp
			FROM ins_assessments a JOIN ins_periods s ON s.period = a.period AND s.current_run = a.run_id ORDER BY 1, 2, 3`,
		`SELECT b.period, b.payer_kind, b.payer_id, b.division, b.persons, b.employer_part, b.individual_part, b.total
			FROM ins_bills b JOIN ins_periods s ON s.period = b.period AND s.current_run = b.run_id ORDER BY 1, 2, 3`,
		"SELECT reference, row_no, payer_code, payer_kind, payer_id, period, amount, applied, overpaid, paid_on, status FROM ins_payments ORDER BY reference",
		"SELECT period, payer_kind, payer_id, amount FROM ins_overpayments ORDER BY 1, 2, 3, 4",
		"SELECT person_id, period, kind, relation_id, payer_id, base, amount, unemployment, book_year FROM ins_credits ORDER BY 1, 2, 3, 4",
		"SELECT file_name, sha256, row_count FROM ins_imports ORDER BY id",
	})
}

// sameRows fails the test unless each query answers the same rows on a
// and b, naming the first difference.
func sameRows(t *testing.T, a, b env, when string, queries []string) {
	t.Helper()
	xa, xb := a.sqlDB(t), b.sqlDB(t)
	for _, q := range queries {
		ra, rb := rowsOf(t, xa, q), rowsOf(t, xb, q)
		if !slices.Equal(ra, rb) {
			i := 0
			for i < min(len(ra), len(rb)) && ra[i] == rb[i] {
				i++
			}
			t.Fatalf("%s: %s\n%d rows against %d; first difference at row %d:\n%v\n%v", when, q, len(ra), len(rb), i, at(ra, i), at(rb, i))
		}
	}
}

func at(rows []string, i int) string {
	if i < len(rows) {
		return rows[i]
	}
	return "(none)"
}

// rowsOf returns the rows of a query, each written as text.
func rowsOf(t *testing.T, x *sql.DB, q string) []string {
	t.Helper()
	rows, err := x.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		v := make([]any, len(cols))
		p := make([]any, len(cols))
		for i := range v {
			p[i] = &v[i]
		}
		if err := rows.Scan(p...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(v...))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// collectionFile writes a tax-bureau collection file that pays what every
// employer owes for period per (CSV: credit_code, period, amount,
// reference, date) and returns its path and its last row's reference.
func collectionFile(t *testing.T, e env, per string) (string, string) {
	t.Helper()
	var bills []struct {
		PayerKind string `json:"payer_kind"`
		PayerID   int64  `json:"payer_id"`
		Due       string `json:"due"`
		Paid      string `json:"paid"`
	}
	if err := json.Unmarshal([]byte(e.must(t, "bills", "--period", per, "--unpaid", "--json")), &bills); err != nil {
		t.Fatal(err)
	}
	x := e.sqlDB(t)
	var b strings.Builder
	b.WriteString("credit_code,period,amount,reference,date\n")
	last := ""
	for i, bill := range bills {
		if bill.PayerKind != "employer" {
			continue
		}
		var code string
		if err := x.QueryRow(rebind(e, "SELECT credit_code FROM employers WHERE id = ?"), bill.PayerID).Scan(&code); err != nil {
			t.Fatal(err)
		}
		last = fmt.Sprintf("FAULT-%s-%05d", per, i)
		fmt.Fprintf(&b, "%s,%s,%s,%s,2025-07-10\n", code, per, fen(t, bill.Due)-fen(t, bill.Paid), last)
	}
	if last == "" {
		t.Fatalf("only %d unpaid bills in %s", len(bills), per)
	}
	path := filepath.Join(t.TempDir(), "tax-"+per+".csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, last
}

// fenAmount is an amount of yuan with two decimals, kept in fen.
type fenAmount int64

func (f fenAmount) String() string { return fmt.Sprintf("%d.%02d", f/100, f%100) }

// fen parses "1234.56" into fen.
func fen(t *testing.T, s string) fenAmount {
	t.Helper()
	var y, f int64
	if _, err := fmt.Sscanf(s, "%d.%02d", &y, &f); err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return fenAmount(y*100 + f)
}
