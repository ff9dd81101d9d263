package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"hrss/registry"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// Excel upload of employees and wages: an employer agent (or a caseworker
// of the employer's division) uploads one sheet, a row per employee:
//
//	A resident ID number   B start date (YYYY-MM-DD)   C declared wage (yuan)   D insurances (optional)
//
// Row 1 is the header (as in the template download). A person without a
// current relation with the employer is enrolled; one with a current
// relation has its declared wage set to column C. The whole file is
// checked first (format, registered person, no duplicate row): any error
// is reported by row and column and nothing changes. Then the rows are
// applied in order; should the registry refuse one then (a relation that
// overlaps an ended one, say), the report names it and says which rows
// before it were applied (the registry has no batch method yet that would
// make the file one transaction).

// uiMaxUpload bounds an uploaded file.
const uiMaxUpload = 10 << 20

// uploadColumns are the columns of the employees file, by catalogue key.
var uploadColumns = []string{"field.resident_id", "field.start", "field.declared_wage", "field.insurances"}

// uploadRow is one checked row and what it will do.
type uploadRow struct {
	Row      int
	Input    registry.EmploymentInput
	Existing *registry.Employment // the current relation whose wage changes, if any
}

// uploadReport is the result page.
type uploadReport struct {
	EmployerID int64
	File       string
	Rows       int
	Errors     []uploadError
	Enrolled   int
	Updated    int
	Unchanged  int
	StoppedAt  int // the row the registry refused while applying, 0 if none
}

type uploadError struct {
	Row     int
	Column  string
	Message string
}

// uiUploadTemplate downloads an empty employees file with its header.
func (s *Server) uiUploadTemplate(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	header := make([]string, len(uploadColumns))
	for i, k := range uploadColumns {
		header[i] = l.T(k)
	}
	s.writeXLSX(w, r, "employees-template.xlsx", l.T("employer.employees"), header,
		[][]any{{"330402199001010011", s.today().String(), "6500.00", "pension,medical,unemployment,work_injury"}})
}

// uiUpload reads an uploaded employees file for employer {id}, checks it
// whole, applies it and shows the report.
func (s *Server) uiUpload(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	if _, err := s.Registry.Employer(r.Context(), id); err != nil {
		s.uiError(w, r, err)
		return
	}
	l := langOf(r)
	rep := uploadReport{EmployerID: id}
	p := newPage(r, "upload.title", &rep)
	r.Body = http.MaxBytesReader(w, r.Body, uiMaxUpload)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		p.Error, p.Status = l.Error(fault.Invalidf("file", "upload.file", "choose an .xlsx file of at most 10 MB")), http.StatusUnprocessableEntity
		render(w, r, "upload", p)
		return
	}
	defer file.Close()
	rep.File = hdr.Filename
	rows, errs := s.checkUpload(r, id, file)
	rep.Rows = len(rows)
	for _, e := range errs {
		msg := *e // the report has columns for the row and column
		msg.Row, msg.Col = 0, ""
		rep.Errors = append(rep.Errors, uploadError{Row: e.Row, Column: e.Col, Message: l.Error(&msg)})
	}
	if len(errs) > 0 {
		p.Status = http.StatusUnprocessableEntity
		render(w, r, "upload", p)
		return
	}
	changes, enrolled, updated := uploadChanges(rows)
	if err := s.Registry.ApplyEmployments(r.Context(), changes); err != nil {
		var fe *fault.Error
		if k := fault.KindOf(err); !errors.As(err, &fe) || (k != fault.Invalid && k != fault.Conflict && k != fault.NotFound) {
			s.uiError(w, r, err)
			return
		}
		msg := *fe
		msg.Row, msg.Col = 0, ""
		rep.StoppedAt = fe.Row
		rep.Errors = append(rep.Errors, uploadError{Row: fe.Row, Message: l.Error(&msg)})
		p.Status = statusOf(fe.Kind)
		render(w, r, "upload", p)
		return
	}
	rep.Enrolled, rep.Updated, rep.Unchanged = enrolled, updated, len(rows)-enrolled-updated
	render(w, r, "upload", p)
}

