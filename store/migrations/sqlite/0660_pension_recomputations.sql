-- Pensions that follow the published figures (issue 12, item 5).
--
-- A pension computed before its retirement year's calculation base was
-- published is provisional: provisional_year names that year until the
-- pension is recomputed (0 otherwise). The claims opened before this
-- migration take it from the result kept in their detail.
ALTER TABLE ins_claims ADD COLUMN provisional_year INTEGER NOT NULL DEFAULT 0;
UPDATE ins_claims SET provisional_year = start_period / 100
WHERE kind = 'pension' AND json_extract(detail, '$.result.provisional') = 1;

-- A recomputation with the published base, prepared (by a caseworker or
-- the scheduled scan) and applied only when another user approves it
-- (four eyes), or rejected with a note. Applying it changes the claim's
-- amount from the first month not yet paid; its difference over the
-- months paid is back pay (positive), paid by the next pension run as its
-- own line (ins_benefit_payments.back_pay of paid_period), or a recovery
-- (negative), netted from the next payments as an overpayment
-- (overpayment_id). At most one open or applied recomputation per claim.
CREATE TABLE ins_pension_recomputations (
    id             INTEGER PRIMARY KEY,
    claim_id       BIGINT   NOT NULL REFERENCES ins_claims (id),
    person_id      BIGINT   NOT NULL,
    division       TEXT     NOT NULL,
    base_year      INTEGER  NOT NULL,             -- the retirement year whose base is now published
    old_monthly    BIGINT   NOT NULL,             -- as decided, provisional
    new_monthly    BIGINT   NOT NULL CHECK (new_monthly > 0),
    months         INTEGER  NOT NULL,             -- months paid the difference covers
    difference     BIGINT   NOT NULL,             -- fen: back pay (> 0) or recovery (< 0) of those months
    from_period    INTEGER  NOT NULL DEFAULT 0,   -- applied: the first month at the new amount
    detail         TEXT     NOT NULL,             -- JSON: the recomputed pension and the months, with their traces
    status         TEXT     NOT NULL CHECK (status IN ('prepared', 'applied', 'rejected')),
    prepared_by    BIGINT   NOT NULL,
    preparer       TEXT     NOT NULL,
    prepared_at    TEXT NOT NULL,
    decided_by     BIGINT,
    decider        TEXT     NOT NULL DEFAULT '',
    decided_at     TEXT,
    note           TEXT     NOT NULL DEFAULT '',
    overpayment_id BIGINT REFERENCES ins_benefit_overpayments (id),
    paid_period    INTEGER  NOT NULL DEFAULT 0    -- back pay: the period of the payment that carries it
);
CREATE UNIQUE INDEX ins_pension_recomputations_open ON ins_pension_recomputations (claim_id) WHERE status <> 'rejected';
CREATE INDEX ins_pension_recomputations_status ON ins_pension_recomputations (status, id);

-- A payment's back pay line: the bank pays amount + back_pay - netted.
ALTER TABLE ins_benefit_payments ADD COLUMN back_pay BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ins_benefit_payments ADD COLUMN recomputation_id BIGINT;
