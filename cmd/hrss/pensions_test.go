package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hrss/store/storetest"
)

// TestPensionsRecomputeAtTheCommandLine runs the demo of a small city up
// to 2026-05, whose pensions of 2026 are provisional (the 2026 base is
// not published), then publishes a base with a --params overlay (a test's
// figure): hrss check finds the provisional pensions un-flagged, hrss
// pensions recompute prepares them (a second run nothing), the preparer
// may not approve, a reviewer does, the next pension run pays the back
// pay and hrss check holds.
func TestPensionsRecomputeAtTheCommandLine(t *testing.T) {
	dbPath, keyPath := storetest.SQLitePath(t), filepath.Join(t.TempDir(), "hrss.key")
	g := []string{"--db", dbPath, "--key-file", keyPath}
	cli := func(ok bool, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(append(args, g...), nil, &out, &errb); (code == 0) != ok {
			t.Fatalf("hrss %s: exit %d: %s%s", strings.Join(args, " "), code, out.String(), errb.String())
		}
		return out.String() + errb.String()
	}
	out := cli(true, "demo", "--no-serve", "--persons", "3000", "--months", "4", "--as-of", "2026-05-04")
	if !strings.Contains(out, "pension recomputations: 0 prepared for review") {
		t.Fatalf("the demo's scan:\n%s", out)
	}
	var waiting int
	if i := strings.Index(out, "0 prepared for review, "); i >= 0 {
		fmt.Sscanf(out[i+len("0 prepared for review, "):], "%d", &waiting)
	}
	if waiting == 0 {
		t.Fatalf("the demo leaves no provisional pension of 2026:\n%s", out)
	}
	cli(true, "check")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "base2026.yaml"), []byte(`parameters:
  - name: pension.calc_base
    unit: yuan_per_month
    jurisdiction: "330000"
    values:
      - {from: 2026-01-01, value: 8600, reference: test - the base of 2026 published, confidence: unverified}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	g = append(g, "--params", dir)
	if out := cli(false, "check"); !strings.Contains(out, "not flagged for recomputation") {
		t.Fatalf("check with the base published:\n%s", out)
	}
	var scan struct {
		Prepared []struct {
			ID         int64  `json:"id"`
			Division   string `json:"division"`
			Difference string `json:"difference"`
		} `json:"prepared"`
		Waiting int `json:"waiting"`
	}
	if err := json.Unmarshal([]byte(cli(true, "pensions", "recompute", "--json")), &scan); err != nil || len(scan.Prepared) != waiting || scan.Waiting != 0 {
		t.Fatalf("pensions recompute: %+v %v, want %d", scan, err, waiting)
	}
	if out := cli(true, "pensions", "recompute"); !strings.Contains(out, "0 recomputations prepared") {
		t.Fatalf("a second run:\n%s", out)
	}
	id := ""
	for _, r := range scan.Prepared {
		if r.Division == "330402" { // the demo reviewer's
			id = fmt.Sprint(r.ID)
		}
	}
	if id == "" {
		t.Skipf("no provisional pension of 330402 in the small demo city: %+v", scan.Prepared)
	}
	if out := cli(true, "pensions", "show", id, "--lang", "zh-CN"); !strings.Contains(out, "按已公布的计发基数重新核定") {
		t.Fatalf("pensions show:\n%s", out)
	}
	if out := cli(false, "pensions", "approve", id, "--as", "caseworker"); !strings.Contains(out, "approve") {
		t.Fatalf("a caseworker approving:\n%s", out)
	}
	var applied struct {
		Status     string `json:"status"`
		Difference string `json:"difference"`
	}
	if err := json.Unmarshal([]byte(cli(true, "pensions", "approve", id, "--as", "reviewer", "--json")), &applied); err != nil || applied.Status != "applied" || applied.Difference == "0.00" {
		t.Fatalf("pensions approve: %+v %v", applied, err)
	}
	if out := cli(true, "pensions", "list", "--status", "applied"); !strings.Contains(out, "applied") {
		t.Fatalf("pensions list:\n%s", out)
	}
	file := filepath.Join(t.TempDir(), "pensions.csv")
	cli(true, "pay", "pensions", "--period", "2026-05", "--out", file)
	data, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(data), ","+applied.Difference+"\n") {
		t.Fatalf("the disbursement file: %q %v", data, err)
	}
	cli(true, "check")
}
