package ident

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"hrss/rules/fault"
)

// sampleCredit is the sample printed in GB 32100-2015; every other code in
// these tests is generated.
const sampleCredit = "91110000600037341L"

func TestParseCreditCodeValid(t *testing.T) {
	tests := []struct {
		in, want, category, division string
	}{
		{sampleCredit, sampleCredit, "91", "110000"},
		{"91110000600037341l", sampleCredit, "91", "110000"},
		{" 91110000600037341L\n", sampleCredit, "91", "110000"},
		{string(NewCreditCode('5', '1', "330402", 1)), "", "51", "330402"},
		{string(NewCreditCode('N', '2', "330481", 12345678)), "", "N2", "330481"},
		{strings.ToLower(string(NewCreditCode('Y', '1', "330400", 99999999))), "", "Y1", "330400"},
	}
	for _, tt := range tests {
		c, err := ParseCreditCode(tt.in)
		if err != nil {
			t.Errorf("ParseCreditCode(%q): %v", tt.in, err)
			continue
		}
		want := tt.want
		if want == "" {
			want = strings.ToUpper(strings.TrimSpace(tt.in))
		}
		if string(c) != want || c.Category() != tt.category || c.Division() != tt.division {
			t.Errorf("ParseCreditCode(%q) = %q category %q division %q, want %q %q %q",
				tt.in, c, c.Category(), c.Division(), want, tt.category, tt.division)
		}
	}
}

// TestCreditCodeEveryCategory generates codes for every registration
// authority and entity category pair, letter-leading ones included, and
// checks that each parses to itself.
func TestCreditCodeEveryCategory(t *testing.T) {
	pairs := 0
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < len(authorities); i++ {
		a := authorities[i]
		cats := categories[a]
		for j := 0; j < len(cats); j++ {
			pairs++
			for _, serial := range []uint64{0, 1, 60003734, 99999999, r.Uint64N(100_000_000)} {
				c := NewCreditCode(a, cats[j], "330402", serial)
				got, err := ParseCreditCode(string(c))
				if err != nil || got != c {
					t.Errorf("NewCreditCode(%c, %c, 330402, %d) = %s parses to %s, %v", a, cats[j], serial, c, got, err)
				}
				if got.Category() != string([]byte{a, cats[j]}) {
					t.Errorf("%s: category %s", c, got.Category())
				}
				if Kind(string(c)) != KindCreditCode {
					t.Errorf("Kind(%s) = %s", c, Kind(string(c)))
				}
			}
		}
	}
	if pairs != 36 {
		t.Errorf("%d authority and category pairs, want the 36 of GB 32100", pairs)
	}
	// The organisation body of the standard's sample, rebuilt.
	if c := NewCreditCode('9', '1', "110000", 60003734); c != sampleCredit {
		t.Errorf("NewCreditCode(9, 1, 110000, 60003734) = %s, want the sample %s", c, sampleCredit)
	}
}

