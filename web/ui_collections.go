package web

import (
	"net/http"

	"hrss/insurance"
	"hrss/rules/fault"
)

// The tax bureau's collection file (实缴到账) from the browser: a
// city-wide caseworker uploads it (CSV or Excel); the insurance service
// applies it in one transaction, or refuses it whole naming every bad row
// and column, which the report lists.

// collectionsView is the import's report, or its refusal.
type collectionsView struct {
	Report *insurance.ImportReport
	Errors []uploadError
}

// uiImportCollections imports the uploaded collection file.
func (s *Server) uiImportCollections(w http.ResponseWriter, r *http.Request) {
	if s.Insurance == nil {
		s.uiNotFound(w, r)
		return
	}
	l := langOf(r)
	var v collectionsView
	p := newPage(r, "collections.title", &v)
	name, data, err := readUpload(r, "upload.file", "choose a file")
	var rep insurance.ImportReport
	if err == nil {
		rep, err = s.Insurance.ImportCollections(r.Context(), name, data)
	}
	if err != nil {
		errs, ok := fileErrors(l, err, fault.Invalid)
		if !ok {
			s.uiError(w, r, err)
			return
		}
		v.Errors, p.Status = errs, http.StatusUnprocessableEntity
		render(w, r, "collections", p)
		return
	}
	v.Report = &rep
	render(w, r, "collections", p)
}
