package ident

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestLoadKeyFromEnv(t *testing.T) {
	key := testKey(7)
	key[0], key[31] = 0xfb, 0xff // base64 with + and / (or - and _)
	dir := t.TempDir()
	path := filepath.Join(dir, "never-created.key")
	for _, env := range []string{
		hex.EncodeToString(key),
		strings.ToUpper(hex.EncodeToString(key)),
		"  " + hex.EncodeToString(key) + "\n",
		base64.StdEncoding.EncodeToString(key),
		base64.RawStdEncoding.EncodeToString(key),
		base64.URLEncoding.EncodeToString(key),
		base64.RawURLEncoding.EncodeToString(key),
	} {
		got, err := LoadKey(env, path)
		if err != nil || !bytes.Equal(got, key) {
			t.Errorf("LoadKey(%q) = %x, %v", env, got, err)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("LoadKey with HRSS_KEY touched the key file: %v", err)
	}
	secret := hex.EncodeToString(key)
	for _, env := range []string{
		secret[:62],       // 31 bytes
		secret + "00",     // 33 bytes
		secret[:63] + "g", // not hex, not base64 of 32 bytes
		base64.StdEncoding.EncodeToString(key[:16]), // 16 bytes
		"not a key at all",
	} {
		got, err := LoadKey(env, path)
		if err == nil {
			t.Errorf("LoadKey(%q) = %x, want an error", env, got)
			continue
		}
		if strings.Contains(err.Error(), env) {
			t.Errorf("LoadKey(%q): error %q echoes the value", env, err)
		}
		if !strings.Contains(err.Error(), "HRSS_KEY") {
			t.Errorf("LoadKey(%q): error %q does not name HRSS_KEY", env, err)
		}
	}
}

func TestLoadKeyCreatesAndReusesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hrss.key")
	key, err := LoadKey("", path)
	if err != nil {
		t.Fatal(err)
	}
	if len(key) != KeySize || bytes.Equal(key, make([]byte, KeySize)) {
		t.Fatalf("created key %x", key)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if strings.TrimSpace(string(data)) != hex.EncodeToString(key) {
		t.Errorf("key file holds %q, want the key in hex", data)
	}
	again, err := LoadKey("", path)
	if err != nil || !bytes.Equal(again, key) {
		t.Fatalf("second LoadKey = %x, %v; want the same key %x", again, err, key)
	}
	// A second file gets a different key.
	other, err := LoadKey("", filepath.Join(t.TempDir(), "hrss.key"))
	if err != nil || bytes.Equal(other, key) {
		t.Fatalf("second file: %x, %v", other, err)
	}
	// The created key works in a vault.
	if _, err := NewVault(key); err != nil {
		t.Fatal(err)
	}
}

func TestLoadKeyFileForms(t *testing.T) {
	key := testKey(9)
	dir := t.TempDir()
	for i, content := range []string{hex.EncodeToString(key), hex.EncodeToString(key) + "\n", base64.StdEncoding.EncodeToString(key) + "\r\n"} {
		path := filepath.Join(dir, "k"+string(rune('0'+i)))
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := LoadKey("", path)
		if err != nil || !bytes.Equal(got, key) {
			t.Errorf("file %q: %x, %v", content, got, err)
		}
	}
}

func TestLoadKeyRefusesOpenFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	path := filepath.Join(t.TempDir(), "hrss.key")
	if err := os.WriteFile(path, []byte(hex.EncodeToString(testKey(1))), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o644, 0o660, 0o666, 0o610} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := LoadKey("", path)
		if err == nil {
			t.Errorf("mode %o: key file accepted", mode)
			continue
		}
		if !strings.Contains(err.Error(), "chmod 600") || !strings.Contains(err.Error(), path) {
			t.Errorf("mode %o: error %q does not say what to do", mode, err)
		}
	}
	for _, mode := range []os.FileMode{0o600, 0o400} {
		os.Chmod(path, mode)
		if _, err := LoadKey("", path); err != nil {
			t.Errorf("mode %o: %v", mode, err)
		}
	}
}

func TestLoadKeyBadFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.key")
	os.WriteFile(bad, []byte("too short\n"), 0o600)
	if _, err := LoadKey("", bad); err == nil || !strings.Contains(err.Error(), "does not hold a key") {
		t.Errorf("bad content: %v", err)
	}
	empty := filepath.Join(dir, "empty.key")
	os.WriteFile(empty, nil, 0o600)
	if _, err := LoadKey("", empty); err == nil {
		t.Error("empty key file accepted")
	}
	if _, err := LoadKey("", ""); err == nil {
		t.Error("no key and no path accepted")
	}
	if _, err := LoadKey("", dir); err == nil {
		t.Error("a directory accepted as key file")
	}
	if _, err := LoadKey("", filepath.Join(dir, "missing", "hrss.key")); err == nil {
		t.Error("key file in a missing directory created")
	}
}
