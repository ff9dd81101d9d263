package web

import (
	"context"
	"mime"
	"net/http"
	"strconv"

	"hrss/insurance"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// The API of late fees, credits and refunds (issue 12): a late-fee
// billing, its lines, the credits kept from overpaid and unmatched
// collections, their re-match to a bill, and refunds prepared, decided
// by another reviewer (four eyes), issued in a run with its bank file,
// paid or failed by the bank's return.

// moneyRoutes are the routes of late fees, credits and refunds;
// insuranceRoutes lists them.
func (s *Server) moneyRoutes() []route {
	return []route{
		{"POST", "/api/v1/late-fees/billings", s.ins(s.billLateFees)},
		{"GET", "/api/v1/late-fees", s.ins(s.listLateFees)},
		{"GET", "/api/v1/credits", s.ins(s.listCredits)},
		{"POST", "/api/v1/credits/{reference}/rematch", s.ins(s.rematchCredit)},
		{"GET", "/api/v1/refunds", s.ins(s.listRefunds)},
		{"POST", "/api/v1/refunds", s.ins(s.prepareRefund)},
		{"POST", "/api/v1/refunds/{id}/approve", s.ins(s.decideRefund(true))},
		{"POST", "/api/v1/refunds/{id}/reject", s.ins(s.decideRefund(false))},
		{"POST", "/api/v1/refund-runs", s.ins(s.issueRefunds)},
		{"GET", "/api/v1/refund-runs/{id}/bank-file", s.ins(s.refundBankFile)},
		{"POST", "/api/v1/refund-returns", s.ins(s.refundReturn)},
	}
}

type asOfBody struct {
	AsOf string `json:"as_of"`
}

func (s *Server) billLateFees(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	var in asOfBody
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	d, err := period.ParseDate(in.AsOf)
	if err != nil {
		writeError(w, r, fault.Invalidf("as_of", "late_fees.as_of", "%q is not a date YYYY-MM-DD", in.AsOf))
		return
	}
	run, err := svc.BillLateFees(r.Context(), d)
	respond(w, r, http.StatusCreated, run, err)
}

func (s *Server) listLateFees(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	f, err := lateFeeFilter(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	lines, err := svc.LateFees(r.Context(), f)
	respond(w, r, http.StatusOK, items(lines), err)
}

// lateFeeFilter reads period, payer_kind, payer_id and run.
func lateFeeFilter(r *http.Request) (insurance.LateFeeFilter, error) {
	var f insurance.LateFeeFilter
	var err error
	if f.Period, err = optPeriod(r, "period"); err != nil {
		return f, err
	}
	kind, err := queryInt(r, "payer_kind")
	if err != nil {
		return f, err
	}
	f.PayerKind = insurance.PayerKind(kind)
	if f.PayerID, err = queryInt(r, "payer_id"); err != nil {
		return f, err
	}
	f.Run, err = queryInt(r, "run")
	return f, err
}

func (s *Server) listCredits(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	f := insurance.CreditFilter{Reference: r.URL.Query().Get("reference"), Open: r.URL.Query().Get("open") == "true"}
	list, err := svc.Credits(r.Context(), f)
	respond(w, r, http.StatusOK, items(list), err)
}

type rematchBody struct {
	Period    string              `json:"period"`
	PayerKind insurance.PayerKind `json:"payer_kind"`
	PayerID   int64               `json:"payer_id"`
}

func (s *Server) rematchCredit(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	var in rematchBody
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	p, err := parsePeriod("period", in.Period)
	if err != nil {
		writeError(w, r, err)
		return
	}
	pay, err := svc.Rematch(r.Context(), r.PathValue("reference"), insurance.BillKey{Period: p, PayerKind: in.PayerKind, PayerID: in.PayerID})
	respond(w, r, http.StatusCreated, pay, err)
}

func (s *Server) listRefunds(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	run, err := queryInt(r, "run")
	if err != nil {
		writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	list, err := svc.Refunds(r.Context(), insurance.RefundFilter{Status: q.Get("status"), Credit: q.Get("credit"), Run: run})
	respond(w, r, http.StatusOK, items(list), err)
}

func (s *Server) prepareRefund(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	var in insurance.RefundInput
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	ref, err := svc.PrepareRefund(r.Context(), in)
	respond(w, r, http.StatusCreated, ref, err)
}

type noteBody struct {
	Note string `json:"note"`
}

func (s *Server) decideRefund(approve bool) func(http.ResponseWriter, *http.Request, *insurance.Service) {
	return func(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
		note, ok := readNote(w, r)
		if !ok {
			return
		}
		get(w, r, func(ctx context.Context, id int64) (insurance.Refund, error) {
			return svc.DecideRefund(ctx, id, approve, note)
		})
	}
}

func (s *Server) issueRefunds(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	run, err := svc.IssueRefunds(r.Context())
	respond(w, r, http.StatusCreated, run, err)
}

func (s *Server) refundBankFile(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
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
	file, err := svc.RefundBankFile(r.Context(), id, format == "xlsx")
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeDownload(w, "refunds-"+strconv.FormatInt(id, 10), format, file)
}

func (s *Server) refundReturn(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	name, data, err := supUpload(w, r, "refund-returns")
	if err != nil {
		writeError(w, r, err)
		return
	}
	rep, err := svc.ImportRefundReturn(r.Context(), name, data)
	respond(w, r, http.StatusCreated, rep, err)
}

// bankFileFormat reads the format query parameter of a bank file: csv
// (the default) or xlsx.
func bankFileFormat(r *http.Request) (string, error) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "xlsx" {
		return "", fault.Invalidf("format", "bank_file.format", "format %q must be csv or xlsx", format)
	}
	return format, nil
}

// writeDownload sends a CSV or Excel file as an attachment named
// base.format.
func writeDownload(w http.ResponseWriter, base, format string, file []byte) {
	ctype := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ctype = supXLSXType
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": base + "." + format}))
	w.Header().Set("Content-Length", strconv.Itoa(len(file)))
	w.Write(file)
}
