package registry

// Industry sections of GB/T 4754-2017 and the range of two-digit
// divisions (大类) each holds.
var industrySections = map[string][2]int{
	"A": {1, 5}, "B": {6, 12}, "C": {13, 43}, "D": {44, 46}, "E": {47, 50},
	"F": {51, 52}, "G": {53, 60}, "H": {61, 62}, "I": {63, 65}, "J": {66, 69},
	"K": {70, 70}, "L": {71, 72}, "M": {73, 75}, "N": {76, 79}, "O": {80, 82},
	"P": {83, 83}, "Q": {84, 85}, "R": {86, 90}, "S": {91, 96}, "T": {97, 97},
}

// IndustrySections returns the section letters of GB/T 4754-2017, A to T.
func IndustrySections() []string {
	return []string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T"}
}

// IndustryDivisions returns the two-digit divisions of a section.
func IndustryDivisions(section string) []string {
	r, ok := industrySections[section]
	if !ok {
		return nil
	}
	var out []string
	for d := r[0]; d <= r[1]; d++ {
		out = append(out, twoDigits(d))
	}
	return out
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

// industryOK reports whether division (two digits) lies in section.
func industryOK(section, division string) bool {
	r, ok := industrySections[section]
	if !ok || len(division) != 2 || division[0] < '0' || division[0] > '9' || division[1] < '0' || division[1] > '9' {
		return false
	}
	d := int(division[0]-'0')*10 + int(division[1]-'0')
	return d >= r[0] && d <= r[1]
}
