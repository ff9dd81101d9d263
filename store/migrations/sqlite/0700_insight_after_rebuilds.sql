-- Insight: migration 0610 rebuilt ins_payments (SQLite changes a table's
-- constraints by copying it), which dropped the triggers 0501 put on it:
-- they are made again here. hrss check (insight_summary) now also checks
-- that every table the indicators read has its triggers.
--
-- And the indicators and their drill-down lists select relations and
-- enrolments by the month they start (new urban jobs, graduates).
CREATE INDEX employments_start ON employments (start_date);
CREATE INDEX flexible_start ON flexible_workers (start_date);

CREATE TRIGGER insight_ins_payments_i AFTER INSERT ON ins_payments BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_payments', COALESCE(NEW.period, 0)); END;
CREATE TRIGGER insight_ins_payments_d AFTER DELETE ON ins_payments BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_payments', COALESCE(OLD.period, 0)); END;
CREATE TRIGGER insight_ins_payments_u AFTER UPDATE OF applied, status, paid_on, period ON ins_payments WHEN OLD.applied IS NOT NEW.applied OR OLD.status IS NOT NEW.status OR OLD.paid_on IS NOT NEW.paid_on OR OLD.period IS NOT NEW.period BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_payments', COALESCE(min(OLD.period, NEW.period), 0)); END;
