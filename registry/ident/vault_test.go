package ident

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"

	"hrss/rules/period"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func newTestVault(t testing.TB, b byte) *Vault {
	t.Helper()
	v, err := NewVault(testKey(b))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestNewVaultKeyLength(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := NewVault(make([]byte, n)); err == nil {
			t.Errorf("NewVault with a %d-byte key succeeded", n)
		}
	}
}

func TestVaultRoundTrip(t *testing.T) {
	v := newTestVault(t, 1)
	r := rand.New(rand.NewPCG(9, 10))
	for _, id := range validResidentIDs(r, 200) {
		sealed := v.Seal(id)
		if len(sealed) != 18+SealedOverhead {
			t.Fatalf("sealed %d bytes, want %d", len(sealed), 18+SealedOverhead)
		}
		if bytes.Contains(sealed, []byte(id[:6])) && bytes.Contains(sealed, []byte(id[6:14])) {
			t.Fatalf("sealed value shows the number: %x", sealed)
		}
		got, err := v.Open(sealed)
		if err != nil || got != id {
			t.Fatalf("Open(Seal(%s)) = %s, %v", id, got, err)
		}
		// A second vault on the same key opens it too.
		if got, err := newTestVault(t, 1).Open(sealed); err != nil || got != id {
			t.Fatalf("same key, new vault: %s, %v", got, err)
		}
	}
}

func TestVaultSealIsRandomised(t *testing.T) {
	v := newTestVault(t, 1)
	a, b := v.Seal(sampleMale), v.Seal(sampleMale)
	if bytes.Equal(a, b) || bytes.Equal(a[:12], b[:12]) {
		t.Fatal("two seals of one number share a nonce")
	}
}

func TestVaultTamper(t *testing.T) {
	v := newTestVault(t, 1)
	sealed := v.Seal(sampleFemale)
	for i := range sealed {
		for _, bit := range []byte{0x01, 0x80} {
			bad := bytes.Clone(sealed)
			bad[i] ^= bit
			if id, err := v.Open(bad); err == nil || !errors.Is(err, ErrSealed) {
				t.Errorf("flipping bit %#x of byte %d: Open = %q, %v", bit, i, id, err)
			}
		}
	}
	for _, bad := range [][]byte{nil, {}, sealed[:SealedOverhead-1], sealed[:SealedOverhead], sealed[:len(sealed)-1], append(bytes.Clone(sealed), 0)} {
		if id, err := v.Open(bad); err == nil || !errors.Is(err, ErrSealed) {
			t.Errorf("Open(%d bytes) = %q, %v", len(bad), id, err)
		}
	}
	// Another key cannot open it.
	if id, err := newTestVault(t, 2).Open(sealed); err == nil || !errors.Is(err, ErrSealed) {
		t.Errorf("other key: Open = %q, %v", id, err)
	}
}

func TestVaultOpenRejectsNonCanonical(t *testing.T) {
	v := newTestVault(t, 1)
	for _, id := range []ResidentID{"", "hello", "11010519491231002x", "110105194912310027"} {
		if got, err := v.Open(v.Seal(id)); err == nil {
			t.Errorf("Open(Seal(%q)) = %q, want an error", id, got)
		}
	}
}

func TestVaultHash(t *testing.T) {
	v1, v1b, v2 := newTestVault(t, 1), newTestVault(t, 1), newTestVault(t, 2)
	h := v1.Hash(sampleFemale)
	if len(h) != HashSize || HashSize != 32 {
		t.Fatalf("hash has %d bytes", len(h))
	}
	if !bytes.Equal(h, v1.Hash(sampleFemale)) || !bytes.Equal(h, v1b.Hash(sampleFemale)) {
		t.Error("Hash is not deterministic for one key")
	}
	if bytes.Equal(h, v2.Hash(sampleFemale)) {
		t.Error("two keys give the same hash")
	}
	if bytes.Equal(h, v1.Hash(sampleMale)) {
		t.Error("two numbers give the same hash")
	}
	// The canonical forms of x, X and the legacy number hash alike.
	for _, in := range []string{"11010519491231002x", "110105491231002"} {
		id, err := ParseResidentID(in)
		if err != nil || !bytes.Equal(v1.Hash(id), h) {
			t.Errorf("%s: hash differs (%v)", in, err)
		}
	}
	// The MAC key is derived, not the master key itself.
	m := hmac.New(sha256.New, testKey(1))
	m.Write([]byte(sampleFemale))
	if bytes.Equal(m.Sum(nil), h) {
		t.Error("Hash uses the master key itself")
	}
	seen := map[string]bool{}
	r := rand.New(rand.NewPCG(11, 12))
	for _, id := range validResidentIDs(r, 1000) {
		k := string(v1.Hash(id))
		if seen[k] {
			t.Fatalf("hash collision at %s", id)
		}
		seen[k] = true
	}
}

func TestVaultConcurrent(t *testing.T) {
	v := newTestVault(t, 3)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				id := NewResidentID("330402", period.Date{Y: 1950 + g, M: 1 + i%12, D: 1 + i%28}, i%1000)
				got, err := v.Open(v.Seal(id))
				if err != nil || got != id {
					t.Errorf("%s: %s, %v", id, got, err)
					return
				}
				if !bytes.Equal(v.Hash(id), v.Hash(id)) {
					t.Errorf("%s: hash differs", id)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkSeal(b *testing.B) {
	v := newTestVault(b, 1)
	b.ReportAllocs()
	for b.Loop() {
		v.Seal(sampleFemale)
	}
}

func BenchmarkSealParallel(b *testing.B) {
	v := newTestVault(b, 1)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			v.Seal(sampleFemale)
		}
	})
}

func BenchmarkOpen(b *testing.B) {
	v := newTestVault(b, 1)
	sealed := v.Seal(sampleFemale)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Open(sealed); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHash(b *testing.B) {
	v := newTestVault(b, 1)
	b.ReportAllocs()
	for b.Loop() {
		v.Hash(sampleFemale)
	}
}

func BenchmarkParseResidentID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseResidentIDOn(sampleFemale, testToday); err != nil {
			b.Fatal(err)
		}
	}
}
