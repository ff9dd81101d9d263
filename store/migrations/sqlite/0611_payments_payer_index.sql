-- 0610 rebuilt ins_payments on SQLite (a table's constraints change by
-- copying it), which dropped the index 0290 put on it for one payer's
-- bills (its triggers are made again by 0700): the index is made again.
-- PostgreSQL altered the table in place and kept it.
CREATE INDEX IF NOT EXISTS ins_payments_payer ON ins_payments (payer_kind, payer_id, period);
