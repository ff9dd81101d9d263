package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestServeRefusesBadJobFlags: a job lease under 5 seconds and a negative
// close chunk are refused before anything opens, naming the flag.
func TestServeRefusesBadJobFlags(t *testing.T) {
	dir := t.TempDir()
	db, key := filepath.Join(dir, "hrss.db"), filepath.Join(dir, "hrss.key")
	for _, c := range []struct{ flag, value string }{
		{"--job-lease", "2s"},
		{"--close-chunk", "-1"},
		{"--batch-nice", "20"},
		{"--batch-nice", "low"},
	} {
		code, out, errs := hrssAt(t, db, key, "serve", "--addr", "127.0.0.1:0", c.flag, c.value)
		if code == 0 || !strings.Contains(errs, c.flag) {
			t.Errorf("serve %s %s: exit %d, want a refusal naming the flag\n%s%s", c.flag, c.value, code, out, errs)
		}
	}
}
