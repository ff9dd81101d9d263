// Package period holds hrss's one year-month type (YearMonth, the
// glossary's Period) and its one calendar-date type (Date).
//
// Like rules/money it lives under rules/ because rules/ may import no
// other hrss package.
package period

import (
	"fmt"
	"strconv"
	"time"
)

// YearMonth is a calendar month, stored as months since year 0
// (year*12 + month-1) so that comparison and arithmetic are integer ops.
// The zero value is year 0, January, which no caller uses as a real month.
type YearMonth int32

// New returns the YearMonth for year y and month m (1-12).
func New(y, m int) YearMonth { return YearMonth(y*12 + m - 1) }

// Year returns the calendar year.
func (p YearMonth) Year() int { return int(p) / 12 }

// Month returns the month of the year, 1-12.
func (p YearMonth) Month() int { return int(p)%12 + 1 }

// Add returns the month n months after p (before, if n < 0).
func (p YearMonth) Add(n int) YearMonth { return p + YearMonth(n) }

// Sub returns the number of months from q to p.
func (p YearMonth) Sub(q YearMonth) int { return int(p - q) }

// String formats p as YYYY-MM.
func (p YearMonth) String() string {
	y, m := p.Year(), p.Month()
	if y < 0 || y > 9999 || m < 1 { // not a real month: as %04d-%02d writes it
		return fmt.Sprintf("%04d-%02d", y, m)
	}
	var buf [7]byte
	return string(appendPadded(append(appendPadded(buf[:0], y, 4), '-'), m, 2))
}

// appendPadded appends n (0 <= n < 10^width, width <= 4) in width
// digits, with leading zeros.
func appendPadded(b []byte, n, width int) []byte {
	var d [4]byte
	for i := width - 1; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, d[:width]...)
}

// First returns the first day of the month.
func (p YearMonth) First() Date { return Date{p.Year(), p.Month(), 1} }

// Last returns the last day of the month.
func (p YearMonth) Last() Date { return Date{p.Year(), p.Month(), DaysIn(p.Year(), p.Month())} }

// ParseYearMonth reads YYYY-MM (year 1900-2199, month 01-12).
func ParseYearMonth(s string) (YearMonth, error) {
	if len(s) != 7 || s[4] != '-' {
		return 0, fmt.Errorf("%q is not a month in the form YYYY-MM", s)
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:])
	if err1 != nil || err2 != nil || !allDigits(s[:4]) || !allDigits(s[5:]) {
		return 0, fmt.Errorf("%q is not a month in the form YYYY-MM", s)
	}
	if y < 1900 || y > 2199 || m < 1 || m > 12 {
		return 0, fmt.Errorf("%q is not a real month (year 1900-2199, month 01-12)", s)
	}
	return New(y, m), nil
}

// MarshalText writes YYYY-MM.
func (p YearMonth) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads YYYY-MM.
func (p *YearMonth) UnmarshalText(b []byte) error {
	v, err := ParseYearMonth(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Date is a calendar date without time or zone.
type Date struct {
	Y, M, D int
}

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d == Date{} }

// Month returns the YearMonth containing d.
func (d Date) Month() YearMonth { return New(d.Y, d.M) }

// String formats d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if d.Y < 0 || d.Y > 9999 || d.M < 0 || d.M > 99 || d.D < 0 || d.D > 99 { // as %04d-%02d-%02d writes it
		return fmt.Sprintf("%04d-%02d-%02d", d.Y, d.M, d.D)
	}
	var buf [10]byte
	b := append(appendPadded(buf[:0], d.Y, 4), '-')
	b = append(appendPadded(b, d.M, 2), '-')
	return string(appendPadded(b, d.D, 2))
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	a, b := d.Y*10000+d.M*100+d.D, e.Y*10000+e.M*100+e.D
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// AddDays returns the date n days after d.
func (d Date) AddDays(n int) Date { return FromTime(d.Time().AddDate(0, 0, n)) }

// DaysUntil returns the number of days from d to e (negative if e is earlier).
func (d Date) DaysUntil(e Date) int { return int(e.Time().Sub(d.Time()).Hours() / 24) }

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return time.Date(d.Y, time.Month(d.M), d.D, 0, 0, 0, 0, time.UTC) }

// FromTime returns the date of t in t's location.
func FromTime(t time.Time) Date { return Date{t.Year(), int(t.Month()), t.Day()} }

// Valid reports whether y-m-d is a real calendar date in years 1800-2199.
func Valid(y, m, d int) bool {
	return y >= 1800 && y <= 2199 && m >= 1 && m <= 12 && d >= 1 && d <= DaysIn(y, m)
}

// DaysIn returns the number of days in month m of year y (Gregorian).
func DaysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// ParseDate reads YYYY-MM-DD and checks that the date exists.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !allDigits(s[:4]) || !allDigits(s[5:7]) || !allDigits(s[8:]) {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[5:7])
	d, _ := strconv.Atoi(s[8:])
	if !Valid(y, m, d) {
		return Date{}, fmt.Errorf("%q is not a real calendar date", s)
	}
	return Date{y, m, d}, nil
}

// MarshalText writes YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD; an empty text gives the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
