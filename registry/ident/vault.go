package ident

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"sync"
)

// KeySize is the length in bytes of a Vault's master key.
const KeySize = 32

// SealedOverhead is how many bytes Seal adds to the 18 of a number: the
// 12-byte random nonce in front and the 16-byte GCM tag behind.
const SealedOverhead = nonceSize + tagSize

const (
	nonceSize = 12 // GCM standard nonce
	tagSize   = 16 // GCM tag
)

// HashSize is the length in bytes of Hash's result.
const HashSize = sha256.Size

// Labels of the keys derived from the master key (HKDF-SHA256 info) and of
// what a sealed value is (GCM additional data). Changing one makes every
// stored value unreadable.
const (
	encLabel  = "hrss resident_id aes-256-gcm v1"
	macLabel  = "hrss resident_id hmac-sha256 v1"
	sealLabel = "hrss resident_id v1"
)

// sealAD is the GCM additional data of every sealed value.
var sealAD = []byte(sealLabel)

// ErrSealed is returned (wrapped) by Open when a sealed value cannot be
// opened: too short, sealed under another key, or altered.
var ErrSealed = errors.New("sealed resident ID number cannot be opened: wrong key or altered data")

// Vault encrypts resident ID numbers at rest and computes the keyed hash
// the store looks them up by. A Vault is safe for concurrent use.
type Vault struct {
	aead cipher.AEAD // AES-256-GCM; safe for concurrent use
	mac  sync.Pool   // of hash.Hash: HMAC-SHA256 under the MAC key
}

// NewVault returns a Vault for a 32-byte master key, from which it derives
// separate encryption and MAC keys with HKDF-SHA256 under fixed labels. It
// fails if the key is not 32 bytes long.
func NewVault(key []byte) (*Vault, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("ident: vault key has %d bytes but must have %d", len(key), KeySize)
	}
	encKey, err := hkdf.Key(sha256.New, key, nil, encLabel, 32)
	if err != nil {
		return nil, fmt.Errorf("ident: deriving the encryption key: %w", err)
	}
	macKey, err := hkdf.Key(sha256.New, key, nil, macLabel, 32)
	if err != nil {
		return nil, fmt.Errorf("ident: deriving the MAC key: %w", err)
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, fmt.Errorf("ident: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("ident: %w", err)
	}
	v := &Vault{aead: aead}
	v.mac.New = func() any { return hmac.New(sha256.New, macKey) }
	return v, nil
}

// Seal encrypts id with AES-256-GCM under a fresh random 96-bit nonce and
// returns the nonce followed by the ciphertext and tag
// (len(id)+SealedOverhead bytes). Sealing the same number twice gives
// different bytes: use Hash to find a number. It costs one allocation and
// one read of crypto/rand. Seal does not fail: it seals whatever id holds
// (crypto/rand does not fail on supported systems; if it did, Seal would
// panic rather than reuse a nonce). One key may seal up to 2^32 values.
func (v *Vault) Seal(id ResidentID) []byte {
	n := len(id)
	out := make([]byte, nonceSize+n, nonceSize+n+tagSize)
	if _, err := rand.Read(out[:nonceSize]); err != nil {
		panic("ident: crypto/rand failed: " + err.Error())
	}
	copy(out[nonceSize:], id)
	// Encrypt in place: the ciphertext overwrites the plaintext exactly.
	return v.aead.Seal(out[:nonceSize], out[:nonceSize], out[nonceSize:], sealAD)
}

// Open decrypts a value made by Seal under the same master key. It fails,
// wrapping ErrSealed, if the value is too short, was sealed under another
// key or has been altered, and fails if what it decrypts to is not a
// resident ID number in canonical form.
func (v *Vault) Open(sealed []byte) (ResidentID, error) {
	if len(sealed) < SealedOverhead {
		return "", fmt.Errorf("ident: %w (%d bytes)", ErrSealed, len(sealed))
	}
	plain, err := v.aead.Open(nil, sealed[:nonceSize], sealed[nonceSize:], sealAD)
	if err != nil {
		return "", fmt.Errorf("ident: %w", ErrSealed)
	}
	id := ResidentID(plain)
	if !id.valid() || residentCheck(string(id[:17])) != id[17] {
		return "", errors.New("ident: sealed value is not a resident ID number in canonical form")
	}
	return id, nil
}

// Hash returns the HMAC-SHA256 of id under the vault's MAC key: 32 bytes,
// the same for the same number and key, for looking a number up without
// decrypting. Pass the canonical id (as ParseResidentID returns it) so that
// "x" and "X", or a 15-digit number and its upgrade, hash alike.
func (v *Vault) Hash(id ResidentID) []byte {
	h := v.mac.Get().(hash.Hash)
	h.Reset()
	h.Write([]byte(id))
	sum := h.Sum(make([]byte, 0, HashSize))
	v.mac.Put(h)
	return sum
}
