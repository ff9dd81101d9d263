package ident

import (
	"testing"

	"hrss/rules/period"
)

func TestKind(t *testing.T) {
	// An all-digit credit code: valid as a credit code, not as a resident ID.
	var digitCode CreditCode
	for serial := uint64(0); ; serial++ {
		c := NewCreditCode('9', '1', "330402", serial)
		if allDigits(string(c)) {
			if _, err := ParseResidentID(string(c)); err != nil {
				digitCode = c
				break
			}
		}
	}
	tests := []struct{ in, want string }{
		{sampleFemale, KindResidentID},
		{"11010519491231002x", KindResidentID},
		{" 110105491231002 ", KindResidentID},
		{"11010519491231002Y", KindResidentID}, // a resident ID number with a mistyped check character
		{"91110000600037341M", KindCreditCode}, // a credit code with a wrong check character
		{"91110000600037342L", KindCreditCode}, // a credit code with a wrong organisation check
		{"911100006000373419", KindResidentID}, // all digits and neither: resident ID by default
		{"110105194912310027", KindResidentID}, // wrong check, still resident-shaped
		{string(NewResidentID("330402", period.Date{Y: 1990, M: 1, D: 1}, 7)), KindResidentID},
		{sampleCredit, KindCreditCode},
		{"91110000600037341l", KindCreditCode},
		{"91330402MA2B3C4D5O", KindCreditCode}, // a letter GB 32100 leaves out: still a credit code, invalid
		{string(digitCode), KindCreditCode},
		{"", KindUnknown},
		{"hello", KindUnknown},
		{"1101051949123100", KindUnknown},
		{"11010549123100X", KindUnknown},
		{"9111000060003734-L", KindUnknown},
		{"911100006000373４1L", KindUnknown},
	}
	for _, tt := range tests {
		if got := Kind(tt.in); got != tt.want {
			t.Errorf("Kind(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
