package insurance

import (
	"fmt"
	"strings"

	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/sheet"
)

// Collection is one row of a collection file from the tax bureau: a
// payment for a payer's bill of a period.
type Collection struct {
	Row       int              `json:"row"`        // 1-based row of the file, the header being row 1
	PayerCode string           `json:"payer_code"` // the employer's credit code, or a flexible worker's resident ID
	Period    period.YearMonth `json:"period"`
	Amount    money.Fen        `json:"amount"`
	Reference string           `json:"reference"` // the tax bureau's payment reference
	PaidOn    period.Date      `json:"paid_on"`
}

// collectionColumns are the columns of a collection file, with the
// header names accepted for each (English and Chinese).
var collectionColumns = []struct {
	field string
	names []string
}{
	{"credit_code", []string{"credit_code", "payer", "统一社会信用代码", "缴费人识别号"}},
	{"period", []string{"period", "费款所属期", "所属期"}},
	{"amount", []string{"amount", "金额", "实缴金额"}},
	{"reference", []string{"reference", "payment_reference", "缴款凭证号", "流水号"}},
	{"date", []string{"date", "paid_on", "缴款日期", "入库日期"}},
}

// maxCollectionRows bounds a collection file.
const maxCollectionRows = 1_000_000

// ParseCollections reads a collection file: CSV (UTF-8, comma-separated)
// or, when name ends in .xlsx, the first sheet of an Excel workbook. The
// first row is a header naming the columns credit_code, period
// (YYYY-MM), amount (yuan, two decimals), reference and date
// (YYYY-MM-DD), in any order (Chinese names accepted). Every bad cell is
// reported as a *fault.Error with its row and column, all of them in a
// fault.List; the file is then refused as a whole.
func ParseCollections(name string, data []byte) ([]Collection, error) {
	records, err := sheet.Read(name, data, "collections")
	if err != nil {
		return nil, err
	}
	if len(records) == 0 {
		return nil, fault.Invalidf("file", "collections.empty", "the file %s has no header row", name)
	}
	cols, err := headerColumns(records[0])
	if err != nil {
		return nil, err
	}
	if len(records)-1 > maxCollectionRows {
		return nil, fault.Invalidf("file", "collections.size", "the file has %d rows; at most %d", len(records)-1, maxCollectionRows)
	}
	var out []Collection
	var errs fault.List
	for i, rec := range records[1:] {
		if sheet.Blank(rec) {
			continue
		}
		c, bad := parseCollection(i+2, rec, cols)
		errs = append(errs, bad...)
		out = append(out, c)
	}
	if len(errs) > 0 {
		return nil, fileError(errs)
	}
	return out, nil
}

// fileError makes one Invalid error of a file's bad rows, located at the
// first; the whole list stays reachable with errors.As(err, &fault.List{}).
func fileError(errs fault.List) error {
	first := errs[0]
	return &fault.Error{Kind: fault.Invalid, Field: first.Field, Rule: "collections.file", Row: first.Row, Col: first.Col,
		Message: fmt.Sprintf("the file is refused, nothing of it applied: %s", errs.Error()), Err: errs}
}

// headerColumns maps each field to its column index.
func headerColumns(head []string) (map[string]int, error) {
	cols := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		for _, c := range collectionColumns {
			for _, n := range c.names {
				if h == n {
					cols[c.field] = i
				}
			}
		}
	}
	var missing []string
	for _, c := range collectionColumns {
		if _, ok := cols[c.field]; !ok {
			missing = append(missing, c.field)
		}
	}
	if len(missing) > 0 {
		return nil, fault.Invalidf("header", "collections.header", "the header lacks the column(s) %s", strings.Join(missing, ", ")).At(1, "")
	}
	return cols, nil
}

// parseCollection reads one data row; row is its 1-based file row.
func parseCollection(row int, rec []string, cols map[string]int) (Collection, fault.List) {
	c := Collection{Row: row}
	var errs fault.List
	cell := func(field string) string {
		if i := cols[field]; i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	bad := func(field, rule, format string, args ...any) {
		errs = append(errs, fault.Invalidf(field, rule, format, args...).At(row, field))
	}
	if c.PayerCode = strings.ToUpper(cell("credit_code")); c.PayerCode == "" {
		bad("credit_code", "collections.payer", "the payer's credit code is empty")
	}
	var err error
	if c.Period, err = period.ParseYearMonth(cell("period")); err != nil {
		bad("period", "collections.period", "%q is not a period YYYY-MM", cell("period"))
	}
	if c.Amount, err = money.Parse(cell("amount")); err != nil || c.Amount <= 0 {
		bad("amount", "collections.amount", "%q is not a positive amount in yuan with at most two decimals", cell("amount"))
	}
	if c.Reference = cell("reference"); c.Reference == "" || len(c.Reference) > 64 {
		bad("reference", "collections.reference", "the payment reference must be 1 to 64 characters")
	}
	if c.PaidOn, err = period.ParseDate(cell("date")); err != nil {
		bad("date", "collections.date", "%q is not a date YYYY-MM-DD", cell("date"))
	}
	return c, errs
}
