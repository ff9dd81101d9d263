package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"hrss/access"
	"hrss/insurance"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// Claims from the browser: a caseworker opens a pension claim from the
// person page (the insurance service computes it from the person's record
// with its trace); a reviewer of the division approves or rejects it, and
// never one they prepared (four eyes: the service refuses, the page does
// not offer it). Lists and decisions are the insurance service's; the
// handlers only ask and render.

// claimsView is the claims list.
type claimsView struct {
	Status   string
	Statuses []insurance.ClaimStatus
	Claims   []insurance.Claim
}

// uiClaims lists the claims the caller may see, pending ones by default.
func (s *Server) uiClaims(w http.ResponseWriter, r *http.Request) {
	if s.Insurance == nil {
		s.uiNotFound(w, r)
		return
	}
	v := claimsView{Status: pick(r.URL.Query().Get("status"), string(insurance.ClaimPending)),
		Statuses: []insurance.ClaimStatus{insurance.ClaimPending, insurance.ClaimApproved, insurance.ClaimRejected, insurance.ClaimStopped, insurance.ClaimExhausted}}
	if v.Status == "all" {
		v.Status = ""
	}
	var err error
	v.Claims, err = s.Insurance.Claims(r.Context(), insurance.ClaimFilter{Status: insurance.ClaimStatus(v.Status)})
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	if v.Status == "" {
		v.Status = "all"
	}
	render(w, r, "claims", newPage(r, "claims.title", &v))
}

// claimView is one claim with its explanation.
type claimView struct {
	Claim     insurance.Claim
	Trace     []rules.Step
	CanDecide bool // a reviewer who did not prepare it, while pending
	Own       bool // the caller prepared it
	Record    claimRecord
	// Recomputations are a pension's recomputations with its published
	// base; CanRecompute offers a caseworker to prepare one while the
	// pension is provisional.
	Recomputations []insurance.Recomputation
	CanRecompute   bool
}

// claimDetail is what the claim page reads of a claim's detail: the
// trace of its amount and the registration it was opened from.
type claimDetail struct {
	Result struct {
		Trace []rules.Step `json:"trace"`
	} `json:"result"`
	Registration struct {
		Registered   period.Date                         `json:"registered"`
		Registration *insurance.UnemploymentRegistration `json:"registration"`
	} `json:"registration"`
}

// uiClaim shows a claim, the rules' trace of its amount, the
// registration it was opened from, its stop (the Art. 51 ground and day,
// what is still due), its payments with their medical contributions and
// nettings, and to a reviewer who did not prepare it, the approve and
// reject buttons.
func (s *Server) uiClaim(w http.ResponseWriter, r *http.Request) {
	if s.Insurance == nil {
		s.uiNotFound(w, r)
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	cl, err := s.Insurance.Claim(r.Context(), id)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	c, _ := access.CallerFrom(r.Context())
	v := claimView{Claim: cl, Own: cl.Preparer == c.Actor()}
	v.CanDecide = cl.Status == insurance.ClaimPending && c.Can(access.ApprovePayments) && !v.Own
	var d claimDetail
	if json.Unmarshal(cl.Detail, &d) == nil {
		v.Trace = d.Result.Trace
	}
	v.Record = s.claimRecordOf(r, cl, d)
	if cl.Kind == insurance.ClaimPension {
		v.Recomputations, _ = s.Insurance.Recomputations(r.Context(), insurance.RecomputationFilter{ClaimID: cl.ID})
		v.CanRecompute = cl.ProvisionalYear > 0 && cl.Status == insurance.ClaimApproved && c.Can(access.OpenClaims) && !openRecomputation(v.Recomputations)
	}
	render(w, r, "claim", newPage(r, "claim.title", &v))
}

// openRecomputation reports whether one of rs is prepared or applied.
func openRecomputation(rs []insurance.Recomputation) bool {
	for _, r := range rs {
		if r.Status != insurance.RecomputationRejected {
			return true
		}
	}
	return false
}

// uiDecide approves (approve) or rejects a claim, then shows it again.
func (s *Server) uiDecide(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Insurance == nil {
			s.uiNotFound(w, r)
			return
		}
		id, err := pathID(r)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		if _, err := s.Insurance.Approve(r.Context(), id, approve); err != nil {
			s.uiError(w, r, err)
			return
		}
		http.Redirect(w, r, "/claims/"+itoa(id), http.StatusSeeOther)
	}
}

// uiOpenPensionClaim opens a pension claim of person {id} from the form
// of the person page and shows it; a refusal shows the person page's
// error.
func (s *Server) uiOpenPensionClaim(w http.ResponseWriter, r *http.Request) {
	if s.Insurance == nil {
		s.uiNotFound(w, r)
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	cl, err := s.Insurance.OpenPensionClaim(r.Context(), insurance.PensionClaimInput{PersonID: id, Category: rules.Category(r.PostFormValue("category")),
		Retire: strings.TrimSpace(r.PostFormValue("retire")), DeemedYears: strings.TrimSpace(r.PostFormValue("deemed_years")),
		DeemedIndex: strings.TrimSpace(r.PostFormValue("deemed_index"))})
	if err != nil {
		if k := fault.KindOf(err); k == fault.Invalid || k == fault.Conflict {
			p := newPage(r, "claim.open_refused", nil)
			p.Status, p.Error = statusOf(k), p.L.Error(err)
			p.Data = &claimRefusal{PersonID: id}
			render(w, r, "claim_refused", p)
			return
		}
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/claims/"+itoa(cl.ID), http.StatusSeeOther)
}

// uiOpenUnemploymentClaim opens an unemployment benefit claim of person
// {id} for the ended relation of the form, from the person's active
// unemployment registration in the employment services.
func (s *Server) uiOpenUnemploymentClaim(w http.ResponseWriter, r *http.Request) {
	if s.Insurance == nil {
		s.uiNotFound(w, r)
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	in := insurance.UnemploymentClaimInput{PersonID: id}
	if in.EmploymentID, err = formID(r, "employment_id"); err == nil && strings.TrimSpace(r.PostFormValue("prior_months")) != "" {
		var n int64
		if n, err = formID(r, "prior_months"); err == nil {
			in.PriorMonths = int(n)
		}
	}
	var cl insurance.Claim
	if err == nil {
		cl, err = s.Insurance.OpenUnemploymentClaim(r.Context(), in)
	}
	if err != nil {
		if k := fault.KindOf(err); k == fault.Invalid || k == fault.Conflict {
			p := newPage(r, "claim.open_refused", &claimRefusal{PersonID: id})
			p.Status, p.Error = statusOf(k), p.L.Error(err)
			render(w, r, "claim_refused", p)
			return
		}
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/claims/"+itoa(cl.ID), http.StatusSeeOther)
}

// claimRefusal is the page of a refused claim: back to the person.
type claimRefusal struct{ PersonID int64 }
