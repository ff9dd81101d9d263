// Package msg is the one catalogue of the messages that rules/ emits: the
// steps of explanation traces, eligibility reasons and rule errors, each a
// key with typed arguments (amounts, decimals, dates, months, counts,
// names) and a text in Chinese (zh-CN) and English. rules/ records keys
// and arguments only; the reader's side (web/, cmd/) renders them in the
// reader's language with Render. It imports only rules/money and
// rules/period, so that rules/ can import it.
package msg

import (
	"os"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"hrss/rules/money"
	"hrss/rules/period"
)

// Lang is a language hrss speaks.
type Lang string

// The languages.
const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// Langs lists every language, each of which the catalogue must cover.
var Langs = []Lang{ZH, EN}

// Parse returns the language of a code ("zh", "zh-CN", "zh_CN.UTF-8",
// "en", "en-GB", …) and whether hrss speaks it.
func Parse(code string) (Lang, bool) {
	code = strings.ToLower(strings.TrimSpace(code))
	switch {
	case code == "zh" || strings.HasPrefix(code, "zh-") || strings.HasPrefix(code, "zh_"):
		return ZH, true
	case code == "en" || strings.HasPrefix(code, "en-") || strings.HasPrefix(code, "en_"):
		return EN, true
	}
	return "", false
}

// FromLocale is the language of the environment's locale, as POSIX orders
// it: the first set of LC_ALL, LC_MESSAGES and LANG; zh* is Chinese, any
// other (C, POSIX, en_US.UTF-8, …) English.
func FromLocale() Lang {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := os.Getenv(v); s != "" {
			if strings.HasPrefix(strings.ToLower(s), "zh") {
				return ZH
			}
			return EN
		}
	}
	return EN
}

// Kind is what an argument holds, which says how it is written.
type Kind uint8

// The kinds of argument.
const (
	KText   Kind = iota // text written as it is (a code, a parameter name, a legal source)
	KMoney              // an amount in fen, written in yuan with two decimals
	KDec                // a decimal (a rate, a ratio, an index, years)
	KInt                // a whole number (months, a class, a year)
	KDate               // a day, YYYY-MM-DD
	KMonth              // a year-month, YYYY-MM
	KBool               // yes or no, in the language
	KLabel              // a catalogue key (a category, a kind), written as its text
	KAge                // an age in months, "60y3m" or "60岁3个月"
	KPoints             // points in hundredths (a match's score), written with two decimals
)

var kindNames = [...]string{"text", "money", "decimal", "int", "date", "month", "bool", "label", "age", "points"}

// String is the kind's name in JSON.
func (k Kind) String() string { return kindNames[k] }

// Arg is one named, typed argument of a message. Build it with Text,
// Fen, Dec, Int, Date, Month, Bool, Label or Age: none formats anything,
// so that recording a trace costs no formatting.
type Arg struct {
	Name string
	s    string // text, label; a decimal too wide for n and e
	n    int64  // money (fen), int, date (YYYYMMDD), month, bool (0 or 1), age (months), a decimal's coefficient
	e    int32  // a decimal's exponent
	Kind Kind
	wide bool // a decimal held as text in s
}

// Text is a text argument.
func Text(name, s string) Arg { return Arg{Name: name, Kind: KText, s: s} }

// Fen is an amount.
func Fen(name string, f money.Fen) Arg { return Arg{Name: name, Kind: KMoney, n: int64(f)} }

// Dec is a decimal: its coefficient and exponent when the coefficient has
// at most 18 digits (every decimal of a rule), else its text.
func Dec(name string, d money.Dec) Arg {
	if d.NumDigits() > 18 {
		return Arg{Name: name, Kind: KDec, s: d.String(), wide: true}
	}
	return Arg{Name: name, Kind: KDec, n: d.CoefficientInt64(), e: d.Exponent()}
}

// Int is a whole number.
func Int(name string, n int) Arg { return Arg{Name: name, Kind: KInt, n: int64(n)} }

