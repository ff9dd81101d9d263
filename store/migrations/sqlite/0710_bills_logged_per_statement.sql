-- Insight: on PostgreSQL this migration logs the writes of ins_bills
-- once per statement (transition tables). SQLite has no statement
-- triggers: its row triggers of 0501 stay, and this migration changes
-- nothing.
SELECT 1;
