package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"hrss/store/storetest"
)

// TestCheckWrongKey: hrss check opens a sample of the resident IDs with
// the key given: it passes with the key they were sealed under and fails
// with another, naming the key file and how many of how many failed, so
// that a restore or a rotation with the wrong key is caught.
func TestCheckWrongKey(t *testing.T) {
	t.Setenv("HRSS_KEY", "")
	engines := map[string]func(t *testing.T) string{"sqlite": func(t *testing.T) string { return filepath.Join(t.TempDir(), "hrss.db") }}
	if base := storetest.Postgres(t); base != "" {
		engines["postgres"] = func(t *testing.T) string { return storetest.PostgresSchema(t, base) }
	}
	for name, newDB := range engines {
		t.Run(name, func(t *testing.T) {
			db, dir := newDB(t), t.TempDir()
			right, wrong := filepath.Join(dir, "right.key"), filepath.Join(dir, "wrong.key")
			smallCity(t, db, right, 150)
			if err := os.WriteFile(wrong, []byte(strings.Repeat("5a", 32)+"\n"), 0o600); err != nil { // another city's key
				t.Fatal(err)
			}
			if out := mustHrss(t, db, right, "check"); !regexp.MustCompile(`resident_id_key +\d+ checked  ok`).MatchString(out) {
				t.Fatalf("check with the right key:\n%s", out)
			}
			code, out, errs := hrssAt(t, db, wrong, "check")
			m := regexp.MustCompile(`resident_id_key +(\d+) checked  BREACHED \(1\)\n +(\d+) of (\d+) persons sampled`).FindStringSubmatch(out)
			if code != 1 || m == nil || m[1] != m[2] || m[2] != m[3] || m[1] == "0" || !strings.Contains(out, "the key file "+wrong) {
				t.Fatalf("check with the wrong key: exit %d\n%s%s", code, out, errs)
			}
			refusesToServe(t, db, wrong, "resident IDs sampled do not open under the key file")
			missing := filepath.Join(dir, "mistyped.key")
			refusesToServe(t, db, missing, "did not exist, but the database already holds resident IDs")
			for _, args := range [][]string{{"check"}, {"persons", "list"}} {
				if code, out, errs := hrssAt(t, db, missing, args...); code == 0 || !strings.Contains(errs, "it was not kept") {
					t.Errorf("hrss %s with a mistyped key file: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
				}
			}
			if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the key file made for the mistyped path is still there: %v", err)
			}
		})
	}
}

// refusesToServe starts hrss serve over db with the key in keyFile and
// wants it to refuse at once, with want in its error.
func refusesToServe(t *testing.T, db, keyFile, want string) {
	t.Helper()
	done := make(chan [3]string, 1)
	go func() {
		code, out, errs := hrssAt(t, db, keyFile, "serve", "--addr", "127.0.0.1:0", "--workers", "0")
		done <- [3]string{strconv.Itoa(code), out, errs}
	}()
	select {
	case r := <-done:
		if r[0] == "0" || !strings.Contains(r[2], want) {
			t.Errorf("serve with %s: exit %s\n%s%s", keyFile, r[0], r[1], r[2])
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("serve with %s did not refuse the key: it is serving", keyFile)
	}
}
