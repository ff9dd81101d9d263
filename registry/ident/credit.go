package ident

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"hrss/rules/fault"
)

// FieldCreditCode is the field name credit code errors carry.
const FieldCreditCode = "credit_code"

// Rule keys of credit code errors.
const (
	RuleCreditRequired          = "credit_code.required"           // empty input
	RuleCreditLength            = "credit_code.length"             // not 18 characters
	RuleCreditCharacter         = "credit_code.character"          // a character outside the GB 32100 alphabet
	RuleCreditAuthority         = "credit_code.authority"          // position 1 is no registration authority
	RuleCreditCategory          = "credit_code.category"           // position 2 is no category of that authority
	RuleCreditDivision          = "credit_code.division"           // positions 3-8 are not 6 digits
	RuleCreditOrganisationCheck = "credit_code.organisation_check" // position 17 is not the GB 11714 check of 9-16
	RuleCreditCheckCharacter    = "credit_code.check_character"    // position 18 is not the GB 32100 check of 1-17
)

// creditAlphabet is the GB 32100 character set; a character's value is its
// index. It leaves out I, O, S, V and Z.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditValue maps an ASCII byte to its value in creditAlphabet, or -1.
var creditValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(creditAlphabet); i++ {
		t[creditAlphabet[i]] = int8(i)
	}
	return t
}()

// creditWeights are the GB 32100 weights 3^i mod 31 of positions 1-17.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714 weights of the 8-character organisation body.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// categories lists, for each registration authority (position 1) of
// GB 32100-2015 and its amendments, the entity categories (position 2) it
// may assign.
var categories = map[byte]string{
	'1': "1239",   // 机构编制: organ, public institution, mass organisation, other
	'2': "19",     // 外交: foreign news agency, other
	'3': "123459", // 司法行政: law firm, notary, legal service, forensic, arbitration, other
	'4': "19",     // 文化: foreign cultural centre, other
	'5': "1239",   // 民政: social group, private non-enterprise unit, foundation, other
	'6': "129",    // 旅游: foreign / Hong Kong, Macao, Taiwan tourism offices, other
	'7': "129",    // 宗教: place of worship, religious school, other
	'8': "19",     // 工会: trade union, other
	'9': "123",    // 工商 (market regulation): enterprise, individual business, farmers' cooperative
	'A': "19",     // 中央军委改革和编制办公室: military public institution, other
	'N': "1239",   // 农业: group, village, township collective economic organisation, other
	'Y': "1",      // 其他: other
}

// authorities lists the registration authority codes in order, for messages.
const authorities = "123456789ANY"

// CreditCode is a unified social credit code (统一社会信用代码) per
// GB 32100-2015 in canonical form: 18 upper-case characters of the
// standard's alphabet. Values made by ParseCreditCode and NewCreditCode are
// always canonical; converting an arbitrary string to CreditCode bypasses
// validation.
type CreditCode string

