package msg

import (
	"fmt"
	"sort"
	"strings"

	"hrss/rules/money"
)

// entry is one message: its key and its text in each language, with
// {name} where the argument called name goes.
type entry struct{ key, zh, en string }

// catalogue holds every message, from the lists of text_*.go.
var catalogue = build(traceTexts, nameTexts, errorTexts, wordTexts, supportTexts, matchTexts, claimTexts, paramFileTexts, recordTexts, cliTexts)

func build(lists ...[]entry) map[string]entry {
	m := map[string]entry{}
	for _, l := range lists {
		for _, e := range l {
			if _, dup := m[e.key]; dup {
				panic("msg: key " + e.key + " is in the catalogue twice")
			}
			m[e.key] = e
		}
	}
	return m
}

// Has reports whether the catalogue has key.
func Has(key string) bool {
	_, ok := catalogue[key]
	return ok
}

// Keys lists the catalogue's keys in order.
func Keys() []string {
	out := make([]string, 0, len(catalogue))
	for k := range catalogue {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Template is the text of key in l, with its {placeholders}, and whether
// the catalogue has it.
func Template(l Lang, key string) (string, bool) {
	e, ok := catalogue[key]
	if l == EN {
		return e.en, ok
	}
	return e.zh, ok
}

// Render writes key in l with each {name} replaced by the argument called
// name written in l. A text argument (a reason's, kept as text) may be
// written by the kind its placeholder names, {name:kind}: money and
// month as they are, date as it is or "open-ended" for "open", rate as a
// percentage, groups as the target groups' names, insurance as the
// insurance's name. A key missing from the catalogue is written as the
// key and its arguments, so that a gap shows; a placeholder without its
// argument is left out.
func Render(l Lang, key string, args ...Arg) string {
	text, ok := Template(l, key)
	if !ok {
		var b strings.Builder
		b.WriteString(key)
		for _, a := range args {
			b.WriteString(" " + a.Name + "=" + a.Value())
		}
		return b.String()
	}
	if strings.IndexByte(text, '{') < 0 {
		return text
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '{')
		j := strings.IndexByte(text[i+1:], '}')
		if i < 0 || j < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		name, kind, _ := strings.Cut(text[i+1:i+1+j], ":")
		for _, a := range args {
			if a.Name == name {
				b.WriteString(a.as(l, kind))
				break
			}
		}
		text = text[i+2+j:]
	}
}

// as writes a in l, a text argument by kind (see Render).
func (a Arg) as(l Lang, kind string) string {
	if a.Kind != KText || kind == "" {
		return a.In(l)
	}
	switch kind {
	case "date":
		if a.s == "open" {
			return Render(l, "support.open_ended")
		}
	case "rate":
		if d, err := money.ParseDec(a.s); err == nil {
			return DecText(d.Shift(2)) + "%"
		}
	case "groups":
		parts := strings.Split(a.s, ", ")
		for i, g := range parts {
			if Has("support.group." + g) {
				parts[i] = Render(l, "support.group."+g)
			}
		}
		return strings.Join(parts, Render(l, "sep.items"))
	case "insurance":
		if Has("insurance." + a.s) {
			return Render(l, "insurance."+a.s)
		}
	}
	return a.s
}

// Placeholders lists the {names} of a text, in order of appearance,
// without their :kind.
func Placeholders(text string) []string {
	var out []string
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(text[i+1:], '}')
		if j < 0 {
			return out
		}
		name, _, _ := strings.Cut(text[i+1:i+1+j], ":")
		out = append(out, name)
		text = text[i+2+j:]
	}
}

// Check reports what is wrong with a message that a package emits: key
// missing from the catalogue, a placeholder of a language's text without
// its argument, or a label argument that is no key of the catalogue. The
// emitting packages' tests run what they emit through it.
func Check(key string, args ...Arg) error {
	if !Has(key) {
		return fmt.Errorf("key %s is not in the catalogue", key)
	}
	have := map[string]bool{}
	for _, a := range args {
		have[a.Name] = true
		if a.Kind == KLabel && !Has(a.s) {
			return fmt.Errorf("%s: the label %s of argument %s is not in the catalogue", key, a.s, a.Name)
		}
	}
	for _, l := range Langs {
		text, _ := Template(l, key)
		for _, ph := range Placeholders(text) {
			if !have[ph] {
				return fmt.Errorf("the %s text of %s wants {%s}, which is not given", l, key, ph)
			}
		}
	}
	return nil
}
