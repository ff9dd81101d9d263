package web

import (
	"net/http"
	"strings"

	"hrss/access"
	"hrss/employment"
	"hrss/insurance"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// Unemployment benefit from the record on the screens: the registration
// page with the refusals of offers recorded on it and the form to record
// one (a caseworker, while the registration is active); the overpayments
// a stop found, with the form to record a repayment; the claim page's
// registration, stop and payments (uiClaim). The services decide; the
// handlers only ask and render.

// registrationView is the unemployment registration page.
type registrationView struct {
	employment.RegistrationRefusals
	CanRefuse bool // a caseworker, the registration active
	Recorded  bool // a refusal was just recorded
}

// uiRegistration shows unemployment registration {id} with its refusals.
func (s *Server) uiRegistration(w http.ResponseWriter, r *http.Request) {
	s.registrationPage(w, r, nil, false)
}

// registrationPage renders the registration page; failed is the error of
// the form just sent (shown above, with its status), recorded whether it
// recorded a refusal.
func (s *Server) registrationPage(w http.ResponseWriter, r *http.Request, failed error, recorded bool) {
	if s.Jobs == nil {
		s.uiNotFound(w, r)
		return
	}
	id, err := pathID(r)
	if err == nil {
		var v registrationView
		if v.RegistrationRefusals, err = s.Jobs.Refusals(r.Context(), id); err == nil {
			c, _ := access.CallerFrom(r.Context())
			v.CanRefuse = c.Role == access.Caseworker && !c.ReadOnly && v.Registration.Status == employment.Active
			v.Recorded = recorded
			p := newPage(r, "unemployment_reg.title", &v)
			if failed != nil {
				p.Error, p.Status = p.L.Error(failed), statusOf(fault.KindOf(failed))
			}
			render(w, r, "unemployment", p)
			return
		}
	}
	s.uiError(w, r, err)
}

// uiRecordRefusal records the refusal of the form on registration {id}
// and shows the registration again; a refusal the service refuses shows
// the page with the error.
func (s *Server) uiRecordRefusal(w http.ResponseWriter, r *http.Request) {
	if s.Jobs == nil {
		s.uiNotFound(w, r)
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	in := employment.OfferRefusalInput{Date: strings.TrimSpace(r.PostFormValue("date")), Offer: r.PostFormValue("offer"), Note: r.PostFormValue("note")}
	if strings.TrimSpace(r.PostFormValue("vacancy_id")) != "" {
		in.VacancyID, err = formID(r, "vacancy_id")
	}
	if err == nil {
		_, err = s.Jobs.RecordRefusal(r.Context(), id, in)
	}
	if k := fault.KindOf(err); err != nil && k != fault.Invalid && k != fault.Conflict {
		s.uiError(w, r, err)
		return
	}
	s.registrationPage(w, r, err, err == nil)
}

// overpaymentsView is the overpayments list.
type overpaymentsView struct {
	PersonID   int64 // 0: all within reach
	Items      []insurance.Overpayment
	CanRecover bool // a caseworker may record repayments
	Recovered  *insurance.Overpayment
}

// uiOverpayments lists the overpayments of ?person= (all within the
// caller's reach without it).
func (s *Server) uiOverpayments(w http.ResponseWriter, r *http.Request) {
	s.overpaymentsPage(w, r, nil, nil)
}

// overpaymentsPage renders the overpayments list; failed is the error of
// the repayment form just sent, recovered the overpayment it repaid.
func (s *Server) overpaymentsPage(w http.ResponseWriter, r *http.Request, failed error, recovered *insurance.Overpayment) {
	if s.Insurance == nil {
		s.uiNotFound(w, r)
		return
	}
	v := overpaymentsView{Recovered: recovered}
	var err error
	if v.PersonID, err = queryInt(r, "person"); err == nil {
		v.Items, err = s.Insurance.Overpayments(r.Context(), v.PersonID)
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	c, _ := access.CallerFrom(r.Context())
	v.CanRecover = c.Can(access.OpenClaims) && !c.ReadOnly
	p := newPage(r, "overpay.title", &v)
	if failed != nil {
		p.Error, p.Status = p.L.Error(failed), statusOf(fault.KindOf(failed))
	}
	render(w, r, "overpayments", p)
}

// uiRecordRecovery records the repayment of the form on overpayment {id}
// and shows the list again (of the form's person); a repayment the
// service refuses shows the list with the error.
func (s *Server) uiRecordRecovery(w http.ResponseWriter, r *http.Request) {
	if s.Insurance == nil {
		s.uiNotFound(w, r)
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	o, err := s.Insurance.RecordRecovery(r.Context(), id, insurance.RecoveryInput{Amount: r.PostFormValue("amount"), Reference: r.PostFormValue("reference")})
	if k := fault.KindOf(err); err != nil && k != fault.Invalid && k != fault.Conflict {
		s.uiError(w, r, err)
		return
	}
	var done *insurance.Overpayment
	if err == nil {
		done = &o
	}
	s.overpaymentsPage(w, r, err, done)
}

// paymentRow is one payment of a claim with what the bank paid of it.
type paymentRow struct {
	insurance.BenefitPayment
	Bank money.Fen // Amount + BackPay - Netted
}

// claimRecord is what the claim page shows beyond the claim: the
// registration it was opened from and its payments.
type claimRecord struct {
	Registered     period.Date // read from the employment services' record
	RegistrationID int64
	Payments       []paymentRow
	Medical        money.Fen // the medical contributions of all payments
	Overpaid       bool      // an overpayment names the claim
	BackPay        bool      // a payment carries a recomputed pension's back pay
}

// claimRecordOf reads the registration of claim cl's detail, its payments
// and whether an overpayment names it; a service error leaves them out.
func (s *Server) claimRecordOf(r *http.Request, cl insurance.Claim, detail claimDetail) claimRecord {
	var rec claimRecord
	if reg := detail.Registration; !reg.Registered.IsZero() {
		rec.Registered = reg.Registered
		if reg.Registration != nil {
			rec.RegistrationID = reg.Registration.ID
		}
	}
	pays, err := s.Insurance.ClaimPayments(r.Context(), cl.ID)
	if err != nil {
		return rec
	}
	for _, p := range pays {
		rec.Payments = append(rec.Payments, paymentRow{p, p.Amount + p.BackPay - p.Netted})
		rec.Medical += p.Medical
		rec.BackPay = rec.BackPay || p.BackPay != 0
	}
	if os, err := s.Insurance.Overpayments(r.Context(), cl.PersonID); err == nil {
		for _, o := range os {
			rec.Overpaid = rec.Overpaid || o.ClaimID == cl.ID
		}
	}
	return rec
}
