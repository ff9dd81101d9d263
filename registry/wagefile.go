package registry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"hrss/access"
	"hrss/registry/ident"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/sheet"
)

// wageFileFields are the columns of an employer's yearly base declaration
// file, with the header names accepted for each (English and Chinese).
var wageFileFields = []string{"resident_id", "year", "declared_wage"}

var wageFileNames = map[string][]string{
	"resident_id":   {"resident_id", "身份证号码", "公民身份号码", "证件号码"},
	"year":          {"year", "年度", "缴费年度", "申报年度"},
	"declared_wage": {"declared_wage", "wage", "申报工资", "缴费工资", "月缴费工资"},
}

// WageFileHeader is the header of the template of a declaration file.
var WageFileHeader = []string{"身份证号码", "年度", "申报工资"}

// maxWageFileRows bounds a declaration file (an employer's staff).
const maxWageFileRows = 100_000

// wageRow is one read row of a declaration file.
type wageRow struct {
	row  int
	id   ident.ResidentID
	year int
	wage string
}

// DeclareWageFile applies the yearly base declaration file (年度缴费基数申报)
// of employer employerID: CSV or, when name ends in .xlsx, the first sheet
// of an Excel workbook, a header row naming the columns resident_id, year
// and declared_wage (monthly, yuan; Chinese names accepted), one row per employee.
// Each row declares the wage of the employee's relation with the employer
// that covers the year (DeclareWages). The file is one transaction: every
// bad cell and every refused row is reported, located at its row and
// column letter, in a fault.List inside one Invalid error, and then
// nothing of the file is written. An employer agent declares for their own
// employer, a caseworker for an employer of their divisions.
func (s *Service) DeclareWageFile(ctx context.Context, employerID int64, name string, data []byte) ([]WageDeclaration, error) {
	c, err := access.Require(ctx, access.WriteEmployments)
	if err != nil {
		return nil, err
	}
	rows, cols, errs, err := readWageFile(name, data)
	if err != nil {
		return nil, err
	}
	var out []WageDeclaration
	err = s.Store.Update(ctx, func(tx Tx) error {
		out = nil
		if err := s.employerInReach(ctx, tx, c, employerID); err != nil {
			return err
		}
		all := slices.Clone(errs)
		for _, r := range rows {
			d, err := s.declareRow(ctx, tx, c, employerID, r)
			switch {
			case err == nil:
				out = append(out, d)
			case fault.KindOf(err) == fault.Internal:
				return err
			default:
				all = append(all, located(err, r.row, columnOf(cols, err)))
			}
		}
		if len(all) > 0 {
			slices.SortStableFunc(all, func(a, b *fault.Error) int { return a.Row - b.Row })
			return wageFileError(all)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// employerInReach refuses an employer c may not declare for, NotFound
// whether it exists or not.
func (s *Service) employerInReach(ctx context.Context, tx Tx, c access.Caller, employerID int64) error {
	e, err := tx.Employer(ctx, employerID)
	if err != nil {
		return err
	}
	ok, err := canSeeEmployer(ctx, tx, c, e)
	if c.Role == access.EmployerAgent {
		ok = c.EmployerID == employerID
	}
	if err != nil || !ok {
		return orOutOfScope(err, "employer", employerID)
	}
	return nil
}

// declareRow declares row r for the employee's relation with the employer
// that covers r's year. The refusal is the same whether the person is
// registered or not.
func (s *Service) declareRow(ctx context.Context, tx Tx, c access.Caller, employerID int64, r wageRow) (WageDeclaration, error) {
	none := fault.Invalidf("resident_id", "wage.relation", "the employer has no employment relation with this person in %d", r.year)
	ps, err := tx.ListPersons(ctx, PersonFilter{IDHash: s.Vault.Hash(r.id), Page: Page{Limit: 1}})
	if err != nil || len(ps) == 0 {
		return WageDeclaration{}, orInvalid(err, none)
	}
	es, err := tx.ListEmployments(ctx, EmploymentFilter{PersonID: ps[0].ID, EmployerID: employerID, Page: Page{Limit: MaxPage}})
	if err != nil {
		return WageDeclaration{}, err
	}
	var rel int64
	for _, e := range es {
		if e.Start.Y <= r.year && (e.End.IsZero() || e.End.Y >= r.year) {
			if rel != 0 {
				return WageDeclaration{}, fault.Invalidf("resident_id", "wage.relations", "the person has two relations with the employer in %d: declare each by its employment_id over the API", r.year)
			}
			rel = e.ID
		}
	}
	if rel == 0 && len(es) > 0 {
		return WageDeclaration{}, fault.Invalidf("year", "wage.year_in_relation", "the person's relations with the employer do not cover %d", r.year)
	}
	if rel == 0 {
		return WageDeclaration{}, none
	}
	d, err := WageInput{EmploymentID: rel, Year: r.year, Wage: r.wage}.parse()
	if err == nil {
		err = s.declare(ctx, tx, c, &d)
	}
	return d, err
}

func orInvalid(err error, invalid *fault.Error) error {
	if err != nil {
		return err
	}
	return invalid
}

// columnOf is the column letter of the field err names (the resident ID's
// for an error of no column of the file).
func columnOf(cols map[string]int, err error) string {
	var fe *fault.Error
	if errors.As(err, &fe) {
		if i, ok := cols[fe.Field]; ok {
			return columnLetter(i)
		}
	}
	return columnLetter(cols["resident_id"])
}

// readWageFile reads and checks every cell of a declaration file: it
// returns the rows without a bad cell, the column of each field and the
// bad cells; err refuses the file as a whole (unreadable, no header).
func readWageFile(name string, data []byte) ([]wageRow, map[string]int, fault.List, error) {
	recs, err := sheet.Read(name, data, "wages")
	if err != nil {
		return nil, nil, nil, err
	}
	if len(recs) == 0 {
		return nil, nil, nil, fault.Invalidf("file", "wages.empty", "the file %s has no header row", name)
	}
	cols, err := sheet.Columns(recs[0], wageFileFields, wageFileNames, "wages")
	if err != nil {
		return nil, nil, nil, err
	}
	if len(recs)-1 > maxWageFileRows {
		return nil, nil, nil, fault.Invalidf("file", "wages.size", "the file has %d rows; at most %d", len(recs)-1, maxWageFileRows)
	}
	var rows []wageRow
	var errs fault.List
	seen := map[string]int{}
	for i, rec := range recs[1:] {
		if sheet.Blank(rec) {
			continue
		}
		r, bad := parseWageRow(i+2, rec, cols)
		key := fmt.Sprintf("%s/%d", r.id, r.year)
		if first, dup := seen[key]; dup && len(bad) == 0 {
			bad = append(bad, fault.Invalidf("resident_id", "wage.duplicate", "the same person and year are on row %d", first).At(r.row, columnLetter(cols["resident_id"])))
		}
		seen[key] = r.row
		if errs = append(errs, bad...); len(bad) == 0 {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 && len(errs) == 0 {
		return nil, nil, nil, fault.Invalidf("file", "wages.empty", "the file has no rows below its header")
	}
	return rows, cols, errs, nil
}

// parseWageRow reads one data row; row is its 1-based file row.
func parseWageRow(row int, rec []string, cols map[string]int) (wageRow, fault.List) {
	r := wageRow{row: row}
	var errs fault.List
	cell := func(field string) string {
		if i := cols[field]; i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	bad := func(field string, err error) {
		errs = append(errs, located(err, row, columnLetter(cols[field])))
	}
	var err error
	if r.id, err = ident.ParseResidentID(strings.ToUpper(cell("resident_id"))); err != nil {
		bad("resident_id", err)
	}
	if r.year, err = strconv.Atoi(cell("year")); err != nil || r.year < minWageYear || r.year > maxWageYear {
		bad("year", fault.Invalidf("year", "wage.year", "%q is not a year from %d to %d", cell("year"), minWageYear, maxWageYear))
	}
	r.wage = strings.ReplaceAll(cell("declared_wage"), ",", "")
	if w, err := money.Parse(r.wage); err != nil || w <= 0 || w > maxWage {
		bad("declared_wage", fault.Invalidf("declared_wage", "declared_wage.range", "%q is not a monthly wage in yuan above 0 and at most %s", cell("declared_wage"), maxWage))
	}
	return r, errs
}

// located returns err as a *fault.Error at row and column col.
func located(err error, row int, col string) *fault.Error {
	var fe *fault.Error
	if !errors.As(err, &fe) {
		fe = &fault.Error{Kind: fault.Invalid, Message: err.Error(), Err: err}
	}
	return fe.At(row, col)
}

// wageFileError makes one Invalid error of a file's bad rows, located at
// the first; the whole list stays reachable with errors.As(err, &fault.List{}).
func wageFileError(errs fault.List) error {
	first := errs[0]
	return &fault.Error{Kind: fault.Invalid, Field: first.Field, Rule: "wages.file", Row: first.Row, Col: first.Col,
		Message: fmt.Sprintf("the file is refused, nothing of it applied: %s", errs.Error()), Err: errs}
}

// columnLetter is the spreadsheet name of 0-based column i (A, B, … AA).
func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}
