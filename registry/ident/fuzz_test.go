package ident

import (
	"errors"
	"strings"
	"testing"

	"hrss/rules/fault"
	"hrss/rules/period"
)

// checkFault fails t unless err is an Invalid *fault.Error on field with a
// rule key of that field.
func checkFault(t *testing.T, in string, err error, field string) {
	t.Helper()
	var fe *fault.Error
	if !errors.As(err, &fe) {
		t.Fatalf("%q: error %T %v is not a *fault.Error", in, err, err)
	}
	if fe.Kind != fault.Invalid || fe.Field != field || !strings.HasPrefix(fe.Rule, field+".") || fe.Message == "" {
		t.Fatalf("%q: %#v", in, fe)
	}
}

func FuzzParseResidentID(f *testing.F) {
	for _, s := range []string{
		sampleFemale, sampleMale, "11010519491231002x", "110105491231002",
		" 11010519491231002X ", "110105194912310027", "11010519990230002X",
		"01010519491231002X", "11010518791231002X", "1101051949123100２X",
		string(NewResidentID("330402", period.Date{Y: 2000, M: 2, D: 29}, 1)),
		string(NewResidentID("330481", period.Date{Y: 1965, M: 7, D: 1}, 998)),
		"", "X", "123456789012345678", "11010519491231002XX",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseResidentIDOn(s, testToday)
		if err != nil {
			checkFault(t, s, err, FieldResidentID)
			if id != "" {
				t.Fatalf("%q: error %v with value %q", s, err, id)
			}
			return
		}
		if len(id) != 18 || !id.valid() {
			t.Fatalf("%q parsed to non-canonical %q", s, id)
		}
		again, err := ParseResidentIDOn(string(id), testToday)
		if err != nil || again != id {
			t.Fatalf("%q -> %q re-parses to %q, %v", s, id, again, err)
		}
		m := id.Masked()
		if len(m) != 18 || m[6:14] != "********" || m[:6] != string(id[:6]) || m[14:] != string(id[14:]) {
			t.Fatalf("%q: Masked = %q", id, m)
		}
		b := id.Birth()
		if b.IsZero() || b.Compare(testToday) > 0 || b.Y < EarliestBirthYear {
			t.Fatalf("%q: birth %v", id, b)
		}
		if sx := id.Sex(); sx != Male && sx != Female {
			t.Fatalf("%q: sex %q", id, sx)
		}
		if d := id.Division(); len(d) != 6 || d[0] == '0' {
			t.Fatalf("%q: division %q", id, d)
		}
		seq := int(id[14]-'0')*100 + int(id[15]-'0')*10 + int(id[16]-'0')
		if NewResidentID(id.Division(), b, seq) != id {
			t.Fatalf("%q: NewResidentID disagrees", id)
		}
		if Kind(s) != KindResidentID {
			t.Fatalf("%q: valid resident ID of kind %s", s, Kind(s))
		}
	})
}

func FuzzParseCreditCode(f *testing.F) {
	for _, s := range []string{
		sampleCredit, "91110000600037341l", " 91110000600037341L ", "91110000600037341M",
		"9I110000600037341L", "91A10000600037341L",
		string(NewCreditCode('N', '3', "330481", 42)),
		string(NewCreditCode('Y', '1', "330400", 99999999)),
		string(NewCreditCode('A', '9', "110000", 0)),
		string(NewCreditCode('5', '2', "330402", 7654321)),
		"", "91", "91110000600037341LL", "911100006000373４1L",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCreditCode(s)
		if err != nil {
			checkFault(t, s, err, FieldCreditCode)
			if c != "" {
				t.Fatalf("%q: error %v with value %q", s, err, c)
			}
			return
		}
		if len(c) != 18 || string(c) != strings.ToUpper(string(c)) {
			t.Fatalf("%q parsed to non-canonical %q", s, c)
		}
		again, err := ParseCreditCode(string(c))
		if err != nil || again != c {
			t.Fatalf("%q -> %q re-parses to %q, %v", s, c, again, err)
		}
		if !allDigits(c.Division()) || len(c.Category()) != 2 {
			t.Fatalf("%q: division %q category %q", c, c.Division(), c.Category())
		}
		if Kind(s) != KindCreditCode && Kind(s) != KindResidentID {
			t.Fatalf("%q: valid credit code of kind %s", s, Kind(s))
		}
		if serial, ok := decimalSerial(c); ok {
			if NewCreditCode(c[0], c[1], c.Division(), serial) != c {
				t.Fatalf("%q: NewCreditCode disagrees", c)
			}
		}
	})
}

// decimalSerial returns the organisation body of c as a number when it is
// all digits.
func decimalSerial(c CreditCode) (uint64, bool) {
	body := string(c[8:16])
	if !allDigits(body) {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(body); i++ {
		n = n*10 + uint64(body[i]-'0')
	}
	return n, true
}
