// Package fault holds hrss's one error type. Every failure a user can
// cause or see is a *fault.Error with a Kind (mapped to an HTTP status by
// web/ and to an exit status by cmd/), the field and rule it concerns, a
// translatable rule key, and where a file was read, its row and column.
//
// It lives under rules/ because rules/ may import no other hrss package.
package fault

import (
	"errors"
	"fmt"

	"hrss/rules/msg"
)

// Kind classifies an error for the caller.
type Kind int

// The kinds of error.
const (
	Internal     Kind = iota // a bug or an unavailable dependency
	Invalid                  // bad input: names the field and the rule
	NotFound                 // no such thing, or not visible to the caller
	Conflict                 // contradicts what is stored (overlap, duplicate, closed period)
	Unauthorized             // not signed in
	Forbidden                // signed in but not allowed
	Throttled                // too many attempts: try again later
	Unavailable              // the database cannot serve (disk full, connection lost): nothing was written; try again later
)

// Error is a user-facing failure.
type Error struct {
	Kind    Kind
	Field   string // the input field, e.g. "resident_id"
	Rule    string // a stable key for the rule broken, e.g. "resident_id.check_character"
	Message string // English text naming the field and the rule
	// Key and Args are the message in the catalogue (rules/msg) that
	// Message is the English of, for a reader in another language; an
	// error without a Key is shown by its Rule's translation or Message.
	Key  string
	Args []msg.Arg
	// Words, when set, words the error in each language instead: a
	// reason of several messages, a parameter file's errors by file and
	// line. Message is its English.
	Words Wording
	Row   int    // 1-based row of an input file, 0 if none
	Col   string // column name or letter of an input file, "" if none
	Err   error  // the underlying cause, if any
}

// Error implements error.
func (e *Error) Error() string {
	loc := ""
	if e.Row > 0 {
		loc = fmt.Sprintf("row %d", e.Row)
		if e.Col != "" {
			loc += ", column " + e.Col
		}
		loc += ": "
	}
	if e.Field != "" {
		return loc + e.Field + ": " + e.Message
	}
	return loc + e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Invalidf returns an Invalid error for field breaking rule.
func Invalidf(field, rule, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)}
}

// InvalidMsg returns an Invalid error for field breaking rule, worded by the
// catalogue's message key with args (Message is its English).
func InvalidMsg(field, rule, key string, args ...msg.Arg) *Error {
	return &Error{Kind: Invalid, Field: field, Rule: rule, Key: key, Args: args, Message: msg.Render(msg.EN, key, args...)}
}

// Wording is a text that writes itself in each language.
type Wording interface{ In(l msg.Lang) string }

// InvalidWords returns an Invalid error for field breaking rule, worded
// by w (Message is its English).
func InvalidWords(field, rule string, w Wording) *Error {
	return &Error{Kind: Invalid, Field: field, Rule: rule, Words: w, Message: w.In(msg.EN)}
}

// Worded reports whether the error is worded in every language: by the
// catalogue's message Key or by Words.
func (e *Error) Worded() bool { return e.Key != "" || e.Words != nil }

// In is the error's message in l: its Key's text in the catalogue, or
// Words's, or Message (English) for an error worded in English only.
func (e *Error) In(l msg.Lang) string {
	switch {
	case e.Key != "":
		return msg.Render(l, e.Key, e.Args...)
	case e.Words != nil:
		return e.Words.In(l)
	}
	return e.Message
}

// NotFoundf returns a NotFound error.
func NotFoundf(format string, args ...any) *Error {
	return &Error{Kind: NotFound, Rule: "not_found", Message: fmt.Sprintf(format, args...)}
}

// Conflictf returns a Conflict error about field breaking rule.
func Conflictf(field, rule, format string, args ...any) *Error {
	return &Error{Kind: Conflict, Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)}
}

// ConflictMsg returns a Conflict error about field breaking rule, worded
// by the catalogue's message key with args (Message is its English).
func ConflictMsg(field, rule, key string, args ...msg.Arg) *Error {
	return &Error{Kind: Conflict, Field: field, Rule: rule, Key: key, Args: args, Message: msg.Render(msg.EN, key, args...)}
}

// Forbiddenf returns a Forbidden error.
func Forbiddenf(format string, args ...any) *Error {
	return &Error{Kind: Forbidden, Rule: "forbidden", Message: fmt.Sprintf(format, args...)}
}

// At returns a copy of e located at a row and column of an input file.
func (e *Error) At(row int, col string) *Error {
	c := *e
	c.Row, c.Col = row, col
	return &c
}

// KindOf returns the Kind of err: that of the first *Error in its chain,
// or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// RuleOf returns the Rule of err: that of the first *Error in its chain,
// or "".
func RuleOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Rule
	}
	return ""
}

// List collects several errors, e.g. one per bad row of a file.
type List []*Error

// Error implements error, joining the first few messages.
func (l List) Error() string {
	s := fmt.Sprintf("%d errors", len(l))
	for i, e := range l {
		if i == 5 {
			s += "; …"
			break
		}
		s += "; " + e.Error()
	}
	return s
}
