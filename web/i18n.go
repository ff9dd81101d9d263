package web

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// The screens speak Chinese (zh-CN, the default) and English. The language
// is the user's choice (the langCookie, set by the language switch), else
// the first of Accept-Language that hrss speaks, else Chinese. Labels,
// messages and errors come from the catalogue (i18n_text.go); dates and
// money are written the way each language writes them.
const (
	langZH     = "zh-CN"
	langEN     = "en"
	langCookie = "hrss_lang"
)

// lang is one language of the screens: its code and how it writes things.
type lang struct {
	Code string // "zh-CN" or "en"
}

// langs lists the languages in the order the switch shows them.
var langs = []lang{{langZH}, {langEN}}

// en reports whether l is English.
func (l lang) en() bool { return l.Code == langEN }

// Name is the language's own name, for the switch.
func (l lang) Name() string {
	if l.en() {
		return "English"
	}
	return "中文"
}

// parseLang returns the language of a code hrss speaks ("zh", "zh-CN",
// "en", "en-GB", …) and whether it speaks it.
func parseLang(code string) (lang, bool) {
	code = strings.ToLower(strings.TrimSpace(code))
	switch {
	case code == "zh" || strings.HasPrefix(code, "zh-"):
		return lang{langZH}, true
	case code == "en" || strings.HasPrefix(code, "en-"):
		return lang{langEN}, true
	}
	return lang{}, false
}

// langOf returns the language of a request: the cookie, else
// Accept-Language (by quality), else Chinese.
func langOf(r *http.Request) lang {
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := parseLang(c.Value); ok {
			return l
		}
	}
	best, bestQ := lang{langZH}, -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if l, ok := parseLang(tag); ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// T returns the text of key in l, formatted with args (fmt verbs); a key
