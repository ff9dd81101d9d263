package ident

import (
	"strings"
	"testing"

	"hrss/rules/period"
)

func TestMaskPhone(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"13812345678", "138****5678"},
		{"17000000001", "170****0001"},
		{"057312345678", "********5678"}, // a fixed line with its area code: only the last 4
		{"12345", "*****"},
		{"138****5678", "138****5678"}, // idempotent
	} {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMaskHidesTheMiddle checks over many numbers that the masked forms
// keep their length, are idempotent and never hold the hidden digits.
func TestMaskHidesTheMiddle(t *testing.T) {
	for seq := 1; seq < 400; seq += 7 {
		id := NewResidentID("330402", period.Date{Y: 1950 + seq%60, M: 1 + seq%12, D: 1 + seq%28}, seq)
		m := id.Masked()
		if len(m) != 18 || m[:6] != string(id[:6]) || m[14:] != string(id[14:]) || strings.Contains(m, string(id[6:14])) {
			t.Fatalf("%s masked %s", id, m)
		}
		if ResidentID(m).Masked() != m {
			t.Fatalf("masking %s again changes it", m)
		}
		phone := "1" + string(id[8:18])
		if phone[10] == 'X' {
			continue
		}
		p := MaskPhone(phone)
		if len(p) != 11 || p[:3] != phone[:3] || p[7:] != phone[7:] || p[3:7] != "****" || MaskPhone(p) != p {
			t.Fatalf("%s masked %s", phone, p)
		}
	}
}
