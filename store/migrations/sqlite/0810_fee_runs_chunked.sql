-- A late-fee billing commits in chunks of bills (issue 11: one
-- transaction held SQLite's one writer 24 s on the 1,000,000-person
-- city). It is 'running' until its last chunk, held by one billing
-- (holder, renewing heartbeat at each chunk), and has billed the bills up
-- to its cursor (period, payer kind, payer) in key order. Billings made
-- before are done.
ALTER TABLE ins_fee_runs ADD COLUMN status TEXT NOT NULL DEFAULT 'done' CHECK (status IN ('running', 'done'));
ALTER TABLE ins_fee_runs ADD COLUMN holder TEXT NOT NULL DEFAULT '';
ALTER TABLE ins_fee_runs ADD COLUMN heartbeat TEXT;
ALTER TABLE ins_fee_runs ADD COLUMN cursor_period INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ins_fee_runs ADD COLUMN cursor_kind SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE ins_fee_runs ADD COLUMN cursor_payer BIGINT NOT NULL DEFAULT 0;
