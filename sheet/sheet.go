// Package sheet reads and writes the tabular files hrss exchanges with
// other systems (the tax bureau's collection files, the banks' payment
// and return files, uploads and downloads): CSV (UTF-8, comma-separated,
// an optional byte-order mark) and Excel workbooks (.xlsx, first sheet).
// It knows nothing of what the columns mean; every read error is a
// *fault.Error located at its row and column, with rule keys under the
// prefix the caller gives (e.g. "collections" gives collections.csv).
package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"hrss/rules/fault"
)

// IsXLSX reports whether a file named name is an Excel workbook.
func IsXLSX(name string) bool { return strings.EqualFold(filepath.Ext(name), ".xlsx") }

// Read returns the rows of a file: the first sheet of an Excel workbook
// when name ends in .xlsx, CSV otherwise. It fails with an Invalid error
// (rule prefix.csv or prefix.xlsx) when the file cannot be read.
func Read(name string, data []byte, prefix string) ([][]string, error) {
	if IsXLSX(name) {
		return readXLSX(data, prefix)
	}
	return readCSV(data, prefix)
}

func readCSV(data []byte, prefix string) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var out [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fault.Invalidf("file", prefix+".csv", "the CSV cannot be read: %v", pe.Err).At(pe.Line, fmt.Sprint(pe.Column))
			}
			return nil, fault.Invalidf("file", prefix+".csv", "the CSV cannot be read: %v", err)
		}
		out = append(out, rec)
	}
}

func readXLSX(data []byte, prefix string) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, fault.Invalidf("file", prefix+".xlsx", "the Excel workbook cannot be read: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fault.Invalidf("file", prefix+".xlsx", "the workbook has no sheet")
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fault.Invalidf("file", prefix+".xlsx", "sheet %s cannot be read: %v", sheets[0], err)
	}
	return rows, nil
}

// Blank reports whether every cell of a row is empty.
func Blank(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// Columns maps each field to its column in a header row: names lists,
// per field, the header names accepted (compared without case, spaces or
// a byte-order mark). It fails with an Invalid error at row 1 (rule
// prefix.header) naming the fields without a column.
func Columns(head []string, fields []string, names map[string][]string, prefix string) (map[string]int, error) {
	cols := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		for _, f := range fields {
			for _, n := range names[f] {
				if h == n {
					cols[f] = i
				}
			}
		}
	}
	var missing []string
	for _, f := range fields {
		if _, ok := cols[f]; !ok {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return nil, fault.Invalidf("header", prefix+".header", "the header lacks the column(s) %s", strings.Join(missing, ", ")).At(1, "")
	}
	return cols, nil
}

// CSV writes a header and rows as CSV with a byte-order mark (so that
// spreadsheet programs read the Chinese names right).
func CSV(header []string, rows [][]string) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.Write(header)
	w.WriteAll(rows)
	return b.Bytes()
}

// XLSX writes a header and rows as the one sheet of an Excel workbook;
// every cell is text, so that account numbers and references keep their
// digits.
func XLSX(sheetName string, header []string, rows [][]string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheetName); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheetName)
	if err != nil {
		return nil, err
	}
	write := func(r int, cells []string) error {
		row := make([]any, len(cells))
		for i, c := range cells {
			row[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		return sw.SetRow(cell, row)
	}
	if err := write(1, header); err != nil {
		return nil, err
	}
	for i, r := range rows {
		if err := write(i+2, r); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
