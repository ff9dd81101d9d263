// Package ident holds the two identifiers the registry is keyed on, each
// validated by its national standard, and the vault that keeps resident ID
// numbers encrypted at rest:
//
//   - ResidentID, the resident identity number (公民身份号码) of GB 11643-1999;
//   - CreditCode, the unified social credit code (统一社会信用代码) of
//     GB 32100-2015, with its embedded GB 11714 organisation code;
//   - Vault, AES-256-GCM encryption and an HMAC-SHA256 lookup hash of
//     resident ID numbers, with LoadKey to find its key.
//
// Every parse failure is a *fault.Error of Kind Invalid naming the field
// ("resident_id" or "credit_code") and a precise rule key, such as
// "resident_id.check_character", so a user can be told exactly what is
// wrong. Generated fixtures only: never put a real person's number in code,
// tests or data; NewResidentID and NewCreditCode make synthetic ones.
package ident

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"hrss/rules/fault"
	"hrss/rules/period"
)

// FieldResidentID is the field name resident ID errors carry.
const FieldResidentID = "resident_id"

// Rule keys of resident ID errors.
const (
	RuleResidentRequired       = "resident_id.required"             // empty input
	RuleResidentLength         = "resident_id.length"               // not 18 (or 15 legacy) characters
	RuleResidentDigit          = "resident_id.digit"                // a non-digit among the first 17 (or 15) characters
	RuleResidentDivision       = "resident_id.division"             // division code starting with 0
	RuleResidentBirthDate      = "resident_id.birth_date"           // YYYYMMDD is not a real calendar date
	RuleResidentBirthFuture    = "resident_id.birth_date_future"    // birth date after today
	RuleResidentBirthTooEarly  = "resident_id.birth_date_too_early" // birth date before 1880
	RuleResidentCheckCharacter = "resident_id.check_character"      // wrong or malformed 18th character
)

// EarliestBirthYear is the earliest birth year a resident ID number may
// carry: the standard's own sample is of a person born on 1880-01-01.
const EarliestBirthYear = 1880

// ResidentID is a resident identity number (公民身份号码) per GB 11643-1999,
// in canonical form: 18 ASCII characters, 17 digits and a check character
// that is a digit or upper-case X. Values made by ParseResidentID and
// NewResidentID are always canonical; converting an arbitrary string to
// ResidentID bypasses validation and the accessors then return zero values.
//
// The whole number is personal data: store it sealed by a Vault and show
// Masked to anyone whose role does not need the whole number.
type ResidentID string

// Sex is the sex a resident ID number records (odd sequence: male).
type Sex string

// The two sexes of GB 11643.
const (
	Male   Sex = "male"
	Female Sex = "female"
)

// china is the zone of the birth dates in resident ID numbers; "today" is
// judged there so that a child born early in the morning, Beijing time, is
// not rejected by a server keeping UTC.
var china = time.FixedZone("CST", 8*60*60)

// Today returns the current date in China (UTC+8), the date ParseResidentID
// compares birth dates against.
func Today() period.Date { return period.FromTime(time.Now().In(china)) }

// residentWeights are the GB 11643 (ISO 7064 MOD 11-2) weights 2^(17-i) mod 11
// of the first 17 digits.
var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// residentChecks maps the weighted sum mod 11 to the check character.
const residentChecks = "10X98765432"

// residentCheck returns the check character of the 17 digits in body,
// which the caller has verified to be ASCII digits.
func residentCheck(body string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * residentWeights[i]
	}
	return residentChecks[sum%11]
}

// ParseResidentID validates s as a resident ID number per GB 11643-1999
// and returns it in canonical form. Surrounding white space is trimmed;
// nothing else is forgiven. It accepts:
//   - 18 characters: 17 digits and a check character (a digit or X; a
//     lower-case x is accepted and upper-cased);
//   - 15 digits, the legacy form issued before 1999, upgraded to 18 by
//     inserting "19" before the two-digit year and computing the check
//     character.
//
// It fails with a *fault.Error of Kind Invalid on field "resident_id" when
// the input is empty (rule resident_id.required), has the wrong length
// (resident_id.length), has a non-digit where a digit belongs, naming the
// position (resident_id.digit), a division code starting with 0
// (resident_id.division), a birth date that is not a real calendar date
// (resident_id.birth_date), lies after today in China
// (resident_id.birth_date_future) or before 1880
// (resident_id.birth_date_too_early), or a check character other than the
// one the first 17 digits require, naming both (resident_id.check_character).
func ParseResidentID(s string) (ResidentID, error) {
	return ParseResidentIDOn(s, Today())
}

