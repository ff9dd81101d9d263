package web

import (
	"encoding/json"
	"net/http"

	"hrss/queue"
	"hrss/rules/fault"
)

// The job queue over HTTP: any server lists and shows the jobs of every
// server (their progress and outcome are in the database) and enqueues
// one for whichever server's worker claims it first.
func (s *Server) queueRoutes() []route {
	return []route{
		{"GET", "/api/v1/queue", s.withQueue(s.listQueue)},
		{"POST", "/api/v1/queue", s.withQueue(s.enqueue)},
		{"GET", "/api/v1/queue/{id}", s.withQueue(s.getQueued)},
	}
}

// withQueue answers 404 when the server has no queue.
func (s *Server) withQueue(h func(http.ResponseWriter, *http.Request, *queue.Queue)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Queue == nil {
			writeError(w, r, fault.NotFoundf("this server runs no job queue"))
			return
		}
		h(w, r, s.Queue)
	}
}

// jobOut is a job as the API shows it.
type jobOut struct {
	queue.Job
	Percent int `json:"percent"`
	// Repeated says a request key's earlier request queued the job: a
	// repeat of that request queued nothing.
	Repeated bool `json:"repeated,omitempty"`
}

func newJobOut(j queue.Job) jobOut {
	o := jobOut{Job: j}
	switch {
	case j.State == queue.Succeeded:
		o.Percent = 100
	case j.Total > 0:
		o.Percent = int(j.Done * 100 / j.Total)
	}
	return o
}

// latestJobs lists the queue's latest 20 jobs of the kinds the caller
// may see, for the runs screen (none without a queue): their state and
// progress are in the database, so every server shows every server's.
func (s *Server) latestJobs(r *http.Request) ([]jobOut, error) {
	if s.Queue == nil {
		return nil, nil
	}
	js, err := s.Queue.Jobs(r.Context(), queue.Filter{Limit: 20})
	if fault.KindOf(err) == fault.Forbidden {
		return nil, nil
	}
	out := make([]jobOut, len(js))
	for i, j := range js {
		out[i] = newJobOut(j)
	}
	return out, err
}

func (s *Server) listQueue(w http.ResponseWriter, r *http.Request, q *queue.Queue) {
	before, err := queryInt(r, "before")
	if err != nil {
		writeError(w, r, err)
		return
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		writeError(w, r, err)
		return
	}
	f := queue.Filter{State: queue.State(r.URL.Query().Get("state")), Before: before, Limit: int(limit)}
	if k := r.URL.Query().Get("kind"); k != "" {
		f.Kinds = []string{k}
	}
	js, err := q.Jobs(r.Context(), f)
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := struct {
		Items []jobOut `json:"items"`
	}{Items: make([]jobOut, len(js))}
	for i, j := range js {
		out.Items[i] = newJobOut(j)
	}
	writeJSON(w, http.StatusOK, localized(r, out))
}

func (s *Server) enqueue(w http.ResponseWriter, r *http.Request, q *queue.Queue) {
	var in struct {
		Kind string          `json:"kind"`
		Args json.RawMessage `json:"args"`
	}
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	j, err := q.Enqueue(r.Context(), in.Kind, in.Args)
	respond(w, r, http.StatusAccepted, newJobOut(j), err)
}

func (s *Server) getQueued(w http.ResponseWriter, r *http.Request, q *queue.Queue) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	j, err := q.Job(r.Context(), id)
	respond(w, r, http.StatusOK, newJobOut(j), err)
}
