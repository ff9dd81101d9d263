package web

import (
	"context"
	"net/http"
)

// create decodes an input, calls a service's create method and renders
// the result with 201 Created.
func create[In, Out any](w http.ResponseWriter, r *http.Request, fn func(context.Context, In) (Out, error)) {
	var in In
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	out, err := fn(r.Context(), in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, localized(r, out))
}

// get reads the {id} path value, calls a service's read method and renders the result.
func get[Out any](w http.ResponseWriter, r *http.Request, fn func(context.Context, int64) (Out, error)) {
	id, err := pathID(r)
	if err == nil {
		var out Out
		if out, err = fn(r.Context(), id); err == nil {
			writeJSON(w, http.StatusOK, localized(r, out))
			return
		}
	}
	writeError(w, r, err)
}

// update reads the {id} path value and an input, calls a service's update
// method and renders the result.
func update[In, Out any](w http.ResponseWriter, r *http.Request, fn func(context.Context, int64, In) (Out, error)) {
	var in In
	id, err := pathID(r)
	if err == nil {
		err = decode(r, &in)
	}
	if err == nil {
		var out Out
		if out, err = fn(r.Context(), id, in); err == nil {
			writeJSON(w, http.StatusOK, localized(r, out))
			return
		}
	}
	writeError(w, r, err)
}
