package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"hrss/access"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/fault"
	"hrss/store"
)

// totpKeyLabel derives the second-factor secrets' key from the master key;
// it must be the label openApp uses (the rekey test signs in with a
// second factor after a rotation, so a drift fails it).
const totpKeyLabel = "hrss totp secrets v1"

// keyCheck identifies a master key without revealing it: the HMAC of a
// fixed label under the key. A rotation records the checks of its old and
// new key, so that a resumption with other keys, or a server started with
// the old key after it, is refused.
func keyCheck(key []byte) []byte { return subkey(key, "hrss key check v1") }

// rekeyHook is called before each person is resealed; tests use it to
// kill the process half way through a chunk.
var rekeyHook = func(personID int64) {}

func runRekey(g *globals, args []string) error {
	flags := newFlags(g, "rekey", "rekey --new-key-file FILE [--chunk N]\n\n"+
		"Rotate the resident-ID master key: reseal every person's resident ID and recompute its lookup hash under the\n"+
		"new key, in chunks of one transaction each, then reseal the second-factor secrets and record the rotation.\n"+
		"The current key is the usual one (HRSS_KEY or --key-file). Stop every server first. Interrupted (Ctrl-C, a\n"+
		"crash, kill -9), it resumes where it stopped when run again with the same two keys. Afterwards make the new\n"+
		"key every server's key; servers started with the old one are refused.")
	newKeyFile := flags.String("new-key-file", "", "file holding the new key (64 hexadecimal characters or the base64 of 32 bytes), created with a fresh random key (0600) if it does not exist")
	chunk := flags.Int("chunk", 2000, "persons resealed per transaction")
	force := flags.Bool("force", false, "run even though the database seems in use by another hrss process (stop every server first anyway)")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if *newKeyFile == "" {
		return fault.Invalidf("new-key-file", "rekey.new_key", "give the file of the new key with --new-key-file")
	}
	if *chunk < 1 || *chunk > 100_000 {
		return fault.Invalidf("chunk", "rekey.chunk", "--chunk %d must lie between 1 and 100000", *chunk)
	}
	if !*force {
		if err := store.CheckUnused(g.db); err != nil {
			return err
		}
	}
	oldKey, err := existingKey(g)
	if err != nil {
		return err
	}
	_, statErr := os.Stat(*newKeyFile)
	newKey, err := ident.LoadKey("", *newKeyFile)
	if err != nil {
		return fmt.Errorf("new key: %w", err)
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		fmt.Fprintf(g.stdout, "created the new key in %s (keep a copy of it in a safe place)\n", *newKeyFile)
	}
	if bytes.Equal(oldKey, newKey) {
		return fault.Invalidf("new-key-file", "rekey.same_key", "the new key is the current key")
	}
	oldVault, err := ident.NewVault(oldKey)
	if err != nil {
		return err
	}
	newVault, err := ident.NewVault(newKey)
	if err != nil {
		return err
	}
	oldCheck, newCheck := keyCheck(oldKey), keyCheck(newKey)

	ctx, stop := signal.NotifyContext(systemContext(context.Background()), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.close()
	st, ok, err := a.db.RekeyState(ctx)
	if err != nil {
		return err
	}
	switch {
	case ok && !st.Finished() && st.Matches(oldCheck, newCheck):
		fmt.Fprintf(g.stdout, "resuming the rotation started %s: %d persons resealed, the next after person %d\n", st.StartedAt.Local().Format(time.DateTime), st.Resealed, st.After)
	case ok && !st.Finished() && bytes.Equal(st.NewCheck, oldCheck):
		return fault.Conflictf("key-file", "rekey.keys", "the current key is the new key of the rotation under way: run hrss rekey with the old key as the current one (HRSS_KEY or --key-file) and this one as --new-key-file")
	case ok && !st.Finished():
		return fault.Conflictf("key-file", "rekey.keys", "a rotation between other keys is under way (started %s, %d persons resealed): resume it with its keys", st.StartedAt.Local().Format(time.DateTime), st.Resealed)
	case ok && st.Matches(oldCheck, newCheck):
		fmt.Fprintf(g.stdout, "this rotation finished %s; make the new key every server's key (HRSS_KEY or --key-file)\n", st.FinishedAt.Local().Format(time.DateTime))
		return nil
	case ok && !bytes.Equal(st.NewCheck, oldCheck):
		return fault.Conflictf("key-file", "rekey.keys", "the resident IDs were last resealed (%s) under another key than the current one", st.FinishedAt.Local().Format(time.DateTime))
	default:
		if st, err = a.db.StartRekey(ctx, oldCheck, newCheck, time.Now()); err != nil {
			return err
		}
	}

	left, err := a.db.RekeyRemaining(ctx)
	if err != nil {
		return err
	}
	bar := newProgress(g.stderr, "resealing resident IDs")
	total, done := int(left), 0
	reseal := func(id int64, sealed []byte) ([]byte, []byte, error) {
		rekeyHook(id)
		rid, err := oldVault.Open(sealed)
		if err != nil {
			return nil, nil, fmt.Errorf("the resident ID does not open under the current key: %w", err)
		}
		return newVault.Seal(rid), newVault.Hash(rid), nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("interrupted after %d persons of %d; run hrss rekey again with the same keys to resume: %w", done, total, err)
		}
		n, err := a.db.RekeyChunk(ctx, *chunk, reseal)
		if err != nil {
			return fmt.Errorf("rekey stopped after %d persons of %d (run it again with the same keys to resume): %w", done, total, err)
		}
		if n == 0 {
			break
		}
		done += n
		bar.update(done, total)
	}
	now := time.Now()
	oldTOTP, newTOTP := subkey(oldKey, totpKeyLabel), subkey(newKey, totpKeyLabel)
	st, _, err = a.db.RekeyState(ctx)
	if err != nil {
		return err
	}
	users, err := a.db.FinishRekey(ctx, now,
		func(userID int64, sealed []byte) ([]byte, error) {
			return access.ResealTOTP(oldTOTP, newTOTP, userID, sealed)
		},
		func(tx access.Tx) error {
			return access.Record(ctx, tx, access.System, now, access.Event{Action: "registry.rekey",
				Object: fmt.Sprintf("resident-ID key %s → %s: %d persons resealed", hex.EncodeToString(oldCheck[:4]), hex.EncodeToString(newCheck[:4]), st.Resealed)})
		})
	if err != nil {
		return fmt.Errorf("finishing the rotation (run hrss rekey again with the same keys): %w", err)
	}
	fmt.Fprintf(g.stdout, "resealed the resident IDs of %d persons and the second-factor secrets of %d users under the new key (check %s)\n",
		st.Resealed, users, hex.EncodeToString(newCheck[:4]))
	fmt.Fprintln(g.stdout, "now make it every server's key (HRSS_KEY or --key-file), and keep the old key as long as the backups made before today: they are sealed under it")
	return nil
}

