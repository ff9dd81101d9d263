-- Late fees corrected by a later billing (issue 12 item 2): a line
-- billed for days on which the principal was in fact paid (a payment
-- dated back, a credit re-matched) or on a principal a re-assessment
-- changed is reversed by a line of the opposite amount naming it, and
-- the stretch is billed again as it is due; nothing billed is edited.

-- SQLite changes a column's check by copying the table (ins_late_fees
-- has no trigger; its one index is made again).
CREATE TABLE ins_late_fees_new (
    id         INTEGER PRIMARY KEY,
    fee_run_id BIGINT   NOT NULL REFERENCES ins_fee_runs (id),
    period     INTEGER  NOT NULL,
    payer_kind SMALLINT NOT NULL,
    payer_id   BIGINT   NOT NULL,
    division   TEXT     NOT NULL,
    principal  BIGINT   NOT NULL CHECK (principal > 0),
    from_date  TEXT     NOT NULL,
    to_date    TEXT     NOT NULL,
    days       INTEGER  NOT NULL CHECK (days > 0),
    rate       TEXT     NOT NULL,
    amount     BIGINT   NOT NULL,
    reference  TEXT     NOT NULL,
    confidence TEXT     NOT NULL,
    rounding   TEXT     NOT NULL,
    reverses   BIGINT   UNIQUE REFERENCES ins_late_fees_new (id), -- the line this one reverses
    cause      TEXT     NOT NULL DEFAULT '' CHECK (cause IN ('', 'reversal', 'recomputed')),
    CHECK (from_date < to_date),
    CHECK ((reverses IS NULL AND amount >= 0 AND cause <> 'reversal') OR (reverses IS NOT NULL AND amount <= 0 AND cause = 'reversal'))
);
INSERT INTO ins_late_fees_new (id, fee_run_id, period, payer_kind, payer_id, division, principal, from_date, to_date, days, rate, amount, reference, confidence, rounding)
    SELECT id, fee_run_id, period, payer_kind, payer_id, division, principal, from_date, to_date, days, rate, amount, reference, confidence, rounding FROM ins_late_fees;
DROP TABLE ins_late_fees;
ALTER TABLE ins_late_fees_new RENAME TO ins_late_fees;
CREATE INDEX ins_late_fees_bill ON ins_late_fees (period, payer_kind, payer_id, to_date);

-- The bills whose late fee changed since it was billed (a payment after
-- the due date or dated back into billed days, a re-run of the period,
-- a correction's adjustment): the next billing recomputes them and
-- clears the mark; until then hrss check does not hold their lines to
-- the fee due.
CREATE TABLE ins_fee_stale (
    period     INTEGER  NOT NULL,
    payer_kind SMALLINT NOT NULL,
    payer_id   BIGINT   NOT NULL,
    since      TEXT     NOT NULL,
    PRIMARY KEY (period, payer_kind, payer_id)
);
-- The bills billed before this migration are recomputed once; so are the
-- bills with a payment in a month after their period (perhaps paid after
-- the due date and never billed: the due date is a parameter).
INSERT INTO ins_fee_stale (period, payer_kind, payer_id, since)
    SELECT DISTINCT period, payer_kind, payer_id, '0612' FROM ins_late_fees
    UNION SELECT DISTINCT period, payer_kind, payer_id, '0612' FROM ins_payments
        WHERE status = 'applied' AND CAST(substr(paid_on, 1, 4) AS INTEGER) * 100 + CAST(substr(paid_on, 6, 2) AS INTEGER) > period;

-- Late fee paid beyond the fee billed once a correction lowered it: the
-- payer's credit (re-matched or refunded like an overpaid collection),
-- with the payment whose money it is.
CREATE TABLE ins_fee_credits (
    id         INTEGER  PRIMARY KEY,
    fee_run_id BIGINT   NOT NULL REFERENCES ins_fee_runs (id),
    period     INTEGER  NOT NULL,
    payer_kind SMALLINT NOT NULL,
    payer_id   BIGINT   NOT NULL,
    amount     BIGINT   NOT NULL CHECK (amount > 0),
    source_ref TEXT     NOT NULL REFERENCES ins_payments (reference),
    created_at TEXT     NOT NULL
);
CREATE INDEX ins_fee_credits_bill ON ins_fee_credits (period, payer_kind, payer_id);
