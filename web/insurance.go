package web

import (
	"context"
	"net/http"
	"strconv"

	"hrss/insurance"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// insuranceRoutes are the routes of social insurance; routes() lists them
// with the others.
func (s *Server) insuranceRoutes() []route {
	return append([]route{
		{"POST", "/api/v1/assessments", s.ins(s.assess)},
		{"GET", "/api/v1/periods", s.ins(s.listPeriods)},
		{"GET", "/api/v1/periods/{period}/runs", s.ins(s.listRuns)},
		{"POST", "/api/v1/periods/{period}/close", s.ins(s.closePeriod)},
		{"GET", "/api/v1/bills", s.ins(s.listBills)},
		{"POST", "/api/v1/collections", s.ins(s.importCollections)},
		{"GET", "/api/v1/payments", s.ins(s.listPayments)},
		{"GET", "/api/v1/arrears", s.ins(s.arrears)},
		{"GET", "/api/v1/insurance/income", s.ins(s.income)},
		{"POST", "/api/v1/accounts/legacy", s.ins(s.importLegacy)},
		{"POST", "/api/v1/accounts/close-year", s.ins(s.closeYear)},
		{"GET", "/api/v1/persons/{id}/statement", s.ins(s.statement)},
		{"GET", "/api/v1/claims", s.ins(s.listClaims)},
		{"POST", "/api/v1/claims/pension", s.ins(s.openPensionClaim)},
		{"POST", "/api/v1/claims/unemployment", s.ins(s.openUnemploymentClaim)},
		{"GET", "/api/v1/claims/{id}", s.ins(s.getClaim)},
		{"POST", "/api/v1/claims/{id}/approve", s.ins(s.decideClaim(true))},
		{"POST", "/api/v1/claims/{id}/reject", s.ins(s.decideClaim(false))},
		{"POST", "/api/v1/pension-adjustments", s.ins(s.adjustPensions)},
		{"POST", "/api/v1/payment-runs", s.ins(s.payRun)},
		{"GET", "/api/v1/payment-runs/{kind}/{period}/disbursement", s.ins(s.disbursement)},
		{"GET", "/api/v1/insurance/check", s.ins(s.checkInsurance)},
	}, s.moneyRoutes()...)
}

// ins wraps a handler that needs the insurance service.
func (s *Server) ins(h func(http.ResponseWriter, *http.Request, *insurance.Service)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Insurance == nil {
			writeError(w, r, &fault.Error{Kind: fault.Internal, Message: "social insurance is not wired into this server"})
			return
		}
		h(w, r, s.Insurance)
	}
}

// respond renders out with status, or err.
func respond(w http.ResponseWriter, r *http.Request, status int, out any, err error) {
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, status, localized(r, out))
}

// items wraps a whole list as the API's lists are: {"items": [...]}.
func items[T any](xs []T) list[T] {
	if xs == nil {
		xs = []T{}
	}
	return list[T]{Items: xs}
}

// periodAndKey reads the period v (YYYY-MM) and the request's
// Idempotency-Key, scoped to the caller ("" without one).
func periodAndKey(r *http.Request, v string) (period.YearMonth, string, error) {
	p, err := parsePeriod("period", v)
	if err != nil {
		return 0, "", err
	}
	key, err := apiRequestKey(r)
	return p, key, err
}

// decodePeriodAndKey decodes the request's body into in and reads its
// period, the field *month of in once decoded, and the Idempotency-Key.
func decodePeriodAndKey(r *http.Request, in any, month *string) (period.YearMonth, string, error) {
	if err := decode(r, in); err != nil {
		return 0, "", err
	}
	return periodAndKey(r, *month)
}

// parsePeriod reads a YYYY-MM value of field.
func parsePeriod(field, v string) (period.YearMonth, error) {
	p, err := period.ParseYearMonth(v)
	if err != nil {
		return 0, fault.Invalidf(field, "period.format", "%q is not a period YYYY-MM", v)
	}
	return p, nil
}

// optPeriod reads an optional period query parameter.
func optPeriod(r *http.Request, name string) (period.YearMonth, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	return parsePeriod(name, v)
}

type periodBody struct {
	Period   string `json:"period"`
	Takeover bool   `json:"takeover"`
}

func (s *Server) listPeriods(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	ps, err := svc.Periods(r.Context())
	respond(w, r, http.StatusOK, items(ps), err)
}

