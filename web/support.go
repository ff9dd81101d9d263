package web

import (
	"context"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/period"
	"hrss/support"
)

// The support programmes' routes (免申即享: programmes, the proactive
// scan, grants, four-eyes batches, payees, payment runs with the bank's
// file and its return, internships, guaranteed loans, totals and the
// invariants). Each handler parses, calls support.Service and renders; the
// service checks the caller.

// supportRoutes are the support programmes' API routes (programmes,
// scans, grants, batches, payment runs, bank returns, internships,
// loans), appended to routes().
func (s *Server) supportRoutes() []route {
	return []route{
		{"GET", "/api/v1/programmes", s.sup(s.supProgrammes)},
		{"GET", "/api/v1/programmes/{code}", s.sup(s.supProgramme)},
		{"POST", "/api/v1/support/scans", s.sup(s.supScan)},
		{"GET", "/api/v1/support/scans", s.sup(s.supScans)},
		{"GET", "/api/v1/grants", s.sup(s.supGrants)},
		{"GET", "/api/v1/grants/{id}", s.sup(s.supGrant)},
		{"POST", "/api/v1/grants/{id}/reject", s.sup(s.supSettle(false))},
		{"POST", "/api/v1/grants/{id}/revoke", s.sup(s.supSettle(true))},
		{"GET", "/api/v1/grant-batches", s.sup(s.supBatches)},
		{"POST", "/api/v1/grant-batches", s.sup(s.supPrepare)},
		{"GET", "/api/v1/grant-batches/{id}", s.sup(s.supBatch)},
		{"POST", "/api/v1/grant-batches/{id}/approve", s.sup(s.supDecideBatch(true))},
		{"POST", "/api/v1/grant-batches/{id}/reject", s.sup(s.supDecideBatch(false))},
		{"PUT", "/api/v1/payees/{kind}/{id}", s.sup(s.supPayee)},
		{"POST", "/api/v1/grant-payments", s.sup(s.supPay)},
		{"GET", "/api/v1/grant-payments", s.sup(s.supRuns)},
		{"GET", "/api/v1/grant-payments/{id}/bank-file", s.sup(s.supBankFile)},
		{"POST", "/api/v1/grant-returns", s.sup(s.supReturn)},
		{"POST", "/api/v1/internships", s.sup(s.supRecordInternship)},
		{"GET", "/api/v1/internships", s.sup(s.supInternships)},
		{"POST", "/api/v1/loans", s.sup(s.supApplyLoan)},
		{"GET", "/api/v1/loans", s.sup(s.supLoans)},
		{"GET", "/api/v1/loans/{id}", s.sup(s.supLoan)},
		{"POST", "/api/v1/loans/{id}/approve", s.sup(s.supDecideLoan(true))},
		{"POST", "/api/v1/loans/{id}/reject", s.sup(s.supDecideLoan(false))},
		{"POST", "/api/v1/loans/{id}/defaults", s.sup(s.supLoanDefault)},
		{"POST", "/api/v1/loans/{id}/claims", s.sup(s.supLoanClaim)},
		{"GET", "/api/v1/support/totals", s.sup(s.supTotals)},
		{"GET", "/api/v1/support/check", s.sup(s.supCheck)},
	}
}

// sup wraps a handler of the support programmes: a server wired without
// them answers 500 rather than panicking.
func (s *Server) sup(h func(http.ResponseWriter, *http.Request, *support.Service)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Support == nil {
			writeError(w, r, &fault.Error{Kind: fault.Internal, Message: "the support programmes are not wired into this server"})
			return
		}
		h(w, r, s.Support)
	}
}

// supProgrammeJSON is a programme with the values of its parameters in
// force, each with its legal source and confidence.
type supProgrammeJSON struct {
	*rules.Programme
	Values []supParamJSON `json:"values"`
}

// supParamJSON is one parameter of a programme and the value in force.
type supParamJSON struct {
	rules.ProgParam
	Name         string      `json:"name"`
	Value        string      `json:"value"` // as written in the parameter file
	Jurisdiction string      `json:"jurisdiction"`
	From         period.Date `json:"from"`
	Reference    string      `json:"reference"`
	Confidence   string      `json:"confidence"`
	Note         string      `json:"note,omitempty"`
	File         string      `json:"file"`
	Line         int         `json:"line"`
}

