-- A fresh bulk load on SQLite sets secondary indexes and insight triggers
-- aside until it ends (store/bulk_load.go); the table exists on both
-- engines so that their schemas keep the same migrations. PostgreSQL's
-- COPY path does not use it.
CREATE TABLE bulk_deferred (
    seq    BIGINT PRIMARY KEY,
    name   TEXT NOT NULL UNIQUE,
    def    TEXT NOT NULL,
    replay TEXT NOT NULL DEFAULT ''
);
