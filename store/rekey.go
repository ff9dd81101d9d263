package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"hrss/access"
	"hrss/rules/fault"
)

// Rekey is the state of a rotation of the resident-ID key (table
// registry_rekey): persons with an ID up to After are sealed and hashed
// under the new key, the others still under the old one.
type Rekey struct {
	OldCheck, NewCheck []byte // the key checks of the old and the new key (see cmd/hrss rekey)
	After              int64  // the last person resealed
	Resealed           int64  // how many persons were resealed
	StartedAt          time.Time
	FinishedAt         time.Time // zero while under way
}

// Finished reports whether the rotation is complete.
func (r Rekey) Finished() bool { return !r.FinishedAt.IsZero() }

// Matches reports whether the rotation is from the key with check oldCheck
// to the one with check newCheck.
func (r Rekey) Matches(oldCheck, newCheck []byte) bool {
	return bytes.Equal(r.OldCheck, oldCheck) && bytes.Equal(r.NewCheck, newCheck)
}

// RekeyState returns the rotation db records (under way or the last one
// finished); ok is false when there has been none.
func (db *DB) RekeyState(ctx context.Context) (r Rekey, ok bool, err error) {
	err = db.view(ctx, func(tx *Tx) error {
		r, ok, err = tx.rekeyState(ctx)
		return err
	})
	return r, ok, err
}

