package rules

import (
	"fmt"
	"strconv"
	"strings"

	"hrss/rules/msg"
	"hrss/rules/period"
)

// Age is an age in whole months; it is written "60y3m".
type Age int

// Years returns the whole years of a.
func (a Age) Years() int { return int(a) / 12 }

// Months returns the months beyond the whole years (0-11).
func (a Age) Months() int { return int(a) % 12 }

// String formats a as "60y3m".
func (a Age) String() string { return fmt.Sprintf("%dy%dm", a.Years(), a.Months()) }

// MarshalText writes "60y3m".
func (a Age) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads an age as ParseAge does.
func (a *Age) UnmarshalText(b []byte) error {
	v, err := ParseAge(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// ParseAge reads an age written "50y5m", "50y" or "50" (months 0-11). It
// fails with an Invalid error on any other form.
func ParseAge(s string) (Age, error) {
	bad := invalid("age", "age.format", "error.age.format", msg.Text("value", s))
	ys, ms, hasY := strings.Cut(s, "y")
	if !hasY {
		ys, ms = s, ""
	}
	ms = strings.TrimSuffix(ms, "m")
	y, err := strconv.Atoi(ys)
	if err != nil || y < 0 || y > 150 || strings.HasPrefix(ys, "+") {
		return 0, bad
	}
	m := 0
	if ms != "" {
		if m, err = strconv.Atoi(ms); err != nil || m < 0 || m > 11 || strings.HasPrefix(ms, "+") {
			return 0, bad
		}
	} else if strings.HasSuffix(s, "m") {
		return 0, bad
	}
	return Age(y*12 + m), nil
}

// AgeAt returns the age in whole months at month at of a person born in
// month birth (the day of birth does not move the month).
func AgeAt(birth, at period.YearMonth) Age { return Age(at.Sub(birth)) }

// ParseMonth reads a month written YYYY-MM, or a date YYYY-MM-DD (checked
// to exist, leap days included) of which only the month is kept. It fails
// with an Invalid error naming field.
func ParseMonth(field, s string) (period.YearMonth, error) {
	if len(s) == 10 {
		d, err := period.ParseDate(s)
		if err != nil {
			return 0, invalid(field, "month.format", "error.date.format", msg.Text("value", s))
		}
		return d.Month(), nil
	}
	m, err := period.ParseYearMonth(s)
	if err != nil {
		return 0, invalid(field, "month.format", "error.month.format", msg.Text("value", s))
	}
	return m, nil
}
