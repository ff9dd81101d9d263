-- Support programmes: scans, grants with their decision (reason, source
-- and trace as JSON), batches for four-eyes approval, payees, payment runs
-- and their rows, bank returns, internships and guaranteed loans. Money is
-- BIGINT fen; dates ISO text. A family of programmes pays a key once: the
-- unique index sup_grants_once holds it in the database.

CREATE TABLE sup_scans (
    id          INTEGER PRIMARY KEY,
    as_of       TEXT    NOT NULL,
    programme   TEXT    NOT NULL DEFAULT '',
    actor       TEXT    NOT NULL,
    started_at  TEXT    NOT NULL,
    finished_at TEXT,
    eligible    INTEGER NOT NULL DEFAULT 0,
    created     INTEGER NOT NULL DEFAULT 0,
    revoked     INTEGER NOT NULL DEFAULT 0,
    summary     TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE sup_batches (
    id          INTEGER PRIMARY KEY,
    division    TEXT    NOT NULL,
    programme   TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL CHECK (status IN ('prepared', 'approved', 'rejected')),
    grants      INTEGER NOT NULL DEFAULT 0,
    total       BIGINT  NOT NULL DEFAULT 0,
    preparer_id BIGINT  NOT NULL,
    preparer    TEXT    NOT NULL,
    prepared_at TEXT    NOT NULL,
    reviewer    TEXT    NOT NULL DEFAULT '',
    reviewed_at TEXT,
    note        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sup_batches_division ON sup_batches (division, id);

CREATE TABLE sup_internships (
    id          INTEGER PRIMARY KEY,
    employer_id INTEGER NOT NULL REFERENCES employers (id),
    person_id   INTEGER NOT NULL REFERENCES persons (id),
    division    TEXT    NOT NULL,
    start_date  TEXT    NOT NULL,
    end_date    TEXT    NOT NULL,
    allowance   BIGINT  NOT NULL CHECK (allowance > 0),
    actor       TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    CHECK (end_date > start_date)
);
CREATE INDEX sup_internships_start ON sup_internships (start_date, id);
CREATE INDEX sup_internships_employer ON sup_internships (employer_id, id);

CREATE TABLE sup_loans (
    id            INTEGER PRIMARY KEY,
    programme     TEXT    NOT NULL,
    borrower      TEXT    NOT NULL CHECK (borrower IN ('individual', 'enterprise')),
    person_id     INTEGER REFERENCES persons (id),
    employer_id   INTEGER REFERENCES employers (id),
    division      TEXT    NOT NULL,
    bank          TEXT    NOT NULL,
    guarantor     TEXT    NOT NULL,
    principal     BIGINT  NOT NULL CHECK (principal > 0),
    term_months   INTEGER NOT NULL CHECK (term_months > 0),
    contract_rate TEXT    NOT NULL,
    signed        TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('applied', 'active', 'rejected', 'repaid')),
    terms         TEXT    NOT NULL,  -- rules.LoanTerms as JSON (rates, limits, trace)
    defaults      TEXT    NOT NULL DEFAULT '',  -- months in default, comma-separated YYYY-MM
    preparer_id   BIGINT  NOT NULL,
    preparer      TEXT    NOT NULL,
    reviewer      TEXT    NOT NULL DEFAULT '',
    note          TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL,
    decided_at    TEXT,
    CHECK ((borrower = 'individual' AND person_id IS NOT NULL AND employer_id IS NULL)
        OR (borrower = 'enterprise' AND employer_id IS NOT NULL AND person_id IS NULL))
);
CREATE INDEX sup_loans_division ON sup_loans (division, id);

CREATE TABLE sup_grants (
    id          INTEGER PRIMARY KEY,
    programme   TEXT    NOT NULL,
    family      TEXT    NOT NULL,
    grant_key   TEXT    NOT NULL,      -- what the family pays once: p:PERSON, p:PERSON/e:EMPLOYER, loan:ID/YYYY-MM
    person_id   INTEGER REFERENCES persons (id),
    employer_id INTEGER REFERENCES employers (id),
    beneficiary TEXT    NOT NULL CHECK (beneficiary IN ('employer', 'person', 'bank')),
    payee_id    BIGINT  NOT NULL,
    division    TEXT    NOT NULL,
    event_date  TEXT    NOT NULL,
    amount      BIGINT  NOT NULL CHECK (amount > 0),
    months      INTEGER NOT NULL DEFAULT 0,
    grp         TEXT    NOT NULL DEFAULT '',
    detail      TEXT    NOT NULL,      -- reason, source and trace (JSON)
    relation_id BIGINT,                -- the source records, for lookups and checks
    loan_id     INTEGER REFERENCES sup_loans (id),
    scan_id     INTEGER REFERENCES sup_scans (id),
    found_as_of TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('pending', 'prepared', 'approved', 'rejected', 'revoked', 'issued', 'paid', 'failed', 'clawback')),
    batch_id    INTEGER REFERENCES sup_batches (id),
    note        TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    CHECK (scan_id IS NOT NULL OR loan_id IS NOT NULL)
);
CREATE UNIQUE INDEX sup_grants_once ON sup_grants (family, grant_key);
CREATE INDEX sup_grants_status ON sup_grants (status, division, id);
CREATE INDEX sup_grants_programme ON sup_grants (programme, status, id);
CREATE INDEX sup_grants_person ON sup_grants (person_id, id);
CREATE INDEX sup_grants_employer ON sup_grants (employer_id, id);
CREATE INDEX sup_grants_batch ON sup_grants (batch_id, id);

CREATE TABLE sup_payees (
    kind       TEXT    NOT NULL CHECK (kind IN ('employer', 'person', 'bank')),
    id         BIGINT  NOT NULL,
    bank       TEXT    NOT NULL,
    account    TEXT    NOT NULL,
    holder     TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (kind, id)
);

CREATE TABLE sup_payment_runs (
    id         INTEGER PRIMARY KEY,
    actor      TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    rows_n     INTEGER NOT NULL DEFAULT 0,
    total      BIGINT  NOT NULL DEFAULT 0,
    reissues   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sup_returns (
    id         INTEGER PRIMARY KEY,
    file_name  TEXT    NOT NULL,
    sha256     TEXT    NOT NULL,
    rows_n     INTEGER NOT NULL,
    actor      TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);

CREATE TABLE sup_payments (
    reference  TEXT    PRIMARY KEY,     -- the bank returns it: a row is paid or failed once
    run_id     INTEGER NOT NULL REFERENCES sup_payment_runs (id),
    grant_id   INTEGER NOT NULL REFERENCES sup_grants (id),
    amount     BIGINT  NOT NULL CHECK (amount > 0),
    bank       TEXT    NOT NULL,
    account    TEXT    NOT NULL,
    holder     TEXT    NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('issued', 'paid', 'failed')),
    failure    TEXT    NOT NULL DEFAULT '',
    return_id  INTEGER REFERENCES sup_returns (id),
    reissue    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sup_payments_run ON sup_payments (run_id, reference);
CREATE INDEX sup_payments_grant ON sup_payments (grant_id, reference);
-- a grant is paid once: at most one paid payment per grant
CREATE UNIQUE INDEX sup_payments_paid_once ON sup_payments (grant_id) WHERE status = 'paid';
-- at most one payment of a grant waits for the bank at a time
CREATE UNIQUE INDEX sup_payments_issued_once ON sup_payments (grant_id) WHERE status = 'issued';
