package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"hrss/insurance"
	"hrss/rules/period"
	"hrss/store/storetest"
)

// TestDemoHistory runs the demo of a small city on a SQLite file with four
// months of history and checks what the services then hold: each month
// assessed, all but the last two closed, bills paid in full, in part and
// not at all, last month's collection under way, the paid months credited
// to the personal accounts, and every invariant of hrss check.
func TestDemoHistory(t *testing.T) {
	dbPath, keyPath := storetest.SQLitePath(t), filepath.Join(t.TempDir(), "hrss.key")
	g := []string{"--db", dbPath, "--key-file", keyPath}
	var out, errb bytes.Buffer
	if code := run(append([]string{"demo", "--no-serve", "--persons", "2000", "--months", "4", "--as-of", "2025-07-04"}, g...), nil, &out, &errb); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errb.String())
	}
	months := []period.YearMonth{period.New(2025, 3), period.New(2025, 4), period.New(2025, 5), period.New(2025, 6)}
	for i, p := range months {
		state := "open"
		if i < 2 {
			state = "closed"
		}
		if !strings.Contains(out.String(), "  "+p.String()+" "+state+" ") {
			t.Errorf("no line for %s %s in\n%s", p, state, out.String())
		}
	}

	ctx := systemContext(context.Background())
	a, err := openApp(ctx, &globals{db: dbPath, keyFile: keyPath})
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	svc, err := insuranceService(&globals{}, a)
	if err != nil {
		t.Fatal(err)
	}
	periods, err := svc.Periods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(periods) != len(months) {
		t.Fatalf("periods %+v", periods)
	}
	var paidFlexible int64 // a flexible worker who paid both closed months in full
	paidClosed := map[int64]int{}
	for i, st := range periods {
		want := insurance.PeriodOpen
		if i < 2 {
			want = insurance.PeriodClosed
		}
		if st.Period != months[i] || st.Status != want || st.CurrentRun == 0 {
			t.Errorf("period %d: %+v, want %s %s", i, st, months[i], want)
		}
		bills, err := svc.Bills(ctx, insurance.BillFilter{Period: st.Period})
		if err != nil {
			t.Fatal(err)
		}
		f := figuresOf(bills)
		t.Logf("%s %s: %+v", st.Period, st.Status, f)
		if f.bills < 100 || f.collected+f.owed != f.billed {
			t.Errorf("%s: %+v", st.Period, f)
		}
		if i < 3 && (f.paid < f.bills*3/4 || f.part == 0 || f.unpaid == 0) {
			t.Errorf("%s: %d bills: %d paid in full, %d in part, %d not at all", st.Period, f.bills, f.paid, f.part, f.unpaid)
		}
		if i == 3 && (f.paid > f.bills*2/3 || f.paid < f.bills/3) {
			t.Errorf("last month: %d of %d bills paid in full; want about half (the collection is under way)", f.paid, f.bills)
		}
		for _, b := range bills {
			if st.Status == insurance.PeriodClosed && b.PayerKind == insurance.PayerFlexible && b.Unpaid() == 0 {
				if paidClosed[b.PayerID]++; paidClosed[b.PayerID] == 2 && paidFlexible == 0 {
					paidFlexible = b.PayerID
				}
			}
		}
	}

	// Closing credited the paid months to the personal accounts.
	if paidFlexible == 0 {
		t.Fatal("no flexible worker paid both closed months")
	}
	stmt, err := svc.Statement(ctx, paidFlexible)
	if err != nil {
		t.Fatal(err)
	}
	var credited int
	for _, y := range stmt.Years {
		if y.Year == 2025 {
			credited = y.Months
		}
	}
	if credited < 2 {
		t.Errorf("flexible worker %d paid 2025-03 and 2025-04 in full; the statement credits %d months of 2025: %+v", paidFlexible, credited, stmt.Years)
	}

	ar, err := svc.Arrears(ctx, period.Date{Y: 2025, M: 7, D: 4})
	if err != nil || len(ar.Payers) == 0 || ar.Principal <= 0 || ar.Fee <= 0 {
		t.Errorf("arrears on the city's today: %d payers, principal %s, fee %s, %v", len(ar.Payers), ar.Principal, ar.Fee, err)
	}
	// Late fees billed to today, a few paid, and credits kept.
	if ar.FeeBilled <= 0 || ar.FeeBilled > ar.Fee {
		t.Errorf("late fees on the city's today: billed %s of %s accrued", ar.FeeBilled, ar.Fee)
	}
	fees, err := svc.LateFees(ctx, insurance.LateFeeFilter{})
	if err != nil || len(fees) == 0 || fees[0].Reference == "" || fees[0].Confidence == "" {
		t.Errorf("late fee lines: %d %v", len(fees), err)
	}
	credits, err := svc.Credits(ctx, insurance.CreditFilter{Open: true})
	if err != nil || len(credits) < 2 || !strings.Contains(out.String(), "late fees billed to 2025-07-04") {
		t.Errorf("credits %+v %v, output\n%s", credits, err, out.String())
	}
	rep, err := svc.Check(ctx)
	if err != nil || !rep.OK {
		t.Fatalf("check: %+v %v", rep, err)
	}
	for _, r := range rep.Results {
		if r.Checked == 0 && r.Invariant != insurance.InvAccountBalance {
			t.Errorf("check %s examined nothing", r.Invariant)
		}
	}
	i := slices.IndexFunc(credits, func(c insurance.Credit) bool { return c.Division == "330402" })
	if i < 0 {
		t.Fatalf("no credit of the demo users' division: %+v", credits)
	}
	refundAtTheCommandLine(t, g, credits[i])
	out.Reset()
	if code := run(append([]string{"check"}, g...), nil, &out, &errb); code != 0 {
		t.Fatalf("hrss check: exit %d\n%s", code, out.String())
	}
}

