package registry

// Division is a GB/T 2260 administrative division served by the bureau.
type Division struct {
	Code   string `json:"code"`
	Name   string `json:"name"`    // Chinese name
	NameEN string `json:"name_en"` // English name
	Parent string `json:"parent,omitempty"`
}

// CityCode is the code of Jiaxing, the city the bureau serves.
const CityCode = "330400"

// Divisions lists Jiaxing and its seven county-level divisions
// (GB/T 2260; ../shared/reference/RULES.md).
var Divisions = []Division{
	{CityCode, "嘉兴市", "Jiaxing", "330000"},
	{"330402", "南湖区", "Nanhu District", CityCode},
	{"330411", "秀洲区", "Xiuzhou District", CityCode},
	{"330421", "嘉善县", "Jiashan County", CityCode},
	{"330424", "海盐县", "Haiyan County", CityCode},
	{"330481", "海宁市", "Haining", CityCode},
	{"330482", "平湖市", "Pinghu", CityCode},
	{"330483", "桐乡市", "Tongxiang", CityCode},
}

// CountyCodes returns the codes of the seven county-level divisions.
func CountyCodes() []string {
	out := make([]string, 0, len(Divisions)-1)
	for _, d := range Divisions {
		if d.Code != CityCode {
			out = append(out, d.Code)
		}
	}
	return out
}

// DivisionByCode returns the division with the given code.
func DivisionByCode(code string) (Division, bool) {
	for _, d := range Divisions {
		if d.Code == code {
			return d, true
		}
	}
	return Division{}, false
}

// isCounty reports whether code is one of Jiaxing's county-level divisions.
func isCounty(code string) bool {
	d, ok := DivisionByCode(code)
	return ok && d.Code != CityCode
}

// divisionShaped reports whether code looks like a GB/T 2260 code: six
// digits with a province part from 11 to 82. Used for divisions outside
// Jiaxing (household registration of people from elsewhere).
func divisionShaped(code string) bool {
	if len(code) != 6 {
		return false
	}
	for i := 0; i < 6; i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	p := int(code[0]-'0')*10 + int(code[1]-'0')
	return p >= 11 && p <= 82
}
