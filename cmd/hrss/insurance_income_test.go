package main

import (
	"bytes"
	"testing"
	"time"

	"hrss/rules/period"
)

// TestIncomeCLI: income sums what the assessment billed, by division, and
// refuses a bad range with exit status 2.
func TestIncomeCLI(t *testing.T) {
	g := jobsCity(t)
	p := period.FromTime(time.Now()).Month().Add(-1).String()
	var sum struct {
		Total string `json:"total"`
	}
	runJSON(t, append(g, "assess", "--period", p, "--json"), &sum)
	var inc struct {
		Items []struct {
			Period, Division, Billed, Paid string
			Payers                         int
		} `json:"items"`
		Total struct{ Billed, Outstanding string } `json:"total"`
	}
	runJSON(t, append(g, "income", "--from", p, "--to", p, "--json"), &inc)
	if len(inc.Items) < 2 || inc.Total.Billed != sum.Total || inc.Total.Outstanding != sum.Total {
		t.Fatalf("income %+v, assessed %s", inc, sum.Total)
	}
	for _, r := range inc.Items {
		if r.Period != p || r.Division == "" || r.Payers == 0 || r.Paid != "0.00" {
			t.Fatalf("row %+v", r)
		}
	}
	var kinds struct {
		Items []struct {
			Division, Billed string
			PayerKind        string `json:"payer_kind"`
		} `json:"items"`
		Total struct{ Billed string } `json:"total"`
	}
	runJSON(t, append(g, "income", "--from", p, "--to", p, "--by-payer-kind", "--json"), &kinds)
	if len(kinds.Items) < len(inc.Items) || kinds.Total.Billed != sum.Total || kinds.Items[0].PayerKind != "employer" {
		t.Fatalf("by payer kind %+v", kinds)
	}
	var out, errb bytes.Buffer
	if code := run(append(g, "income", "--from", p, "--to", "2001-01"), nil, &out, &errb); code != 2 || !bytes.Contains(errb.Bytes(), []byte("before")) {
		t.Fatalf("a reversed range: exit %d %s", code, errb.String())
	}
	out.Reset()
	if code := run(append(g, "income", "--from", p, "--to", p, "--by-payer-kind"), nil, &out, &errb); code != 0 || !bytes.Contains(out.Bytes(), []byte("total")) ||
		!bytes.Contains(out.Bytes(), []byte("in arrears")) || !bytes.Contains(out.Bytes(), []byte(" employer ")) {
		t.Fatalf("the table: exit %d %s", code, out.String())
	}
}
