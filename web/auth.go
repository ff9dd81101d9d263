package web

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"hrss/access"
	"hrss/rules/fault"
)

// Sign-in travels two ways: API clients send "Authorization: Bearer
// SECRET" (a session from POST /api/v1/session, or an API token); browsers
// carry the session secret in the sessionCookie (HttpOnly, SameSite=Strict,
// Secure over TLS), and must send the session's CSRF token with every
// unsafe request (header csrfHeader or form field csrfField).
const (
	sessionCookie = "hrss_session"
	csrfHeader    = "X-CSRF-Token"
	csrfField     = "csrf_token"
	reasonHeader  = "Hrss-Reason" // why the caller looks, recorded in the audit trail
)

type secretKey struct{}

// authenticate attaches the caller of the request's credentials to its
// context (access.WithCaller). No credentials: the request goes on
// anonymous and the services refuse what needs a caller. A bad bearer
// secret is refused at once (401); a bad cookie is cleared and ignored, so
// that a stale cookie never blocks signing in again.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret, viaCookie, err := credentials(r)
		if err != nil || (secret != "" && s.Access == nil) {
			writeError(w, r, orUnauthorized(err))
			return
		}
		if secret == "" {
			next.ServeHTTP(w, r)
			return
		}
		c, err := s.Access.Authenticate(r.Context(), secret, clientIP(r))
		switch {
		case err != nil && viaCookie && fault.KindOf(err) == fault.Unauthorized:
			clearSessionCookie(w, r)
			next.ServeHTTP(w, r)
			return
		case err != nil:
			writeError(w, r, err)
			return
		case viaCookie && unsafeMethod(r.Method):
			// the CSRF check may read a form: bound the body first (no
			// browser form or upload of hrss is larger than maxUpload)
			r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
			if err := checkCSRF(r, secret); err != nil {
				s.refuseRequest(w, r, err) // a page for a browser route, JSON for the API
				return
			}
		}
		ctx := access.WithCaller(r.Context(), c)
		if reason := r.Header.Get(reasonHeader); reason != "" {
			ctx = access.WithReason(ctx, reason)
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, secretKey{}, secret)))
	})
}

func orUnauthorized(err error) error {
	if err != nil {
		return err
	}
	return &fault.Error{Kind: fault.Unauthorized, Rule: "auth.session", Message: "sign-in is not configured on this server"}
}

// credentials returns the secret of the request: the bearer token, else
// the session cookie (viaCookie). A malformed Authorization header is an
// Unauthorized error.
func credentials(r *http.Request) (secret string, viaCookie bool, err error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return "", false, &fault.Error{Kind: fault.Unauthorized, Rule: "auth.header", Message: `the Authorization header must be "Bearer TOKEN"`}
		}
		return strings.TrimSpace(token), false, nil
	}
	if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
		return ck.Value, true, nil
	}
	return "", false, nil
}

// clientIP returns the address the request came from (the direct peer;
// put hrss behind a proxy that terminates nothing it should not).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// checkCSRF refuses a cookie-authenticated unsafe request from another
// origin or without the session's CSRF token.
func checkCSRF(r *http.Request, secret string) error {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		if u, err := url.Parse(o); err != nil || u.Host != r.Host {
			return csrfError("the request comes from another origin")
		}
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	want := access.CSRFToken(secret)
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return csrfError("the CSRF token is missing or wrong; reload the page")
	}
	return nil
}

func csrfError(msg string) *fault.Error {
	return &fault.Error{Kind: fault.Forbidden, Rule: "auth.csrf", Message: msg}
}

// csrfToken returns the CSRF token a page must embed in its forms (field
// csrfField) or send in the header csrfHeader: "" when the request is not
// signed in by a session.
func csrfToken(r *http.Request) string {
	secret, _ := r.Context().Value(secretKey{}).(string)
	if !access.IsSessionToken(secret) {
		return ""
	}
	return access.CSRFToken(secret)
}

// setSessionCookie hands a browser its session secret: HttpOnly (scripts
// cannot read it), SameSite=Strict (no cross-site sends), Secure over TLS,
// for the whole site, ending with the session.
func setSessionCookie(w http.ResponseWriter, r *http.Request, secret string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteStrictMode, Expires: time.Now().Add(access.SessionTTL)})
}

// clearSessionCookie tells the browser to forget its session cookie.
func clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
}

// signInInput is the body of POST /api/v1/session.
type signInInput struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Code     string `json:"code,omitempty"` // the one-time code, for a user with a second factor
}

// sessionView answers sign-in and "who am I".
type sessionView struct {
	Token     string        `json:"token,omitempty"` // the session secret, on sign-in only
	CSRFToken string        `json:"csrf_token,omitempty"`
	User      access.Caller `json:"user"`
}

func (s *Server) apiSignIn(w http.ResponseWriter, r *http.Request) {
	var in signInInput
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	if s.Access == nil {
		writeError(w, r, orUnauthorized(nil))
		return
	}
	secret, c, err := s.signIn(r.Context(), access.Credentials{Name: in.Username, Password: in.Password, Code: in.Code}, clientIP(r))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, sessionView{Token: secret, User: c})
}

func (s *Server) whoAmI(w http.ResponseWriter, r *http.Request) {
	c, err := access.Current(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sessionView{CSRFToken: csrfToken(r), User: c})
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if _, err := access.Current(r.Context()); err != nil {
		writeError(w, r, err)
		return
	}
	secret, _ := r.Context().Value(secretKey{}).(string)
	if err := s.Access.SignOut(r.Context(), secret); err != nil {
		writeError(w, r, err)
		return
	}
	clearSessionCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
}
