package main

import (
	"fmt"
	"strings"
	"sync"
	"text/tabwriter"

	"hrss/rules/msg"
)

// The commands' human output speaks --lang: a summary line is a message
// of the catalogue (cli.*) with typed arguments, written by say; a
// table's header is its columns' labels (cli.col.NAME), written by cols;
// a result's lines of label and value (the formulas') by summary, the
// labels being the catalogue's names (name.*, cli.col.*). Codes (a
// status, a payer kind) stay as the JSON has them.

// say prints the catalogue's message key with args in --lang, on a line
// of its own.
func (g *globals) say(key string, args ...msg.Arg) {
	noteMessage(key, args)
	fmt.Fprintln(g.stdout, msg.Render(g.lang(), key, args...))
}

// cols is a table's header: the labels of the columns (cli.col.NAME) in
// --lang, separated by tabs for a tabwriter.
func (g *globals) cols(names ...string) string {
	l := g.lang()
	out := make([]string, len(names))
	for i, n := range names {
		noteMessage("cli.col."+n, nil)
		out[i] = strings.ToUpper(msg.Render(l, "cli.col."+n))
	}
	return strings.Join(out, "\t")
}

// line is one line of a summary: the catalogue key of its label and its
// value, already written in the language.
type line struct{ label, value string }

// summary writes lines of label and value, the labels in l, aligned.
func summary(l msg.Lang, lines ...line) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', 0)
	for _, x := range lines {
		noteMessage(x.label, nil)
		fmt.Fprintf(tw, "%s\t%s\n", msg.Render(l, x.label), x.value)
	}
	tw.Flush()
	return b.String()
}

// messageErrors collects what msg.Check finds wrong with the messages
// the commands write (a key missing from the catalogue, a placeholder
// without its argument), for TestCLIMessages; said records the keys
// written.
var (
	messageMu     sync.Mutex
	messageErrors []string
	said          = map[string]bool{}
)

func noteMessage(key string, args []msg.Arg) {
	err := msg.Check(key, args...)
	messageMu.Lock()
	defer messageMu.Unlock()
	said[key] = true
	if err != nil {
		messageErrors = append(messageErrors, err.Error())
	}
}
