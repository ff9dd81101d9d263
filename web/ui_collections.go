package web

import (
	"errors"
	"io"
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
	file, hdr, err := r.FormFile("file")
	if err != nil {
		p.Error, p.Status = l.Error(fault.Invalidf("file", "upload.file", "choose a file")), http.StatusUnprocessableEntity
		render(w, r, "collections", p)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, uiMaxUpload+1))
	if err == nil && len(data) > uiMaxUpload {
		err = fault.Invalidf("file", "upload.file", "the file is over 10 MB")
	}
	var rep insurance.ImportReport
	if err == nil {
		rep, err = s.Insurance.ImportCollections(r.Context(), hdr.Filename, data)
	}
	if err != nil {
		var list fault.List
		var fe *fault.Error
		switch {
		case errors.As(err, &list):
			for _, e := range list {
				msg := *e
				msg.Row, msg.Col = 0, ""
				v.Errors = append(v.Errors, uploadError{Row: e.Row, Column: e.Col, Message: l.Error(&msg)})
			}
		case errors.As(err, &fe) && fe.Kind == fault.Invalid:
			msg := *fe
			msg.Row, msg.Col = 0, ""
			v.Errors = append(v.Errors, uploadError{Row: fe.Row, Column: fe.Col, Message: l.Error(&msg)})
		default:
			s.uiError(w, r, err)
			return
		}
		p.Status = http.StatusUnprocessableEntity
		render(w, r, "collections", p)
		return
	}
	v.Report = &rep
	render(w, r, "collections", p)
}
