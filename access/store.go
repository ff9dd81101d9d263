package access

import (
	"context"
	"time"
)

// Store runs transactions over users, sessions, tokens and the audit
// trail. store/ implements it for SQLite and PostgreSQL.
type Store interface {
	// Update runs fn in one read-write transaction, retried as a whole on
	// a serialization failure; fn's error rolls it back and is returned.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in one read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
}

// AuditTx appends to the audit trail inside a transaction. Every domain's
// Tx embeds it, so that an entry commits or rolls back with what it
// records. Appends serialise on the head: two transactions that both move
// it conflict, and the store retries one of them.
type AuditTx interface {
	// AuditHead returns the last entry's sequence number and hash (0 and
	// the zero digest for an empty trail), locking it until the
	// transaction ends where the engine can.
	AuditHead(ctx context.Context) (Head, error)
	// InsertAudit stores es (numbered and chained by RecordAll, in
	// order, after the head), indexes their subjects and moves the head
	// to the last.
	InsertAudit(ctx context.Context, es []Entry) error
}

// Tx is what the access service reads and writes inside a transaction.
// Reads of a missing row return a *fault.Error of Kind NotFound; a write
// that breaks a uniqueness constraint returns Kind Conflict.
type Tx interface {
	AuditTx

	InsertUser(ctx context.Context, u *User) error // sets u.ID
	UpdateUser(ctx context.Context, u *User) error
	User(ctx context.Context, id int64) (User, error)
	UserByName(ctx context.Context, name string) (User, error)
	ListUsers(ctx context.Context, f UserFilter) ([]User, error)

	// PersonExists and EmployerExists check the registry rows a citizen's
	// or an employer agent's account refers to.
	PersonExists(ctx context.Context, id int64) (bool, error)
	EmployerExists(ctx context.Context, id int64) (bool, error)
	// SampleRelation returns a relation whose employer is registered in
	// division and whose person lives there, for the demo users; NotFound
	// if there is none.
	SampleRelation(ctx context.Context, division string) (personID, employerID int64, err error)

	InsertSession(ctx context.Context, s *Session) error // sets s.ID
	SessionByHash(ctx context.Context, hash []byte) (Session, error)
	TouchSession(ctx context.Context, id int64, at time.Time) error
	DeleteSession(ctx context.Context, id int64) error
	// DeleteUserSessions deletes every session of a user (sign them out).
	DeleteUserSessions(ctx context.Context, userID int64) error
	// DeleteStaleSessions deletes the sessions of every user that expired
	// before now or were last seen before idleSince.
	DeleteStaleSessions(ctx context.Context, now, idleSince time.Time) error

	InsertToken(ctx context.Context, t *Token) error // sets t.ID
	Token(ctx context.Context, id int64) (Token, error)
	TokenByHash(ctx context.Context, hash []byte) (Token, error)
	ListTokens(ctx context.Context, f TokenFilter) ([]Token, error)
	UpdateToken(ctx context.Context, t *Token) error

	// PeekAuditHead returns the head like AuditHead, without locking it
	// (for read-only transactions).
	PeekAuditHead(ctx context.Context) (Head, error)
	// ListAudit lists entries newest first.
	ListAudit(ctx context.Context, f AuditFilter) ([]Entry, error)
	// AuditChain lists entries with Seq > after in chain order, at most limit.
	AuditChain(ctx context.Context, after int64, limit int) ([]Entry, error)
	// AuditIndex returns the indexed subjects of the entries with
	// from <= Seq <= to, by entry, each list ascending.
	AuditIndex(ctx context.Context, from, to int64) (map[int64][]int64, error)
}

// Page selects a page of a list ordered by ID: rows with ID > After, at
// most Limit of them.
type Page struct {
	After int64
	Limit int
}

// UserFilter selects users; zero fields do not filter.
type UserFilter struct {
	Role Role
	Page
}

// TokenFilter selects API tokens; zero fields do not filter.
type TokenFilter struct {
	UserID int64
	Page
}

// AuditFilter selects audit entries, newest first; zero fields do not
// filter. Before, when set, keeps entries with Seq < Before (the cursor of
// the next page).
type AuditFilter struct {
	PersonID int64 // entries whose subjects include this person
	UserID   int64 // entries caused by this user
	Action   string
	Before   int64
	Limit    int
}
