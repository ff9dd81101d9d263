-- A fresh bulk load (the demo city) writes its large tables without their
-- secondary indexes and insight triggers, and builds them once at the end
-- (store/bulk_load.go). Each object it set aside waits here, its SQL as the
-- migrations made it, with the statement that logs into insight_changes
-- what a set-aside trigger would have logged for the rows loaded. A load
-- that stops half-way leaves its rows here: the next Migrate builds them.
CREATE TABLE bulk_deferred (
    seq    INTEGER PRIMARY KEY,
    name   TEXT NOT NULL UNIQUE,
    def    TEXT NOT NULL,
    replay TEXT NOT NULL DEFAULT ''
);
