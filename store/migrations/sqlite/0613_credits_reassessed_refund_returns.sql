-- Credits of every kind and the bank's return of refunds (issue 12
-- item 2): an overpayment a re-run booked (ins_overpayments) and a fee
-- credit (0612) are credits like an overpaid collection, each named by
-- the payment whose money it is; a refund pays any of them, and the
-- bank's return marks it paid or failed (a failed refund's credit is
-- free again).

-- The payment whose money an overpayment is: the bill's last applied
-- payment when it was booked.
ALTER TABLE ins_overpayments ADD COLUMN source_ref TEXT NOT NULL DEFAULT '';
UPDATE ins_overpayments SET source_ref = COALESCE((SELECT x.reference FROM ins_payments x
    WHERE x.period = ins_overpayments.period AND x.payer_kind = ins_overpayments.payer_kind AND x.payer_id = ins_overpayments.payer_id
        AND x.status = 'applied' AND x.applied > 0 ORDER BY x.paid_on DESC, x.reference DESC LIMIT 1), '');

-- Every credit with the payment it comes from: an overpaid or unmatched
-- collection (by its reference), an overpayment of a re-run
-- (overpayment:ID), a fee credit (fee-credit:ID).
CREATE VIEW ins_credit_sources AS
    SELECT p.reference, 'payment' AS source, p.import_id, p.row_no, p.payer_code, p.payer_kind, p.payer_id, p.period, p.paid_on, p.status,
        p.amount, p.overpaid AS credited
    FROM ins_payments p WHERE p.overpaid > 0 AND p.credit_of = ''
    UNION ALL
    SELECT 'overpayment:' || CAST(o.id AS TEXT), 'reassessed', s.import_id, s.row_no, s.payer_code, o.payer_kind, o.payer_id, o.period, s.paid_on, s.status,
        s.amount, o.amount
    FROM ins_overpayments o JOIN ins_payments s ON s.reference = o.source_ref
    UNION ALL
    SELECT 'fee-credit:' || CAST(f.id AS TEXT), 'fee', s.import_id, s.row_no, s.payer_code, f.payer_kind, f.payer_id, f.period, s.paid_on, s.status,
        s.amount, f.amount
    FROM ins_fee_credits f JOIN ins_payments s ON s.reference = f.source_ref;

-- A bank's return file of refunds taken in.
CREATE TABLE ins_refund_returns (
    id         INTEGER PRIMARY KEY,
    file_name  TEXT    NOT NULL,
    sha256     TEXT    NOT NULL,
    rows_n     INTEGER NOT NULL,
    actor      TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);

-- Refunds: of any credit (no longer a payment's only), paid or failed
-- by the bank's return. SQLite changes a table's constraints by copying
-- it (ins_refunds has no trigger; its index is made again).
CREATE TABLE ins_refunds_new (
    id            INTEGER PRIMARY KEY,
    credit_ref    TEXT    NOT NULL,
    amount        BIGINT  NOT NULL CHECK (amount > 0),
    holder        TEXT    NOT NULL,
    bank          TEXT    NOT NULL,
    account       TEXT    NOT NULL,
    reason        TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('prepared', 'approved', 'rejected', 'issued', 'paid', 'failed')),
    prepared_by   BIGINT  NOT NULL,
    prepared_name TEXT    NOT NULL,
    prepared_at   TEXT    NOT NULL,
    decided_by    BIGINT,
    decided_name  TEXT    NOT NULL DEFAULT '',
    decided_at    TEXT,
    note          TEXT    NOT NULL DEFAULT '',
    run_id        BIGINT REFERENCES ins_refund_runs (id),
    return_id     BIGINT REFERENCES ins_refund_returns (id),
    failure       TEXT    NOT NULL DEFAULT ''
);
INSERT INTO ins_refunds_new (id, credit_ref, amount, holder, bank, account, reason, status, prepared_by, prepared_name, prepared_at,
        decided_by, decided_name, decided_at, note, run_id)
    SELECT id, credit_ref, amount, holder, bank, account, reason, status, prepared_by, prepared_name, prepared_at,
        decided_by, decided_name, decided_at, note, run_id FROM ins_refunds;
DROP TABLE ins_refunds;
ALTER TABLE ins_refunds_new RENAME TO ins_refunds;
CREATE INDEX ins_refunds_credit ON ins_refunds (credit_ref);