// ParseResidentIDOn is ParseResidentID with the date of "today" given, for
// services with an injectable clock and for tests. It fails as
// ParseResidentID does, judging resident_id.birth_date_future against today.
func ParseResidentIDOn(s string, today period.Date) (ResidentID, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fault.Invalidf(FieldResidentID, RuleResidentRequired, "resident ID number is required")
	}
	if !isASCII(s) {
		if n := utf8.RuneCountInString(s); n == 18 || n == 15 {
			pos, r := firstNonDigit(s)
			if pos == 18 {
				return "", fault.Invalidf(FieldResidentID, RuleResidentCheckCharacter,
					"check character %q at position 18 must be a digit or X (GB 11643-1999 ISO 7064 MOD 11-2)", r)
			}
			return "", fault.Invalidf(FieldResidentID, RuleResidentDigit,
				"character %q at position %d is not a digit", r, pos)
		}
	}
	n := len(s)
	if n != 18 && n != 15 {
		return "", fault.Invalidf(FieldResidentID, RuleResidentLength,
			"has %d characters but a resident ID number has 18 (or 15 digits in the legacy form)", utf8.RuneCountInString(s))
	}
	digits := 17
	if n == 15 {
		digits = 15
	}
	for i := 0; i < digits; i++ {
		if c := s[i]; c < '0' || c > '9' {
			return "", fault.Invalidf(FieldResidentID, RuleResidentDigit,
				"character %s at position %d is not a digit", quoteChar(c), i+1)
		}
	}
	var body string // the 17 digits before the check character
	if n == 15 {
		body = s[:6] + "19" + s[6:]
	} else {
		body = s[:17]
		if c := s[17]; !(c >= '0' && c <= '9' || c == 'X' || c == 'x') {
			return "", fault.Invalidf(FieldResidentID, RuleResidentCheckCharacter,
				"check character %s at position 18 must be a digit or X (GB 11643-1999 ISO 7064 MOD 11-2)", quoteChar(c))
		}
	}
	if body[0] == '0' {
		return "", fault.Invalidf(FieldResidentID, RuleResidentDivision,
			"division code %s must not start with 0 (GB/T 2260)", body[:6])
	}
	birth, ok := residentBirth(body)
	switch {
	case !ok && n == 15:
		return "", fault.Invalidf(FieldResidentID, RuleResidentBirthDate,
			"birth date %s (positions 7-12, read as %s) is not a real calendar date", s[6:12], body[6:14])
	case !ok:
		return "", fault.Invalidf(FieldResidentID, RuleResidentBirthDate,
			"birth date %s (positions 7-14) is not a real calendar date", body[6:14])
	case birth.Y < EarliestBirthYear:
		return "", fault.Invalidf(FieldResidentID, RuleResidentBirthTooEarly,
			"birth date %s is before %d", birth, EarliestBirthYear)
	case birth.Compare(today) > 0:
		return "", fault.Invalidf(FieldResidentID, RuleResidentBirthFuture,
			"birth date %s is after today (%s)", birth, today)
	}
	want := residentCheck(body)
	if n == 15 {
		return ResidentID(body + string(want)), nil
	}
	got := s[17]
	if got == 'x' {
		got = 'X'
	}
	if got != want {
		return "", fault.Invalidf(FieldResidentID, RuleResidentCheckCharacter,
			"check character is %c but must be %c (GB 11643-1999 ISO 7064 MOD 11-2)", got, want)
	}
	return ResidentID(body + string(want)), nil
}

