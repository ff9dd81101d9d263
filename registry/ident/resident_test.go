package ident

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"hrss/rules/fault"
	"hrss/rules/period"
)

// The two samples printed in GB 11643-1999; every other number in these
// tests is generated.
const (
	sampleFemale = "11010519491231002X" // female, 1949-12-31
	sampleMale   = "440524188001010014" // male, 1880-01-01
)

// testToday is the fixed "today" of the tests that need one.
var testToday = period.Date{Y: 2026, M: 10, D: 15}

func TestParseResidentIDValid(t *testing.T) {
	tests := []struct {
		in        string
		want      ResidentID
		birth     period.Date
		sex       Sex
		division  string
		masked    string
		isLegacy  bool
		wantInput bool // canonical form equals the trimmed input
	}{
		{sampleFemale, sampleFemale, period.Date{Y: 1949, M: 12, D: 31}, Female, "110105", "110105********002X", false, true},
		{sampleMale, sampleMale, period.Date{Y: 1880, M: 1, D: 1}, Male, "440524", "440524********0014", false, true},
		{"11010519491231002x", sampleFemale, period.Date{Y: 1949, M: 12, D: 31}, Female, "110105", "110105********002X", false, false},
		{"  11010519491231002X\t\n", sampleFemale, period.Date{Y: 1949, M: 12, D: 31}, Female, "110105", "110105********002X", false, false},
		// The legacy 15-digit form of the female sample.
		{"110105491231002", sampleFemale, period.Date{Y: 1949, M: 12, D: 31}, Female, "110105", "110105********002X", true, false},
		{" 110105491231002 ", sampleFemale, period.Date{Y: 1949, M: 12, D: 31}, Female, "110105", "110105********002X", true, false},
		// Generated: a leap day, today itself, the first day of 1880.
		{string(NewResidentID("330402", period.Date{Y: 2000, M: 2, D: 29}, 123)), "", period.Date{Y: 2000, M: 2, D: 29}, Male, "330402", "", false, true},
		{string(NewResidentID("330481", testToday, 2)), "", testToday, Female, "330481", "", false, true},
		{string(NewResidentID("330424", period.Date{Y: 1880, M: 1, D: 1}, 0)), "", period.Date{Y: 1880, M: 1, D: 1}, Female, "330424", "", false, true},
	}
	for _, tt := range tests {
		id, err := ParseResidentIDOn(tt.in, testToday)
		if err != nil {
			t.Errorf("ParseResidentIDOn(%q): %v", tt.in, err)
			continue
		}
		want := tt.want
		if want == "" {
			want = ResidentID(strings.TrimSpace(tt.in))
		}
		if id != want {
			t.Errorf("ParseResidentIDOn(%q) = %q, want %q", tt.in, id, want)
		}
		if got := id.Birth(); got != tt.birth {
			t.Errorf("%q: Birth = %v, want %v", tt.in, got, tt.birth)
		}
		if got := id.Sex(); got != tt.sex {
			t.Errorf("%q: Sex = %v, want %v", tt.in, got, tt.sex)
		}
		if got := id.Division(); got != tt.division {
			t.Errorf("%q: Division = %v, want %v", tt.in, got, tt.division)
		}
		if tt.masked != "" && id.Masked() != tt.masked {
			t.Errorf("%q: Masked = %q, want %q", tt.in, id.Masked(), tt.masked)
		}
		if IsLegacy(tt.in) != tt.isLegacy {
			t.Errorf("IsLegacy(%q) = %v, want %v", tt.in, !tt.isLegacy, tt.isLegacy)
		}
		if (string(id) == tt.in) != tt.wantInput {
			t.Errorf("%q: canonical %q; input equal = %v, want %v", tt.in, id, !tt.wantInput, tt.wantInput)
		}
		// ParseResidentID (today's real date) agrees for these past dates.
		if id.Birth().Compare(Today()) <= 0 {
			if id2, err := ParseResidentID(tt.in); err != nil || id2 != id {
				t.Errorf("ParseResidentID(%q) = %q, %v", tt.in, id2, err)
			}
		}
	}
}

