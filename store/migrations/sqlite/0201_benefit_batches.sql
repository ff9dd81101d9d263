-- A payment run of a period may be run again for claims approved since:
-- each call adds a batch of payments with its own disbursement file.

ALTER TABLE ins_benefit_payments ADD COLUMN batch INTEGER NOT NULL DEFAULT 1;
