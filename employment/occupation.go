package employment

import (
	"strings"

	"hrss/rules/fault"
)

// OccupationCode is a code of the national occupational classification
// (职业分类大典, 2022 edition): major-medium-minor-detail, such as
// "2-02-10-09" (a major category 1-8, then two digits each for the
// medium category, the minor category and the occupation).
type OccupationCode string

// occKey is an OccupationCode packed into an integer so that its levels
// compare by shifts: major<<24 | medium<<16 | minor<<8 | detail.
type occKey uint32

// ParseOccupationCode checks the structure of s and returns it as a code.
// It fails with Invalid (rule occupation.code) naming field.
func ParseOccupationCode(field, s string) (OccupationCode, error) {
	s = strings.TrimSpace(s)
	if _, ok := packOcc(s); !ok {
		return "", fault.Invalidf(field, "occupation.code", "%q is not an occupation code of the form D-DD-DD-DD with a major category 1-8 (职业分类大典 2022, e.g. 2-02-10-09)", s)
	}
	return OccupationCode(s), nil
}

func packOcc(s string) (occKey, bool) {
	if len(s) != 10 || s[1] != '-' || s[4] != '-' || s[7] != '-' || s[0] < '1' || s[0] > '8' {
		return 0, false
	}
	k := occKey(s[0] - '0')
	for _, at := range []int{2, 5, 8} {
		a, b := s[at], s[at+1]
		if a < '0' || a > '9' || b < '0' || b > '9' {
			return 0, false
		}
		k = k<<8 | occKey((a-'0')*10+(b-'0'))
	}
	return k, true
}

func (c OccupationCode) key() occKey {
	k, _ := packOcc(string(c))
	return k
}

// Major returns the major category of c ("2").
func (c OccupationCode) Major() string { return string(c)[:1] }

// Proximity is how close two occupation codes are in the classification.
type Proximity int

// The proximity levels, closest first.
const (
	SameOccupation Proximity = iota // same code
	SameMinor                       // same minor category (小类), e.g. 2-02-10
	SameMedium                      // same medium category (中类), e.g. 2-02
	SameMajor                       // same major category (大类), e.g. 2
	Unrelated                       // different major categories, or no code
)

// proximityOf returns how close a and b are.
func proximityOf(a, b occKey) Proximity {
	switch {
	case a == 0 || b == 0:
		return Unrelated
	case a == b:
		return SameOccupation
	case a>>8 == b>>8:
		return SameMinor
	case a>>16 == b>>16:
		return SameMedium
	case a>>24 == b>>24:
		return SameMajor
	}
	return Unrelated
}

// shift returns how many low bits of a key a proximity level ignores.
func (p Proximity) shift() uint { return uint(p) * 8 }

// Occupation is one entry of the occupational classification.
type Occupation struct {
	Code   OccupationCode `json:"code"`
	NameZH string         `json:"name_zh"`
	NameEN string         `json:"name_en,omitempty"`
	Source string         `json:"source"` // "demo" for the shipped demo subset, else the imported file's name
}

// Skill is one entry of the skill vocabulary. Weight (1 generic, 2 trade,
// 3 specialised) counts in the skills coverage of a match.
type Skill struct {
	Code   string `json:"code"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	Weight int    `json:"weight"`
	Source string `json:"source"`
}

// MaxSkillWeight bounds a skill's weight.
const MaxSkillWeight = 3

func checkSkillCode(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	ok := s != "" && len(s) <= 40
	for i := 0; i < len(s) && ok; i++ {
		c := s[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-'
	}
	if !ok {
		return "", fault.Invalidf(field, "skill.code", "%q is not a skill code (1-40 characters: a-z, 0-9, _ and -)", s)
	}
	return s, nil
}

// String returns c, for messages.
func (c OccupationCode) String() string { return string(c) }

// levelCode returns the code prefix of c at level p ("2-02-10" for SameMinor).
func (c OccupationCode) levelCode(p Proximity) string {
	switch p {
	case SameMinor:
		return string(c)[:7]
	case SameMedium:
		return string(c)[:4]
	case SameMajor:
		return string(c)[:1]
	}
	return string(c)
}