// ParseCreditCode validates s as a unified social credit code per
// GB 32100-2015 and returns it in canonical form. Surrounding white space
// is trimmed and lower-case letters are upper-cased first. It checks:
// 18 characters from 0-9 and A-Z without I, O, S, V and Z; a registration
// authority (1-9, A, N, Y: letters may lead) and an entity category that
// authority assigns; a 6-digit division code; positions 9-17 an
// organisation code per GB 11714 whose ninth character is the check of the
// first eight; and the final GB 32100 check character.
//
// It fails with a *fault.Error of Kind Invalid on field "credit_code" with
// rule credit_code.required, .length, .character, .authority, .category,
// .division, .organisation_check or .check_character, the message naming the
// position and, for a check, the character expected.
func ParseCreditCode(s string) (CreditCode, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fault.Invalidf(FieldCreditCode, RuleCreditRequired, "unified social credit code is required")
	}
	if n := utf8.RuneCountInString(s); n != 18 {
		return "", fault.Invalidf(FieldCreditCode, RuleCreditLength,
			"has %d characters but a unified social credit code has 18", n)
	}
	if !isASCII(s) {
		pos := 0
		for _, r := range s {
			pos++
			if r >= utf8.RuneSelf {
				return "", fault.Invalidf(FieldCreditCode, RuleCreditCharacter,
					"character %q at position %d is not allowed: GB 32100 uses 0-9 and A-Z without I, O, S, V, Z", r, pos)
			}
		}
	}
	var b [18]byte
	for i := 0; i < 18; i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if creditValue[c] < 0 {
			return "", fault.Invalidf(FieldCreditCode, RuleCreditCharacter,
				"character %s at position %d is not allowed: GB 32100 uses 0-9 and A-Z without I, O, S, V, Z", quoteChar(s[i]), i+1)
		}
		b[i] = c
	}
	cats, ok := categories[b[0]]
	if !ok {
		return "", fault.Invalidf(FieldCreditCode, RuleCreditAuthority,
			"registration authority %c (position 1) is not one of %s (GB 32100)", b[0], spaced(authorities))
	}
	if strings.IndexByte(cats, b[1]) < 0 {
		return "", fault.Invalidf(FieldCreditCode, RuleCreditCategory,
			"entity category %c (position 2) is not one that registration authority %c assigns (%s) (GB 32100)", b[1], b[0], spaced(cats))
	}
	for i := 2; i < 8; i++ {
		if b[i] < '0' || b[i] > '9' {
			return "", fault.Invalidf(FieldCreditCode, RuleCreditDivision,
				"division code (positions 3-8) must be 6 digits but has %c at position %d", b[i], i+1)
		}
	}
	if want := orgCheck(b[8:16]); b[16] != want {
		return "", fault.Invalidf(FieldCreditCode, RuleCreditOrganisationCheck,
			"organisation code check character (position 17) is %c but must be %c (GB 11714)", b[16], want)
	}
	if want := creditCheck(b[:17]); b[17] != want {
		return "", fault.Invalidf(FieldCreditCode, RuleCreditCheckCharacter,
			"check character is %c but must be %c (GB 32100 ISO 7064 MOD 31-3)", b[17], want)
	}
	return CreditCode(b[:]), nil
}

// orgCheck returns the GB 11714 check character of an 8-character
// organisation body (digits and upper-case letters; A-Z count 10-35).
func orgCheck(body []byte) byte {
	sum := 0
	for i, c := range body {
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		sum += v * orgWeights[i]
	}
	switch r := 11 - sum%11; r {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + r)
	}
}

// creditCheck returns the GB 32100 check character of the first 17
// characters, all from creditAlphabet.
func creditCheck(b []byte) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(creditValue[b[i]]) * creditWeights[i]
	}
	return creditAlphabet[(31-sum%31)%31]
}

// Division returns the 6-digit division code of the registration authority
// (positions 3-8), or "" if c is shorter than 8 characters.
func (c CreditCode) Division() string {
	if len(c) < 8 {
		return ""
	}
	return string(c[2:8])
}

// Category returns the registration authority and entity category, the
// first two characters: "91" for an enterprise, "92" an individual
// business, "51" a social group. It returns "" if c is shorter than 2.
func (c CreditCode) Category() string {
	if len(c) < 2 {
		return ""
	}
	return string(c[:2])
}

// NewCreditCode returns a synthetic unified social credit code, for
// generated data only: registration authority and entity category as
// given, the 6-digit division, an organisation body of serial as 8 decimal
// digits with its GB 11714 check character, and the GB 32100 check
// character. Distinct serials give distinct codes for the same authority,
// category and division.
//
// It panics if authority and category are not a pair GB 32100 defines
// (upper-case letters only), division is not 6 digits, or serial is
// 100,000,000 or more.
func NewCreditCode(authority, category byte, division string, serial uint64) CreditCode {
	cats, ok := categories[authority]
	if !ok || strings.IndexByte(cats, category) < 0 {
		panic(fmt.Sprintf("ident.NewCreditCode: %q%q is not a registration authority and entity category of GB 32100", authority, category))
	}
	if len(division) != 6 || !allDigits(division) {
		panic(fmt.Sprintf("ident.NewCreditCode: division %q is not 6 digits", division))
	}
	if serial >= 100_000_000 {
		panic(fmt.Sprintf("ident.NewCreditCode: serial %d does not fit 8 digits", serial))
	}
	var b [18]byte
	b[0], b[1] = authority, category
	copy(b[2:8], division)
	for i := 15; i >= 8; i-- {
		b[i] = byte('0' + serial%10)
		serial /= 10
	}
	b[16] = orgCheck(b[8:16])
	b[17] = creditCheck(b[:17])
	return CreditCode(b[:])
}

// spaced returns the characters of s separated by ", ".
func spaced(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}