func TestParseResidentIDInvalid(t *testing.T) {
	// Build a number with a given body and its correct check character, so
	// that only the rule under test is broken.
	withCheck := func(body17 string) string { return body17 + string(residentCheck(body17)) }
	tests := []struct {
		in, rule, msg string
	}{
		{"", RuleResidentRequired, "required"},
		{"   ", RuleResidentRequired, "required"},
		{"11010519491231002", RuleResidentLength, "has 17 characters"},
		{"11010519491231002XX", RuleResidentLength, "has 19 characters"},
		{"1101051949123100", RuleResidentLength, "has 16 characters"},
		{"1101051949 1231002X", RuleResidentLength, "has 19 characters"},
		{"11010519491231002X0000", RuleResidentLength, "has 22 characters"},
		{"A1010519491231002X", RuleResidentDigit, "'A' at position 1 is not a digit"},
		{"1101051949123100X2", RuleResidentDigit, "'X' at position 17 is not a digit"},
		{"110105194912 1002X", RuleResidentDigit, "U+0020 at position 13 is not a digit"},
		{"11010519491231002Y", RuleResidentCheckCharacter, "'Y' at position 18 must be a digit or X"},
		{"1101051949123100２X", RuleResidentDigit, "'２' at position 17 is not a digit"},
		{"11010519491231002Ｘ", RuleResidentCheckCharacter, "'Ｘ' at position 18 must be a digit or X"},
		{"11010549123100x", RuleResidentDigit, "'x' at position 15 is not a digit"},
		{"11010549123100X", RuleResidentDigit, "'X' at position 15 is not a digit"},
		{"11010519491231002Xé", RuleResidentLength, "has 19 characters"},
		{withCheck("01010519491231002"), RuleResidentDivision, "division code 010105 must not start with 0"},
		{withCheck("11010519990230002"), RuleResidentBirthDate, "birth date 19990230 (positions 7-14) is not a real calendar date"},
		{withCheck("11010519000229002"), RuleResidentBirthDate, "19000229"},
		{withCheck("11010519991301002"), RuleResidentBirthDate, "19991301"},
		{withCheck("11010519990001002"), RuleResidentBirthDate, "19990001"},
		{withCheck("11010519990100002"), RuleResidentBirthDate, "19990100"},
		{withCheck("11010519990431002"), RuleResidentBirthDate, "19990431"},
		{withCheck("11010500000101002"), RuleResidentBirthDate, ""}, // year 0 never a date here: too early
		{"110105990230002", RuleResidentBirthDate, "birth date 990230 (positions 7-12, read as 19990230)"},
		{withCheck("11010518791231002"), RuleResidentBirthTooEarly, "1879-12-31 is before 1880"},
		{withCheck("11010520261016002"), RuleResidentBirthFuture, "2026-10-16 is after today (2026-10-15)"},
		{withCheck("11010530000101002"), RuleResidentBirthFuture, "after today"},
		{"11010519491231002Y"[:17] + "1", RuleResidentCheckCharacter, "check character is 1 but must be X (GB 11643-1999 ISO 7064 MOD 11-2)"},
		{"440524188001010015", RuleResidentCheckCharacter, "check character is 5 but must be 4"},
		{"44052418800101001X", RuleResidentCheckCharacter, "check character is X but must be 4"},
		{"44052418800101001x", RuleResidentCheckCharacter, "check character is X but must be 4"},
	}
	for _, tt := range tests {
		id, err := ParseResidentIDOn(tt.in, testToday)
		if err == nil {
			t.Errorf("ParseResidentIDOn(%q) = %q, want error %s", tt.in, id, tt.rule)
			continue
		}
		var fe *fault.Error
		if !errors.As(err, &fe) {
			t.Errorf("ParseResidentIDOn(%q): error %T is not a *fault.Error", tt.in, err)
			continue
		}
		if tt.rule == RuleResidentBirthDate && tt.msg == "" {
			// Year 0000 fails as not a real date or too early; either is right.
			if fe.Rule != RuleResidentBirthDate && fe.Rule != RuleResidentBirthTooEarly {
				t.Errorf("ParseResidentIDOn(%q): rule %s", tt.in, fe.Rule)
			}
			continue
		}
		if fe.Kind != fault.Invalid || fe.Field != FieldResidentID || fe.Rule != tt.rule {
			t.Errorf("ParseResidentIDOn(%q): kind %v field %q rule %q, want Invalid resident_id %s (%v)", tt.in, fe.Kind, fe.Field, fe.Rule, tt.rule, err)
		}
		if !strings.Contains(fe.Message, tt.msg) {
			t.Errorf("ParseResidentIDOn(%q): message %q does not contain %q", tt.in, fe.Message, tt.msg)
		}
		if !strings.HasPrefix(err.Error(), "resident_id: ") {
			t.Errorf("ParseResidentIDOn(%q): Error() = %q does not name the field", tt.in, err)
		}
	}
}

// TestParseResidentIDSampleCheckMessage pins the message format the brief
// names.
func TestParseResidentIDSampleCheckMessage(t *testing.T) {
	_, err := ParseResidentID("110105194912310027")
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Rule != "resident_id.check_character" ||
		fe.Message != "check character is 7 but must be X (GB 11643-1999 ISO 7064 MOD 11-2)" {
		t.Fatalf("got %#v", err)
	}
}

