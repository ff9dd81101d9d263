// Package bank reads the files the banks send back to hrss: the return
// file of a payment file (a support programme's payment run, a refund
// run), one row per payment, paid or failed with the bank's reason. It
// knows nothing of what was paid; the services that issued the payments
// apply the rows. Every error is a *fault.Error located at its row and
// column.
package bank

import (
	"fmt"
	"strings"
	"time"

	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/sheet"
)

// Return is one bank return file taken in.
type Return struct {
	ID        int64     `json:"id"`
	FileName  string    `json:"file_name"`
	SHA256    string    `json:"sha256"`
	Rows      int       `json:"rows"`
	Actor     string    `json:"actor"`
	CreatedAt time.Time `json:"created_at"`
}

// ReturnReport is what a bank return did.
type ReturnReport struct {
	Return  int64     `json:"return"`
	Rows    int       `json:"rows"`
	Paid    int       `json:"paid"`
	Failed  int       `json:"failed"`
	Already int       `json:"already"` // rows whose reference was already returned the same way
	Amount  money.Fen `json:"amount_paid"`
}

// ReturnRow is one row of a bank's return file.
type ReturnRow struct {
	Row       int // in the file, the header being row 1
	Reference string
	Paid      bool   // paid, or failed
	Reason    string // the bank's, for a failed row
}

// returnNames are the accepted headers of each column.
var returnNames = map[string][]string{
	"reference": {"reference", "payment_reference", "参考号", "流水号"},
	"status":    {"status", "result", "状态", "结果"},
	"reason":    {"reason", "failure", "失败原因", "原因"},
}

// ParseReturn reads a return file (CSV, or Excel when name ends in
// .xlsx) with the columns reference, status (paid or failed, in English
// or Chinese) and reason (required on a failed row). A bad file (no
// header, a missing column, an empty reference, a bad status, a failed
// row without reason, no rows) fails with Invalid naming every bad row
// and column (rule returns.file for the rows).
func ParseReturn(name string, data []byte) ([]ReturnRow, error) {
	recs, err := sheet.Read(name, data, "returns")
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fault.Invalidf("file", "returns.empty", "the file %s has no header row", name)
	}
	cols, err := sheet.Columns(recs[0], []string{"reference", "status", "reason"}, returnNames, "returns")
	if err != nil {
		return nil, err
	}
	var out []ReturnRow
	var errs fault.List
	for i, rec := range recs[1:] {
		if sheet.Blank(rec) {
			continue
		}
		cell := func(f string) string {
			if j := cols[f]; j < len(rec) {
				return strings.TrimSpace(rec[j])
			}
			return ""
		}
		r := ReturnRow{Row: i + 2, Reference: cell("reference"), Reason: cell("reason")}
		switch strings.ToLower(cell("status")) {
		case "paid", "success", "成功", "已支付":
			r.Paid = true
		case "failed", "failure", "失败":
			if r.Reason == "" {
				errs = append(errs, fault.Invalidf("reason", "returns.reason", "a failed row needs the bank's reason").At(r.Row, "reason"))
			}
		default:
			errs = append(errs, fault.Invalidf("status", "returns.status", "status %q must be paid or failed", cell("status")).At(r.Row, "status"))
		}
		if r.Reference == "" {
			errs = append(errs, fault.Invalidf("reference", "returns.reference", "the reference is empty").At(r.Row, "reference"))
		}
		out = append(out, r)
	}
	if len(errs) > 0 {
		return nil, FileError("returns.file", errs)
	}
	if len(out) == 0 {
		return nil, fault.Invalidf("file", "returns.empty", "the file %s has no rows", name)
	}
	return out, nil
}

// FileError makes one Invalid error (rule) of a file's bad rows, located
// at the first; the list stays reachable with errors.As.
func FileError(rule string, errs fault.List) error {
	first := errs[0]
	return &fault.Error{Kind: fault.Invalid, Field: first.Field, Rule: rule, Row: first.Row, Col: first.Col,
		Message: fmt.Sprintf("the file is refused, nothing of it applied: %s", errs.Error()), Err: errs}
}
