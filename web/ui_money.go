package web

import (
	"net/http"
	"strings"

	"hrss/bank"
	"hrss/insurance"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// The screens of late fees, credits and refunds: a city-wide caseworker
// bills the late fees accrued to a day and reads each line with its rule;
// re-matches a credit to a bill or prepares its refund; a reviewer who
// did not prepare a refund approves or rejects it; approved refunds are
// issued in a run whose bank file (CSV, Excel) the bank pays, and the
// bank's return file marks them paid or failed.

// moneyUIRoutes are the screens' routes; uiRoutes lists them.
func (s *Server) moneyUIRoutes() []uiRoute {
	return []uiRoute{
		{"GET /late-fees", s.insUI(s.uiLateFees)},
		{"POST /late-fees", s.insUI(s.uiBillLateFees)},
		{"GET /credits", s.insUI(s.uiCredits)},
		{"POST /credits/{reference}/rematch", s.insUI(s.uiRematch)},
		{"GET /refunds", s.insUI(s.uiRefunds)},
		{"POST /refunds", s.insUI(s.uiPrepareRefund)},
		{"POST /refunds/{id}/approve", s.insUI(s.uiDecideRefund(true))},
		{"POST /refunds/{id}/reject", s.insUI(s.uiDecideRefund(false))},
		{"POST /refund-runs", s.insUI(s.uiIssueRefunds)},
		{"GET /refund-runs/{id}/bank.csv", s.insUI(s.uiRefundBankFile(false))},
		{"GET /refund-runs/{id}/bank.xlsx", s.insUI(s.uiRefundBankFile(true))},
		{"POST /refund-returns", s.insUI(s.uiRefundReturn)},
	}
}

// insUI wraps a screen that needs the insurance service: without it the
// screen does not exist.
func (s *Server) insUI(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Insurance == nil {
			s.uiNotFound(w, r)
			return
		}
		h(w, r)
	}
}

// lateFeesView is the late fees page: the billings, the lines of one
// (the one just made, or ?run=), and the day the form proposes.
type lateFeesView struct {
	Runs  []insurance.FeeRun
	Run   *insurance.FeeRun
	Lines []insurance.LateFee
	Today period.Date
	Done  bool
}

func (s *Server) uiLateFees(w http.ResponseWriter, r *http.Request) {
	v := &lateFeesView{}
	run, err := queryInt(r, "run")
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	s.renderLateFees(w, r, v, run, nil)
}

func (s *Server) renderLateFees(w http.ResponseWriter, r *http.Request, v *lateFeesView, run int64, formErr error) {
	ctx := r.Context()
	runs, err := s.Insurance.FeeRuns(ctx, 24)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v.Runs, v.Today = runs, period.FromTime(s.Insurance.NowTime())
	if run == 0 && v.Run == nil && len(runs) > 0 {
		run = runs[0].ID
	}
	if v.Run == nil && run != 0 {
		for i := range runs {
			if runs[i].ID == run {
				v.Run = &runs[i]
			}
		}
	}
	if v.Run != nil && v.Lines == nil {
		if v.Lines, err = s.Insurance.LateFees(ctx, insurance.LateFeeFilter{Run: v.Run.ID}); err != nil {
			s.uiError(w, r, err)
			return
		}
	}
	s.renderForm(w, r, "money_fees", "late_fees.title", v, formErr)
}

// renderForm renders a page whose form may have been refused: the
// refusal is shown above it with its status.
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, name, title string, v any, formErr error) {
	p := newPage(r, title, v)
	if formErr != nil {
		p.Error, p.Status = p.L.Error(formErr), statusOf(fault.KindOf(formErr))
	}
	render(w, r, name, p)
}

func (s *Server) uiBillLateFees(w http.ResponseWriter, r *http.Request) {
	v := &lateFeesView{}
	d, err := period.ParseDate(strings.TrimSpace(r.PostFormValue("as_of")))
	if err != nil {
		err = fault.Invalidf("as_of", "date.format", "%q is not a date YYYY-MM-DD", r.PostFormValue("as_of"))
	} else {
		var run insurance.FeeRun
		if run, err = s.Insurance.BillLateFees(r.Context(), d); err == nil {
			v.Run, v.Lines, v.Done = &run, run.Fees, true
		}
	}
	if err != nil && !formError(err) {
		s.uiError(w, r, err)
		return
	}
	s.renderLateFees(w, r, v, 0, err)
}

// creditsView is the credits page: the credits with a balance, the one
// chosen (?credit=) with its forms, and what the last form did.
type creditsView struct {
	Credits   []insurance.Credit
	Chosen    *insurance.Credit
	Rematched *insurance.Payment
	Form      insurance.RefundInput
}

func (s *Server) uiCredits(w http.ResponseWriter, r *http.Request) {
	s.renderCredits(w, r, &creditsView{Form: insurance.RefundInput{Credit: r.URL.Query().Get("credit")}}, nil)
}

func (s *Server) renderCredits(w http.ResponseWriter, r *http.Request, v *creditsView, formErr error) {
	list, err := s.Insurance.Credits(r.Context(), insurance.CreditFilter{Open: true, Limit: 500})
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v.Credits = list
	for i := range list {
		if list[i].Reference == v.Form.Credit {
			v.Chosen = &list[i]
		}
	}
	s.renderForm(w, r, "money_credits", "credits.title", v, formErr)
}

