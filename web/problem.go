package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"hrss/rules/fault"
	"hrss/rules/msg"
)

// problem is an RFC 9457 problem detail, extended with the field and the
// rule an invalid input broke.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Field  string `json:"field,omitempty"`
	Rule   string `json:"rule,omitempty"`
	Row    int    `json:"row,omitempty"`
	Column string `json:"column,omitempty"`
	// Key and Args are a rule's error as a message of the rules'
	// catalogue (rules/msg), and Message its text in the request's
	// language (?lang=, Accept-Language); Detail stays English.
	Key     string    `json:"key,omitempty"`
	Args    []msg.Arg `json:"args,omitempty"`
	Message string    `json:"message,omitempty"`
	// Words are the messages of an error worded by several (the grounds
	// of a refusal: rules.Why, each with its key and arguments).
	Words fault.Wording `json:"messages,omitempty"`
	// RequestID is the request's X-Request-ID, to find it in the log.
	RequestID string `json:"request_id,omitempty"`
}

// statusOf maps an error kind to its HTTP status.
func statusOf(k fault.Kind) int {
	switch k {
	case fault.Invalid:
		return http.StatusUnprocessableEntity
	case fault.NotFound:
		return http.StatusNotFound
	case fault.Conflict:
		return http.StatusConflict
	case fault.Unauthorized:
		return http.StatusUnauthorized
	case fault.Forbidden:
		return http.StatusForbidden
	case fault.Throttled:
		return http.StatusTooManyRequests
	case fault.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// writeError renders err as application/problem+json. Internal errors are
// logged and shown without their detail.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	var fe *fault.Error
	p := problem{Type: "about:blank", RequestID: RequestID(r.Context())}
	if errors.As(err, &fe) && fe.Kind != fault.Internal {
		p.Status = statusOf(fe.Kind)
		p.Detail, p.Field, p.Rule, p.Row, p.Column = fe.Error(), fe.Field, fe.Rule, fe.Row, fe.Col
		if fe.Worded() {
			p.Key, p.Args, p.Words, p.Message = fe.Key, fe.Args, fe.Words, apiLang(r).Error(fe)
		}
		if fe.Rule != "" {
			p.Type = "urn:hrss:rule:" + fe.Rule
		}
	} else {
		slog.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		p.Status, p.Detail = http.StatusInternalServerError, "internal error; the server log has the details"
	}
	p.Title = http.StatusText(p.Status)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

// writeJSON renders v as JSON with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// maxBody bounds a JSON request body.
const maxBody = 1 << 20

// decode reads a JSON body into v, refusing unknown fields, trailing
// data and bodies over maxBody.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			return fault.Invalidf(ute.Field, "json.type", "must be a JSON %s", ute.Type.String())
		}
		return fault.Invalidf("body", "json.syntax", "the body is not the JSON object this route takes: %v", err)
	}
	if dec.More() {
		return fault.Invalidf("body", "json.syntax", "the body holds more than one JSON value")
	}
	return nil
}