// validResidentIDs returns the two samples and n generated numbers.
func validResidentIDs(r *rand.Rand, n int) []ResidentID {
	ids := []ResidentID{sampleFemale, sampleMale}
	for range n {
		ids = append(ids, randomResidentID(r))
	}
	return ids
}

func randomResidentID(r *rand.Rand) ResidentID {
	div := string(rune('1' + r.IntN(9)))
	for range 5 {
		div += string(rune('0' + r.IntN(10)))
	}
	y := 1880 + r.IntN(2025-1880+1)
	m := 1 + r.IntN(12)
	d := 1 + r.IntN(period.DaysIn(y, m))
	return NewResidentID(div, period.Date{Y: y, M: m, D: d}, r.IntN(1000))
}

// TestResidentIDCorruption checks that every single-character change of a
// valid number (to any other digit, X, or a foreign character) is rejected.
func TestResidentIDCorruption(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	repl := "0123456789XxA -"
	for _, id := range validResidentIDs(r, 300) {
		if _, err := ParseResidentIDOn(string(id), testToday); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		for i := 0; i < 18; i++ {
			for j := 0; j < len(repl); j++ {
				c := repl[j]
				if c == id[i] || i == 17 && id[i] == 'X' && c == 'x' {
					continue // unchanged or only the case of X
				}
				bad := string(id[:i]) + string(c) + string(id[i+1:])
				if got, err := ParseResidentIDOn(bad, testToday); err == nil {
					t.Errorf("corruption %s of %s (position %d) accepted as %s", bad, id, i+1, got)
				}
			}
		}
	}
}

// TestNewResidentIDRoundTrip checks that generated numbers always parse to
// themselves and record what they were made from.
func TestNewResidentIDRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		div := "330" + string(rune('1'+r.IntN(9))) + string(rune('0'+r.IntN(10))) + string(rune('0'+r.IntN(10)))
		y := 1880 + r.IntN(2025-1880+1)
		m := 1 + r.IntN(12)
		birth := period.Date{Y: y, M: m, D: 1 + r.IntN(period.DaysIn(y, m))}
		seq := r.IntN(1000)
		id := NewResidentID(div, birth, seq)
		got, err := ParseResidentID(string(id))
		if err != nil || got != id {
			t.Fatalf("NewResidentID(%s, %v, %d) = %s; parses to %s, %v", div, birth, seq, id, got, err)
		}
		wantSex := Female
		if seq%2 == 1 {
			wantSex = Male
		}
		if id.Birth() != birth || id.Division() != div || id.Sex() != wantSex {
			t.Fatalf("%s: birth %v division %s sex %s", id, id.Birth(), id.Division(), id.Sex())
		}
		// The legacy form of a 20th-century number upgrades to it.
		if y >= 1900 && y <= 1999 {
			legacy := string(id[:6]) + string(id[8:17])
			if got, err := ParseResidentID(legacy); err != nil || got != id {
				t.Fatalf("legacy %s of %s parses to %s, %v", legacy, id, got, err)
			}
		}
	}
}

func TestNewResidentIDPanics(t *testing.T) {
	good := period.Date{Y: 1990, M: 5, D: 17}
	tests := []struct {
		name  string
		div   string
		birth period.Date
		seq   int
	}{
		{"short division", "33040", good, 1},
		{"letter division", "33040A", good, 1},
		{"division with 0", "030402", good, 1},
		{"no date", "330402", period.Date{}, 1},
		{"bad date", "330402", period.Date{Y: 1999, M: 2, D: 30}, 1},
		{"too early", "330402", period.Date{Y: 1879, M: 12, D: 31}, 1},
		{"five-digit year", "330402", period.Date{Y: 10000, M: 1, D: 1}, 1},
		{"negative sequence", "330402", good, -1},
		{"sequence too big", "330402", good, 1000},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: NewResidentID(%q, %v, %d) did not panic", tt.name, tt.div, tt.birth, tt.seq)
				}
			}()
			NewResidentID(tt.div, tt.birth, tt.seq)
		}()
	}
}

func TestResidentIDAccessorsOnNonCanonical(t *testing.T) {
	for _, id := range []ResidentID{"", "123", "11010519491231002x", "1101051949123100AX", "11010519990230002X"} {
		if id.Birth() != (period.Date{}) {
			t.Errorf("%q: Birth = %v", id, id.Birth())
		}
		m := id.Masked()
		if len(m) != len(id) {
			t.Errorf("%q: Masked = %q changes the length", id, m)
		}
		if len(id) != 18 && strings.Trim(m, "*") != "" {
			t.Errorf("%q: Masked = %q reveals something", id, m)
		}
	}
	if ResidentID("").Sex() != "" || ResidentID("").Division() != "" {
		t.Error("zero ResidentID has a sex or division")
	}
}