// uploadChanges turns the checked rows into the registry's batch: a new
// relation for each person not yet employed, a new declared wage where it
// changed; rows whose wage is unchanged are left out.
func uploadChanges(rows []uploadRow) (changes []registry.EmploymentChange, enrolled, updated int) {
	for _, row := range rows {
		switch e := row.Existing; {
		case e == nil:
			changes = append(changes, registry.EmploymentChange{Row: row.Row, Input: row.Input})
			enrolled++
		case e.DeclaredWage.String() != row.Input.DeclaredWage:
			ins := make([]string, len(e.Insurances))
			for i, x := range e.Insurances {
				ins[i] = string(x)
			}
			changes = append(changes, registry.EmploymentChange{Row: row.Row, ID: e.ID, Input: registry.EmploymentInput{PersonID: e.PersonID,
				EmployerID: e.EmployerID, Start: e.Start.String(), DeclaredWage: row.Input.DeclaredWage, Insurances: ins}})
			updated++
		}
	}
	return changes, enrolled, updated
}

// checkUpload reads and checks every row of the file: it returns the rows
// to apply, or the errors (each located at its row and column).
func (s *Server) checkUpload(r *http.Request, employerID int64, file io.Reader) ([]uploadRow, []*fault.Error) {
	data, err := io.ReadAll(file)
	if err != nil {
		return nil, []*fault.Error{fault.Invalidf("file", "upload.file", "the file could not be read: %v", err)}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, []*fault.Error{fault.Invalidf("file", "upload.xlsx", "not an .xlsx file: %v", err)}
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	shown, err := f.GetRows(sheet)
	if err != nil {
		return nil, []*fault.Error{fault.Invalidf("file", "upload.xlsx", "the first sheet cannot be read: %v", err)}
	}
	raw, _ := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	var rows []uploadRow
	var errs []*fault.Error
	seen := map[string]int{}
	for i := 1; i < len(shown); i++ { // row 1 is the header
		n := i + 1
		cell := func(c int) string {
			if c < len(shown[i]) {
				return strings.TrimSpace(shown[i][c])
			}
			return ""
		}
		if cell(0) == "" && cell(1) == "" && cell(2) == "" && cell(3) == "" {
			continue // a blank row
		}
		if len(errs) >= 200 {
			errs = append(errs, fault.Invalidf("file", "upload.too_many_errors", "more than 200 errors: fix these first").At(n, ""))
			break
		}
		rid := strings.ToUpper(cell(0))
		if first, dup := seen[rid]; dup && rid != "" {
			errs = append(errs, fault.Invalidf("resident_id", "upload.duplicate", "the same person is on row %d", first).At(n, "A"))
			continue
		}
		seen[rid] = n
		start, serr := uploadDate(cell(1), rawCell(raw, i, 1))
		if serr != nil {
			errs = append(errs, serr.At(n, "B"))
		}
		wage, werr := money.Parse(strings.ReplaceAll(cell(2), ",", ""))
		if werr != nil || wage <= 0 {
			errs = append(errs, fault.Invalidf("declared_wage", "money.format", "%q is not an amount in yuan", cell(2)).At(n, "C"))
		}
		var ins []string
		var ierr bool
		for _, x := range strings.FieldsFunc(cell(3), func(r rune) bool { return r == ',' || r == '，' || r == ';' || r == ' ' || r == '、' }) {
			code, ok := uploadInsurance(x)
			if !ok {
				errs = append(errs, fault.Invalidf("insurances", "insurance.known", "%q is not an insurance (pension, medical, unemployment, work_injury)", x).At(n, "D"))
				ierr = true
			}
			ins = append(ins, code)
		}
		if rid == "" {
			errs = append(errs, fault.Invalidf("resident_id", "resident_id.required", "the resident ID number is missing").At(n, "A"))
			continue
		}
		ps, err := s.Registry.FindPersons(r.Context(), registry.PersonQuery{ResidentID: rid, Page: registry.Page{Limit: 1}})
		var fe *fault.Error
		switch {
		case errors.As(err, &fe):
			errs = append(errs, fe.At(n, "A"))
			continue
		case err != nil:
			return nil, []*fault.Error{{Kind: fault.Internal, Message: err.Error(), Err: err}}
		case len(ps) == 0:
			errs = append(errs, fault.Invalidf("resident_id", "reference.exists", "no person with this resident ID number is registered").At(n, "A"))
			continue
		}
		if serr != nil || werr != nil || wage <= 0 || ierr {
			continue
		}
		row := uploadRow{Row: n, Input: registry.EmploymentInput{PersonID: ps[0].ID, EmployerID: employerID, Start: start.String(), DeclaredWage: wage.String(), Insurances: ins, ResidentID: rid}}
		es, err := s.Registry.ListEmployments(r.Context(), registry.EmploymentFilter{PersonID: ps[0].ID, EmployerID: employerID, Page: registry.Page{Limit: registry.MaxPage}})
		if err != nil {
			if errors.As(err, &fe) {
				errs = append(errs, fe.At(n, "A"))
				continue
			}
			return nil, []*fault.Error{{Kind: fault.Internal, Message: err.Error(), Err: err}}
		}
		for j := range es {
			if es[j].End.IsZero() {
				row.Existing = &es[j]
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 && len(errs) == 0 {
		errs = append(errs, fault.Invalidf("file", "upload.empty", "the sheet has no rows below its header"))
	}
	return rows, errs
}

// uploadDate reads a start date written YYYY-MM-DD or YYYY/M/D, or an
// Excel date serial.
func uploadDate(shown, raw string) (period.Date, *fault.Error) {
	s := strings.ReplaceAll(shown, "/", "-")
	if y, md, ok := strings.Cut(s, "-"); ok {
		if m, d, ok := strings.Cut(md, "-"); ok {
			yy, e1 := strconv.Atoi(y)
			mm, e2 := strconv.Atoi(m)
			dd, e3 := strconv.Atoi(d)
			if e1 == nil && e2 == nil && e3 == nil && period.Valid(yy, mm, dd) {
				return period.Date{Y: yy, M: mm, D: dd}, nil
			}
		}
	}
	if v, err := strconv.ParseFloat(raw, 64); err == nil && v > 0 {
		if t, err := excelize.ExcelDateToTime(v, false); err == nil {
			return period.FromTime(t), nil
		}
	}
	return period.Date{}, fault.Invalidf("start", "date.format", "%q is not a date YYYY-MM-DD", shown)
}

// uploadInsurance reads an insurance by its code or its name in either
// language, and reports whether it knows it.
func uploadInsurance(x string) (string, bool) {
	for _, ins := range registry.AllInsurances {
		k := "insurance." + string(ins)
		if x == string(ins) || x == msg.Render(msg.ZH, k) || strings.EqualFold(x, msg.Render(msg.EN, k)) {
			return string(ins), true
		}
	}
	return x, false
}

func rawCell(rows [][]string, i, c int) string {
	if i < len(rows) && c < len(rows[i]) {
		return strings.TrimSpace(rows[i][c])
	}
	return ""
}

// readUpload reads the form's file "file", at most uiMaxUpload bytes. A
// missing file or one too large is an Invalid error of rule, field file,
// whose message asks to choose what (e.g. "choose the bank's return file").
func readUpload(r *http.Request, rule, choose string) (string, []byte, error) {
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return "", nil, fault.Invalidf("file", rule, "%s", choose)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, uiMaxUpload+1))
	if err == nil && len(data) > uiMaxUpload {
		err = fault.Invalidf("file", rule, "the file is over 10 MB")
	}
	return hdr.Filename, data, err
}

// fileErrors turns the errors of a refused file (a fault.List, or one
// *fault.Error of one of kinds) into the report's rows, the row and the
// column in their own columns; ok is false for any other error.
func fileErrors(l lang, err error, kinds ...fault.Kind) ([]uploadError, bool) {
	row := func(e *fault.Error) uploadError {
		msg := *e
		msg.Row, msg.Col = 0, ""
		return uploadError{Row: e.Row, Column: e.Col, Message: l.Error(&msg)}
	}
	var list fault.List
	if errors.As(err, &list) {
		out := make([]uploadError, len(list))
		for i, e := range list {
			out[i] = row(e)
		}
		return out, true
	}
	var fe *fault.Error
	if errors.As(err, &fe) && slices.Contains(kinds, fe.Kind) {
		return []uploadError{row(fe)}, true
	}
	return nil, false
}
