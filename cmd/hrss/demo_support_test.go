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

	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
	"hrss/support"
)

// TestDemoSupport runs the demo of a small city as of late 2025 and checks
// the support programmes end to end at the command line: the scan's
// job-expansion grants are exactly the persons one independent plain SQL
// query finds, a second scan adds nothing, a caseworker's batch is
// approved by the reviewer (never by its preparer), paid, returned by the
// bank with one failed row, re-issued once the account is corrected, and
// hrss check passes.
func TestDemoSupport(t *testing.T) {
	dbPath, keyPath := storetest.SQLitePath(t), filepath.Join(t.TempDir(), "hrss.key")
	g := []string{"--db", dbPath, "--key-file", keyPath}
	cli := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(append(args, g...), nil, &out, &errb); code != 0 {
			t.Fatalf("hrss %s: exit %d: %s%s", strings.Join(args, " "), code, out.String(), errb.String())
		}
		return out.String()
	}
	cli("demo", "--no-serve", "--persons", "3000", "--months", "5", "--as-of", "2025-12-04")
	ctx := systemContext(context.Background())
	a, err := openApp(ctx, &globals{db: dbPath, keyFile: keyPath})
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	svc, err := supportService(&globals{}, a)
	if err != nil {
		t.Fatal(err)
	}
	checkAgainstPlainSQL(t, ctx, a.db, svc, period.Date{Y: 2025, M: 12, D: 4})

	if out := cli("support", "scan", "--as-of", "2025-12-04", "--json"); !strings.Contains(out, `"created": 0`) {
		t.Fatalf("a second scan created grants:\n%s", out)
	}
	out := cli("support", "prepare", "--division", "330402", "--as", "caseworker")
	var batch int64
	if _, err := fmt.Sscanf(out, "Batch %d", &batch); err != nil {
		t.Fatalf("prepare: %s", out)
	}
	var o, e bytes.Buffer
	if code := run(append([]string{"support", "approve", fmt.Sprint(batch), "--as", "caseworker"}, g...), nil, &o, &e); code == 0 {
		t.Fatalf("the caseworker approved a batch: %s", o.String())
	}
	cli("support", "approve", fmt.Sprint(batch), "--as", "reviewer")
	bankFile := filepath.Join(t.TempDir(), "bank.csv")
	out = cli("support", "pay", "--out", bankFile)
	data, err := os.ReadFile(bankFile)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(data)), "\n")[1:]
	if len(rows) == 0 {
		t.Fatalf("an empty bank file after %s", out)
	}
	ret := []string{"reference,status,reason"}
	for i, r := range rows {
		ref := strings.Split(r, ",")[0]
		if i == 0 {
			ret = append(ret, ref+",failed,account closed")
		} else {
			ret = append(ret, ref+",paid,")
		}
	}
	retFile := filepath.Join(t.TempDir(), "return.csv")
	os.WriteFile(retFile, []byte(strings.Join(ret, "\n")+"\n"), 0o600)
	if out := cli("support", "return", retFile); !strings.Contains(out, fmt.Sprintf("%d paid", len(rows)-1)) {
		t.Fatalf("return: %s", out)
	}
	failed, err := svc.Grants(ctx, support.GrantFilter{Status: support.Failed})
	if err != nil || len(failed) != 1 {
		t.Fatalf("failed grants %+v %v", failed, err)
	}
	f := failed[0]
	cli("support", "payee", "--kind", string(f.Beneficiary), "--id", fmt.Sprint(f.PayeeID), "--bank", "嘉兴银行", "--account", "6222000011112222", "--holder", "更正户名")
	if out := cli("support", "pay"); !strings.Contains(out, "1 rows (1 re-issued)") {
		t.Fatalf("re-issue: %s", out)
	}
	if out := cli("check"); !strings.Contains(out, "support_disbursed") {
		t.Fatalf("check does not cover the support invariants:\n%s", out)
	}
}

// checkAgainstPlainSQL compares the persons of the scan's grants of each
// job-expansion programme with the plain SQL query's.
func checkAgainstPlainSQL(t *testing.T, ctx context.Context, db *store.DB, svc *support.Service, asOf period.Date) {
	t.Helper()
	for _, code := range []string{"expansion_2025"} {
		g, err := svc.Params.Programme(code)
		if err != nil {
			t.Fatal(err)
		}
		q, err := store.PlainExpansionOf(svc.Params, g, "330400", asOf)
		if err != nil {
			t.Fatal(err)
		}
		want, err := db.PlainExpansionPersons(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		gs, err := svc.Grants(ctx, support.GrantFilter{Programme: code})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, gr := range gs {
			got = append(got, gr.PersonID)
		}
		slices.Sort(got)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Fatalf("%s: the scan granted %d persons %v, the plain SQL finds %d %v", code, len(got), got, len(want), want)
		}
		t.Logf("%s: %d grants, equal to the plain SQL", code, len(got))
	}
}