// residentBirth reads the YYYYMMDD at body[6:14] (ASCII digits) and reports
// whether it is a real calendar date.
func residentBirth(body string) (period.Date, bool) {
	y := atoi(body[6:10])
	m := atoi(body[10:12])
	d := atoi(body[12:14])
	if m < 1 || m > 12 || d < 1 || d > period.DaysIn(y, m) {
		return period.Date{}, false
	}
	return period.Date{Y: y, M: m, D: d}, true
}

// NewResidentID returns the resident ID number of a synthetic person born
// on birth in division, with sequence number seq (odd: male, even:
// female), computing the check character. It is for generated data only.
//
// It panics if division is not 6 digits not starting with 0, birth is not
// a real date from 1880-01-01 to 9999-12-31, or seq is outside 0..999. A
// birth date after today gives a number ParseResidentID rejects until
// that day.
func NewResidentID(division string, birth period.Date, seq int) ResidentID {
	if len(division) != 6 || !allDigits(division) || division[0] == '0' {
		panic(fmt.Sprintf("ident.NewResidentID: division %q is not 6 digits not starting with 0", division))
	}
	if birth.Y < EarliestBirthYear || birth.Y > 9999 || birth.M < 1 || birth.M > 12 || birth.D < 1 || birth.D > period.DaysIn(birth.Y, birth.M) {
		panic(fmt.Sprintf("ident.NewResidentID: birth %04d-%02d-%02d is not a real date from %d on", birth.Y, birth.M, birth.D, EarliestBirthYear))
	}
	if seq < 0 || seq > 999 {
		panic(fmt.Sprintf("ident.NewResidentID: sequence %d is outside 0..999", seq))
	}
	var b [18]byte
	copy(b[:6], division)
	putDigits(b[6:10], birth.Y)
	putDigits(b[10:12], birth.M)
	putDigits(b[12:14], birth.D)
	putDigits(b[14:17], seq)
	b[17] = residentCheck(string(b[:17]))
	return ResidentID(b[:])
}

// valid reports whether id has the canonical shape: 17 digits and a digit
// or X. The accessors return zero values for anything else.
func (id ResidentID) valid() bool {
	if len(id) != 18 || !allDigits(string(id[:17])) {
		return false
	}
	c := id[17]
	return c >= '0' && c <= '9' || c == 'X'
}

// Birth returns the birth date the number records, or the zero Date if id
// is not in canonical form.
func (id ResidentID) Birth() period.Date {
	if !id.valid() {
		return period.Date{}
	}
	d, ok := residentBirth(string(id))
	if !ok {
		return period.Date{}
	}
	return d
}

// Sex returns Male for an odd sequence number (the 17th digit) and Female
// for an even one, or "" if id is not in canonical form.
func (id ResidentID) Sex() Sex {
	if !id.valid() {
		return ""
	}
	if (id[16]-'0')%2 == 1 {
		return Male
	}
	return Female
}

// Division returns the 6-digit division code of the place where the number
// was first issued (the first 6 digits), or "" if id is not in canonical
// form. It is not necessarily where the person lives now.
func (id ResidentID) Division() string {
	if !id.valid() {
		return ""
	}
	return string(id[:6])
}

// IsLegacy reports whether s (after trimming white space) has the 15-digit
// legacy form that ParseResidentID upgrades.
func IsLegacy(s string) bool {
	s = strings.TrimSpace(s)
	return len(s) == 15 && allDigits(s)
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// putDigits writes v as len(b) decimal digits, zero-padded.
func putDigits(b []byte, v int) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// firstNonDigit returns the 1-based character position and the rune of the
// first character of s that is not a digit (X or x allowed at position 18),
// or 0 if there is none.
func firstNonDigit(s string) (int, rune) {
	pos := 0
	for _, r := range s {
		pos++
		if r >= '0' && r <= '9' || pos == 18 && (r == 'X' || r == 'x') {
			continue
		}
		return pos, r
	}
	return 0, 0
}

// quoteChar renders an ASCII byte for a message: printable ones in quotes,
// others by code.
func quoteChar(c byte) string {
	if c > ' ' && c < 0x7f {
		return "'" + string(c) + "'"
	}
	return fmt.Sprintf("U+%04X", c)
}
