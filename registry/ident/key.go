package ident

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"
)

// LoadKey returns the vault's 32-byte master key.
//
// If envValue (the HRSS_KEY environment variable) is not empty after
// trimming, it is the key: 64 hexadecimal characters or the standard (or
// URL-safe) base64 of 32 bytes; anything else fails, without echoing the
// value.
//
// Otherwise the key is read from the file at path, in the same forms. If
// the file does not exist it is created with 32 random bytes in
// hexadecimal and permission 0600, and that key returned; keep the file
// (and a backup of it): without it the stored numbers cannot be read. It
// fails if path is empty, if the file cannot be read or created, if it
// does not hold a key in either form, or (except on Windows) if it is
// accessible to its group or to others: run chmod 600 on it.
func LoadKey(envValue, path string) ([]byte, error) {
	if v := strings.TrimSpace(envValue); v != "" {
		key, ok := decodeKey(v)
		if !ok {
			return nil, errors.New("HRSS_KEY must be 64 hexadecimal characters or the base64 of 32 bytes")
		}
		return key, nil
	}
	if path == "" {
		return nil, errors.New("no key: set HRSS_KEY or give a key file")
	}
	key, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createKeyFile(path)
		if errors.Is(err, fs.ErrExist) { // created meanwhile by another process
			key, err = readKeyFile(path)
		}
	}
	return key, err
}

// readKeyFile reads and checks an existing key file.
func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("key file %s is not a regular file", path)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("key file %s has permissions %04o, so its group or others may read it; refusing to use it: run chmod 600 %s", path, perm, path)
	}
	buf, err := io.ReadAll(io.LimitReader(f, 1024))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	key, ok := decodeKey(strings.TrimSpace(string(buf)))
	if !ok {
		return nil, fmt.Errorf("key file %s does not hold a key: it must hold 64 hexadecimal characters or the base64 of 32 bytes", path)
	}
	return key, nil
}

// createKeyFile writes a new random key to path, which must not exist.
func createKeyFile(path string) ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generating a key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		return nil, fmt.Errorf("creating key file: %w", err)
	}
	// The umask can only remove bits from 0600, but make sure.
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("creating key file: %w", err)
	}
	_, err = f.WriteString(hex.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("writing key file: %w", err)
	}
	return key, nil
}

// decodeKey reads 64 hex characters or base64 (standard or URL-safe, padded
// or not) of KeySize bytes.
func decodeKey(s string) ([]byte, bool) {
	if len(s) == 2*KeySize {
		if key, err := hex.DecodeString(s); err == nil {
			return key, true
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil && len(key) == KeySize {
			return key, true
		}
	}
	return nil, false
}
