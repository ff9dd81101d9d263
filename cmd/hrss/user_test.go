package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"hrss/store/storetest"
)

// hrss runs the command line on a test database and returns the exit
// status, stdout and stderr.
func hrss(t *testing.T, db, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	key := filepath.Join(filepath.Dir(db), "hrss.key")
	code := run(append([]string{"--db", db, "--key-file", key}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUserTokenAuditCommands(t *testing.T) {
	db := storetest.SQLitePath(t)
	steps := []struct {
		stdin  string
		args   []string
		code   int
		stdout string
	}{
		{"a long password\n", []string{"user", "add", "--name", "wang.cw", "--role", "caseworker", "--division", "330402", "--password-stdin"}, 0, "created user 1 wang.cw (caseworker of 330402)"},
		{"", []string{"user", "add", "--name", "li.cw", "--role", "caseworker"}, 2, ""},
		{"", []string{"user", "add", "--name", "sys", "--role", "system"}, 2, ""},
		{"", []string{"user", "add", "--name", "ana", "--role", "analyst"}, 0, "password: "},
		{"", []string{"user", "list"}, 0, "wang.cw  caseworker"},
		{"", []string{"token", "create", "--user", "ana", "--name", "provincial reporting"}, 0, "hrss_t_"},
		{"", []string{"token", "revoke", "1"}, 0, "revoked token 1"},
		{"", []string{"user", "disable", "wang.cw"}, 0, "disabled user wang.cw"},
		{"", []string{"user", "totp", "ana"}, 0, "uri:    otpauth://totp/hrss:ana?"},
		{"", []string{"user", "totp", "--reset", "ana"}, 0, "removed the second factor of ana"},
		{"", []string{"audit", "verify"}, 0, "audit trail intact: 7 entries"},
		{"", []string{"audit", "list", "--user", "wang.cw"}, 0, "SEQ"},
		{"", []string{"user", "frobnicate"}, 2, ""},
	}
	for _, s := range steps {
		code, out, errs := hrss(t, db, s.stdin, s.args...)
		if code != s.code || !strings.Contains(out, s.stdout) {
			t.Fatalf("hrss %s: exit %d, stdout %q, stderr %q; want exit %d and %q", strings.Join(s.args, " "), code, out, errs, s.code, s.stdout)
		}
	}
}
