-- Unemployment benefit from the record (issue 12, item 4).
--
-- Art. 48: each month of benefit the unemployment fund also pays the
-- person's medical insurance contributions (medical, beside the benefit).
-- A payment may keep part of its amount against an earlier overpayment
-- (netted, from overpayment_id): the bank pays amount - netted.
ALTER TABLE ins_benefit_payments ADD COLUMN medical BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ins_benefit_payments ADD COLUMN netted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ins_benefit_payments ADD COLUMN overpayment_id BIGINT;

-- Art. 51: a claim stops from the day of an event (stop_date) on a
-- ground; final_due is what is still owed for the days of the stop month
-- before it, paid by the next run.
ALTER TABLE ins_claims ADD COLUMN stop_date TEXT;
ALTER TABLE ins_claims ADD COLUMN stop_ground TEXT NOT NULL DEFAULT '';
ALTER TABLE ins_claims ADD COLUMN final_due BIGINT NOT NULL DEFAULT 0;

-- What a stop found paid for days after the event: netted against the
-- person's next benefit payments or recovered (repaid), to the fen.
CREATE TABLE ins_benefit_overpayments (
    id         INTEGER PRIMARY KEY,
    claim_id   BIGINT NOT NULL UNIQUE REFERENCES ins_claims (id),
    person_id  BIGINT NOT NULL,
    amount     BIGINT NOT NULL CHECK (amount > 0),
    detail     TEXT   NOT NULL,  -- JSON: the months, days and amounts of the computation
    created_at TEXT NOT NULL
);
CREATE INDEX ins_benefit_overpayments_person ON ins_benefit_overpayments (person_id, id);

CREATE TABLE ins_overpayment_recoveries (
    id             INTEGER PRIMARY KEY,
    overpayment_id BIGINT NOT NULL REFERENCES ins_benefit_overpayments (id),
    amount         BIGINT NOT NULL CHECK (amount > 0),
    reference      TEXT   NOT NULL UNIQUE,
    actor          TEXT   NOT NULL,
    created_at     TEXT NOT NULL
);
