package rules

import "hrss/rules/fault"

// invalid is fault.Invalidf; every bad input of a formula is Invalid.
func invalid(field, rule, format string, args ...any) error {
	return fault.Invalidf(field, rule, format, args...)
}
