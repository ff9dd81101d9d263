package web

import (
	"hrss/rules/period"
	"net/http"
	"sort"
	"strings"

	"hrss/rules/fault"
	"hrss/support"
)

// ---- the scan

// scanView is a scan's outcome, by programme.
type scanView struct {
	Scan support.Scan
	Rows []scanRow
}

// scanRow is one programme's part of a scan.
type scanRow struct {
	Code, Name string
	*support.ProgrammeScan
}

// uiScan runs the proactive scan (of one programme, or every programme
// found from the records) as of the day posted, today by default, and
// shows what it found. It runs in the request: the scan of a city is
// one pass over its records.
func (s *Server) uiScan(w http.ResponseWriter, r *http.Request) {
	opt := support.ScanOptions{Programme: strings.TrimSpace(r.PostFormValue("programme"))}
	if v := strings.TrimSpace(r.PostFormValue("as_of")); v != "" {
		d, err := period.ParseDate(v)
		if err != nil {
			s.uiError(w, r, fault.Invalidf("as_of", "date.format", "%q is not a date YYYY-MM-DD", v))
			return
		}
		opt.AsOf = d
	}
	sc, err := s.Support.Scan(r.Context(), opt)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	l := langOf(r)
	v := scanView{Scan: sc}
	for code, ps := range sc.ByProgramme {
		name := code
		if g := s.programme(code); g != nil {
			name = programmeName(l, g)
		}
		v.Rows = append(v.Rows, scanRow{Code: code, Name: name, ProgrammeScan: ps})
	}
	sort.Slice(v.Rows, func(i, j int) bool { return v.Rows[i].Code < v.Rows[j].Code })
	render(w, r, "support_scan", newPage(r, "scan.title", &v))
}

// ---- payment runs and bank returns

// grantRunsView is the payment runs page: the runs with their bank
// files, the forms that pay and take in a return, and what the last form
// did.
type grantRunsView struct {
	Runs       []support.PaymentRun
	RequestKey string // the pay form's request key, new at each showing
	Pay        *support.PayReport
	Return     *support.ReturnReport
	Errors     []uploadError // the return file's bad rows
}

// uiGrantRuns lists the payment runs (city-wide caseworkers).
func (s *Server) uiGrantRuns(w http.ResponseWriter, r *http.Request) {
	s.renderGrantRuns(w, r, &grantRunsView{}, nil)
}

func (s *Server) renderGrantRuns(w http.ResponseWriter, r *http.Request, v *grantRunsView, formErr error) {
	runs, err := s.Support.Runs(r.Context())
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v.Runs, v.RequestKey = runs, newRequestKey()
	p := newPage(r, "grant_runs.title", v)
	if formErr != nil {
		p.Error, p.Status = p.L.Error(formErr), statusOf(fault.KindOf(formErr))
	} else if len(v.Errors) > 0 {
		p.Status = http.StatusUnprocessableEntity
	}
	render(w, r, "support_runs", p)
}

// uiGrantPay makes a payment run of every approved grant with an account
// (and every failed one whose account was corrected since) and shows it.
// The form's request key makes a second submit of the same form (a
// double click, a reload) show the run the first made, paying no one.
func (s *Server) uiGrantPay(w http.ResponseWriter, r *http.Request) {
	key, err := formRequestKey(r)
	var rep support.PayReport
	if err == nil {
		rep, err = s.Support.Pay(r.Context(), key)
	}
	switch {
	case formError(err):
		s.renderGrantRuns(w, r, &grantRunsView{}, err)
	case err != nil:
		s.uiError(w, r, err)
	default:
		s.renderGrantRuns(w, r, &grantRunsView{Pay: &rep}, nil)
	}
}

// uiBankFile downloads the bank's file of payment run {id}: CSV, or
// Excel when xlsx.
func (s *Server) uiBankFile(xlsx bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		data, err := s.Support.BankFile(r.Context(), id, xlsx)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		name, ctype := "grant-run-"+itoa(id)+".csv", "text/csv; charset=utf-8"
		if xlsx {
			name, ctype = "grant-run-"+itoa(id)+".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.Write(data)
	}
}

// uiBankReturn takes in the bank's return file uploaded (CSV or Excel):
// applied whole, or refused whole with every bad row and column listed.
func (s *Server) uiBankReturn(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	v := &grantRunsView{}
	name, data, err := readUpload(r, "returns.choose", "choose the bank's return file")
	var rep support.ReturnReport
	if err == nil {
		rep, err = s.Support.ImportReturn(r.Context(), name, data)
	}
	if err != nil {
		errs, ok := fileErrors(l, err, fault.Invalid, fault.Conflict)
		if !ok {
			s.uiError(w, r, err)
			return
		}
		v.Errors = errs
		s.renderGrantRuns(w, r, v, nil)
		return
	}
	v.Return = &rep
	s.renderGrantRuns(w, r, v, nil)
}
