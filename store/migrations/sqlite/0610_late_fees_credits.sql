-- Late fees billed, collections allocated principal then fee, credits
-- re-matched or refunded (issue 12 item 2).

-- A late-fee billing (滞纳金): every bill's fee accrued to as_of and not
-- billed before, one line per stretch of an unchanged unpaid principal.
CREATE TABLE ins_fee_runs (
    id         INTEGER PRIMARY KEY,
    as_of      TEXT    NOT NULL,
    actor      TEXT    NOT NULL,
    lines      INTEGER NOT NULL,
    amount     BIGINT  NOT NULL,
    created_at TEXT    NOT NULL
);

-- One late fee line: the fee on principal for the days after from_date
-- up to to_date inclusive at rate a day, rounded by rounding, with the
-- rate's legal reference and confidence.
CREATE TABLE ins_late_fees (
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
    amount     BIGINT   NOT NULL CHECK (amount >= 0),
    reference  TEXT     NOT NULL,
    confidence TEXT     NOT NULL,
    rounding   TEXT     NOT NULL,
    CHECK (from_date < to_date)
);
CREATE INDEX ins_late_fees_bill ON ins_late_fees (period, payer_kind, payer_id, to_date);

-- Payments gain the part applied to the late fee and, for a payment made
-- from a credit (a re-match), the reference of the credit's payment.
CREATE TABLE ins_payments_new (
    reference   TEXT     PRIMARY KEY,
    import_id   BIGINT   NOT NULL REFERENCES ins_imports (id),
    row_no      INTEGER  NOT NULL,
    payer_code  TEXT     NOT NULL,
    payer_kind  SMALLINT NOT NULL,
    payer_id    BIGINT   NOT NULL,
    period      INTEGER  NOT NULL,
    amount      BIGINT   NOT NULL CHECK (amount > 0),
    applied     BIGINT   NOT NULL CHECK (applied >= 0),
    fee_applied BIGINT   NOT NULL DEFAULT 0 CHECK (fee_applied >= 0),
    overpaid    BIGINT   NOT NULL CHECK (overpaid >= 0),
    paid_on     TEXT     NOT NULL,
    status      TEXT     NOT NULL CHECK (status IN ('applied', 'unmatched')),
    credit_of   TEXT     NOT NULL DEFAULT '',
    CHECK (applied + fee_applied + overpaid = amount)
);
INSERT INTO ins_payments_new (reference, import_id, row_no, payer_code, payer_kind, payer_id, period, amount, applied, overpaid, paid_on, status)
    SELECT reference, import_id, row_no, payer_code, payer_kind, payer_id, period, amount, applied, overpaid, paid_on, status FROM ins_payments;
DROP TABLE ins_payments;
ALTER TABLE ins_payments_new RENAME TO ins_payments;
CREATE INDEX ins_payments_bill ON ins_payments (period, payer_kind, payer_id);
CREATE INDEX ins_payments_credit ON ins_payments (credit_of) WHERE credit_of <> '';
CREATE INDEX ins_payments_overpaid ON ins_payments (reference) WHERE overpaid > 0;

-- A refund of a credit: prepared by one user, approved or rejected by
-- another (four eyes), issued in a refund run whose bank file pays it.
CREATE TABLE ins_refund_runs (
    id         INTEGER PRIMARY KEY,
    actor      TEXT    NOT NULL,
    rows_count INTEGER NOT NULL,
    total      BIGINT  NOT NULL,
    created_at TEXT    NOT NULL
);

CREATE TABLE ins_refunds (
    id            INTEGER PRIMARY KEY,
    credit_ref    TEXT    NOT NULL REFERENCES ins_payments (reference),
    amount        BIGINT  NOT NULL CHECK (amount > 0),
    holder        TEXT    NOT NULL,
    bank          TEXT    NOT NULL,
    account       TEXT    NOT NULL,
    reason        TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('prepared', 'approved', 'rejected', 'issued')),
    prepared_by   BIGINT  NOT NULL,
    prepared_name TEXT    NOT NULL,
    prepared_at   TEXT    NOT NULL,
    decided_by    BIGINT,
    decided_name  TEXT    NOT NULL DEFAULT '',
    decided_at    TEXT,
    note          TEXT    NOT NULL DEFAULT '',
    run_id        BIGINT REFERENCES ins_refund_runs (id)
);
CREATE INDEX ins_refunds_credit ON ins_refunds (credit_ref);