// newSupProgrammeJSON renders a programme view.
func newSupProgrammeJSON(v support.ProgrammeView) supProgrammeJSON {
	out := supProgrammeJSON{Programme: v.Programme, Values: []supParamJSON{}}
	for _, p := range v.Values {
		x := p.Value
		out.Values = append(out.Values, supParamJSON{ProgParam: p.ProgParam, Name: x.Name, Value: x.Text, Jurisdiction: x.Jurisdiction,
			From: x.From, Reference: x.Reference, Confidence: x.Confidence, Note: x.Note, File: x.File, Line: x.Line})
	}
	return out
}

// supProgrammesAt reads the at and division query parameters and returns the
// programmes in force then and there.
func supProgrammesAt(r *http.Request, svc *support.Service) ([]supProgrammeJSON, error) {
	at, err := queryDate(r, "at")
	if err != nil {
		return nil, err
	}
	vs, err := svc.Programmes(r.Context(), at, r.URL.Query().Get("division"))
	out := make([]supProgrammeJSON, 0, len(vs))
	for _, v := range vs {
		out = append(out, newSupProgrammeJSON(v))
	}
	return out, err
}

func (s *Server) supProgrammes(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	ps, err := supProgrammesAt(r, svc)
	respond(w, r, http.StatusOK, items(ps), err)
}

func (s *Server) supProgramme(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	ps, err := supProgrammesAt(r, svc)
	if err != nil {
		writeError(w, r, err)
		return
	}
	code := r.PathValue("code")
	for _, p := range ps {
		if p.Code == code {
			writeJSON(w, http.StatusOK, localized(r, p))
			return
		}
	}
	writeError(w, r, fault.NotFoundf("programme %q is not one of the rules' programmes", code))
}

// supParseDate reads a YYYY-MM-DD value of field.
func supParseDate(field, v string) (period.Date, error) {
	d, err := period.ParseDate(v)
	if err != nil {
		return d, fault.Invalidf(field, "date.format", "%q is not a date YYYY-MM-DD", v)
	}
	return d, nil
}

// supScanBody is the body of POST /api/v1/support/scans.
type supScanBody struct {
	Programme string `json:"programme"` // "" for every programme found from the records
	AsOf      string `json:"as_of"`     // YYYY-MM-DD; today when ""
}

func (s *Server) supScan(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	var in supScanBody
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	opt := support.ScanOptions{Programme: strings.TrimSpace(in.Programme)}
	if in.AsOf != "" {
		var err error
		if opt.AsOf, err = supParseDate("as_of", in.AsOf); err != nil {
			writeError(w, r, err)
			return
		}
	}
	sc, err := svc.Scan(r.Context(), opt)
	respond(w, r, http.StatusCreated, sc, err)
}

func (s *Server) supScans(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	limit, err := supQueryLimit(r, 20)
	if err != nil {
		writeError(w, r, err)
		return
	}
	scs, err := svc.Scans(r.Context(), limit)
	respond(w, r, http.StatusOK, items(scs), err)
}

// supQueryLimit reads the limit query parameter: 1 to registry.MaxPage, def
// when absent.
func supQueryLimit(r *http.Request, def int) (int, error) {
	pg, err := page(r)
	if err != nil || pg.Limit == 0 {
		return def, err
	}
	return pg.Limit, nil
}

// supQueryProgramme reads the programme query parameter: one of the rules'
// programmes, or "".
func supQueryProgramme(r *http.Request, svc *support.Service) (string, error) {
	code := r.URL.Query().Get("programme")
	if code == "" {
		return "", nil
	}
	_, err := svc.Params.Programme(code)
	return code, err
}

// supQueryStatus reads the status query parameter: "" or one of known.
func supQueryStatus[S ~string](r *http.Request, known []S) (S, error) {
	v := S(r.URL.Query().Get("status"))
	if v == "" || slices.Contains(known, v) {
		return v, nil
	}
	names := make([]string, len(known))
	for i, k := range known {
		names[i] = string(k)
	}
	return "", fault.Invalidf("status", "query.status", "%q is not a status (%s)", v, strings.Join(names, ", "))
}

