//go:build unix

package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"database/sql"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"hrss/access"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/store"
	"hrss/store/storetest"
)

// TestRekeyKilledHalfwayResumes rotates the resident-ID key of a demo
// city on each engine in a process that is killed with SIGKILL in the
// middle of a chunk's transaction: the chunk is undone whole (every
// person before the recorded position is under the new key, every one
// after it under the old), the servers refuse to start, and hrss rekey
// run again resumes and finishes. Afterwards every decrypted resident ID
// is what it was, lookups by number find their person, the second factor
// still signs in, hrss check and audit verify pass, and a server with
// the old key is refused.
func TestRekeyKilledHalfwayResumes(t *testing.T) {
	engines := map[string]func(t *testing.T) string{"sqlite": func(t *testing.T) string { return filepath.Join(t.TempDir(), "hrss.db") }}
	if base := storetest.Postgres(t); base != "" {
		engines["postgres"] = func(t *testing.T) string { return storetest.PostgresSchema(t, base) }
	}
	for name, newDB := range engines {
		t.Run(name, func(t *testing.T) { testRekey(t, newDB(t)) })
	}
}

func testRekey(t *testing.T, db string) {
	dir := t.TempDir()
	oldKey, newKey := filepath.Join(dir, "old.key"), filepath.Join(dir, "new.key")
	smallCity(t, db, oldKey, 600)
	out := mustHrss(t, db, oldKey, "user", "add", "--name", "ops.admin", "--role", "administrator")
	password := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(out)
	out = mustHrss(t, db, oldKey, "user", "totp", "ops.admin")
	secret := regexp.MustCompile(`secret: (\S+)`).FindStringSubmatch(out)
	if password == nil || secret == nil {
		t.Fatalf("no password or secret in %q", out)
	}
	before := residentIDs(t, db, oldKey)
	var ids []int64
	for id := range before {
		ids = append(ids, id)
	}
	killAt := ids[0]
	for _, id := range ids {
		if id < killAt {
			killAt = id
		}
	}
	killAt += int64(len(ids))/2 + 7 // half way, in the middle of a chunk of 50

	child := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	child.Env = append(os.Environ(), "HRSS_HELPER=rekey", fmt.Sprintf("HRSS_HELPER_KILL_AT=%d", killAt),
		"HRSS_HELPER_ARGS="+strings.Join([]string{"--db", db, "--key-file", oldKey, "rekey", "--new-key-file", newKey, "--chunk", "50"}, "\n"))
	var childOut bytes.Buffer
	child.Stdout, child.Stderr = &childOut, &childOut
	err := child.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the rekey was not killed: %v\n%s", err, childOut.String())
	}

	// the state the kill left: a position at a chunk's end before killAt
	ctx := context.Background()
	sdb, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	st, ok, err := sdb.RekeyState(ctx)
	if err != nil || !ok || st.Finished() || st.After <= 0 || st.After >= killAt || st.Resealed%50 != 0 {
		t.Fatalf("after the kill: %+v %v %v (killed at person %d)", st, ok, err, killAt)
	}
	t.Logf("killed at person %d; %d persons resealed, up to person %d", killAt, st.Resealed, st.After)
	if err := sdb.Ready(ctx); err == nil || !strings.Contains(err.Error(), "rotation") {
		t.Errorf("ready during the rotation: %v", err)
	}
	if err := checkServingKey(ctx, &globals{db: db, keyFile: oldKey}, sdb); err == nil {
		t.Errorf("a server may start during the rotation")
	}
	sdb.Close()
	oldV, newV := vaultOf(t, oldKey), vaultOf(t, newKey)
	eachSealed(t, db, func(id int64, sealed, hash []byte) {
		v := oldV
		if id <= st.After {
			v = newV
		}
		rid, err := v.Open(sealed)
		if err != nil || string(rid) != before[id] || !bytes.Equal(v.Hash(rid), hash) {
			t.Fatalf("person %d (position %d): sealed under neither the expected key nor hashed with it: %v", id, st.After, err)
		}
	})

	// resumed with other keys: refused
	if code, _, errs := hrssAt(t, db, newKey, "rekey", "--new-key-file", oldKey); code != 1 || !strings.Contains(errs, "new key of the rotation under way") {
		t.Errorf("resumption with the keys swapped: exit %d %s", code, errs)
	}
	out = mustHrss(t, db, oldKey, "rekey", "--new-key-file", newKey, "--chunk", "50")
	if !strings.Contains(out, "resuming the rotation") || !strings.Contains(out, fmt.Sprintf("resealed the resident IDs of %d persons and the second-factor secrets of 1 users", len(before))) {
		t.Errorf("resumed rekey: %s", out)
	}

	after := residentIDs(t, db, newKey)
	if len(after) != len(before) {
		t.Fatalf("%d persons after, %d before", len(after), len(before))
	}
	for id, rid := range before {
		if after[id] != rid {
			t.Fatalf("person %d: %q after the rotation, %q before", id, after[id], rid)
		}
	}
	eachSealed(t, db, func(id int64, sealed, hash []byte) {
		if rid, err := newV.Open(sealed); err != nil || !bytes.Equal(newV.Hash(rid), hash) {
			t.Fatalf("person %d not under the new key: %v", id, err)
		}
		if _, err := oldV.Open(sealed); err == nil {
			t.Fatalf("person %d still opens under the old key", id)
		}
	})
	ctx = systemContext(ctx)
	a, err := openApp(ctx, &globals{db: db, keyFile: newKey})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[:5] {
		ps, err := a.registry.FindPersons(ctx, registry.PersonQuery{ResidentID: before[id]})
		if err != nil || len(ps) != 1 || ps[0].ID != id {
			t.Errorf("lookup of person %d by resident ID: %v %v", id, ps, err)
		}
	}
	if _, _, err := a.access.SignIn(ctx, access.Credentials{Name: "ops.admin", Password: password[1], Code: totpNow(t, secret[1])}, "127.0.0.1"); err != nil {
		t.Errorf("sign-in with the second factor after the rotation: %v", err)
	}
	if err := checkServingKey(ctx, &globals{db: db, keyFile: oldKey}, a.db); err == nil || !strings.Contains(err.Error(), "resealed under another key") {
		t.Errorf("a server with the old key: %v", err)
	}
	if err := checkServingKey(ctx, &globals{db: db, keyFile: newKey}, a.db); err != nil {
		t.Errorf("a server with the new key: %v", err)
	}
	if err := a.db.Ready(ctx); err != nil {
		t.Errorf("not ready after the rotation: %v", err)
	}
	a.close()
	checkIntact(t, db, newKey)
	if out := mustHrss(t, db, newKey, "audit", "list", "--action", "registry.rekey"); !strings.Contains(out, "registry.rekey") {
		t.Errorf("no audit entry of the rotation: %s", out)
	}
	if out := mustHrss(t, db, oldKey, "rekey", "--new-key-file", newKey); !strings.Contains(out, "this rotation finished") {
		t.Errorf("rekey again: %s", out)
	}
}

