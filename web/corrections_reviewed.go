package web

import (
	"context"
	"net/http"

	"hrss/insurance"
)

// The API of corrections under four eyes: a caseworker prepares one (by
// hand, or derived from a changed yearly base declaration or a late
// enrolment), a reviewer other than the preparer approves it (which
// applies it) or rejects it.

// reviewedCorrectionRoutes are the routes of the prepared corrections.
func (s *Server) reviewedCorrectionRoutes() []route {
	return []route{
		{"GET", "/api/v1/corrections/prepared", s.ins(s.listPreparedCorrections)},
		{"POST", "/api/v1/corrections", s.ins(s.prepareCorrection)},
		{"POST", "/api/v1/corrections/derived", s.ins(s.deriveCorrection)},
		{"POST", "/api/v1/corrections/prepared/{id}/approve", s.ins(s.decideCorrection(true))},
		{"POST", "/api/v1/corrections/prepared/{id}/reject", s.ins(s.decideCorrection(false))},
	}
}

func (s *Server) listPreparedCorrections(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	list, err := svc.PreparedCorrections(r.Context(), insurance.CorrectionFilter{Status: insurance.CorrectionStatus(r.URL.Query().Get("status"))})
	respond(w, r, http.StatusOK, items(list), err)
}

func (s *Server) prepareCorrection(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	create(w, r, svc.PrepareCorrection)
}

func (s *Server) deriveCorrection(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	create(w, r, svc.DeriveCorrection)
}

// decision is the answer of an approval or a rejection: the correction
// as decided and, when approved, what its adjustments billed.
type decision struct {
	Correction insurance.PreparedCorrection `json:"correction"`
	Report     *insurance.CorrectionReport  `json:"report,omitempty"`
}

func (s *Server) decideCorrection(approve bool) func(http.ResponseWriter, *http.Request, *insurance.Service) {
	return func(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
		note, ok := readNote(w, r)
		if !ok {
			return
		}
		get(w, r, func(ctx context.Context, id int64) (decision, error) {
			pc, rep, err := svc.DecideCorrection(ctx, id, approve, note)
			d := decision{Correction: pc}
			if approve {
				d.Report = &rep
			}
			return d, err
		})
	}
}

// readNote reads a decision's optional body {"note": …}; false means the
// refusal of a bad body is written.
func readNote(w http.ResponseWriter, r *http.Request) (string, bool) {
	var in noteBody
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			writeError(w, r, err)
			return "", false
		}
	}
	return in.Note, true
}
