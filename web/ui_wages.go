package web

import (
	"net/http"
	"strconv"
	"time"

	"hrss/access"
	"hrss/insurance"
	"hrss/registry"
	"hrss/rules/fault"
)

// The screens of the yearly base declaration and of the corrections
// under four eyes. /employers/{id}/wages lists a year's declarations of
// the employer and takes its declaration file (CSV or Excel: a refused
// file lists every bad cell by row and column, nothing written); a
// caseworker derives from a declaration the correction of its closed
// months. /corrections lists the prepared corrections, a reviewer other
// than the preparer approves (applies) or rejects them.

// uiWageRoutes are the routes of these screens.
func (s *Server) uiWageRoutes() []uiRoute {
	return []uiRoute{
		{"GET /employers/{id}/wages", s.uiWages},
		{"POST /employers/{id}/wages", s.uiDeclareWages},
		{"POST /employers/{id}/wages/redeclare", s.uiRedeclareWage},
		{"GET /employers/{id}/wages-template.xlsx", s.uiWagesTemplate},
		{"GET /corrections", s.insUI(s.uiCorrections)},
		{"POST /corrections/derive", s.insUI(s.uiDeriveCorrection)},
		{"POST /corrections/{id}/approve", s.insUI(s.uiDecideCorrection(true))},
		{"POST /corrections/{id}/reject", s.insUI(s.uiDecideCorrection(false))},
	}
}

// wagesView is the declarations page of an employer and year.
type wagesView struct {
	Employer   registry.Employer
	Year       int
	Rows       []registry.WageDeclaration
	Declared   []registry.WageDeclaration // what an accepted file declared
	Errors     []uploadError              // a refused file's bad cells
	File       string
	CanWrite   bool
	CanCorrect bool
	Redeclared *registry.WageDeclaration // what a row's form declared
}

func (s *Server) uiWages(w http.ResponseWriter, r *http.Request) {
	s.renderWages(w, r, &wagesView{}, nil)
}

// renderWages fills v with the employer and the year's declarations
// (?year=, default last year) and renders it.
func (s *Server) renderWages(w http.ResponseWriter, r *http.Request, v *wagesView, formErr error) {
	ctx := r.Context()
	id, err := pathID(r)
	if err == nil {
		v.Employer, err = s.Registry.Employer(ctx, id)
	}
	if err == nil {
		v.Year, err = formYear(r)
	}
	if err == nil {
		v.Rows, err = s.Registry.ListWages(ctx, registry.WageFilter{Year: v.Year, EmploymentFilter: registry.EmploymentFilter{EmployerID: id, Page: registry.Page{Limit: registry.MaxPage}}})
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	c, _ := access.CallerFrom(ctx)
	v.CanWrite = c.Can(access.WriteEmployments) && !c.ReadOnly
	v.CanCorrect = c.Can(access.CorrectPeriods) && !c.ReadOnly && s.Insurance != nil
	s.renderForm(w, r, "wages", "wages.title", v, formErr)
}

// formYear reads the year of the form or query (default: last year).
func formYear(r *http.Request) (int, error) {
	v := r.FormValue("year")
	if v == "" {
		return time.Now().Year() - 1, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 1990 || y > 2100 {
		return 0, fault.Invalidf("year", "wage.year", "%q is not a year from 1990 to 2100", v)
	}
	return y, nil
}

// uiDeclareWages applies the uploaded declaration file of employer {id}.
func (s *Server) uiDeclareWages(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v := &wagesView{}
	name, data, err := readUpload(r, "wages.choose", "choose a CSV or .xlsx file of at most 10 MB")
	v.File = name
	if err == nil {
		v.Declared, err = s.Registry.DeclareWageFile(r.Context(), id, name, data)
	}
	if err != nil {
		errs, ok := fileErrors(langOf(r), err, fault.Invalid)
		if !ok {
			s.uiError(w, r, err)
			return
		}
		v.Errors = errs
		s.renderWages(w, r, v, fault.Invalidf("file", "wages.file", "the file is refused, nothing of it applied"))
		return
	}
	s.renderWages(w, r, v, nil)
}

// uiRedeclareWage re-declares one relation's wage of a year from the
// form of its row on the declarations page, which carries the updated_at
// of the declaration it showed: a declaration changed since is refused
// (409, the page asks to reload) and nothing is written.
func (s *Server) uiRedeclareWage(w http.ResponseWriter, r *http.Request) {
	v := &wagesView{}
	rel, err := formID(r, "employment_id")
	year := 0
	if err == nil {
		year, err = formYear(r)
	}
	if err == nil {
		var out []registry.WageDeclaration
		out, err = s.Registry.DeclareWages(r.Context(), []registry.WageChange{{Input: registry.WageInput{EmploymentID: rel, Year: year,
			Wage: r.PostFormValue("declared_wage"), UpdatedAt: r.PostFormValue("updated_at")}}})
		if err == nil {
			v.Redeclared = &out[0]
		}
	}
	if err != nil && !formError(err) {
		s.uiError(w, r, err)
		return
	}
	s.renderWages(w, r, v, err)
}

// uiWagesTemplate downloads an empty declaration file with its header.
func (s *Server) uiWagesTemplate(w http.ResponseWriter, r *http.Request) {
	header := registry.WageFileHeader
	s.writeXLSX(w, r, "wages-template.xlsx", langOf(r).T("wages.title"), header,
		[][]any{{"330402199001010011", strconv.Itoa(time.Now().Year()), "6500.00"}})
}

// correctionsView is the corrections page.
type correctionsView struct {
	List     []insurance.PreparedCorrection
	Prepared *insurance.PreparedCorrection
	Decided  *insurance.PreparedCorrection
	Report   *insurance.CorrectionReport
}

func (s *Server) uiCorrections(w http.ResponseWriter, r *http.Request) {
	s.renderCorrections(w, r, &correctionsView{}, nil)
}

func (s *Server) renderCorrections(w http.ResponseWriter, r *http.Request, v *correctionsView, formErr error) {
	list, err := s.Insurance.PreparedCorrections(r.Context(), insurance.CorrectionFilter{Status: insurance.CorrectionStatus(r.URL.Query().Get("status"))})
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v.List = list
	s.renderForm(w, r, "corrections", "corrections.title", v, formErr)
}

// uiDeriveCorrection prepares the correction of a changed declaration
// (employment_id, year) or a late enrolment (employment_id, no year).
func (s *Server) uiDeriveCorrection(w http.ResponseWriter, r *http.Request) {
	in := insurance.DeriveInput{}
	var err error
	if in.EmploymentID, err = formID(r, "employment_id"); err == nil && r.PostFormValue("year") != "" {
		in.Year, err = formYear(r)
	}
	var pc insurance.PreparedCorrection
	if err == nil {
		pc, err = s.Insurance.DeriveCorrection(r.Context(), in)
	}
	if err != nil && !formError(err) {
		s.uiError(w, r, err)
		return
	}
	v := &correctionsView{}
	if err == nil {
		v.Prepared = &pc
	}
	s.renderCorrections(w, r, v, err)
}

func (s *Server) uiDecideCorrection(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		pc, rep, err := s.Insurance.DecideCorrection(r.Context(), id, approve, r.PostFormValue("note"))
		if err != nil && !formError(err) {
			s.uiError(w, r, err)
			return
		}
		v := &correctionsView{}
		if err == nil {
			v.Decided = &pc
			if approve {
				v.Report = &rep
			}
		}
		s.renderCorrections(w, r, v, err)
	}
}
