package ident

import "strings"

// Masking is the one place where personal numbers are cut for display
// (PIPL Art. 6 and 19: the minimum necessary). Every list, search and
// export of persons shows numbers masked, for every role; the whole
// number is shown only on one person's record, to a role that needs it,
// for a stated reason (registry.Service.RevealPerson). The formats are
// the common Chinese practice: a resident ID keeps its issuing division
// and its last four characters (330402********1234), a mobile number its
// network prefix and its last four digits (138****5678).

// Masked returns the number with the birth date and sequence hidden: the
// first 6 and last 4 characters around 8 stars ("330402********1234").
// For a value not in canonical form (any length but 18) it returns only
// stars, one per byte, revealing nothing. Masking a masked number gives
// it back unchanged.
func (id ResidentID) Masked() string {
	if len(id) != 18 {
		return strings.Repeat("*", len(id))
	}
	return string(id[:6]) + "********" + string(id[14:])
}

// MaskPhone returns a telephone number with its middle hidden: a mainland
// mobile number (11 digits) keeps its first 3 and last 4 digits around 4
// stars ("138****5678"); another number of at least 8 bytes keeps only
// its last 4, each other byte a star; a shorter one is all stars. ""
// stays "" (no number recorded). Masking a masked number gives it back
// unchanged.
func MaskPhone(s string) string {
	switch n := len(s); {
	case n == 0:
		return ""
	case n == 11:
		return s[:3] + "****" + s[7:]
	case n >= 8:
		return strings.Repeat("*", n-4) + s[n-4:]
	default:
		return strings.Repeat("*", n)
	}
}
