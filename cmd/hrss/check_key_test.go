package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

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
			if out := mustHrss(t, db, right, "check"); !regexp.MustCompile(`resident_id_key +\d+ checked  ok`).MatchString(out) {
				t.Fatalf("check with the right key:\n%s", out)
			}
			code, out, errs := hrssAt(t, db, wrong, "check")
			m := regexp.MustCompile(`resident_id_key +(\d+) checked  BREACHED \(1\)\n +(\d+) of (\d+) persons sampled`).FindStringSubmatch(out)
			if code != 1 || m == nil || m[1] != m[2] || m[2] != m[3] || m[1] == "0" || !strings.Contains(out, "the key file "+wrong) {
				t.Fatalf("check with the wrong key: exit %d\n%s%s", code, out, errs)
			}
		})
	}
}
