package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"hrss/registry"
	"hrss/rules/fault"
)

// The yearly base declaration (年度缴费基数申报) over the API: the
// declarations of a relation or a year, a batch of declarations as JSON,
// and an employer's declaration file (CSV or Excel) as the request body.

// wageRoutes are the routes of the declared wages.
func (s *Server) wageRoutes() []route {
	return []route{
		{"GET", "/api/v1/wages", s.listWages},
		{"POST", "/api/v1/wages", s.declareWages},
		{"GET", "/api/v1/employments/{id}/wages", s.employmentWages},
		{"POST", "/api/v1/employers/{id}/wages", s.declareWageFile},
	}
}

// wageBatch is the body of POST /api/v1/wages; a refusal's row is the
// 1-based position in declarations.
type wageBatch struct {
	Declarations []registry.WageInput `json:"declarations"`
}

// maxWageBatch bounds the declarations of one JSON request.
const maxWageBatch = 1000

func (s *Server) declareWages(w http.ResponseWriter, r *http.Request) {
	var b wageBatch
	if err := decode(r, &b); err != nil {
		writeError(w, r, err)
		return
	}
	if len(b.Declarations) == 0 || len(b.Declarations) > maxWageBatch {
		writeError(w, r, fault.Invalidf("declarations", "wage.batch", "give 1 to %d declarations", maxWageBatch))
		return
	}
	changes := make([]registry.WageChange, len(b.Declarations))
	for i, in := range b.Declarations {
		changes[i] = registry.WageChange{Row: i + 1, Input: in}
	}
	out, err := s.Registry.DeclareWages(r.Context(), changes)
	respond(w, r, http.StatusCreated, items(out), err)
}

// listWages lists one year's declarations (?year=, required), of an
// employer (?employer_id=) or of every relation in the caller's reach,
// paged by relation ID (?after=, ?limit=).
func (s *Server) listWages(w http.ResponseWriter, r *http.Request) {
	pg, err := page(r)
	f := registry.WageFilter{EmploymentFilter: registry.EmploymentFilter{Page: pg}}
	if err == nil {
		f.EmployerID, err = queryInt(r, "employer_id")
	}
	if err == nil {
		f.Year, err = queryYear(r)
	}
	s.writeWages(w, r, f, err)
}

func (s *Server) employmentWages(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	s.writeWages(w, r, registry.WageFilter{EmploymentID: id, EmploymentFilter: registry.EmploymentFilter{Page: registry.Page{Limit: registry.MaxPage}}}, err)
}

func (s *Server) writeWages(w http.ResponseWriter, r *http.Request, f registry.WageFilter, err error) {
	var out []registry.WageDeclaration
	if err == nil {
		out, err = s.Registry.ListWages(r.Context(), f)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newList(out, f.Limit, func(d registry.WageDeclaration) int64 { return d.EmploymentID }))
}

// queryYear reads ?year= (0 when absent).
func queryYear(r *http.Request) (int, error) {
	v := r.URL.Query().Get("year")
	if v == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil {
		return 0, fault.Invalidf("year", "wage.year", "%q is not a year", v)
	}
	return y, nil
}

// declareWageFile applies employer {id}'s declaration file, the request
// body: CSV, or Excel when ?name= ends in .xlsx or the Content-Type is a
// spreadsheet. A refused file answers 422 with the first bad cell's row
// and column; the detail lists every one.
func (s *Server) declareWageFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	name, data, err := readBodyFile(w, r, "wages", uiMaxUpload)
	if err != nil {
		writeError(w, r, err)
		return
	}
	out, err := s.Registry.DeclareWageFile(r.Context(), id, name, data)
	respond(w, r, http.StatusCreated, items(out), err)
}

// readBodyFile reads a file sent as the request body, at most max bytes:
// its name is ?name=, else base.xlsx for a spreadsheet content type, else
// base.csv. Too large a body is an Invalid error of rule base.size.
func readBodyFile(w http.ResponseWriter, r *http.Request, base string, max int64) (string, []byte, error) {
	name := r.URL.Query().Get("name")
	if name == "" {
		name = base + ".csv"
		if strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
			name = base + ".xlsx"
		}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		return name, nil, fault.Invalidf("body", base+".size", "the file cannot be read (at most %d MiB): %v", max>>20, err)
	}
	return name, data, nil
}
