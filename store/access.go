package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"hrss/access"
	"hrss/rules/fault"
)

// Access returns db as the access service's Store.
func (db *DB) Access() access.Store { return accessStore{db} }

type accessStore struct{ db *DB }

var _ access.Tx = (*Tx)(nil)

func (s accessStore) Update(ctx context.Context, fn func(access.Tx) error) error {
	return s.db.updateAudited(ctx, func(t *Tx) error { return fn(t) })
}

func (s accessStore) View(ctx context.Context, fn func(access.Tx) error) error {
	return s.db.view(ctx, func(t *Tx) error { return fn(t) })
}

// nullTime scans a nullable timestamp column (the zero time for NULL).
type nullTime struct{ t *time.Time }

func (c nullTime) Scan(v any) error {
	if v == nil {
		*c.t = time.Time{}
		return nil
	}
	return tsCol{c.t}.Scan(v)
}

// timeArg returns NULL for the zero time and the timestamp otherwise.
func timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return tsArg(t)
}

// idArg returns NULL for 0 and id otherwise (optional references).
func idArg(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nullID scans a nullable id column (0 for NULL).
type nullID struct{ id *int64 }

func (c nullID) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*c.id = 0
	case int64:
		*c.id = x
	default:
		return fmt.Errorf("id column: unexpected %T", v)
	}
	return nil
}

const userCols = `id, name, role, divisions, employer_id, person_id, password_hash, disabled, failed_attempts, locked_until,
	totp_secret, totp_pending, totp_step, created_at, updated_at`

func userArgs(u *access.User) []any {
	return []any{u.Name, string(u.Role), strings.Join(u.Divisions, ","), idArg(u.EmployerID), idArg(u.PersonID), u.PasswordHash,
		u.Disabled, u.FailedAttempts, timeArg(u.LockedUntil), bytesArg(u.TOTPSecret), bytesArg(u.TOTPPending), u.TOTPStep,
		tsArg(u.CreatedAt), tsArg(u.UpdatedAt)}
}

