package main

import (
	"bytes"
	"flag"
	"slices"
	"testing"
)

// TestParseFlagsAroundPositionals: flags are read before, between and
// after positional arguments, "--" ends them, and an unknown flag after a
// positional is still refused.
func TestParseFlagsAroundPositionals(t *testing.T) {
	for _, c := range []struct {
		args   []string
		ground string
		force  bool
		pos    []string
	}{
		{[]string{"7", "--ground", "x"}, "x", false, []string{"7"}},
		{[]string{"--ground", "x", "7"}, "x", false, []string{"7"}},
		{[]string{"7", "--force", "8", "--ground=y"}, "y", true, []string{"7", "8"}},
		{[]string{"7", "--", "--ground", "z"}, "", false, []string{"7", "--ground", "z"}},
		{nil, "", false, nil},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(&bytes.Buffer{})
		ground, force := fs.String("ground", "", ""), fs.Bool("force", false, "")
		if err := parseFlags(fs, c.args); err != nil || *ground != c.ground || *force != c.force || !slices.Equal(fs.Args(), c.pos) {
			t.Errorf("%q: ground %q force %v args %q err %v", c.args, *ground, *force, fs.Args(), err)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(&bytes.Buffer{})
	if err := parseFlags(fs, []string{"7", "--nope"}); err != errUsage {
		t.Errorf("an unknown flag after a positional: %v", err)
	}
}
