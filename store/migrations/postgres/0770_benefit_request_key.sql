-- A benefit payment batch made by a queued job records the job's key, so
-- that a later attempt of the job (its worker died after the batch had
-- committed) reports that batch instead of "added 0" (insurance.Pay).
-- Batch 0: the request paid no one.
CREATE TABLE ins_benefit_requests (
	request_key TEXT PRIMARY KEY,
	run_id BIGINT NOT NULL REFERENCES ins_benefit_runs (id),
	batch INTEGER NOT NULL
);
