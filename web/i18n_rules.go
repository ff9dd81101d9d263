package web

import (
	"net/http"

	"hrss/rules"
	"hrss/rules/msg"
)

// The rules' messages (trace steps, reasons, rule errors) are keys with
// typed arguments whose texts live in one catalogue, rules/msg; the
// screens write them in the page's language, and the API answers carry
// both the keys and arguments and, in each step's text, the line in the
// request's language (apiLang).

// M is l as the rules' catalogue names it.
func (l lang) M() msg.Lang {
	if l.en() {
		return msg.EN
	}
	return msg.ZH
}

// apiLang is the language of an API request: ?lang= when it names one
// hrss speaks, else as for a screen (the cookie, Accept-Language, Chinese).
func apiLang(r *http.Request) lang {
	if l, ok := parseLang(r.URL.Query().Get("lang")); ok {
		return l
	}
	return langOf(r)
}

// StepLabel is the name of a trace step in l.
func (v traceView) StepLabel(s rules.Step) string { return s.Label(v.L.M()) }

// StepRule is how a trace step's value was computed, or its note, in l.
func (v traceView) StepRule(s rules.Step) string { return s.Explain(v.L.M()) }

// localized returns v with the Text of every trace step, message and
// reason it holds filled in the language of r (rules.InLang). Every API
// answer that may carry an explanation goes through it (respond, get,
// create, update).
func localized[T any](r *http.Request, v T) T { return rules.InLang(v, apiLang(r).M()) }
