-- Corrections of closed periods under four eyes: a caseworker prepares a
-- correction (by hand, or derived from a changed yearly base declaration
-- or a late enrolment) with the preview of what it would bill; a reviewer
-- other than the preparer approves it, which applies it then (an
-- ins_corrections row with its ins_adjustments), or rejects it with a
-- note. One prepared correction per relation at a time.
CREATE TABLE ins_prepared_corrections (
    id              INTEGER PRIMARY KEY,
    kind            SMALLINT NOT NULL,
    relation_id     BIGINT   NOT NULL,
    person_id       BIGINT   NOT NULL REFERENCES persons (id),
    division        TEXT     NOT NULL,
    from_period     INTEGER  NOT NULL,
    to_period       INTEGER  NOT NULL CHECK (to_period >= from_period),
    wage            BIGINT CHECK (wage > 0),       -- the corrected wage, NULL for the registry's
    reason          TEXT     NOT NULL,
    source          TEXT     NOT NULL CHECK (source IN ('manual', 'declaration', 'late_enrolment')),
    year            INTEGER,                       -- the declaration's contribution year (source declaration)
    preview_total   BIGINT   NOT NULL,             -- fen the adjustments would bill, as prepared
    preview_periods INTEGER  NOT NULL,
    status          TEXT     NOT NULL CHECK (status IN ('prepared', 'applied', 'rejected')),
    prepared_by     BIGINT   NOT NULL,
    preparer        TEXT     NOT NULL,
    prepared_at     TEXT NOT NULL,
    decided_by      BIGINT,
    decider         TEXT     NOT NULL DEFAULT '',
    decided_at      TEXT,
    note            TEXT     NOT NULL DEFAULT '',
    correction_id   BIGINT REFERENCES ins_corrections (id)
);
CREATE UNIQUE INDEX ins_prepared_corrections_open ON ins_prepared_corrections (kind, relation_id) WHERE status = 'prepared';
CREATE INDEX ins_prepared_corrections_status ON ins_prepared_corrections (status, id);