// supBatchStatuses are the statuses a grant batch takes.
var supBatchStatuses = []support.Status{support.Prepared, support.Approved, support.Rejected}

// supLoanStatuses are the statuses a loan takes.
var supLoanStatuses = []support.LoanStatus{support.LoanApplied, support.LoanActive, support.LoanRejected, support.LoanRepaid}

// supGrantFilter reads the filter of GET /api/v1/grants.
func supGrantFilter(r *http.Request, svc *support.Service) (support.GrantFilter, error) {
	var f support.GrantFilter
	var err error
	if f.Programme, err = supQueryProgramme(r, svc); err != nil {
		return f, err
	}
	if d := r.URL.Query().Get("division"); d != "" {
		f.Divisions = []string{d}
	}
	if f.Status, err = supQueryStatus(r, support.Statuses); err != nil {
		return f, err
	}
	ids := []struct {
		name string
		dst  *int64
	}{{"person_id", &f.PersonID}, {"employer_id", &f.EmployerID}, {"batch_id", &f.BatchID}, {"loan_id", &f.LoanID}}
	for _, q := range ids {
		if *q.dst, err = queryInt(r, q.name); err != nil {
			return f, err
		}
	}
	pg, err := page(r)
	f.AfterID, f.Limit = pg.After, pg.Limit
	if f.Limit == 0 {
		f.Limit = registry.DefaultPage
	}
	return f, err
}

func (s *Server) supGrants(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	f, err := supGrantFilter(r, svc)
	if err != nil {
		writeError(w, r, err)
		return
	}
	gs, err := svc.Grants(r.Context(), f)
	respond(w, r, http.StatusOK, newList(gs, f.Limit, func(g support.Grant) int64 { return g.ID }), err)
}

// supGrantDetail is one grant with its rule's trace and its payments.
type supGrantDetail struct {
	Grant    support.Grant     `json:"grant"`
	Payments []support.Payment `json:"payments"`
}

func (s *Server) supGrant(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	get(w, r, func(ctx context.Context, id int64) (supGrantDetail, error) {
		g, pays, err := svc.Grant(ctx, id)
		return supGrantDetail{Grant: g, Payments: nonNil(pays)}, err
	})
}

// supReasonBody is the body of the routes that refuse with a reason.
type supReasonBody struct {
	Reason string `json:"reason"`
}

// supSettle rejects (revoke false) or revokes a grant with a reason.
func (s *Server) supSettle(revoke bool) func(http.ResponseWriter, *http.Request, *support.Service) {
	return func(w http.ResponseWriter, r *http.Request, svc *support.Service) {
		fn := svc.Reject
		if revoke {
			fn = svc.Revoke
		}
		update(w, r, func(ctx context.Context, id int64, in supReasonBody) (support.Grant, error) {
			return fn(ctx, id, in.Reason)
		})
	}
}

func (s *Server) supBatches(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	st, err := supQueryStatus(r, supBatchStatuses)
	if err != nil {
		writeError(w, r, err)
		return
	}
	bs, err := svc.Batches(r.Context(), st)
	respond(w, r, http.StatusOK, items(bs), err)
}

// supPrepareBody is the body of POST /api/v1/grant-batches.
type supPrepareBody struct {
	Division  string  `json:"division"`
	Programme string  `json:"programme,omitempty"`
	Grants    []int64 `json:"grants,omitempty"` // every pending grant of the division (and programme) when empty
}

func (s *Server) supPrepare(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	create(w, r, func(ctx context.Context, in supPrepareBody) (support.Batch, error) {
		if in.Programme != "" {
			if _, err := svc.Params.Programme(in.Programme); err != nil {
				return support.Batch{}, err
			}
		}
		return svc.PrepareBatch(ctx, strings.TrimSpace(in.Division), in.Programme, in.Grants)
	})
}

// supBatchDetail is one batch with its grants.
type supBatchDetail struct {
	Batch  support.Batch   `json:"batch"`
	Grants []support.Grant `json:"grants"`
}