func vaultOf(t *testing.T, keyFile string) *ident.Vault {
	t.Helper()
	key, err := ident.LoadKey("", keyFile)
	if err != nil {
		t.Fatal(err)
	}
	v, err := ident.NewVault(key)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// eachSealed reads every person's sealed resident ID and lookup hash
// straight from the database.
func eachSealed(t *testing.T, dsn string, fn func(id int64, sealed, hash []byte)) {
	t.Helper()
	driver, name := "sqlite", "file:"+dsn+"?mode=ro"
	if store.IsPostgres(dsn) {
		driver, name = "pgx", dsn
	}
	x, err := sql.Open(driver, name)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.Query("SELECT id, id_sealed, id_hash FROM persons ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var sealed, hash []byte
		if err := rows.Scan(&id, &sealed, &hash); err != nil {
			t.Fatal(err)
		}
		fn(id, sealed, hash)
		n++
	}
	if rows.Err() != nil || n == 0 {
		t.Fatalf("read %d persons: %v", n, rows.Err())
	}
}

// totpNow is the RFC 6238 code of a base32 secret now (SHA-1, six digits,
// 30 seconds), computed here independently of access.
func totpNow(t *testing.T, secret string) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(time.Now().Unix()/30))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	return fmt.Sprintf("%06d", (binary.BigEndian.Uint32(sum[off:off+4])&0x7fffffff)%1_000_000)
}
