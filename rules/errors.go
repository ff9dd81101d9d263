package rules

import (
	"hrss/rules/fault"
	"hrss/rules/msg"
)

// invalid is fault.InvalidMsg; every bad input of a formula is Invalid,
// worded by a message of the catalogue (rules/msg, text_errors.go).
func invalid(field, rule, key string, args ...msg.Arg) error {
	return fault.InvalidMsg(field, rule, key, args...)
}