func (s *Server) supBatch(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	get(w, r, func(ctx context.Context, id int64) (supBatchDetail, error) {
		b, gs, err := svc.Batch(ctx, id)
		return supBatchDetail{Batch: b, Grants: nonNil(gs)}, err
	})
}

// supDecideBatch approves a prepared batch (no body) or rejects it (body
// {"reason"}).
func (s *Server) supDecideBatch(approve bool) func(http.ResponseWriter, *http.Request, *support.Service) {
	return func(w http.ResponseWriter, r *http.Request, svc *support.Service) {
		if approve {
			get(w, r, func(ctx context.Context, id int64) (support.Batch, error) { return svc.DecideBatch(ctx, id, true, "") })
			return
		}
		update(w, r, func(ctx context.Context, id int64, in supReasonBody) (support.Batch, error) {
			return svc.DecideBatch(ctx, id, false, in.Reason)
		})
	}
}

// supPayeeBody is the body of PUT /api/v1/payees/{kind}/{id}.
type supPayeeBody struct {
	Bank    string `json:"bank"`
	Account string `json:"account"` // 8 to 32 digits
	Holder  string `json:"holder"`
	// UpdatedAt is the updated_at of the account read: refused (409) if it changed since.
	UpdatedAt string `json:"updated_at,omitempty"`
}

func (s *Server) supPayee(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	update(w, r, func(ctx context.Context, id int64, in supPayeeBody) (support.Payee, error) {
		return svc.SetPayee(ctx, support.Payee{Kind: rules.Beneficiary(r.PathValue("kind")), ID: id, Bank: in.Bank, Account: in.Account, Holder: in.Holder}, in.UpdatedAt)
	})
}