// TestDemoMonthsFlag: --months may not be negative nor reach before the
// demo's insurance history begins.
func TestDemoMonthsFlag(t *testing.T) {
	today := period.Date{Y: 2025, M: 7, D: 4}
	for _, c := range []struct {
		n  int
		ok bool
	}{{0, true}, {6, true}, {18, true}, {19, false}, {-1, false}} {
		if err := demoMonths(c.n, today); (err == nil) != c.ok {
			t.Errorf("--months %d on %s: %v", c.n, today, err)
		}
	}
	var out, errb bytes.Buffer
	dir := t.TempDir()
	if code := run([]string{"demo", "--no-serve", "--months", "40", "--as-of", "2025-07-04", "--db", filepath.Join(dir, "x.db"), "--key-file", filepath.Join(dir, "x.key")}, nil, &out, &errb); code == 0 || !strings.Contains(errb.String(), "2024-01") {
		t.Fatalf("--months 40: exit %d: %s", code, errb.String())
	}
}

// refundAtTheCommandLine lists the late fees and credits of the demo at
// the command line, prepares the refund of a credit as the
// caseworker, is refused its approval by the same user (four eyes),
// approves it as the reviewer, issues it with its bank file, and takes in
// the bank's return failing it (twice: the second changes nothing), which
// opens the credit again.
func refundAtTheCommandLine(t *testing.T, g []string, credit insurance.Credit) {
	t.Helper()
	cli := func(ok bool, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(append(args, g...), nil, &out, &errb); (code == 0) != ok {
			t.Fatalf("hrss %s: exit %d: %s%s", strings.Join(args, " "), code, out.String(), errb.String())
		}
		return out.String() + errb.String()
	}
	if out := cli(true, "late-fees", "list"); !strings.Contains(out, "社会保险法 第八十六条 (supported)") {
		t.Errorf("late-fees list:\n%s", out)
	}
	if out := cli(true, "credits", "list"); !strings.Contains(out, credit.Reference) {
		t.Errorf("credits list:\n%s", out)
	}
	out := cli(true, "refunds", "prepare", "--credit", credit.Reference, "--holder", "演示单位", "--bank", "工商银行", "--account", "6222020000000007",
		"--reason", "overpaid", "--as", "caseworker")
	var id int64
	if _, err := fmt.Sscanf(out, "Refund %d", &id); err != nil {
		t.Fatalf("refunds prepare: %s", out)
	}
	if out := cli(false, "refunds", "approve", fmt.Sprint(id), "--as", "caseworker"); !strings.Contains(out, "approve") {
		t.Errorf("the preparer's approval: %s", out)
	}
	cli(true, "refunds", "approve", fmt.Sprint(id), "--as", "reviewer")
	file := filepath.Join(t.TempDir(), "refunds.csv")
	cli(true, "refunds", "issue", "--out", file)
	data, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(data), ",6222020000000007,"+credit.Balance.String()+","+credit.Reference+",") {
		t.Errorf("the refund bank file: %q %v", data, err)
	}
	ret := filepath.Join(t.TempDir(), "return.csv")
	if err := os.WriteFile(ret, fmt.Appendf(nil, "reference,status,reason\nrefund:%d,failed,account closed\n", id), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1 failed, 0 returned before", "0 failed, 1 returned before"} {
		if out := cli(true, "refunds", "return", ret); !strings.Contains(out, want) {
			t.Errorf("refunds return: %s, want %q", out, want)
		}
	}
	if out := cli(true, "credits", "list"); !strings.Contains(out, credit.Reference) {
		t.Errorf("the credit of the failed refund is not open again:\n%s", out)
	}
}
