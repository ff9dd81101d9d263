-- Insight: the indicators and their drill-down lists select relations and
-- enrolments by the month they start (new urban jobs, graduates). (On
-- SQLite this migration also makes again the triggers of ins_payments
-- that 0610's rebuild of the table dropped; PostgreSQL altered it in
-- place and kept them.)
CREATE INDEX employments_start ON employments (start_date);
CREATE INDEX flexible_start ON flexible_workers (start_date);
