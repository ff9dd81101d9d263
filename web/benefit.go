package web

import (
	"net/http"

	"hrss/employment"
	"hrss/insurance"
)

// Unemployment benefit from the record (社会保险法 Art. 48, 51): the
// refusals of suitable work or training recorded on a registration, the
// payments of a claim with their medical contributions and nettings, the
// overpayments a stop found and their repayments. Routes in routes().

func (s *Server) getUnemployment(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	get(w, r, svc.Refusals)
}

func (s *Server) recordRefusal(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	update(w, r, svc.RecordRefusal)
}

func (s *Server) claimPayments(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	pays, err := svc.ClaimPayments(r.Context(), id)
	respond(w, r, http.StatusOK, items(pays), err)
}

func (s *Server) listOverpayments(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	person, err := queryInt(r, "person_id")
	if err != nil {
		writeError(w, r, err)
		return
	}
	os, err := svc.Overpayments(r.Context(), person)
	respond(w, r, http.StatusOK, items(os), err)
}

func (s *Server) recordRecovery(w http.ResponseWriter, r *http.Request, svc *insurance.Service) {
	update(w, r, svc.RecordRecovery)
}
