package rules

import (
	"strings"

	"hrss/rules/msg"
)

// Message is one message of the catalogue (rules/msg): a key with its
// typed arguments, written in a language by the reader's side.
type Message struct {
	Key  string    `json:"key"`
	Args []msg.Arg `json:"args,omitempty"`
}

// In writes the message in l.
func (m Message) In(l msg.Lang) string { return msg.Render(l, m.Key, m.Args...) }

// Why is a reason as messages: a lead-in, then the grounds, if any (for
// example "not eligible (Art. 45)" and each condition not met).
type Why []Message

// In writes the reason in l: "lead: ground; ground".
func (w Why) In(l msg.Lang) string {
	if len(w) == 0 {
		return ""
	}
	parts := make([]string, len(w)-1)
	for i, m := range w[1:] {
		parts[i] = m.In(l)
	}
	if len(parts) == 0 {
		return w[0].In(l)
	}
	return w[0].In(l) + msg.Render(l, "sep.lead") + strings.Join(parts, msg.Render(l, "sep.list"))
}
