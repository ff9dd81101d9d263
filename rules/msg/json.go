package msg

import (
	"encoding/json"
	"fmt"
	"strconv"

	"hrss/rules/money"
	"hrss/rules/period"
)

// argJSON is an argument as JSON carries it: {"name":"base",
// "kind":"money","value":"6500.00"}.
type argJSON struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// MarshalJSON writes the argument's name, kind and language-free value.
func (a Arg) MarshalJSON() ([]byte, error) {
	return json.Marshal(argJSON{a.Name, a.Kind.String(), a.Value()})
}

// UnmarshalJSON reads what MarshalJSON writes (a trace kept in the
// database is read back).
func (a *Arg) UnmarshalJSON(b []byte) error {
	var j argJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	for k, name := range kindNames {
		if name == j.Kind {
			v, err := parseArg(j.Name, Kind(k), j.Value)
			if err != nil {
				return fmt.Errorf("argument %s: %w", j.Name, err)
			}
			*a = v
			return nil
		}
	}
	return fmt.Errorf("argument %s: unknown kind %q", j.Name, j.Kind)
}

func parseArg(name string, k Kind, v string) (Arg, error) {
	switch k {
	case KMoney:
		f, err := money.Parse(v)
		return Fen(name, f), err
	case KPoints:
		f, err := money.Parse(v)
		return Points(name, int64(f)), err
	case KDec:
		d, err := money.ParseDec(v)
		return Dec(name, d), err
	case KInt:
		n, err := strconv.Atoi(v)
		return Int(name, n), err
	case KDate:
		d, err := period.ParseDate(v)
		return Date(name, d), err
	case KMonth:
		m, err := period.ParseYearMonth(v)
		return Month(name, m), err
	case KBool:
		b, err := strconv.ParseBool(v)
		return Bool(name, b), err
	case KAge:
		var y, m int
		_, err := fmt.Sscanf(v, "%dy%dm", &y, &m)
		return Age(name, y*12+m), err
	case KLabel:
		return Label(name, v), nil
	}
	return Text(name, v), nil
}
