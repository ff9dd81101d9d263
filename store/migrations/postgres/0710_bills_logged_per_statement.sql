-- Insight: the writes of ins_bills are logged once per statement rather
-- than once per row. A monthly run COPYs some 70,000 bills at once (and a
-- re-run deletes the old ones a thousand at a time); the row triggers of
-- 0501 ran insight_log and inserted one insight_changes row per bill,
-- which cost the run more than the COPY itself (go run ./bench/assess).
-- insight_log_rows logs, per statement, each distinct month the written
-- rows can change (TG_ARGV[1] names a column of the rows, read as
-- insight_log reads it), so insight_changes says what it said before,
-- with fewer rows: the summary reads min(since) per source. The update
-- trigger stays per row (a trigger with transition tables cannot name
-- columns) and is not fired by the run.

CREATE FUNCTION insight_log_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('INSERT INTO insight_changes (source, since) SELECT DISTINCT %L, COALESCE(insight_month(to_jsonb(%I) #>> ''{}''), 0) FROM %I',
        TG_ARGV[0], TG_ARGV[1], CASE WHEN TG_OP = 'INSERT' THEN 'new_rows' ELSE 'old_rows' END);
    RETURN NULL;
END
$$;

DROP TRIGGER insight_ins_bills_i ON ins_bills;
DROP TRIGGER insight_ins_bills_d ON ins_bills;
CREATE TRIGGER insight_ins_bills_i AFTER INSERT ON ins_bills REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insight_log_rows('ins_bills', 'period');
CREATE TRIGGER insight_ins_bills_d AFTER DELETE ON ins_bills REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insight_log_rows('ins_bills', 'period');
