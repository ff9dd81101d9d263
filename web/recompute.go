package web

import (
	"context"
	"encoding/json"
	"net/http"

	"hrss/insurance"
	"hrss/rules"
	"hrss/rules/period"
)

// The API of provisional pensions recomputed once their year's
// calculation base is published: a caseworker (or the scheduled scan)
// prepares the recomputations, a reviewer other than the preparer
// approves (applies) or rejects them; the next pension run pays the back
// pay or nets the recovery.

// recomputeRoutes are the routes of the pension recomputations.
func (s *Server) recomputeRoutes() []route {
	return []route{
		{"GET", "/api/v1/pensions/recomputations", s.ins(s.listRecomputations)},
		{"POST", "/api/v1/pensions/recomputations/scan", s.ins(s.scanRecomputations)},
		{"GET", "/api/v1/pensions/recomputations/{id}", s.ins(s.getRecomputation)},
		{"POST", "/api/v1/pensions/recomputations/{id}/approve", s.ins(s.decideRecomputation(true))},
		{"POST", "/api/v1/pensions/recomputations/{id}/reject", s.ins(s.decideRecomputation(false))},
		{"POST", "/api/v1/claims/{id}/recomputation", s.ins(s.prepareRecomputation)},
	}
}

func (s *Server) listRecomputations(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	f := insurance.RecomputationFilter{Status: insurance.RecomputationStatus(r.URL.Query().Get("status"))}
	var list []insurance.Recomputation
	var err error
	if f.ClaimID, err = queryInt(r, "claim_id"); err == nil {
		list, err = svc.Recomputations(r.Context(), f)
	}
	respond(w, r, http.StatusOK, items(list), err)
}

// readAsOf reads the optional body of a scan or a preparation,
// {"as_of": "YYYY-MM"}: the last month of payments the differences count
// (0, the current month, when absent); false means the refusal is
// written.
func readAsOf(w http.ResponseWriter, r *http.Request) (period.YearMonth, bool) {
	var in asOfBody
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			writeError(w, r, err)
			return 0, false
		}
	}
	if in.AsOf == "" {
		return 0, true
	}
	p, err := parsePeriod("as_of", in.AsOf)
	if err != nil {
		writeError(w, r, err)
		return 0, false
	}
	return p, true
}

func (s *Server) scanRecomputations(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	asOf, ok := readAsOf(w, r)
	if !ok {
		return
	}
	scan, err := svc.ScanRecomputations(r.Context(), asOf)
	respond(w, r, http.StatusOK, scan, err)
}

func (s *Server) prepareRecomputation(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	asOf, ok := readAsOf(w, r)
	if !ok {
		return
	}
	id, err := pathID(r)
	var rc insurance.Recomputation
	if err == nil {
		rc, err = svc.PrepareRecomputation(r.Context(), id, asOf)
	}
	respond(w, r, http.StatusCreated, rc, err)
}

// recomputationView is one recomputation with what its detail holds: the
// pension recomputed with its trace and the months paid with the back
// pay's trace, in the reader's language.
type recomputationView struct {
	Recomputation insurance.Recomputation   `json:"recomputation"`
	Pension       rules.PensionResult       `json:"pension"`
	BackPay       rules.RecomputationResult `json:"back_pay"`
}

// viewOf reads rc's detail into its view.
func viewOf(rc insurance.Recomputation) recomputationView {
	v := recomputationView{Recomputation: rc}
	var d struct {
		Result        rules.PensionResult       `json:"result"`
		Recomputation rules.RecomputationResult `json:"recomputation"`
	}
	if json.Unmarshal(rc.Detail, &d) == nil {
		v.Pension, v.BackPay = d.Result, d.Recomputation
	}
	return v
}

func (s *Server) getRecomputation(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	get(w, r, func(ctx context.Context, id int64) (recomputationView, error) {
		rc, err := svc.Recomputation(ctx, id)
		return viewOf(rc), err
	})
}

func (s *Server) decideRecomputation(approve bool) func(http.ResponseWriter, *http.Request, *insurance.Service) {
	return func(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
		note, ok := readNote(w, r)
		if !ok {
			return
		}
		get(w, r, func(ctx context.Context, id int64) (insurance.Recomputation, error) {
			return svc.DecideRecomputation(ctx, id, approve, note)
		})
	}
}