// bytesArg returns NULL for an empty slice.
func bytesArg(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

func scanUser(sc interface{ Scan(...any) error }) (access.User, error) {
	var u access.User
	var role, divs string
	err := sc.Scan(&u.ID, &u.Name, &role, &divs, nullID{&u.EmployerID}, nullID{&u.PersonID}, &u.PasswordHash, &u.Disabled,
		&u.FailedAttempts, nullTime{&u.LockedUntil}, &u.TOTPSecret, &u.TOTPPending, &u.TOTPStep, tsCol{&u.CreatedAt}, tsCol{&u.UpdatedAt})
	u.Role, u.TOTP = access.Role(role), len(u.TOTPSecret) > 0
	if divs != "" {
		u.Divisions = strings.Split(divs, ",")
	}
	return u, err
}

// InsertUser implements access.Tx.
func (t *Tx) InsertUser(ctx context.Context, u *access.User) error {
	id, err := t.insertID(ctx, `INSERT INTO users (name, role, divisions, employer_id, person_id, password_hash, disabled,
		failed_attempts, locked_until, totp_secret, totp_pending, totp_step, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, userArgs(u)...)
	u.ID = id
	return err
}

// UpdateUser implements access.Tx.
func (t *Tx) UpdateUser(ctx context.Context, u *access.User) error {
	_, err := t.exec(ctx, `UPDATE users SET name = ?, role = ?, divisions = ?, employer_id = ?, person_id = ?, password_hash = ?,
		disabled = ?, failed_attempts = ?, locked_until = ?, totp_secret = ?, totp_pending = ?, totp_step = ?,
		created_at = ?, updated_at = ? WHERE id = ?`, append(userArgs(u), u.ID)...)
	return err
}

// User implements access.Tx.
func (t *Tx) User(ctx context.Context, id int64) (access.User, error) {
	u, err := scanUser(t.queryRow(ctx, "SELECT "+userCols+" FROM users WHERE id = ?", id))
	return u, notFound(err, "user", id)
}

// UserByName implements access.Tx.
func (t *Tx) UserByName(ctx context.Context, name string) (access.User, error) {
	u, err := scanUser(t.queryRow(ctx, "SELECT "+userCols+" FROM users WHERE name = ?", name))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fault.NotFoundf("user %q not found", name)
	}
	return u, wrapDBError(err)
}

// ListUsers implements access.Tx.
func (t *Tx) ListUsers(ctx context.Context, f access.UserFilter) ([]access.User, error) {
	w := where{}
	w.add(f.Role != "", "role = ?", string(f.Role))
	w.add(true, "id > ?", f.After)
	return queryList(ctx, t, "SELECT "+userCols+" FROM users WHERE "+w.sql()+" ORDER BY id LIMIT ?", append(w.args, f.Limit), scanUser)
}

// PersonExists implements access.Tx.
func (t *Tx) PersonExists(ctx context.Context, id int64) (bool, error) {
	return t.exists(ctx, "SELECT count(*) FROM persons WHERE id = ?", id)
}

// EmployerExists implements access.Tx.
func (t *Tx) EmployerExists(ctx context.Context, id int64) (bool, error) {
	return t.exists(ctx, "SELECT count(*) FROM employers WHERE id = ?", id)
}

func (t *Tx) exists(ctx context.Context, q string, args ...any) (bool, error) {
	var n int
	err := t.queryRow(ctx, q, args...).Scan(&n)
	return n > 0, wrapDBError(err)
}

// SampleRelation implements access.Tx.
func (t *Tx) SampleRelation(ctx context.Context, division string) (int64, int64, error) {
	var p, e int64
	err := t.queryRow(ctx, `SELECT r.person_id, r.employer_id FROM employments r
		JOIN persons p ON p.id = r.person_id JOIN employers m ON m.id = r.employer_id
		WHERE m.division = ? AND p.residence_division = ? AND r.end_date IS NULL ORDER BY r.id LIMIT 1`, division, division).Scan(&p, &e)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, fault.NotFoundf("no current employment relation in division %s: generate the city first", division)
	}
	return p, e, wrapDBError(err)
}

const sessionCols = `id, user_id, token_hash, created_at, last_seen, expires_at, ip`

func scanSession(sc interface{ Scan(...any) error }) (access.Session, error) {
	var s access.Session
	err := sc.Scan(&s.ID, &s.UserID, &s.TokenHash, tsCol{&s.CreatedAt}, tsCol{&s.LastSeen}, tsCol{&s.ExpiresAt}, &s.IP)
	return s, err
}

// InsertSession implements access.Tx.
func (t *Tx) InsertSession(ctx context.Context, s *access.Session) error {
	id, err := t.insertID(ctx, `INSERT INTO sessions (user_id, token_hash, created_at, last_seen, expires_at, ip) VALUES (?, ?, ?, ?, ?, ?)`,
		s.UserID, s.TokenHash, tsArg(s.CreatedAt), tsArg(s.LastSeen), tsArg(s.ExpiresAt), s.IP)
	s.ID = id
	return err
}

// SessionByHash implements access.Tx.
func (t *Tx) SessionByHash(ctx context.Context, hash []byte) (access.Session, error) {
	s, err := scanSession(t.queryRow(ctx, "SELECT "+sessionCols+" FROM sessions WHERE token_hash = ?", hash))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fault.NotFoundf("no such session")
	}
	return s, wrapDBError(err)
}

// TouchSession implements access.Tx.
func (t *Tx) TouchSession(ctx context.Context, id int64, at time.Time) error {
	_, err := t.exec(ctx, "UPDATE sessions SET last_seen = ? WHERE id = ?", tsArg(at), id)
	return err
}

// DeleteSession implements access.Tx.
func (t *Tx) DeleteSession(ctx context.Context, id int64) error {
	_, err := t.exec(ctx, "DELETE FROM sessions WHERE id = ?", id)
	return err
}

// DeleteUserSessions implements access.Tx.
func (t *Tx) DeleteUserSessions(ctx context.Context, userID int64) error {
	_, err := t.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
	return err
}

// DeleteStaleSessions implements access.Tx.
func (t *Tx) DeleteStaleSessions(ctx context.Context, now, idleSince time.Time) error {
	_, err := t.exec(ctx, "DELETE FROM sessions WHERE expires_at < ? OR last_seen < ?", tsArg(now), tsArg(idleSince))
	return err
}

const tokenCols = `id, user_id, name, scope, token_hash, created_at, expires_at, last_used, revoked_at`

func scanToken(sc interface{ Scan(...any) error }) (access.Token, error) {
	var k access.Token
	var scope string
	err := sc.Scan(&k.ID, &k.UserID, &k.Name, &scope, &k.TokenHash, tsCol{&k.CreatedAt}, tsCol{&k.ExpiresAt}, nullTime{&k.LastUsed}, nullTime{&k.RevokedAt})
	k.Scope = access.TokenScope(scope)
	return k, err
}

// InsertToken implements access.Tx.
func (t *Tx) InsertToken(ctx context.Context, k *access.Token) error {
	id, err := t.insertID(ctx, `INSERT INTO api_tokens (user_id, name, scope, token_hash, created_at, expires_at, last_used, revoked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, k.UserID, k.Name, string(k.Scope), k.TokenHash, tsArg(k.CreatedAt), tsArg(k.ExpiresAt), timeArg(k.LastUsed), timeArg(k.RevokedAt))
	k.ID = id
	return err
}

// UpdateToken implements access.Tx: it records use and revocation.
func (t *Tx) UpdateToken(ctx context.Context, k *access.Token) error {
	_, err := t.exec(ctx, "UPDATE api_tokens SET last_used = ?, revoked_at = ? WHERE id = ?", timeArg(k.LastUsed), timeArg(k.RevokedAt), k.ID)
	return err
}

// Token implements access.Tx.
func (t *Tx) Token(ctx context.Context, id int64) (access.Token, error) {
	k, err := scanToken(t.queryRow(ctx, "SELECT "+tokenCols+" FROM api_tokens WHERE id = ?", id))
	return k, notFound(err, "API token", id)
}

// TokenByHash implements access.Tx.
func (t *Tx) TokenByHash(ctx context.Context, hash []byte) (access.Token, error) {
	k, err := scanToken(t.queryRow(ctx, "SELECT "+tokenCols+" FROM api_tokens WHERE token_hash = ?", hash))
	if errors.Is(err, sql.ErrNoRows) {
		return k, fault.NotFoundf("no such API token")
	}
	return k, wrapDBError(err)
}

// ListTokens implements access.Tx.
func (t *Tx) ListTokens(ctx context.Context, f access.TokenFilter) ([]access.Token, error) {
	w := where{}
	w.add(f.UserID != 0, "user_id = ?", f.UserID)
	w.add(true, "id > ?", f.After)
	return queryList(ctx, t, "SELECT "+tokenCols+" FROM api_tokens WHERE "+w.sql()+" ORDER BY id LIMIT ?", append(w.args, f.Limit), scanToken)
}

// AuditHead implements access.AuditTx. On PostgreSQL it locks the head
// row, so that a concurrent append waits here and then fails with a
// serialization error that the transaction helper retries.
func (t *Tx) AuditHead(ctx context.Context) (access.Head, error) {
	q := "SELECT seq, hash FROM audit_head WHERE id = 1"
	if t.engine == Postgres {
		q += " FOR UPDATE"
	}
	return t.auditHead(ctx, q)
}

// PeekAuditHead implements access.Tx.
func (t *Tx) PeekAuditHead(ctx context.Context) (access.Head, error) {
	return t.auditHead(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1")
}

func (t *Tx) auditHead(ctx context.Context, q string) (access.Head, error) {
	var h access.Head
	var hash []byte
	err := t.queryRow(ctx, q).Scan(&h.Seq, &hash)
	h.Hash = hash
	return h, wrapDBError(err)
}

// subjectRows is how many subjects one INSERT writes, and entryRows how
// many entries (12 parameters each: PostgreSQL takes 65,535 a statement,
// SQLite 32,766).
const (
	subjectRows = 200
	entryRows   = 200
)

// InsertAudit implements access.AuditTx: the entries go in one INSERT of
// many rows (entryRows at a time), their subjects likewise, and the head
// moves once, to the last: a batch of the journal of 50 views is a
// handful of statements, not 150.
func (t *Tx) InsertAudit(ctx context.Context, es []access.Entry) error {
	if len(es) == 0 {
		return nil
	}
	var subjects []any
	for i := 0; i < len(es); i += entryRows {
		chunk := es[i:min(i+entryRows, len(es))]
		args := make([]any, 0, 12*len(chunk))
		for _, e := range chunk {
			args = append(args, e.Seq, tsArg(e.At), e.UserID, e.Actor, string(e.Role), e.Action, e.Object,
				access.JoinIDs(e.Subjects), e.IP, e.Reason, []byte(e.PrevHash), []byte(e.Hash))
			for _, p := range e.Subjects {
				subjects = append(subjects, p, e.Seq)
			}
		}
		if _, err := t.exec(ctx, "INSERT INTO audit_entries ("+auditCols+") VALUES "+placeholderRows(len(chunk), 12), args...); err != nil {
			return err
		}
	}
	for i := 0; i < len(subjects); i += 2 * subjectRows {
		chunk := subjects[i:min(i+2*subjectRows, len(subjects))]
		if _, err := t.exec(ctx, "INSERT INTO audit_subjects (person_id, seq) VALUES "+placeholderRows(len(chunk)/2, 2), chunk...); err != nil {
			return err
		}
	}
	last := es[len(es)-1]
	_, err := t.exec(ctx, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", last.Seq, []byte(last.Hash))
	return err
}

// placeholderRows is the VALUES list of n rows of cols parameters each:
// "(?, ?), (?, ?)".
func placeholderRows(n, cols int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

const auditCols = `seq, at, user_id, actor, role, action, object, subjects, ip, reason, prev_hash, hash`

func scanEntry(sc interface{ Scan(...any) error }) (access.Entry, error) {
	var e access.Entry
	var role, subjects string
	var prev, hash []byte
	err := sc.Scan(&e.Seq, tsCol{&e.At}, &e.UserID, &e.Actor, &role, &e.Action, &e.Object, &subjects, &e.IP, &e.Reason, &prev, &hash)
	if err != nil {
		return e, err
	}
	e.Role, e.PrevHash, e.Hash = access.Role(role), prev, hash
	e.Subjects, err = access.SplitIDs(subjects)
	return e, err
}

// ListAudit implements access.Tx.
func (t *Tx) ListAudit(ctx context.Context, f access.AuditFilter) ([]access.Entry, error) {
	w := where{}
	w.add(f.PersonID != 0, "seq IN (SELECT seq FROM audit_subjects WHERE person_id = ?)", f.PersonID)
	w.add(f.UserID != 0, "user_id = ?", f.UserID)
	w.add(f.Action != "", "action = ?", f.Action)
	w.add(f.Before != 0, "seq < ?", f.Before)
	w.add(true, "seq > ?", 0)
	return queryList(ctx, t, "SELECT "+auditCols+" FROM audit_entries WHERE "+w.sql()+" ORDER BY seq DESC LIMIT ?", append(w.args, f.Limit), scanEntry)
}

// AuditChain implements access.Tx.
func (t *Tx) AuditChain(ctx context.Context, after int64, limit int) ([]access.Entry, error) {
	return queryList(ctx, t, "SELECT "+auditCols+" FROM audit_entries WHERE seq > ? ORDER BY seq LIMIT ?", []any{after, limit}, scanEntry)
}

// AuditIndex implements access.Tx.
func (t *Tx) AuditIndex(ctx context.Context, from, to int64) (map[int64][]int64, error) {
	rows, err := t.query(ctx, "SELECT seq, person_id FROM audit_subjects WHERE seq BETWEEN ? AND ? ORDER BY seq, person_id", from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var seq, p int64
		if err := rows.Scan(&seq, &p); err != nil {
			return nil, err
		}
		out[seq] = append(out[seq], p)
	}
	return out, rows.Err()
}
