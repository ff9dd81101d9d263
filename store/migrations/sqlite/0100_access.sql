-- Access: users, sessions, API tokens, and the hash-chained audit trail.
-- Timestamps TEXT RFC 3339 (UTC). Secrets are never stored: only their SHA-256.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    role            TEXT    NOT NULL CHECK (role IN ('citizen', 'employer_agent', 'caseworker', 'reviewer', 'analyst', 'administrator', 'auditor')),
    divisions       TEXT    NOT NULL DEFAULT '',     -- comma-separated division codes
    employer_id     INTEGER REFERENCES employers (id),
    person_id       INTEGER REFERENCES persons (id),
    password_hash   TEXT    NOT NULL,                -- argon2id, PHC format
    disabled        INTEGER NOT NULL DEFAULT 0,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);

CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    token_hash BLOB    NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT    NOT NULL,
    last_seen  TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    ip         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    token_hash BLOB    NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    name       TEXT    NOT NULL,
    scope      TEXT    NOT NULL CHECK (scope IN ('read', 'write')),
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    last_used  TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

-- The audit trail: append-only, each entry chained to the previous one by
-- its hash; audit_head is the end of the chain (one row), moved by every
-- append, so that appends serialise and a deleted end is noticed.
CREATE TABLE audit_entries (
    seq       INTEGER PRIMARY KEY,
    at        TEXT    NOT NULL,
    user_id   INTEGER NOT NULL DEFAULT 0,   -- 0 for the system
    actor     TEXT    NOT NULL,
    role      TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    object    TEXT    NOT NULL DEFAULT '',
    subjects  TEXT    NOT NULL DEFAULT '',  -- comma-separated person ids, ascending
    ip        TEXT    NOT NULL DEFAULT '',
    reason    TEXT    NOT NULL DEFAULT '',
    prev_hash BLOB    NOT NULL,
    hash      BLOB    NOT NULL
);
CREATE INDEX audit_user ON audit_entries (user_id, seq);

CREATE TABLE audit_subjects (
    person_id INTEGER NOT NULL,
    seq       INTEGER NOT NULL REFERENCES audit_entries (seq),
    PRIMARY KEY (person_id, seq)
);
CREATE INDEX audit_subjects_seq ON audit_subjects (seq, person_id);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash BLOB    NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, zeroblob(32));

CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_subjects_no_update BEFORE UPDATE ON audit_subjects
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_subjects_no_delete BEFORE DELETE ON audit_subjects
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
WHEN NEW.seq <> OLD.seq + 1 OR NEW.id <> OLD.id
BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward, one entry at a time'); END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'the audit head cannot be deleted'); END;
