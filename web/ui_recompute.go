package web

import (
	"net/http"
	"strings"

	"hrss/access"
	"hrss/insurance"
	"hrss/rules/period"
)

// The screens of the pension recomputations. /pensions/recomputations
// lists them (those to review by default): a caseworker scans for the
// provisional pensions whose base is now published, a reviewer other
// than the preparer approves or rejects each; /pensions/recomputations/{id}
// shows one with the months paid, the back pay or recovery and both
// traces. The claim page shows a provisional pension and its
// recomputations, and offers a caseworker to prepare one.

// uiRecomputeRoutes are the routes of these screens.
func (s *Server) uiRecomputeRoutes() []uiRoute {
	return []uiRoute{
		{"GET /pensions/recomputations", s.insUI(s.uiRecomputations)},
		{"POST /pensions/recomputations/scan", s.insUI(s.uiScanRecomputations)},
		{"GET /pensions/recomputations/{id}", s.insUI(s.uiRecomputation)},
		{"POST /pensions/recomputations/{id}/approve", s.insUI(s.uiDecideRecomputation(true))},
		{"POST /pensions/recomputations/{id}/reject", s.insUI(s.uiDecideRecomputation(false))},
		{"POST /claims/{id}/recompute", s.insUI(s.uiPrepareRecomputation)},
	}
}

// recomputationsView is the list page.
type recomputationsView struct {
	Status   string
	Statuses []insurance.RecomputationStatus
	List     []insurance.Recomputation
	Scan     *insurance.RecomputeScan // what a scan just prepared
	Decided  *insurance.Recomputation
}

func (s *Server) uiRecomputations(w http.ResponseWriter, r *http.Request) {
	s.renderRecomputations(w, r, &recomputationsView{}, nil)
}

// renderRecomputations lists the recomputations of ?status= (prepared by
// default, "all" for every one) into v and renders it.
func (s *Server) renderRecomputations(w http.ResponseWriter, r *http.Request, v *recomputationsView, formErr error) {
	v.Status = pick(r.URL.Query().Get("status"), string(insurance.RecomputationPrepared))
	v.Statuses = []insurance.RecomputationStatus{insurance.RecomputationPrepared, insurance.RecomputationApplied, insurance.RecomputationRejected}
	f := insurance.RecomputationFilter{Status: insurance.RecomputationStatus(v.Status)}
	if v.Status == "all" {
		f.Status = ""
	}
	list, err := s.Insurance.Recomputations(r.Context(), f)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v.List = list
	s.renderForm(w, r, "recomputations", "recompute.title", v, formErr)
}

// uiScanRecomputations scans for the provisional pensions whose base is
// published (as_of: the last month of payments counted, default the
// current one).
func (s *Server) uiScanRecomputations(w http.ResponseWriter, r *http.Request) {
	asOf, err := formMonth(r, "as_of")
	var scan insurance.RecomputeScan
	if err == nil {
		scan, err = s.Insurance.ScanRecomputations(r.Context(), asOf)
	}
	if err != nil && !formError(err) {
		s.uiError(w, r, err)
		return
	}
	v := &recomputationsView{}
	if err == nil {
		v.Scan = &scan
	}
	s.renderRecomputations(w, r, v, err)
}

// formMonth reads an optional month YYYY-MM of the form (0 when empty).
func formMonth(r *http.Request, name string) (period.YearMonth, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return 0, nil
	}
	return parsePeriod(name, v)
}

// recomputationPage is one recomputation with its figures and traces.
type recomputationPage struct {
	recomputationView
	CanDecide bool // a reviewer who did not prepare it, while prepared
	Own       bool // the caller prepared it
}

func (s *Server) uiRecomputation(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var rc insurance.Recomputation
	if err == nil {
		rc, err = s.Insurance.Recomputation(r.Context(), id)
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	c, _ := access.CallerFrom(r.Context())
	v := &recomputationPage{recomputationView: viewOf(rc), Own: rc.PreparedBy == c.UserID && !c.IsSystem()}
	v.CanDecide = rc.Status == insurance.RecomputationPrepared && c.Can(access.ApprovePayments) && !v.Own
	render(w, r, "recomputation", newPage(r, "recompute.one", v))
}

func (s *Server) uiDecideRecomputation(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		rc, err := s.Insurance.DecideRecomputation(r.Context(), id, approve, r.PostFormValue("note"))
		if err != nil && !formError(err) {
			s.uiError(w, r, err)
			return
		}
		v := &recomputationsView{}
		if err == nil {
			v.Decided = &rc
		}
		s.renderRecomputations(w, r, v, err)
	}
}

// uiPrepareRecomputation prepares the recomputation of claim {id} and
// shows it; a refusal shows the list with its reason.
func (s *Server) uiPrepareRecomputation(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var rc insurance.Recomputation
	if err == nil {
		rc, err = s.Insurance.PrepareRecomputation(r.Context(), id, 0)
	}
	if err != nil {
		if !formError(err) {
			s.uiError(w, r, err)
			return
		}
		s.renderRecomputations(w, r, &recomputationsView{}, err)
		return
	}
	http.Redirect(w, r, "/pensions/recomputations/"+itoa(rc.ID), http.StatusSeeOther)
}