// Date is a day.
func Date(name string, d period.Date) Arg {
	return Arg{Name: name, Kind: KDate, n: int64(d.Y)*10000 + int64(d.M)*100 + int64(d.D)}
}

// Month is a year-month.
func Month(name string, m period.YearMonth) Arg { return Arg{Name: name, Kind: KMonth, n: int64(m)} }

// Bool is yes or no.
func Bool(name string, b bool) Arg {
	a := Arg{Name: name, Kind: KBool}
	if b {
		a.n = 1
	}
	return a
}

// Label is a catalogue key written as its text in the reader's language.
func Label(name, key string) Arg { return Arg{Name: name, Kind: KLabel, s: key} }

// Age is an age in months.
func Age(name string, months int) Arg { return Arg{Name: name, Kind: KAge, n: int64(months)} }

// Points is a number of points in hundredths (a match's score and its
// parts), written with two decimals: 9150 is 91.50.
func Points(name string, hundredths int64) Arg { return Arg{Name: name, Kind: KPoints, n: hundredths} }

// Value is the argument written without language (money "6500.00", a
// date "2025-03-01", a bool "true", a label its key, an age "60y3m"), as
// JSON carries it.
func (a Arg) Value() string {
	switch a.Kind {
	case KMoney, KPoints:
		return money.Fen(a.n).String() // both are hundredths with two decimals
	case KDec:
		if a.wide {
			return a.s
		}
		return decDigits(a.n, -int(a.e))
	case KInt:
		return strconv.FormatInt(a.n, 10)
	case KDate:
		return a.date().String()
	case KMonth:
		return period.YearMonth(a.n).String()
	case KBool:
		return strconv.FormatBool(a.n == 1)
	case KAge:
		return strconv.FormatInt(a.n/12, 10) + "y" + strconv.FormatInt(a.n%12, 10) + "m"
	}
	return a.s
}

func (a Arg) date() period.Date {
	return period.Date{Y: int(a.n / 10000), M: int(a.n / 100 % 100), D: int(a.n % 100)}
}

// In writes the argument in l: a bool as 是/否 or yes/no, a label as its
// text, an age as 60岁3个月 or 60y3m; the others as Value writes them
// (numbers, dates and months read the same in both languages).
func (a Arg) In(l Lang) string {
	switch a.Kind {
	case KBool:
		return Render(l, "word."+strconv.FormatBool(a.n == 1))
	case KLabel:
		return Render(l, a.s)
	case KAge:
		if l == ZH {
			if a.n%12 == 0 {
				return strconv.FormatInt(a.n/12, 10) + "岁"
			}
			return strconv.FormatInt(a.n/12, 10) + "岁" + strconv.FormatInt(a.n%12, 10) + "个月"
		}
	}
	return a.Value()
}

// DecText is d.String() without the big.Int formatting, for the usual
// decimal of a message (a coefficient of at most 18 digits, at most 18
// decimals, the decimal package's default settings); any other goes to
// d.String(). TestDecTextAsDecimal pins the two together.
func DecText(d money.Dec) string {
	if d.NumDigits() > 18 {
		return d.String()
	}
	return decDigits(d.CoefficientInt64(), -int(d.Exponent()))
}

// decDigits writes the decimal c × 10^-e as Decimal.String does.
func decDigits(c int64, e int) string {
	if e < 0 || e > 18 || !decimal.TrimTrailingZeros || decimal.UseScientificNotation {
		return decimal.New(c, int32(-e)).String()
	}
	var buf [40]byte
	b := buf[:0]
	if c < 0 {
		b = append(b, '-')
		c = -c
	}
	p := int64(1)
	for range e {
		p *= 10
	}
	b = strconv.AppendInt(b, c/p, 10)
	if f := c % p; f != 0 {
		for f%10 == 0 { // trailing zeros are trimmed
			f /= 10
			e--
		}
		var fd [20]byte
		digits := strconv.AppendInt(fd[:0], f, 10)
		b = append(b, '.')
		for range e - len(digits) { // leading zeros of the fraction
			b = append(b, '0')
		}
		b = append(b, digits...)
	}
	return string(b)
}
