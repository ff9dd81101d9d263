-- The matcher's cache version without a row every writer updates: under
-- SERIALIZABLE, two transactions that both moved the one 'matcher' row
-- of 0600 conflicted (40001) and one was retried, so every pair of
-- concurrent writes of vacancies, seekers or the catalogue, on one
-- server or several, collided there. Now each database backend counts in
-- a row of its own, 'matcher/<pid>': a backend runs one transaction at a
-- time and live backends have distinct pids, so no two concurrent
-- transactions write the same row. The version is the sum of 'matcher'
-- and every 'matcher/...' row (store/cache.go), read in the snapshot the
-- matcher is built from, so it moves with every commit and only then.
-- The rows of backends that have exited are folded into 'matcher' when a
-- process opens the database and by every server each ten minutes
-- (DB.FoldCacheVersions), which keeps the sum.
CREATE OR REPLACE FUNCTION matcher_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cache_versions (name, version) VALUES ('matcher/' || pg_backend_pid(), 1)
        ON CONFLICT (name) DO UPDATE SET version = cache_versions.version + 1;
    RETURN NULL;
END $$;
