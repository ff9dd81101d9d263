package ident

import "strings"

// The kinds of number Kind tells apart.
const (
	KindResidentID = "resident-id"
	KindCreditCode = "credit-code"
	KindUnknown    = "unknown"
)

// Kind guesses which identifier s (after trimming white space) is meant to
// be, from its length and characters, so that a checker can report the
// right standard's verdict. It never fails:
//   - 15 digits: KindResidentID (the legacy form);
//   - 18 characters, 17 digits and then a letter or digit: a valid resident
//     ID number is KindResidentID, else a valid credit code (which may be all
//     digits) KindCreditCode; when neither is valid, KindResidentID if the
//     first 17 digits look like the start of a resident ID number (a
//     division not starting with 0 and a real birth date) or the last
//     character is a digit or X, else KindCreditCode;
//   - any other 18 ASCII letters and digits: KindCreditCode (so that a letter
//     GB 32100 leaves out, such as O, is reported as such);
//   - anything else: KindUnknown.
func Kind(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case len(s) == 15 && allDigits(s):
		return KindResidentID
	case len(s) != 18 || !isAlnum(s):
		return KindUnknown
	case !allDigits(s[:17]):
		return KindCreditCode
	}
	if _, err := ParseResidentID(s); err == nil {
		return KindResidentID
	}
	if _, err := ParseCreditCode(s); err == nil {
		return KindCreditCode
	}
	body := s[:17]
	if _, err := ParseResidentID(body + string(residentCheck(body))); err == nil {
		return KindResidentID // only the check character is wrong
	}
	if c := s[17]; c >= '0' && c <= '9' || c == 'X' || c == 'x' {
		return KindResidentID
	}
	return KindCreditCode
}

// isAlnum reports whether s is all ASCII letters and digits.
func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}
