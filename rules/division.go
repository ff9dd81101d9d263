package rules

import (
	"hrss/rules/fault"
	"hrss/rules/msg"
)

// National is the jurisdiction code of nationwide parameters (100000).
const National = "100000"

// Jurisdictions returns the chain of jurisdictions whose parameters apply
// in division, most specific first: a county-level division, its city,
// its province, then the nation (330402 → 330400 → 330000 → 100000). The
// chain is derived from the GB/T 2260 code alone. It fails with an Invalid
// error when division is not a six-digit division code.
func Jurisdictions(division string) ([]string, error) {
	if !validDivision(division) {
		return nil, fault.InvalidMsg("division", "division.code", "error.division.code", msg.Text("division", division))
	}
	if division == National {
		return []string{National}, nil
	}
	out := make([]string, 0, 4)
	out = append(out, division)
	if division[4:] != "00" {
		out = append(out, division[:4]+"00")
	}
	if division[2:] != "0000" {
		out = append(out, division[:2]+"0000")
	}
	return append(out, National), nil
}

// validDivision reports whether code has the shape of a GB/T 2260 code:
// six digits, a province part from 11 to 99 (or exactly 100000), and no
// county part without a city part.
func validDivision(code string) bool {
	if len(code) != 6 {
		return false
	}
	for i := 0; i < 6; i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	if code == National {
		return true
	}
	if code[0] == '0' || code[:2] == "10" {
		return false
	}
	return !(code[2:4] == "00" && code[4:] != "00")
}
