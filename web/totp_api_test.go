package web_test

import (
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hrss/access"
	"hrss/store/storetest"
)

// totpRound enrols a second factor for the session's user through the
// API and removes it again, so that the user signs in as before: it
// answers the confirmation (route confirm) or the removal (route
// disable) for the matrix to judge.
func (w *world) totpRound(t *testing.T, route, session string) response {
	t.Helper()
	begin := w.a.do(t, session, "POST", "/api/v1/account/totp", "", nil)
	var key access.TOTPKey
	if json.Unmarshal(begin.body, &key) != nil || key.Secret == "" {
		return begin
	}
	confirm := w.a.do(t, session, "POST", "/api/v1/account/totp/confirm", `{"code":"`+totpCode(key.Secret, time.Now())+`"}`, nil)
	if confirm.status != 200 {
		return confirm
	}
	disable := w.a.do(t, session, "POST", "/api/v1/account/totp/disable", `{"code":"`+totpCode(key.Secret, time.Now().Add(30*time.Second))+`"}`, nil)
	if route == "POST /api/v1/account/totp/confirm" {
		if disable.status != 200 {
			t.Fatalf("the matrix cannot remove the second factor it enrolled: %d %s", disable.status, disable.body)
		}
		return confirm
	}
	return disable
}

// TestTOTPOverAPI: a user enrols a second factor over the JSON API, signs
// in with its code, and removes it with a current code; an API token may
// not touch it.
func TestTOTPOverAPI(t *testing.T) {
	a := newApp(t, storetest.SQLite(t))
	var clock atomic.Int64 // the access service's clock, moved a step of 30 s at a time
	clock.Store(time.Now().Unix())
	a.acc.Now = func() time.Time { return time.Unix(clock.Load(), 0) }
	code := func(secret string) string { return totpCode(secret, time.Unix(clock.Load(), 0)) }
	u := a.user(t, access.UserInput{Name: "cw-totp", Role: "caseworker", Divisions: []string{"330402"}})
	tok := a.signIn(t, "cw-totp")
	is := func(what string, r response, status int, has string) {
		t.Helper()
		if r.status != status || !strings.Contains(string(r.body), has) {
			t.Fatalf("%s: %d %s (want %d with %q)", what, r.status, r.body, status, has)
		}
	}
	is("confirm before begin", a.do(t, tok, "POST", "/api/v1/account/totp/confirm", `{"code":"123456"}`, nil), 422, `"rule":"totp.not_begun"`)
	is("disable without one", a.do(t, tok, "POST", "/api/v1/account/totp/disable", `{"code":"123456"}`, nil), 422, `"rule":"totp.not_active"`)
	begin := a.do(t, tok, "POST", "/api/v1/account/totp", "", nil)
	var key access.TOTPKey
	if begin.status != 201 || json.Unmarshal(begin.body, &key) != nil || len(key.Secret) != 32 || !strings.HasPrefix(key.URI, "otpauth://totp/hrss:cw-totp?") {
		t.Fatalf("begin: %d %s", begin.status, begin.body)
	}
	is("a wrong code", a.do(t, tok, "POST", "/api/v1/account/totp/confirm", `{"code":"000000"}`, nil), 422, `"field":"code"`)
	is("an unknown field", a.do(t, tok, "POST", "/api/v1/account/totp/confirm", `{"otp":"000000"}`, nil), 422, `"rule":"json.syntax"`)
	is("signing in still needs no code", a.do(t, "", "POST", "/api/v1/session", `{"username":"cw-totp","password":"pw-cw-totp-long"}`, nil), 201, "token")
	is("confirm", a.do(t, tok, "POST", "/api/v1/account/totp/confirm", `{"code":"`+code(key.Secret)+`"}`, nil), 200, `"totp":true`)
	is("a second begin", a.do(t, tok, "POST", "/api/v1/account/totp", "", nil), 409, `"rule":"totp.active"`)
	is("sign-in without the code", a.do(t, "", "POST", "/api/v1/session", `{"username":"cw-totp","password":"pw-cw-totp-long"}`, nil), 401, `"rule":"auth.totp_required"`)
	clock.Add(30)
	next := code(key.Secret)
	is("sign-in with the code", a.do(t, "", "POST", "/api/v1/session", `{"username":"cw-totp","password":"pw-cw-totp-long","code":"`+next+`"}`, nil), 201, "token")
	is("disable with a used code", a.do(t, tok, "POST", "/api/v1/account/totp/disable", `{"code":"`+next+`"}`, nil), 422, `"rule":"totp.code"`)

	// an API token of the user may neither begin nor remove it
	_, secret, err := a.acc.CreateToken(sysCtx, access.TokenInput{UserID: u.ID, Name: "robot"})
	if err != nil {
		t.Fatal(err)
	}
	is("a token begins", a.do(t, secret, "POST", "/api/v1/account/totp", "", nil), 403, `"rule":"auth.totp_session"`)
	clock.Add(30)
	is("a token disables", a.do(t, secret, "POST", "/api/v1/account/totp/disable", `{"code":"`+code(key.Secret)+`"}`, nil), 403, `"rule":"auth.totp_session"`)

	is("disable", a.do(t, tok, "POST", "/api/v1/account/totp/disable", `{"code":"`+code(key.Secret)+`"}`, nil), 200, `"totp":false`)
	is("sign-in needs no code again", a.do(t, "", "POST", "/api/v1/session", `{"username":"cw-totp","password":"pw-cw-totp-long"}`, nil), 201, "token")
	is("signed out", a.do(t, "", "POST", "/api/v1/account/totp", "", nil), 401, "")
}
