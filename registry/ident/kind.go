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
//   - 15 digits, or 17 digits and a digit or X/x: KindResidentID, except that
//     an 18-character number that is a valid credit code but not a valid
//     resident ID number is KindCreditCode (credit codes may be all digits);
//   - any other 18 ASCII letters and digits: KindCreditCode (so that a letter
//     GB 32100 leaves out, such as O, is reported as such);
//   - anything else: KindUnknown.
func Kind(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case len(s) == 15 && allDigits(s):
		return KindResidentID
	case len(s) != 18:
		return KindUnknown
	case allDigits(s[:17]) && (s[17] >= '0' && s[17] <= '9' || s[17] == 'X' || s[17] == 'x'):
		if _, err := ParseResidentID(s); err != nil {
			if _, err := ParseCreditCode(s); err == nil {
				return KindCreditCode
			}
		}
		return KindResidentID
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return KindUnknown
		}
	}
	return KindCreditCode
}
