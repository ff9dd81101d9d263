-- Registry: the rotation of the resident-ID key (hrss rekey), resumable.
-- One row while a rotation is under way or after the last one finished.
-- Persons with id <= after_id are sealed (and hashed) under the new key,
-- the others under the old; the chunk that reseals them advances after_id
-- in the same transaction, so a crash leaves a position to resume from.
-- The key checks are HMACs of a fixed label under each key: they tell the
-- keys apart and reveal nothing of them.

CREATE TABLE registry_rekey (
    id            INTEGER     PRIMARY KEY CHECK (id = 1),
    old_key_check BYTEA       NOT NULL,
    new_key_check BYTEA       NOT NULL,
    after_id      BIGINT      NOT NULL DEFAULT 0,
    resealed      BIGINT      NOT NULL DEFAULT 0,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ
);