// of the rules' catalogue (rules/msg: reasons, target groups) is found
// there. A key missing from both shows as itself, so that a gap is
// visible.
func (l lang) T(key string, args ...any) string {
	m := textZH
	if l.en() {
		m = textEN
	}
	s, ok := m[key]
	if !ok {
		s, ok = msg.Template(l.M(), key)
	}
	if !ok {
		s = key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether the catalogue has key (for optional labels).
func (l lang) Has(key string) bool {
	_, ok := textEN[key]
	return ok || msg.Has(key)
}

// Or returns the text of key in l, or fallback when the catalogue has no
// such key (texts that come from a parameter file in one language).
func (l lang) Or(key, fallback string) string {
	if l.Has(key) {
		return l.T(key)
	}
	return fallback
}

// Reason words a rule's reason (a message key with named arguments, such
// as support.eligible.graduate_of_year {graduated}) in l: the catalogue's
// text of the key with each {name}, or {name:kind}, replaced by the
// argument written the way l writes it (see fill). A key missing from
// the catalogue shows as the key and its arguments, so that a gap is
// visible.
func (l lang) Reason(r rules.Reason) string {
	if r.Key == "" {
		return ""
	}
	if !l.Has(r.Key) {
		names := make([]string, 0, len(r.Args))
		for k := range r.Args {
			names = append(names, k)
		}
		sort.Strings(names)
		for i, k := range names {
			names[i] = k + "=" + r.Args[k]
		}
		return strings.TrimSpace(r.Key + " " + strings.Join(names, " "))
	}
	return l.fill(l.T(r.Key), r.Args)
}

// placeholder is a named argument in a reason's text: {name} or {name:kind}.
var placeholder = regexp.MustCompile(`\{([a-z_]+)(?::([a-z]+))?\}`)

// fill replaces the placeholders of text by args written in l, by kind:
// money (yuan.fen), date (YYYY-MM-DD, or "open" for no end), month
// (YYYY-MM), rate (a fraction, as a percentage), groups (target groups
// separated by ", "), insurance; without a kind the argument as it is.
// A placeholder without its argument is left out.
func (l lang) fill(text string, args map[string]string) string {
	return placeholder.ReplaceAllStringFunc(text, func(m string) string {
		sub := placeholder.FindStringSubmatch(m)
		v, ok := args[sub[1]]
		if !ok {
			return ""
		}
		return l.arg(v, sub[2])
	})
}

// DateText writes a date given as text (YYYY-MM-DD) in l; other text as
// it is.
func (l lang) DateText(s string) string { return l.arg(s, "date") }

// arg writes one argument of a reason in l.
func (l lang) arg(v, kind string) string {
	switch kind {
	case "money":
		if f, err := money.Parse(v); err == nil {
			return l.Money(f)
		}
	case "date":
		if v == "open" {
			return l.T("support.open_ended")
		}
		if d, err := period.ParseDate(v); err == nil {
			return l.Date(d)
		}
	case "month":
		if m, err := period.ParseYearMonth(v); err == nil {
			return l.Month(m)
		}
	case "rate":
		if d, err := money.ParseDec(v); err == nil {
			return d.Shift(2).String() + "%"
		}
	case "groups":
		parts := strings.Split(v, ", ")
		for i, g := range parts {
			parts[i] = l.Or("support.group."+g, g)
		}
		return strings.Join(parts, l.T("list.sep"))
	case "insurance":
		return l.Or("insurance."+v, v)
	}
	return v
}

// Money writes an amount: "3,017.70 元" in Chinese, "¥3,017.70" in English.
func (l lang) Money(f money.Fen) string {
	neg := f < 0
	if neg {
		f = -f
	}
	s := groupThousands(int64(f)/100) + fmt.Sprintf(".%02d", int64(f)%100)
	if neg {
		s = "-" + s
	}
	if l.en() {
		return "¥" + s
	}
	return s + " 元"
}

// Number writes a whole number with thousands separators.
func (l lang) Number(n int) string {
	if n < 0 {
		return "-" + groupThousands(int64(-n))
	}
	return groupThousands(int64(n))
}

func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

var monthsEN = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// Date writes a date: "2026年3月1日" or "1 Mar 2026"; "" for the zero date.
func (l lang) Date(d period.Date) string {
	if d.IsZero() {
		return ""
	}
	if l.en() {
		return fmt.Sprintf("%d %s %d", d.D, monthsEN[d.M-1], d.Y)
	}
	return fmt.Sprintf("%d年%d月%d日", d.Y, d.M, d.D)
}

// Month writes a year-month: "2025年8月" or "Aug 2025".
func (l lang) Month(m period.YearMonth) string {
	if m == 0 {
		return ""
	}
	if l.en() {
		return fmt.Sprintf("%s %d", monthsEN[m.Month()-1], m.Year())
	}
	return fmt.Sprintf("%d年%d月", m.Year(), m.Month())
}

// Time writes an instant in China Standard Time.
func (l lang) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(cst)
	if l.en() {
		return t.Format("2 Jan 2006 15:04")
	}
	return t.Format("2006年1月2日 15:04")
}

var cst = time.FixedZone("CST", 8*3600)

// Age writes an age in months as years and months: "63岁3个月" or "63 y 3 m".
func (l lang) Age(months int) string {
	y, m := months/12, months%12
	switch {
	case l.en() && m == 0:
		return fmt.Sprintf("%d years", y)
	case l.en():
		return fmt.Sprintf("%d years %d months", y, m)
	case m == 0:
		return fmt.Sprintf("%d岁", y)
	}
	return fmt.Sprintf("%d岁%d个月", y, m)
}

// Division names a division code in l: "南湖区 (330402)".
func (l lang) Division(code string) string {
	switch code {
	case "330000":
		return l.T("division.zhejiang")
	case "100000":
		return l.T("division.national")
	}
	d, ok := registry.DivisionByCode(code)
	if !ok {
		return code
	}
	if l.en() {
		return d.NameEN
	}
	return d.Name
}

// Error returns the message of err for a user in l: its message of the
// rules' catalogue (rules/msg, with its values) when it has a key, else
// the translation of its rule key when the screens' catalogue has one
// (either with the field named), else its English message (in Chinese
// behind a translated lead-in).
// Internal errors never show their detail.
func (l lang) Error(err error) string {
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Kind == fault.Internal {
		return l.T("error.internal")
	}
	text, named := "", true
	switch {
	case fe.Worded():
		text = fe.In(l.M()) // a rule's error, with its values
	case fe.Rule != "" && l.Has("rule."+fe.Rule):
		text = l.T("rule." + fe.Rule)
	case l.en():
		text, named = fe.Error(), false
	default:
		text, named = l.T("error.kind."+strconv.Itoa(int(fe.Kind)))+l.T("error.sep")+fe.Error(), false
	}
	if named && fe.Field != "" && l.Has("field."+fe.Field) {
		text = l.T("field."+fe.Field) + l.T("error.sep") + text
	}
	if fe.Row > 0 {
		text = l.T("error.at_row", fe.Row, fe.Col) + text
	}
	return text
}
