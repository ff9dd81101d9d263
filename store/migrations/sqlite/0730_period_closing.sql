-- A month's close runs in chunks (insurance.Service.Close): the period is
-- first marked 'closing' (never re-assessed from then on), its paid
-- bills' personal-account credits are posted a few thousand persons a
-- transaction in payer order, each chunk recording in the same
-- transaction the last payer it credited (credited_kind, credited_payer),
-- and the period becomes 'closed' last. A close stopped half-way is
-- continued from there by the next.
--
-- SQLite cannot alter a CHECK constraint: the table is rebuilt, and its
-- insight triggers (0501), which the rebuild drops, are created again.
CREATE TABLE ins_periods_new (
    period         INTEGER PRIMARY KEY,
    status         TEXT        NOT NULL CHECK (status IN ('open', 'closing', 'closed')),
    current_run    BIGINT,                     -- the run whose rows stand for the period
    closed_at      TEXT,
    closed_by      TEXT        NOT NULL DEFAULT '',
    credited_kind  INTEGER     NOT NULL DEFAULT 0, -- a closing period's last payer credited
    credited_payer INTEGER     NOT NULL DEFAULT 0
);
INSERT INTO ins_periods_new (period, status, current_run, closed_at, closed_by)
    SELECT period, status, current_run, closed_at, closed_by FROM ins_periods;
DROP TABLE ins_periods;
ALTER TABLE ins_periods_new RENAME TO ins_periods;
CREATE TRIGGER insight_ins_periods_i AFTER INSERT ON ins_periods BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_periods', COALESCE(NEW.period, 0)); END;
CREATE TRIGGER insight_ins_periods_d AFTER DELETE ON ins_periods BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_periods', COALESCE(OLD.period, 0)); END;
CREATE TRIGGER insight_ins_periods_u AFTER UPDATE OF current_run ON ins_periods WHEN OLD.current_run IS NOT NEW.current_run BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_periods', COALESCE(min(OLD.period, NEW.period), 0)); END;
