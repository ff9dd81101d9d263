-- Social insurance operations: periods, assessment runs and their rows,
-- bills, corrections, collections, personal accounts, claims and benefit
-- payment runs. Periods are INTEGER YYYYMM; money is BIGINT fen.
-- The big monthly table (ins_assessments) (partitioned by period on PostgreSQL) is keyed
-- by (period, run_id, seq).

CREATE TABLE ins_periods (
    period      INTEGER PRIMARY KEY,
    status      TEXT        NOT NULL CHECK (status IN ('open', 'closed')),
    current_run BIGINT,                     -- the run whose rows stand for the period
    closed_at   TEXT,
    closed_by   TEXT        NOT NULL DEFAULT ''
);

CREATE TABLE ins_runs (
    id          INTEGER PRIMARY KEY,
    period      INTEGER     NOT NULL,
    status      TEXT        NOT NULL CHECK (status IN ('running', 'done', 'abandoned')),
    actor       TEXT        NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    persons     INTEGER     NOT NULL DEFAULT 0,
    payers      INTEGER     NOT NULL DEFAULT 0,
    total       BIGINT      NOT NULL DEFAULT 0,
    summary     TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX ins_runs_period ON ins_runs (period, id);

-- One row per period while a run holds it; heartbeat_at is renewed by
-- every chunk commit, which also checks the row still names its run.
CREATE TABLE ins_run_locks (
    period       INTEGER PRIMARY KEY,
    run_id       BIGINT      NOT NULL,
    heartbeat_at TEXT NOT NULL
);

CREATE TABLE ins_assessments (
    period         INTEGER  NOT NULL,
    run_id         BIGINT   NOT NULL,
    seq            INTEGER  NOT NULL,   -- ordinal of the row in its run
    person_id      BIGINT   NOT NULL,
    kind           SMALLINT NOT NULL,   -- 1 employee, 2 flexible worker
    relation_id    BIGINT   NOT NULL,   -- employment or flexible enrolment
    payer_id       BIGINT   NOT NULL,   -- employer, or the flexible worker's person
    division       TEXT     NOT NULL,
    base           BIGINT   NOT NULL,
    pension_ind    BIGINT   NOT NULL,
    pension_emp    BIGINT   NOT NULL,
    medical_ind    BIGINT   NOT NULL,
    medical_emp    BIGINT   NOT NULL,
    unemp_ind      BIGINT   NOT NULL,
    unemp_emp      BIGINT   NOT NULL,
    injury_emp     BIGINT   NOT NULL,
    account_credit BIGINT   NOT NULL,
    PRIMARY KEY (period, run_id, seq)
);

CREATE TABLE ins_bills (
    period          INTEGER  NOT NULL,
    run_id          BIGINT   NOT NULL,
    payer_kind      SMALLINT NOT NULL,  -- 1 employer, 2 flexible worker (payer_id is the person)
    payer_id        BIGINT   NOT NULL,
    division        TEXT     NOT NULL,
    persons         INTEGER  NOT NULL,
    employer_part   BIGINT   NOT NULL,
    individual_part BIGINT   NOT NULL,
    total           BIGINT   NOT NULL,
    PRIMARY KEY (period, run_id, payer_kind, payer_id)
);

CREATE TABLE ins_corrections (
    id          INTEGER PRIMARY KEY,
    kind        SMALLINT    NOT NULL,
    relation_id BIGINT      NOT NULL,
    from_period INTEGER     NOT NULL,
    to_period   INTEGER     NOT NULL,
    wage        BIGINT,                  -- the corrected wage, NULL for the registry's
    reason      TEXT        NOT NULL,
    actor       TEXT        NOT NULL,
    created_at  TEXT NOT NULL
);

-- Differences for closed periods: a closed period's rows are never
-- rewritten; what changed is added here and billed with the period.
CREATE TABLE ins_adjustments (
    id             INTEGER PRIMARY KEY,
    correction_id  BIGINT   NOT NULL REFERENCES ins_corrections (id),
    period         INTEGER  NOT NULL,
    person_id      BIGINT   NOT NULL,
    kind           SMALLINT NOT NULL,
    relation_id    BIGINT   NOT NULL,
    payer_id       BIGINT   NOT NULL,
    division       TEXT     NOT NULL,
    base           BIGINT   NOT NULL,   -- change of the base
    pension_ind    BIGINT   NOT NULL,
    pension_emp    BIGINT   NOT NULL,
    medical_ind    BIGINT   NOT NULL,
    medical_emp    BIGINT   NOT NULL,
    unemp_ind      BIGINT   NOT NULL,
    unemp_emp      BIGINT   NOT NULL,
    injury_emp     BIGINT   NOT NULL,
    account_credit BIGINT   NOT NULL
);
CREATE INDEX ins_adjustments_bill ON ins_adjustments (period, kind, payer_id);
CREATE INDEX ins_adjustments_relation ON ins_adjustments (kind, relation_id, period);

CREATE TABLE ins_imports (
    id         INTEGER PRIMARY KEY,
    file_name  TEXT        NOT NULL,
    sha256     TEXT        NOT NULL,
    row_count  INTEGER     NOT NULL,
    actor      TEXT        NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE ins_payments (
    reference   TEXT        PRIMARY KEY,  -- the tax bureau's payment reference: a payment is applied once
    import_id   BIGINT      NOT NULL REFERENCES ins_imports (id),
    row_no      INTEGER     NOT NULL,
    payer_code  TEXT        NOT NULL,     -- credit code (or resident ID hash for a flexible worker)
    payer_kind  SMALLINT    NOT NULL,     -- 0 when unmatched
    payer_id    BIGINT      NOT NULL,
    period      INTEGER     NOT NULL,
    amount      BIGINT      NOT NULL CHECK (amount > 0),
    applied     BIGINT      NOT NULL CHECK (applied >= 0),
    overpaid    BIGINT      NOT NULL CHECK (overpaid >= 0),
    paid_on     TEXT        NOT NULL,
    status      TEXT        NOT NULL CHECK (status IN ('applied', 'unmatched')),
    CHECK (applied + overpaid = amount)
);
CREATE INDEX ins_payments_bill ON ins_payments (period, payer_kind, payer_id);

-- Overpayments that arise when a re-run lowers a bill already paid.
CREATE TABLE ins_overpayments (
    id         INTEGER PRIMARY KEY,
    period     INTEGER     NOT NULL,
    payer_kind SMALLINT    NOT NULL,
    payer_id   BIGINT      NOT NULL,
    run_id     BIGINT      NOT NULL,
    amount     BIGINT      NOT NULL CHECK (amount > 0),
    created_at TEXT NOT NULL
);
CREATE INDEX ins_overpayments_bill ON ins_overpayments (period, payer_kind, payer_id);

-- Personal accounts: yearly records from the legacy system, then paid
-- contribution months (credits) and yearly interest.
CREATE TABLE ins_account_legacy (
    person_id BIGINT  NOT NULL,
    year      INTEGER NOT NULL,
    months    INTEGER NOT NULL CHECK (months BETWEEN 0 AND 12),
    avg_base  BIGINT  NOT NULL,
    avg_wage  BIGINT  NOT NULL,  -- the average wage the legacy system indexed the year against
    credits   BIGINT  NOT NULL,
    interest  BIGINT  NOT NULL,
    batch     TEXT    NOT NULL,  -- the migration batch that delivered it
    PRIMARY KEY (person_id, year)
);

CREATE TABLE ins_credits (
    person_id    BIGINT      NOT NULL,
    period       INTEGER     NOT NULL,
    kind         SMALLINT    NOT NULL,
    relation_id  BIGINT      NOT NULL,
    source       TEXT        NOT NULL,  -- run:ID or adj:ID
    payer_id     BIGINT      NOT NULL,
    base         BIGINT      NOT NULL,
    amount       BIGINT      NOT NULL,  -- credited to the personal account
    unemployment SMALLINT    NOT NULL,  -- 1 when unemployment insurance was paid for the month
    book_year    INTEGER     NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (person_id, period, kind, relation_id, source)
);
CREATE INDEX ins_credits_year ON ins_credits (book_year, person_id);

CREATE TABLE ins_year_closes (
    id         INTEGER PRIMARY KEY,
    year       INTEGER     NOT NULL UNIQUE,
    persons    INTEGER     NOT NULL,
    interest   BIGINT      NOT NULL,
    actor      TEXT        NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE ins_interest (
    person_id BIGINT  NOT NULL,
    year      INTEGER NOT NULL,
    close_id  BIGINT  NOT NULL REFERENCES ins_year_closes (id),
    opening   BIGINT  NOT NULL,
    credits   BIGINT  NOT NULL,
    rate      TEXT    NOT NULL,
    interest  BIGINT  NOT NULL,
    closing   BIGINT  NOT NULL,
    PRIMARY KEY (person_id, year)
);

CREATE TABLE ins_claims (
    id             INTEGER PRIMARY KEY,
    kind           TEXT        NOT NULL CHECK (kind IN ('pension', 'unemployment')),
    person_id      BIGINT      NOT NULL,
    division       TEXT        NOT NULL,
    status         TEXT        NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'stopped', 'exhausted')),
    start_period   INTEGER     NOT NULL,
    monthly        BIGINT      NOT NULL,
    max_months     INTEGER     NOT NULL DEFAULT 0,
    months_paid    INTEGER     NOT NULL DEFAULT 0,
    carried_months INTEGER     NOT NULL DEFAULT 0,
    detail         TEXT        NOT NULL,  -- JSON: input, result and trace
    preparer       TEXT        NOT NULL,
    reviewer       TEXT        NOT NULL DEFAULT '',
    prepared_at    TEXT NOT NULL,
    reviewed_at    TEXT,
    stop_reason    TEXT        NOT NULL DEFAULT '',
    stop_period    INTEGER     NOT NULL DEFAULT 0
);
CREATE INDEX ins_claims_person ON ins_claims (person_id, id);

CREATE TABLE ins_claim_amounts (
    claim_id    BIGINT  NOT NULL REFERENCES ins_claims (id),
    from_period INTEGER NOT NULL,
    amount      BIGINT  NOT NULL,
    reason      TEXT    NOT NULL,
    PRIMARY KEY (claim_id, from_period)
);

CREATE TABLE ins_benefit_runs (
    id         INTEGER PRIMARY KEY,
    kind       TEXT        NOT NULL,
    period     INTEGER     NOT NULL,
    payments   INTEGER     NOT NULL,
    total      BIGINT      NOT NULL,
    actor      TEXT        NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (kind, period)
);

CREATE TABLE ins_benefit_payments (
    claim_id  BIGINT  NOT NULL REFERENCES ins_claims (id),
    period    INTEGER NOT NULL,
    run_id    BIGINT  NOT NULL REFERENCES ins_benefit_runs (id),
    person_id BIGINT  NOT NULL,
    amount    BIGINT  NOT NULL CHECK (amount > 0),
    PRIMARY KEY (claim_id, period)
);
