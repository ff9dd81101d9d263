-- 0610 rebuilt ins_payments on SQLite, dropping the index 0290 put on it;
-- PostgreSQL altered the table in place and kept it, so this is a no-op
-- here (every migration exists for both engines).
CREATE INDEX IF NOT EXISTS ins_payments_payer ON ins_payments (payer_kind, payer_id, period);