// existingKey returns the current master key (HRSS_KEY or the key file),
// refusing to create a key file that is missing: the operations that need
// the current key (rekey, backup and restore checks) must not invent one.
func existingKey(g *globals) ([]byte, error) {
	if strings.TrimSpace(os.Getenv("HRSS_KEY")) == "" {
		if _, err := os.Stat(g.keyFile); err != nil {
			return nil, fmt.Errorf("current key: %w (set HRSS_KEY or give --key-file)", err)
		}
	}
	key, err := ident.LoadKey(os.Getenv("HRSS_KEY"), g.keyFile)
	if err != nil {
		return nil, fmt.Errorf("current key: %w", err)
	}
	return key, nil
}

// checkSealsAtStart refuses to serve with a key the stored resident IDs
// do not open (registry.CheckSeals over the oldest and newest
// registry.SealSampleAtStart persons): the key of another city, or a
// wrong copy. (A key file created for a mistyped --key-file is refused
// before, by openApp.) An empty registry has nothing to compare.
func checkSealsAtStart(ctx context.Context, g *globals, a *app) error {
	sc, err := a.registry.CheckSeals(access.WithCaller(ctx, access.System), registry.SealSampleAtStart)
	if err != nil || sc.Failed == 0 {
		return err
	}
	return fmt.Errorf("identifier key: %d of %d resident IDs sampled do not open under %s: start with the key the database was made with (HRSS_KEY or --key-file)",
		sc.Failed, sc.Checked, keySource(g))
}

// checkServingKey refuses to serve while a rotation of the resident-ID key
// is under way, or with another key than the one the last rotation
// resealed the IDs under (a server started with the old key would fail on
// every person). With no rotation recorded there is nothing to compare.
func checkServingKey(ctx context.Context, g *globals, db *store.DB) error {
	st, ok, err := db.RekeyState(ctx)
	if err != nil || !ok {
		return err
	}
	if !st.Finished() {
		return fmt.Errorf("a rotation of the resident-ID key is under way (%d persons resealed): finish it with hrss rekey before serving", st.Resealed)
	}
	key, err := ident.LoadKey(os.Getenv("HRSS_KEY"), g.keyFile)
	if err != nil {
		return err
	}
	if !bytes.Equal(keyCheck(key), st.NewCheck) {
		return fmt.Errorf("the resident IDs were resealed under another key on %s (check %s): start with that key (HRSS_KEY or --key-file)",
			st.FinishedAt.Local().Format(time.DateTime), hex.EncodeToString(st.NewCheck[:4]))
	}
	return nil
}
