package employment

import (
	"fmt"
	"strconv"
	"strings"
)

// Points is a match score, or one of its components, in hundredths of a
// point: 8650 is 86.50 of the 100 points a perfect match scores. Integer
// arithmetic keeps every score exactly reproducible from its components.
type Points int64

// String formats p with two decimals, e.g. "86.50".
func (p Points) String() string {
	sign := ""
	if p < 0 {
		sign, p = "-", -p
	}
	return fmt.Sprintf("%s%d.%02d", sign, p/100, p%100)
}

// MarshalJSON writes p as a JSON string with two decimals ("86.50").
func (p Points) MarshalJSON() ([]byte, error) { return []byte(`"` + p.String() + `"`), nil }

// UnmarshalJSON reads a JSON string such as "86.50".
func (p *Points) UnmarshalJSON(b []byte) error {
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return fmt.Errorf("points are JSON strings such as \"86.50\"")
	}
	v, err := ParsePoints(s)
	*p = v
	return err
}

// ParsePoints reads a score with at most two decimals ("86.5", "86.50").
func ParsePoints(s string) (Points, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 {
		return 0, fmt.Errorf("%q has more than two decimals", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseUint(frac, 10, 8)
	if err1 != nil || err2 != nil || w < 0 {
		return 0, fmt.Errorf("%q is not a score such as 86.50", s)
	}
	return Points(w*100 + int64(f)), nil
}