func (s *Server) listRuns(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	p, err := parsePeriod("period", r.PathValue("period"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	runs, err := svc.Runs(r.Context(), p)
	respond(w, r, http.StatusOK, items(runs), err)
}

func (s *Server) listBills(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	q := r.URL.Query()
	f := insurance.BillFilter{Division: q.Get("division"), Unpaid: q.Get("unpaid") == "true"}
	var err error
	if f.Period, err = optPeriod(r, "period"); err != nil {
		writeError(w, r, err)
		return
	}
	if f.PayerKind, f.PayerID, err = payerQuery(r); err != nil {
		writeError(w, r, err)
		return
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		writeError(w, r, err)
		return
	}
	f.Limit = int(min(max(limit, 1), 1000))
	if !q.Has("limit") {
		f.Limit = 100
	}
	bills, err := svc.Bills(r.Context(), f)
	respond(w, r, http.StatusOK, items(bills), err)
}

// income answers contribution income and arrears by division and period
// (from, to, optional division, by=payer_kind for a row per kind of
// payer): aggregates, no payer or person.
func (s *Server) income(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	q := r.URL.Query()
	f := insurance.IncomeFilter{Division: q.Get("division"), ByPayerKind: q.Get("by") == "payer_kind"}
	var err error
	if by := q.Get("by"); by != "" && !f.ByPayerKind {
		err = fault.Invalidf("by", "income.by", "%q is not a grouping: give by=payer_kind or nothing", by)
	} else if f.From, err = optPeriod(r, "from"); err == nil {
		f.To, err = optPeriod(r, "to")
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	inc, err := svc.Income(r.Context(), f)
	respond(w, r, http.StatusOK, inc, err)
}

// payerQuery reads payer_kind (employer, flexible) and payer_id.
func payerQuery(r *http.Request) (insurance.PayerKind, int64, error) {
	id, err := queryInt(r, "payer_id")
	if err != nil {
		return 0, 0, err
	}
	switch r.URL.Query().Get("payer_kind") {
	case "":
		if id != 0 {
			return insurance.PayerEmployer, id, nil
		}
		return 0, 0, nil
	case "employer":
		return insurance.PayerEmployer, id, nil
	case "flexible":
		return insurance.PayerFlexible, id, nil
	}
	return 0, 0, fault.Invalidf("payer_kind", "payer.kind", "payer_kind must be employer or flexible")
}

// maxUpload bounds a collection file.
const maxUpload = 64 << 20

func (s *Server) importCollections(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	name, data, err := readBodyFile(w, r, "collections", maxUpload)
	if err != nil {
		writeError(w, r, err)
		return
	}
	rep, err := svc.ImportCollections(r.Context(), name, data)
	respond(w, r, http.StatusCreated, rep, err)
}

func (s *Server) listPayments(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	p, err := optPeriod(r, "period")
	if err != nil {
		writeError(w, r, err)
		return
	}
	kind, id, err := payerQuery(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	pays, err := svc.Payments(r.Context(), p, kind, id)
	respond(w, r, http.StatusOK, items(pays), err)
}

func (s *Server) arrears(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	d := period.FromTime(svc.NowTime())
	if v := r.URL.Query().Get("as_of"); v != "" {
		var err error
		if d, err = period.ParseDate(v); err != nil {
			writeError(w, r, fault.Invalidf("as_of", "arrears.as_of", "%q is not a date YYYY-MM-DD", v))
			return
		}
	}
	ar, err := svc.Arrears(r.Context(), d)
	respond(w, r, http.StatusOK, ar, err)
}

type legacyBody struct {
	Batch string                 `json:"batch"`
	Years []insurance.LegacyYear `json:"years"`
}

func (s *Server) importLegacy(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	var in legacyBody
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	err := svc.ImportLegacy(r.Context(), in.Batch, in.Years)
	respond(w, r, http.StatusCreated, map[string]any{"batch": in.Batch, "years": len(in.Years)}, err)
}

type yearBody struct {
	Year int `json:"year"`
}

func (s *Server) closeYear(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	var in yearBody
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	yc, err := svc.CloseYear(r.Context(), in.Year)
	respond(w, r, http.StatusOK, yc, err)
}

func (s *Server) statement(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	get(w, r, svc.Statement)
}

func (s *Server) listClaims(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	q := r.URL.Query()
	person, err := queryInt(r, "person_id")
	if err != nil {
		writeError(w, r, err)
		return
	}
	cs, err := svc.Claims(r.Context(), insurance.ClaimFilter{Kind: insurance.ClaimKind(q.Get("kind")), PersonID: person, Status: insurance.ClaimStatus(q.Get("status"))})
	respond(w, r, http.StatusOK, items(cs), err)
}

func (s *Server) openPensionClaim(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	create(w, r, svc.OpenPensionClaim)
}

func (s *Server) openUnemploymentClaim(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	create(w, r, svc.OpenUnemploymentClaim)
}

func (s *Server) getClaim(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	get(w, r, svc.Claim)
}

func (s *Server) decideClaim(approve bool) func(http.ResponseWriter, *http.Request, *insurance.Service) {
	return func(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
		get(w, r, func(ctx context.Context, id int64) (insurance.Claim, error) { return svc.Approve(ctx, id, approve) })
	}
}

func (s *Server) adjustPensions(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	var in yearBody
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	n, err := svc.AdjustPensions(r.Context(), in.Year)
	respond(w, r, http.StatusOK, map[string]int{"year": in.Year, "adjusted": n}, err)
}

type payBody struct {
	Kind   insurance.ClaimKind `json:"kind"`
	Period string              `json:"period"`
}

// payRun pays a month's benefit: 201 with the batch, or, repeated with
// the Idempotency-Key of an earlier request, 200 with that request's
// batch (repeated) and nothing paid now.
func (s *Server) payRun(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	var in payBody
	p, key, err := decodePeriodAndKey(r, &in, &in.Period)
	if err != nil {
		writeError(w, r, err)
		return
	}
	run, err := svc.Pay(r.Context(), in.Kind, p, key)
	status := http.StatusCreated
	if run.Repeated {
		status = http.StatusOK
	}
	respond(w, r, status, run, err)
}

func (s *Server) disbursement(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	p, err := parsePeriod("period", r.PathValue("period"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	batch, err := queryInt(r, "batch")
	if err != nil {
		writeError(w, r, err)
		return
	}
	file, err := svc.Disbursement(r.Context(), insurance.ClaimKind(r.PathValue("kind")), p, int(batch))
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", "attachment; filename=disbursement-"+r.PathValue("kind")+"-"+p.String()+".csv")
	w.Header().Set("Content-Length", strconv.Itoa(len(file)))
	w.Write(file)
}

func (s *Server) checkInsurance(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	rep, err := svc.Check(r.Context())
	respond(w, r, http.StatusOK, rep, err)
}