func (t *Tx) rekeyState(ctx context.Context) (Rekey, bool, error) {
	var r Rekey
	err := t.queryRow(ctx, "SELECT old_key_check, new_key_check, after_id, resealed, started_at, finished_at FROM registry_rekey WHERE id = 1").
		Scan(&r.OldCheck, &r.NewCheck, &r.After, &r.Resealed, tsCol{&r.StartedAt}, nullTime{&r.FinishedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return Rekey{}, false, nil
	}
	return r, err == nil, wrapDBError(err)
}

// StartRekey records a new rotation from the key with check oldCheck to
// the one with newCheck, starting before the first person, and returns it.
// It fails with Conflict while another rotation is under way (finish or
// resume that one first); a finished one is replaced.
func (db *DB) StartRekey(ctx context.Context, oldCheck, newCheck []byte, now time.Time) (Rekey, error) {
	r := Rekey{OldCheck: oldCheck, NewCheck: newCheck, StartedAt: now.UTC()}
	err := db.update(ctx, func(tx *Tx) error {
		cur, ok, err := tx.rekeyState(ctx)
		if err != nil {
			return err
		}
		if ok && !cur.Finished() {
			return fault.Conflictf("", "rekey.under_way", "a rotation of the resident-ID key is under way (%d persons resealed); resume it with the same keys", cur.Resealed)
		}
		if _, err := tx.exec(ctx, "DELETE FROM registry_rekey"); err != nil {
			return err
		}
		_, err = tx.exec(ctx, "INSERT INTO registry_rekey (id, old_key_check, new_key_check, after_id, resealed, started_at) VALUES (1, ?, ?, 0, 0, ?)",
			oldCheck, newCheck, tsArg(r.StartedAt))
		return err
	})
	return r, err
}

// Reseal turns one person's sealed resident ID (under the old key) into
// the sealed ID and lookup hash under the new key; it fails if the sealed
// value does not open.
type Reseal func(personID int64, sealed []byte) (newSealed, newHash []byte, err error)

// RekeyChunk reseals, in one transaction, up to limit persons after the
// position of the rotation under way, in ID order, and moves the position
// past them; it returns how many it resealed (0 when none remain). A
// failure or a crash anywhere leaves the chunk undone and the position
// where it was. It fails with Conflict when no rotation is under way.
func (db *DB) RekeyChunk(ctx context.Context, limit int, reseal Reseal) (int, error) {
	n := 0
	err := db.update(ctx, func(tx *Tx) error {
		n = 0
		r, ok, err := tx.rekeyState(ctx)
		if err != nil {
			return err
		}
		if !ok || r.Finished() {
			return fault.Conflictf("", "rekey.none", "no rotation of the resident-ID key is under way")
		}
		rows, err := tx.query(ctx, "SELECT id, id_sealed FROM persons WHERE id > ? ORDER BY id LIMIT ?", r.After, limit)
		if err != nil {
			return err
		}
		type sealed struct {
			id    int64
			value []byte
		}
		var batch []sealed
		for rows.Next() {
			var s sealed
			if err := rows.Scan(&s.id, &s.value); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		stmt, err := tx.tx.PrepareContext(ctx, rebind(tx.engine, "UPDATE persons SET id_sealed = ?, id_hash = ? WHERE id = ?"))
		if err != nil {
			return wrapDBError(err)
		}
		defer stmt.Close()
		for _, s := range batch {
			v, h, err := reseal(s.id, s.value)
			if err != nil {
				return fmt.Errorf("person %d: %w", s.id, err)
			}
			if _, err := stmt.ExecContext(ctx, v, h, s.id); err != nil {
				return fmt.Errorf("person %d: %w", s.id, wrapDBError(err))
			}
		}
		n = len(batch)
		_, err = tx.exec(ctx, "UPDATE registry_rekey SET after_id = ?, resealed = resealed + ? WHERE id = 1", batch[n-1].id, n)
		return err
	})
	return n, err
}

// ResealSecret turns a user's sealed second-factor secret (under a key
// derived from the old master key) into one under the new.
type ResealSecret func(userID int64, sealed []byte) ([]byte, error)

// FinishRekey ends the rotation under way in one audited transaction: it
// reseals every user's second-factor secrets (active and pending) with
// reseal, marks the rotation finished and lets record append its audit
// entry; it returns how many users' secrets it resealed. It fails with
// Conflict when no rotation is under way or persons remain to be resealed.
func (db *DB) FinishRekey(ctx context.Context, now time.Time, reseal ResealSecret, record func(access.Tx) error) (int, error) {
	users := 0
	err := db.updateAudited(ctx, func(tx *Tx) error {
		users = 0
		r, ok, err := tx.rekeyState(ctx)
		if err != nil {
			return err
		}
		if !ok || r.Finished() {
			return fault.Conflictf("", "rekey.none", "no rotation of the resident-ID key is under way")
		}
		var left int64
		if err := tx.queryRow(ctx, "SELECT count(*) FROM persons WHERE id > ?", r.After).Scan(&left); err != nil {
			return wrapDBError(err)
		}
		if left > 0 {
			return fault.Conflictf("", "rekey.unfinished", "%d persons are still sealed under the old key", left)
		}
		type secrets struct {
			id              int64
			active, pending []byte
		}
		rows, err := tx.query(ctx, "SELECT id, totp_secret, totp_pending FROM users WHERE totp_secret IS NOT NULL OR totp_pending IS NOT NULL ORDER BY id")
		if err != nil {
			return err
		}
		var us []secrets
		for rows.Next() {
			var u secrets
			if err := rows.Scan(&u.id, &u.active, &u.pending); err != nil {
				rows.Close()
				return err
			}
			us = append(us, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, u := range us {
			for _, p := range []*[]byte{&u.active, &u.pending} {
				if len(*p) == 0 {
					continue
				}
				if *p, err = reseal(u.id, *p); err != nil {
					return fmt.Errorf("user %d: %w", u.id, err)
				}
			}
			if _, err := tx.exec(ctx, "UPDATE users SET totp_secret = ?, totp_pending = ? WHERE id = ?", nullBytes(u.active), nullBytes(u.pending), u.id); err != nil {
				return err
			}
			users++
		}
		if _, err := tx.exec(ctx, "UPDATE registry_rekey SET finished_at = ? WHERE id = 1", tsArg(now.UTC())); err != nil {
			return err
		}
		return record(tx)
	})
	return users, err
}

// RekeyRemaining returns how many persons the rotation under way has yet
// to reseal (all persons when none is).
func (db *DB) RekeyRemaining(ctx context.Context) (int64, error) {
	var n int64
	err := db.view(ctx, func(tx *Tx) error {
		r, ok, err := tx.rekeyState(ctx)
		if err != nil {
			return err
		}
		if ok && r.Finished() {
			r.After = 0
		}
		return wrapDBError(tx.queryRow(ctx, "SELECT count(*) FROM persons WHERE id > ?", r.After).Scan(&n))
	})
	return n, err
}

// nullBytes is NULL for an empty value.
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}