func (s *Server) uiRematch(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("reference")
	v := &creditsView{Form: insurance.RefundInput{Credit: ref}}
	target, err := billKeyOf(r)
	if err == nil {
		var pay insurance.Payment
		if pay, err = s.Insurance.Rematch(r.Context(), ref, target); err == nil {
			v.Rematched = &pay
		}
	}
	if err != nil && !formError(err) && fault.KindOf(err) != fault.NotFound {
		s.uiError(w, r, err)
		return
	}
	s.renderCredits(w, r, v, err)
}

// billKeyOf reads the bill a re-match names: period, payer_kind, payer_id.
func billKeyOf(r *http.Request) (insurance.BillKey, error) {
	p, err := parsePeriod("period", strings.TrimSpace(r.PostFormValue("period")))
	if err != nil {
		return insurance.BillKey{}, err
	}
	kind := insurance.PayerEmployer
	if r.PostFormValue("payer_kind") == "2" {
		kind = insurance.PayerFlexible
	}
	id, err := formID(r, "payer_id")
	if err == nil && id == 0 {
		err = fault.Invalidf("payer_id", "credits.payer", "give the payer's ID")
	}
	return insurance.BillKey{Period: p, PayerKind: kind, PayerID: id}, err
}

// refundsView is the refunds page: the refunds, the refund runs with
// their bank files, and what the last form did.
type refundsView struct {
	Refunds  []insurance.Refund
	Runs     []insurance.RefundRun
	Prepared *insurance.Refund
	Decided  *insurance.Refund
	Issued   *insurance.RefundRun
	Return   *bank.ReturnReport
	Errors   []uploadError // the return file's bad rows
}

func (s *Server) uiRefunds(w http.ResponseWriter, r *http.Request) {
	s.renderRefunds(w, r, &refundsView{}, nil)
}

func (s *Server) renderRefunds(w http.ResponseWriter, r *http.Request, v *refundsView, formErr error) {
	ctx := r.Context()
	list, err := s.Insurance.Refunds(ctx, insurance.RefundFilter{Status: r.URL.Query().Get("status")})
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v.Refunds = list
	if runs, err := s.Insurance.RefundRuns(ctx); err == nil { // city-wide caseworkers only
		v.Runs = runs
	}
	s.renderForm(w, r, "money_refunds", "refunds.title", v, formErr)
}

func (s *Server) uiPrepareRefund(w http.ResponseWriter, r *http.Request) {
	in := insurance.RefundInput{Credit: r.PostFormValue("credit"), Amount: r.PostFormValue("amount"), Holder: r.PostFormValue("holder"),
		Bank: r.PostFormValue("bank"), Account: r.PostFormValue("account"), Reason: r.PostFormValue("reason")}
	ref, err := s.Insurance.PrepareRefund(r.Context(), in)
	if err != nil {
		if !formError(err) && fault.KindOf(err) != fault.NotFound {
			s.uiError(w, r, err)
			return
		}
		s.renderCredits(w, r, &creditsView{Form: in}, err)
		return
	}
	s.renderRefunds(w, r, &refundsView{Prepared: &ref}, nil)
}

func (s *Server) uiDecideRefund(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		ref, err := s.Insurance.DecideRefund(r.Context(), id, approve, r.PostFormValue("note"))
		if err != nil && !formError(err) {
			s.uiError(w, r, err)
			return
		}
		v := &refundsView{}
		if err == nil {
			v.Decided = &ref
		}
		s.renderRefunds(w, r, v, err)
	}
}

func (s *Server) uiIssueRefunds(w http.ResponseWriter, r *http.Request) {
	run, err := s.Insurance.IssueRefunds(r.Context())
	if err != nil && !formError(err) {
		s.uiError(w, r, err)
		return
	}
	v := &refundsView{}
	if err == nil {
		v.Issued = &run
	}
	s.renderRefunds(w, r, v, err)
}

// uiRefundBankFile downloads the bank file of refund run {id}: CSV, or
// Excel when xlsx.
func (s *Server) uiRefundBankFile(xlsx bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		data, err := s.Insurance.RefundBankFile(r.Context(), id, xlsx)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		format := "csv"
		if xlsx {
			format = "xlsx"
		}
		writeDownload(w, "refund-run-"+itoa(id), format, data)
	}
}

// uiRefundReturn takes in the bank's return file of refund runs
// uploaded (CSV or Excel): applied whole, or refused whole with every
// bad row and column listed.
func (s *Server) uiRefundReturn(w http.ResponseWriter, r *http.Request) {
	v := &refundsView{}
	name, data, err := readUpload(r, "returns.choose", "choose the bank's return file")
	var rep bank.ReturnReport
	if err == nil {
		rep, err = s.Insurance.ImportRefundReturn(r.Context(), name, data)
	}
	if err != nil {
		errs, ok := fileErrors(langOf(r), err, fault.Invalid, fault.Conflict)
		if !ok {
			s.uiError(w, r, err)
			return
		}
		v.Errors = errs
	} else {
		v.Return = &rep
	}
	s.renderRefunds(w, r, v, nil)
}
