package web

import (
	"crypto/rand"
	"net/http"
	"strconv"

	"hrss/access"
	"hrss/rules/fault"
)

// A POST that must not be done twice (a payment run) carries a request
// key: an API client sends it in the header idempotencyHeader, a screen's
// form in the hidden field requestKeyField, made fresh each time the form
// is shown. The service stores the key with what the request made, so a
// repeat of the request (two clicks, a client retrying after a timeout)
// reports that instead of doing it again.
const (
	idempotencyHeader = "Idempotency-Key"
	requestKeyField   = "request_key"
	maxRequestKey     = 128
)

// apiRequestKey returns the request key of an API request, from its
// Idempotency-Key header ("" without one).
func apiRequestKey(r *http.Request) (string, error) {
	return scopedRequestKey(r, idempotencyHeader, r.Header.Get(idempotencyHeader))
}

// formRequestKey returns the request key of a screen's form, from its
// field request_key ("" without one).
func formRequestKey(r *http.Request) (string, error) {
	return scopedRequestKey(r, requestKeyField, r.PostFormValue(requestKeyField))
}

// scopedRequestKey checks key, read from field, and returns it scoped to
// the caller ("request/u<user id>/<key>"), so that two users' keys never
// meet. A key is 1 to 128 printable ASCII characters without spaces; any
// other is Invalid, naming field and the rule request.key.
func scopedRequestKey(r *http.Request, field, key string) (string, error) {
	if key == "" {
		return "", nil
	}
	if len(key) > maxRequestKey {
		return "", fault.Invalidf(field, "request.key", "the request key is %d characters long: at most %d", len(key), maxRequestKey)
	}
	for i := 0; i < len(key); i++ {
		if key[i] <= ' ' || key[i] > '~' {
			return "", fault.Invalidf(field, "request.key", "the request key has a character that is not printable ASCII at %d: use letters, digits and punctuation, no spaces", i+1)
		}
	}
	c, err := access.Current(r.Context())
	if err != nil {
		return "", err
	}
	return "request/u" + strconv.FormatInt(c.UserID, 10) + "/" + key, nil
}

// newRequestKey makes the request key of a form shown now.
func newRequestKey() string { return rand.Text() }
