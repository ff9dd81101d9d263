package web

import (
	"net/http"
	"reflect"

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

// localized returns v with the Text of every trace step it holds (in
// structs, pointers, slices, maps and interfaces, at any depth) filled in
// the language of r; values that hold no step are returned as they are.
func localized[T any](r *http.Request, v T) T {
	rv := reflect.ValueOf(&v).Elem()
	if holdsSteps(rv.Type(), map[reflect.Type]bool{}) {
		fillSteps(rv, apiLang(r).M())
	}
	return v
}

var stepType = reflect.TypeFor[rules.Step]()

// holdsSteps reports whether a value of t may hold a trace step.
func holdsSteps(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t == stepType {
		return true
	}
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return holdsSteps(t.Elem(), seen)
	case reflect.Interface:
		return true
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && holdsSteps(f.Type, seen) {
				return true
			}
		}
	}
	return false
}

// fillSteps sets the Text of the steps held by the settable value v.
func fillSteps(v reflect.Value, l msg.Lang) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			fillSteps(v.Elem(), l)
		}
	case reflect.Interface:
		if v.IsNil() {
			return
		}
		c := reflect.New(v.Elem().Type()).Elem()
		c.Set(v.Elem())
		fillSteps(c, l)
		v.Set(c)
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			fillSteps(v.Index(i), l)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			c := reflect.New(v.Type().Elem()).Elem()
			c.Set(v.MapIndex(k))
			fillSteps(c, l)
			v.SetMapIndex(k, c)
		}
	case reflect.Struct:
		if v.Type() == stepType {
			s := v.Addr().Interface().(*rules.Step)
			s.Text = s.Line(l)
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillSteps(v.Field(i), l)
			}
		}
	}
}
