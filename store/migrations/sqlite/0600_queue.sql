-- Several servers on one database (issue 11): the job queue, the sign-in
-- throttle's counts and the versions of the caches each server keeps.
-- Times are fixed-width UTC text (store/queue.go), so they compare as text.

-- queue_jobs: one row per job. A job is claimed by one worker at a time
-- (on SQLite the one writer connection serialises claims) and holds a
-- lease it renews while it runs; a lease that runs out lets another worker take the job again, up
-- to max_attempts. (kind, unique_key) makes a scheduled slot one job
-- however many servers enqueue it (NULL keys never collide). caller is the
-- JSON of the access caller the job runs as; result and error are JSON.
CREATE TABLE queue_jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT        NOT NULL,
    unique_key   TEXT,
    args         TEXT        NOT NULL,
    caller       TEXT        NOT NULL,
    created_by   TEXT        NOT NULL,
    state        TEXT        NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    attempts     INTEGER     NOT NULL DEFAULT 0,
    max_attempts INTEGER     NOT NULL CHECK (max_attempts >= 1),
    run_at       TEXT        NOT NULL,
    lease_until  TEXT,
    worker       TEXT        NOT NULL DEFAULT '',
    done         BIGINT      NOT NULL DEFAULT 0,
    total        BIGINT      NOT NULL DEFAULT 0,
    note         TEXT        NOT NULL DEFAULT '',
    result       TEXT        NOT NULL DEFAULT '',
    error        TEXT        NOT NULL DEFAULT '',
    created_at   TEXT        NOT NULL,
    started_at   TEXT,
    finished_at  TEXT
);
CREATE UNIQUE INDEX queue_jobs_once ON queue_jobs (kind, unique_key);
CREATE INDEX queue_jobs_ready ON queue_jobs (state, run_at);

-- signin_failures: failed sign-ins per client address in fixed windows,
-- shared by every server (web/throttle.go).
CREATE TABLE signin_failures (
    ip           TEXT        PRIMARY KEY,
    window_start TEXT        NOT NULL,
    failures     INTEGER     NOT NULL
);
CREATE INDEX signin_failures_start ON signin_failures (window_start);

-- cache_versions: a counter per cache that every write of its inputs
-- moves (the triggers below), so that each server knows when its copy is
-- stale. 'matcher': the employment matcher's catalogue, vacancies and
-- seekers.
CREATE TABLE cache_versions (
    name    TEXT   PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO cache_versions (name, version) VALUES ('matcher', 0);

CREATE TRIGGER occupations_matcher_insert AFTER INSERT ON occupations
BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'matcher'; END;
CREATE TRIGGER occupations_matcher_update AFTER UPDATE ON occupations
BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'matcher'; END;
CREATE TRIGGER occupations_matcher_delete AFTER DELETE ON occupations
BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'matcher'; END;
CREATE TRIGGER skills_matcher_insert AFTER INSERT ON skills
BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'matcher'; END;
CREATE TRIGGER skills_matcher_update AFTER UPDATE ON skills
BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'matcher'; END;
CREATE TRIGGER skills_matcher_delete AFTER DELETE ON skills
BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'matcher'; END;
CREATE TRIGGER vacancies_matcher_insert AFTER INSERT ON vacancies
BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'matcher'; END;
CREATE TRIGGER vacancies_matcher_update AFTER UPDATE ON vacancies
BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'matcher'; END;
CREATE TRIGGER vacancies_matcher_delete AFTER DELETE ON vacancies
BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'matcher'; END;
CREATE TRIGGER seeker_registrations_matcher_insert AFTER INSERT ON seeker_registrations
BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'matcher'; END;
CREATE TRIGGER seeker_registrations_matcher_update AFTER UPDATE ON seeker_registrations
BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'matcher'; END;
CREATE TRIGGER seeker_registrations_matcher_delete AFTER DELETE ON seeker_registrations
BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'matcher'; END;
