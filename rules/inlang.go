package rules

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sync"

	"hrss/rules/msg"
)

// InLang returns v with the Text of every trace step, message and
// reason it holds (in structs, pointers, slices, maps, interfaces and
// stored JSON such as a claim's detail, at any depth) filled in l;
// values that hold none are returned as they are. It is the one way an
// answer (the API's, the CLI's JSON) carries its explanations' texts in
// the reader's language beside their keys and arguments.
func InLang[T any](v T, l msg.Lang) T {
	rv := reflect.ValueOf(&v).Elem()
	if holdsText(rv.Type()) {
		fillSteps(rv, l)
	}
	return v
}

var (
	stepType    = reflect.TypeFor[Step]()
	messageType = reflect.TypeFor[Message]()
	reasonType  = reflect.TypeFor[Reason]()
	rawType     = reflect.TypeFor[json.RawMessage]()
	textTypes   sync.Map // reflect.Type → bool: whether it may hold a text to fill
)

// holdsText reports whether a value of t may hold a step, a message, a
// reason or stored JSON, remembered per type.
func holdsText(t reflect.Type) bool {
	if v, ok := textTypes.Load(t); ok {
		return v.(bool)
	}
	b := holdsSteps(t, map[reflect.Type]bool{})
	textTypes.Store(t, b)
	return b
}

// holdsSteps reports whether a value of t may hold a text to fill.
func holdsSteps(t reflect.Type, seen map[reflect.Type]bool) bool {
	switch t {
	case stepType, messageType, reasonType, rawType:
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

// fillSteps sets the Text of the steps, messages and reasons held by the
// settable value v.
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
		if v.Type() == rawType {
			v.SetBytes(localizedJSON(v.Bytes(), l))
			return
		}
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
		if fillText(v, l) {
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillSteps(v.Field(i), l)
			}
		}
	}
}

// fillText fills the Text of a step, message or reason v, and reports
// whether v is one.
func fillText(v reflect.Value, l msg.Lang) bool {
	switch x := v.Addr().Interface().(type) {
	case *Step:
		x.Text = x.Line(l)
	case *Message:
		if x.Key != "" {
			x.Text = x.In(l)
		}
	case *Reason:
		if x.Key != "" {
			x.Text = x.In(l)
		}
	default:
		return false
	}
	return true
}

// localizedJSON fills the text of the steps, messages and reasons of
// stored JSON (a claim's detail: its trace, why and reasons); JSON that
// does not read is returned as it is.
func localizedJSON(data []byte, l msg.Lang) []byte {
	if len(data) == 0 {
		return data
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return data
	}
	if !fillTree(tree, l) {
		return data
	}
	out, err := json.Marshal(tree)
	if err != nil {
		return data
	}
	return out
}

// fillTree sets "text" on each object of decoded JSON that is a step (a
// kind of step with a key or rule) or a message of the catalogue (a key
// with its arguments), and reports whether it set any.
func fillTree(v any, l msg.Lang) bool {
	changed := false
	switch x := v.(type) {
	case map[string]any:
		if text, ok := treeText(x, l); ok {
			x["text"] = text
			return true
		}
		for _, e := range x {
			changed = fillTree(e, l) || changed
		}
	case []any:
		for _, e := range x {
			changed = fillTree(e, l) || changed
		}
	}
	return changed
}

// treeText is the text in l of a decoded step, message or reason.
func treeText(x map[string]any, l msg.Lang) (string, bool) {
	key, _ := x["key"].(string)
	kind, _ := x["kind"].(string)
	data, _ := json.Marshal(x)
	switch {
	case kind == "input" || kind == "parameter" || kind == "value" || kind == "note":
		var s Step
		if json.Unmarshal(data, &s) == nil {
			return s.Line(l), true
		}
	case key == "" || !msg.Has(key):
	case isObject(x["args"]):
		var r Reason
		if json.Unmarshal(data, &r) == nil {
			return r.In(l), true
		}
	default:
		var m Message
		if json.Unmarshal(data, &m) == nil {
			return m.In(l), true
		}
	}
	return "", false
}

func isObject(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}