func TestParseCreditCodeInvalid(t *testing.T) {
	// withChecks completes a 16-character prefix with both check characters
	// so that only the rule under test is broken.
	withChecks := func(p16 string) string {
		b := []byte(p16 + "00")
		b[16] = orgCheck(b[8:16])
		b[17] = creditCheck(b[:17])
		return string(b)
	}
	// withFinal completes 17 characters with the final check character.
	withFinal := func(p17 string) string { return p17 + string(creditCheck([]byte(p17))) }
	tests := []struct{ in, rule, msg string }{
		{"", RuleCreditRequired, "required"},
		{"9111000060003734", RuleCreditLength, "has 16 characters"},
		{"91110000600037341LL", RuleCreditLength, "has 19 characters"},
		{"91110000600037341Ｌ", RuleCreditCharacter, "'Ｌ' at position 18 is not allowed"},
		{"91110000600037341O", RuleCreditCharacter, "'O' at position 18 is not allowed"},
		{"9I110000600037341L", RuleCreditCharacter, "'I' at position 2 is not allowed"},
		{"91110000600037341s", RuleCreditCharacter, "'s' at position 18 is not allowed"},
		{"9111000060003734-L", RuleCreditCharacter, "'-' at position 17"},
		{"9111000060003734 L", RuleCreditCharacter, "U+0020 at position 17"},
		{withChecks("0111000060003734"), RuleCreditAuthority, "registration authority 0 (position 1) is not one of 1, 2, 3, 4, 5, 6, 7, 8, 9, A, N, Y"},
		{withChecks("B111000060003734"), RuleCreditAuthority, "registration authority B"},
		{withChecks("9411000060003734"), RuleCreditCategory, "entity category 4 (position 2) is not one that registration authority 9 assigns (1, 2, 3)"},
		{withChecks("9911000060003734"), RuleCreditCategory, "category 9"},
		{withChecks("Y211000060003734"), RuleCreditCategory, "authority Y assigns (1)"},
		{withChecks("N511000060003734"), RuleCreditCategory, "authority N"},
		{withChecks("91A1000060003734"), RuleCreditDivision, "has A at position 3"},
		{withChecks("9111000X60003734"), RuleCreditDivision, "has X at position 8"},
		{withFinal("91110000600037342"), RuleCreditOrganisationCheck, "is 2 but must be 1 (GB 11714)"},
		{"91110000600037341M", RuleCreditCheckCharacter, "check character is M but must be L (GB 32100 ISO 7064 MOD 31-3)"},
	}
	for _, tt := range tests {
		c, err := ParseCreditCode(tt.in)
		if err == nil {
			t.Errorf("ParseCreditCode(%q) = %q, want error %s", tt.in, c, tt.rule)
			continue
		}
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Kind != fault.Invalid || fe.Field != FieldCreditCode || fe.Rule != tt.rule {
			t.Errorf("ParseCreditCode(%q): %#v, want Invalid credit_code %s", tt.in, err, tt.rule)
			continue
		}
		if !strings.Contains(fe.Message, tt.msg) {
			t.Errorf("ParseCreditCode(%q): message %q does not contain %q", tt.in, fe.Message, tt.msg)
		}
	}
}

// TestOrganisationCheckX covers the two special remainders of GB 11714:
// 10 gives X and 11 gives 0.
func TestOrganisationCheckX(t *testing.T) {
	seen := map[byte]bool{}
	for serial := uint64(0); serial < 200; serial++ {
		c := NewCreditCode('9', '1', "330402", serial)
		seen[c[16]] = true
		if _, err := ParseCreditCode(string(c)); err != nil {
			t.Fatal(err)
		}
	}
	for _, ch := range []byte("0123456789X") {
		if !seen[ch] {
			t.Errorf("no generated organisation check character %c", ch)
		}
	}
}

// TestCreditCodeCorruption checks that every single-character change of a
// valid code (to any other character of the alphabet, a letter GB 32100
// leaves out, or a foreign character) is rejected.
func TestCreditCodeCorruption(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	codes := []CreditCode{sampleCredit}
	for range 200 {
		a := authorities[r.IntN(len(authorities))]
		cats := categories[a]
		div := string(rune('1' + r.IntN(9)))
		for range 5 {
			div += string(rune('0' + r.IntN(10)))
		}
		codes = append(codes, NewCreditCode(a, cats[r.IntN(len(cats))], div, r.Uint64N(100_000_000)))
	}
	repl := creditAlphabet + "IOSVZ -#"
	for _, c := range codes {
		for i := 0; i < 18; i++ {
			for j := 0; j < len(repl); j++ {
				ch := repl[j]
				if ch == c[i] {
					continue
				}
				for _, bad := range []string{
					string(c[:i]) + string(ch) + string(c[i+1:]),
					strings.ToLower(string(c[:i]) + string(ch) + string(c[i+1:])),
				} {
					if got, err := ParseCreditCode(bad); err == nil {
						t.Errorf("corruption %s of %s (position %d) accepted as %s", bad, c, i+1, got)
					}
				}
			}
		}
	}
}

func TestNewCreditCodePanics(t *testing.T) {
	tests := []struct {
		name   string
		a, c   byte
		div    string
		serial uint64
	}{
		{"no authority", '0', '1', "330402", 1},
		{"lower-case authority", 'n', '1', "330402", 1},
		{"no category", '9', '9', "330402", 1},
		{"Y has only 1", 'Y', '9', "330402", 1},
		{"short division", '9', '1', "33040", 1},
		{"letter in division", '9', '1', "33040A", 1},
		{"serial too big", '9', '1', "330402", 100_000_000},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: NewCreditCode did not panic", tt.name)
				}
			}()
			NewCreditCode(tt.a, tt.c, tt.div, tt.serial)
		}()
	}
}

func TestCreditCodeAccessorsShort(t *testing.T) {
	if CreditCode("9").Category() != "" || CreditCode("9111").Division() != "" {
		t.Error("accessors of a short code are not empty")
	}
}
