package web

import (
	"net/http"

	"hrss/employment"
	"hrss/rules/fault"
)

// The citizens' job fairs: the open fairs to come with the employers
// taking part, their vacancies and free slots, and booking (or
// cancelling) one's own interview slot, over the API and on the /fairs
// screen. The employment service checks who may (employment/bookings.go).

// bookingBody is the body of a booking.
type bookingBody struct {
	EmployerID int64 `json:"employer_id"`
}

func (s *Server) upcomingFairs(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	offers, err := svc.UpcomingFairs(r.Context(), r.URL.Query().Get("division"))
	respond(w, r, http.StatusOK, map[string]any{"items": offers}, err)
}

func (s *Server) bookFair(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	id, err := pathID(r)
	var in bookingBody
	if err == nil {
		err = decode(r, &in)
	}
	var b employment.FairBooking
	if err == nil {
		b, err = svc.BookFair(r.Context(), id, in.EmployerID)
	}
	respond(w, r, http.StatusCreated, b, err)
}

func (s *Server) cancelBooking(w http.ResponseWriter, r *http.Request, svc *employment.Service) {
	id, err := pathID(r)
	if err == nil {
		err = svc.CancelBooking(r.Context(), id)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// fairsView is the citizens' fairs screen.
type fairsView struct {
	Offers  []employment.FairOffer
	Citizen bool   // may book
	Done    string // "booked" or "cancelled" after a form
}

// uiFairs lists the open fairs to come, with the booking forms for a
// citizen.
func (s *Server) uiFairs(w http.ResponseWriter, r *http.Request) {
	s.fairsPage(w, r, nil)
}

func (s *Server) fairsPage(w http.ResponseWriter, r *http.Request, failed error) {
	c, err := requireCaller(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	if s.Jobs == nil {
		s.uiNotFound(w, r)
		return
	}
	v := fairsView{Citizen: c.Role == "citizen", Done: r.URL.Query().Get("done")}
	if v.Offers, err = s.Jobs.UpcomingFairs(r.Context(), ""); err != nil {
		s.uiError(w, r, err)
		return
	}
	p := newPage(r, "fairs.title", &v)
	if failed != nil {
		p.Error, p.Status, v.Done = p.L.Error(failed), statusOf(fault.KindOf(failed)), ""
	}
	render(w, r, "fairs", p)
}

// uiBookFair books the slot of the form (employer) at fair {id}.
func (s *Server) uiBookFair(w http.ResponseWriter, r *http.Request) {
	s.fairForm(w, r, "booked", func(id int64) error {
		employer, err := formID(r, "employer")
		if err == nil {
			_, err = s.Jobs.BookFair(r.Context(), id, employer)
		}
		return err
	})
}

// uiCancelBooking cancels the caller's booking at fair {id}.
func (s *Server) uiCancelBooking(w http.ResponseWriter, r *http.Request) {
	s.fairForm(w, r, "cancelled", func(id int64) error { return s.Jobs.CancelBooking(r.Context(), id) })
}

// fairForm runs a booking form's change, then shows the fairs again: with
// done after it, or with the refusal.
func (s *Server) fairForm(w http.ResponseWriter, r *http.Request, done string, change func(int64) error) {
	id, err := pathID(r)
	if err == nil && s.Jobs != nil {
		err = change(id)
	}
	switch k := fault.KindOf(err); {
	case err == nil:
		http.Redirect(w, r, "/fairs?done="+done, http.StatusSeeOther)
	case k == fault.Invalid || k == fault.Conflict || k == fault.Forbidden || k == fault.NotFound:
		s.fairsPage(w, r, err)
	default:
		s.uiError(w, r, err)
	}
}
