-- A month's close runs in chunks (insurance.Service.Close): the period is
-- first marked 'closing' (never re-assessed from then on), its paid
-- bills' personal-account credits are posted a few thousand persons a
-- transaction in payer order, each chunk recording in the same
-- transaction the last payer it credited (credited_kind, credited_payer),
-- and the period becomes 'closed' last. A close stopped half-way is
-- continued from there by the next.
ALTER TABLE ins_periods DROP CONSTRAINT ins_periods_status_check;
ALTER TABLE ins_periods ADD CONSTRAINT ins_periods_status_check CHECK (status IN ('open', 'closing', 'closed'));
ALTER TABLE ins_periods ADD COLUMN credited_kind SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE ins_periods ADD COLUMN credited_payer BIGINT NOT NULL DEFAULT 0;
