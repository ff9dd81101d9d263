package rules

import (
	"encoding/json"
	"strings"

	"hrss/rules/msg"
)

// Message is one message of the catalogue (rules/msg): a key with its
// typed arguments, written in a language by the reader's side.
type Message struct {
	Key  string    `json:"key"`
	Args []msg.Arg `json:"args,omitempty"`
	// Text is the message in the reader's language, filled for an API
	// answer (web's localized); without a Key it is a text kept from
	// before messages had keys (a stored English sentence), shown as it
	// is.
	Text string `json:"text,omitempty"`
}

// Msg is the message key with args.
func Msg(key string, args ...msg.Arg) Message { return Message{Key: key, Args: args} }

// In writes the message in l.
func (m Message) In(l msg.Lang) string {
	if m.Key == "" {
		return m.Text
	}
	return msg.Render(l, m.Key, m.Args...)
}

// Localize fills the Text of each message of w with its text in l.
func (w Why) Localize(l msg.Lang) {
	for i := range w {
		if w[i].Key != "" {
			w[i].Text = w[i].In(l)
		}
	}
}

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

// Stored is w as a database keeps it in a text column: its JSON, or ""
// for none.
func (w Why) Stored() string {
	if len(w) == 0 {
		return ""
	}
	data, _ := json.Marshal(w)
	return string(data)
}

// StoredWhy reads what Stored writes; a text that is not its JSON (a
// sentence stored before reasons had keys) is one message without a key,
// shown as it is.
func StoredWhy(s string) Why {
	if s == "" {
		return nil
	}
	var w Why
	if strings.HasPrefix(s, "[") && json.Unmarshal([]byte(s), &w) == nil {
		return w
	}
	return Why{{Text: s}}
}