// supPay makes a payment run: 201 with it, or, repeated with the
// Idempotency-Key of an earlier request, 200 with that request's run
// (repeated) and nothing paid now.
func (s *Server) supPay(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	key, err := apiRequestKey(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	rep, err := svc.Pay(r.Context(), key)
	status := http.StatusCreated
	if rep.Repeated {
		status = http.StatusOK
	}
	respond(w, r, status, rep, err)
}

func (s *Server) supRuns(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	runs, err := svc.Runs(r.Context())
	respond(w, r, http.StatusOK, items(runs), err)
}

// supXLSXType is the content type of an Excel workbook.
const supXLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (s *Server) supBankFile(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	format, err := bankFileFormat(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	file, err := svc.BankFile(r.Context(), id, format == "xlsx")
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeDownload(w, "grant-payments-"+strconv.FormatInt(id, 10), format, file)
}

// supUpload reads the file of an import route: the part "file" of a
// multipart/form-data body, with the part's file name; or else the raw
// body, named by ?name= (without it, def with .xlsx for an Excel content
// type and .csv otherwise). A name ending in .xlsx is read as Excel.
func supUpload(w http.ResponseWriter, r *http.Request, def string) (string, []byte, error) {
	body := http.MaxBytesReader(w, r.Body, maxUpload)
	tooBig := func(err error) error {
		return fault.Invalidf("body", "upload.size", "the file cannot be read (at most %d MiB): %v", maxUpload>>20, err)
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		r.Body = body
		f, hdr, err := r.FormFile("file")
		if err != nil {
			return "", nil, fault.Invalidf("file", "upload.file", "the form has no file part named file: %v", err)
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		if err != nil {
			return "", nil, tooBig(err)
		}
		return hdr.Filename, data, nil
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		name = def + ".csv"
		if strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
			name = def + ".xlsx"
		}
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return "", nil, tooBig(err)
	}
	return name, data, nil
}

func (s *Server) supReturn(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	name, data, err := supUpload(w, r, "returns")
	if err != nil {
		writeError(w, r, err)
		return
	}
	rep, err := svc.ImportReturn(r.Context(), name, data)
	respond(w, r, http.StatusCreated, rep, err)
}

func (s *Server) supRecordInternship(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	create(w, r, svc.RecordInternship)
}

func (s *Server) supInternships(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	var f support.InternshipFilter
	var err error
	if f.EmployerID, err = queryInt(r, "employer_id"); err == nil {
		f.PersonID, err = queryInt(r, "person_id")
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	its, err := svc.Internships(r.Context(), f)
	if d := r.URL.Query().Get("division"); d != "" { // within the caller's reach, which the service draws
		its = slices.DeleteFunc(its, func(it support.Internship) bool { return it.Division != d })
	}
	respond(w, r, http.StatusOK, items(its), err)
}

func (s *Server) supApplyLoan(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	create(w, r, svc.ApplyLoan)
}

func (s *Server) supLoans(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	var f support.LoanFilter
	var err error
	if f.Status, err = supQueryStatus(r, supLoanStatuses); err == nil {
		if f.PersonID, err = queryInt(r, "person_id"); err == nil {
			f.EmployerID, err = queryInt(r, "employer_id")
		}
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	ls, err := svc.Loans(r.Context(), f)
	respond(w, r, http.StatusOK, items(ls), err)
}

// supLoanDetail is one loan with its months and the subsidy claimable for each.
type supLoanDetail struct {
	Loan     support.StartupLoan     `json:"loan"`
	Schedule []support.ScheduleMonth `json:"schedule"`
}

func (s *Server) supLoan(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	get(w, r, func(ctx context.Context, id int64) (supLoanDetail, error) {
		l, sched, err := svc.Loan(ctx, id)
		return supLoanDetail{Loan: l, Schedule: nonNil(sched)}, err
	})
}

// supDecideLoan approves an application (no body) or rejects it (body
// {"reason"}).
func (s *Server) supDecideLoan(approve bool) func(http.ResponseWriter, *http.Request, *support.Service) {
	return func(w http.ResponseWriter, r *http.Request, svc *support.Service) {
		if approve {
			get(w, r, func(ctx context.Context, id int64) (support.StartupLoan, error) {
				return svc.DecideLoan(ctx, id, true, "")
			})
			return
		}
		update(w, r, func(ctx context.Context, id int64, in supReasonBody) (support.StartupLoan, error) {
			return svc.DecideLoan(ctx, id, false, in.Reason)
		})
	}
}

// supMonthBody is the body of the loan routes that take a month.
type supMonthBody struct {
	Period  string `json:"period,omitempty"`  // defaults: the month the borrower was overdue
	Through string `json:"through,omitempty"` // claims: the last month claimed
}

func (s *Server) supLoanDefault(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	update(w, r, func(ctx context.Context, id int64, in supMonthBody) (support.StartupLoan, error) {
		p, err := parsePeriod("period", in.Period)
		if err != nil {
			return support.StartupLoan{}, err
		}
		return svc.MarkDefault(ctx, id, p)
	})
}

func (s *Server) supLoanClaim(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	var in supMonthBody
	id, err := pathID(r)
	if err == nil {
		err = decode(r, &in)
	}
	var p period.YearMonth
	if err == nil {
		p, err = parsePeriod("through", in.Through)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	gs, err := svc.ClaimSubsidy(r.Context(), id, p)
	respond(w, r, http.StatusCreated, items(gs), err)
}

// supTotals answers the grants summed by programme, division and status
// (programme and division optional): aggregates, no person in them.
func (s *Server) supTotals(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	code, err := supQueryProgramme(r, svc)
	if err != nil {
		writeError(w, r, err)
		return
	}
	ts, err := svc.Totals(r.Context(), code)
	if d := r.URL.Query().Get("division"); d != "" {
		ts = slices.DeleteFunc(ts, func(t support.Total) bool { return t.Division != d })
	}
	respond(w, r, http.StatusOK, items(ts), err)
}

// supCheckReport is the answer of GET /api/v1/support/check, shaped as
// social insurance's check.
type supCheckReport struct {
	OK      bool                  `json:"ok"`
	Results []support.CheckResult `json:"results"`
}

func (s *Server) supCheck(w http.ResponseWriter, r *http.Request, svc *support.Service) {
	res, err := svc.Check(r.Context())
	rep := supCheckReport{OK: true, Results: nonNil(res)}
	for i := range rep.Results {
		rep.OK = rep.OK && rep.Results[i].OK
		rep.Results[i].Breaches = nonNil(rep.Results[i].Breaches)
	}
	respond(w, r, http.StatusOK, rep, err)
}
