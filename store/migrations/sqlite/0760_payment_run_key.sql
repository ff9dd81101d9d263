-- A grant payment run made by a queued job carries the job's key, unique,
-- so that a later attempt of the job (its worker died after the run had
-- committed) finds the run instead of making another (support.Pay).
ALTER TABLE sup_payment_runs ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX sup_payment_runs_key ON sup_payment_runs (request_key);
