-- Registry: persons, employers, employment relations, flexible workers.
-- Dates are TEXT 'YYYY-MM-DD'; timestamps TEXT RFC 3339 (UTC); money INTEGER fen.

CREATE TABLE persons (
    id                 INTEGER PRIMARY KEY,
    id_sealed          BLOB    NOT NULL,          -- resident ID, AES-256-GCM
    id_hash            BLOB    NOT NULL UNIQUE,   -- HMAC-SHA256 of the resident ID, for lookup
    name               TEXT    NOT NULL,
    sex                TEXT    NOT NULL CHECK (sex IN ('male', 'female')),
    birth              TEXT    NOT NULL,
    hukou_division     TEXT    NOT NULL,
    residence_division TEXT    NOT NULL,
    education          TEXT    NOT NULL,
    phone              TEXT    NOT NULL DEFAULT '',
    grad_school        TEXT,
    grad_major         TEXT,
    grad_degree        TEXT,
    grad_date          TEXT,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);
CREATE INDEX persons_residence ON persons (residence_division, id);
CREATE INDEX persons_name ON persons (name);

CREATE TABLE employers (
    id                INTEGER PRIMARY KEY,
    credit_code       TEXT    NOT NULL UNIQUE,
    name              TEXT    NOT NULL,
    industry_section  TEXT    NOT NULL,
    industry_division TEXT    NOT NULL,
    division          TEXT    NOT NULL,
    risk_class        INTEGER NOT NULL CHECK (risk_class BETWEEN 1 AND 8),
    risk_float_pct    INTEGER NOT NULL CHECK (risk_float_pct BETWEEN 50 AND 150),
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX employers_division ON employers (division, id);
CREATE INDEX employers_name ON employers (name);

CREATE TABLE employments (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES persons (id),
    employer_id   INTEGER NOT NULL REFERENCES employers (id),
    start_date    TEXT    NOT NULL,
    end_date      TEXT,
    separation    TEXT    NOT NULL DEFAULT '',
    declared_wage INTEGER NOT NULL CHECK (declared_wage > 0),
    insurances    TEXT    NOT NULL,  -- comma-separated: pension,medical,unemployment,work_injury
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    CHECK (end_date IS NULL OR end_date > start_date)
);
CREATE INDEX employments_person ON employments (person_id, id);
CREATE INDEX employments_employer ON employments (employer_id, id);

CREATE TABLE flexible_workers (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES persons (id),
    division   TEXT    NOT NULL,
    start_date TEXT    NOT NULL,
    end_date   TEXT,
    base_pct   INTEGER NOT NULL CHECK (base_pct BETWEEN 60 AND 300),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    CHECK (end_date IS NULL OR end_date > start_date)
);
CREATE INDEX flexible_person ON flexible_workers (person_id, id);
CREATE INDEX flexible_division ON flexible_workers (division, id);
