-- Insight: the indicators' summary, kept exact by the writes.
--
-- insight_cells holds each indicator's figure per month and division as
-- the refresh (store/insight_cells.go) last computed it from the records;
-- insight_computed says which (indicator, month) it holds, as of which
-- last day and due period. Every write that can change an indicator logs
-- the table and the earliest month it can change into insight_changes, by
-- the triggers below, in the write's own transaction: no code path can
-- forget. A month of an indicator is read from the summary only when it
-- was computed for the same last day and due period and no change logged
-- since reaches it (an indicator's change reaches every month from the
-- logged one on); otherwise it is computed from the records in the
-- reader's snapshot. The refresh recomputes what is stale in a read
-- snapshot, then in one short write removes the changes that snapshot saw
-- (here: those whose transaction is visible in the read's snapshot,
-- since identity values are not in commit order) and bumps
-- insight_state.gen, which also fails a refresh that another refresh
-- overtook. hrss check recomputes every cell held.
--
-- ins_assessments has no trigger: its rows are written under a run that
-- is not yet current and count only from the moment ins_periods names
-- the run current (whose trigger logs the period).

CREATE TABLE insight_changes (
    id     BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source TEXT    NOT NULL,   -- the table written
    since  INTEGER NOT NULL,   -- the earliest month (YYYYMM) the write can change; 0 all
    xid    xid8    NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX insight_changes_source ON insight_changes (source, since);

CREATE TABLE insight_cells (
    indicator TEXT    NOT NULL,
    period    INTEGER NOT NULL,
    division  TEXT    NOT NULL,
    num       BIGINT  NOT NULL,
    den       BIGINT  NOT NULL,
    PRIMARY KEY (indicator, period, division)
);

CREATE TABLE insight_computed (
    indicator   TEXT        NOT NULL,
    period      INTEGER     NOT NULL,
    last        DATE        NOT NULL,   -- the month's last day the figures are as of
    due_to      INTEGER     NOT NULL,   -- the last period whose bills were due by then
    computed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (indicator, period)
);

CREATE TABLE insight_state (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    gen BIGINT  NOT NULL
);
INSERT INTO insight_state (id, gen) VALUES (1, 0);

-- insight_month is the month (YYYYMM) of a logged column's value: a date
-- or timestamp as text ('2026-03-15…'), or a period (202603).
CREATE FUNCTION insight_month(v text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v IS NULL THEN NULL
                WHEN v LIKE '____-__%' THEN CAST(substr(v, 1, 4) || substr(v, 6, 2) AS integer)
                ELSE CAST(v AS integer) END
$$;

-- insight_log logs one written row: TG_ARGV[0] the table, TG_ARGV[1] the
-- column whose month is the earliest the write can change ('' for all).
CREATE FUNCTION insight_log() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s integer := 0;
BEGIN
    IF TG_ARGV[1] <> '' THEN
        IF TG_OP = 'INSERT' THEN
            s := insight_month(to_jsonb(NEW) ->> TG_ARGV[1]);
        ELSIF TG_OP = 'DELETE' THEN
            s := insight_month(to_jsonb(OLD) ->> TG_ARGV[1]);
        ELSE
            s := LEAST(insight_month(to_jsonb(OLD) ->> TG_ARGV[1]), insight_month(to_jsonb(NEW) ->> TG_ARGV[1]));
        END IF;
    END IF;
    INSERT INTO insight_changes (source, since) VALUES (TG_ARGV[0], COALESCE(s, 0));
    RETURN NULL;
END
$$;

CREATE TRIGGER insight_ins_periods_i AFTER INSERT ON ins_periods FOR EACH ROW EXECUTE FUNCTION insight_log('ins_periods', 'period');
CREATE TRIGGER insight_ins_periods_d AFTER DELETE ON ins_periods FOR EACH ROW EXECUTE FUNCTION insight_log('ins_periods', 'period');
CREATE TRIGGER insight_ins_periods_u AFTER UPDATE OF current_run ON ins_periods FOR EACH ROW WHEN (OLD.current_run IS DISTINCT FROM NEW.current_run) EXECUTE FUNCTION insight_log('ins_periods', 'period');
CREATE TRIGGER insight_ins_bills_i AFTER INSERT ON ins_bills FOR EACH ROW EXECUTE FUNCTION insight_log('ins_bills', 'period');
CREATE TRIGGER insight_ins_bills_d AFTER DELETE ON ins_bills FOR EACH ROW EXECUTE FUNCTION insight_log('ins_bills', 'period');
CREATE TRIGGER insight_ins_bills_u AFTER UPDATE OF total, division, run_id ON ins_bills FOR EACH ROW WHEN (OLD.total IS DISTINCT FROM NEW.total OR OLD.division IS DISTINCT FROM NEW.division OR OLD.run_id IS DISTINCT FROM NEW.run_id) EXECUTE FUNCTION insight_log('ins_bills', 'period');
CREATE TRIGGER insight_ins_adjustments_i AFTER INSERT ON ins_adjustments FOR EACH ROW EXECUTE FUNCTION insight_log('ins_adjustments', 'period');
CREATE TRIGGER insight_ins_adjustments_d AFTER DELETE ON ins_adjustments FOR EACH ROW EXECUTE FUNCTION insight_log('ins_adjustments', 'period');
CREATE TRIGGER insight_ins_adjustments_u AFTER UPDATE OF division, period ON ins_adjustments FOR EACH ROW WHEN (OLD.division IS DISTINCT FROM NEW.division OR OLD.period IS DISTINCT FROM NEW.period) EXECUTE FUNCTION insight_log('ins_adjustments', 'period');
CREATE TRIGGER insight_ins_payments_i AFTER INSERT ON ins_payments FOR EACH ROW EXECUTE FUNCTION insight_log('ins_payments', 'period');
CREATE TRIGGER insight_ins_payments_d AFTER DELETE ON ins_payments FOR EACH ROW EXECUTE FUNCTION insight_log('ins_payments', 'period');
CREATE TRIGGER insight_ins_payments_u AFTER UPDATE OF applied, status, paid_on, period ON ins_payments FOR EACH ROW WHEN (OLD.applied IS DISTINCT FROM NEW.applied OR OLD.status IS DISTINCT FROM NEW.status OR OLD.paid_on IS DISTINCT FROM NEW.paid_on OR OLD.period IS DISTINCT FROM NEW.period) EXECUTE FUNCTION insight_log('ins_payments', 'period');
CREATE TRIGGER insight_ins_benefit_payments_i AFTER INSERT ON ins_benefit_payments FOR EACH ROW EXECUTE FUNCTION insight_log('ins_benefit_payments', 'period');
CREATE TRIGGER insight_ins_benefit_payments_d AFTER DELETE ON ins_benefit_payments FOR EACH ROW EXECUTE FUNCTION insight_log('ins_benefit_payments', 'period');
CREATE TRIGGER insight_ins_benefit_payments_u AFTER UPDATE OF amount, period, claim_id ON ins_benefit_payments FOR EACH ROW WHEN (OLD.amount IS DISTINCT FROM NEW.amount OR OLD.period IS DISTINCT FROM NEW.period OR OLD.claim_id IS DISTINCT FROM NEW.claim_id) EXECUTE FUNCTION insight_log('ins_benefit_payments', 'period');
CREATE TRIGGER insight_ins_claims_i AFTER INSERT ON ins_claims FOR EACH ROW EXECUTE FUNCTION insight_log('ins_claims', 'start_period');
CREATE TRIGGER insight_ins_claims_d AFTER DELETE ON ins_claims FOR EACH ROW EXECUTE FUNCTION insight_log('ins_claims', 'start_period');
CREATE TRIGGER insight_ins_claims_u AFTER UPDATE OF status, start_period, division, kind ON ins_claims FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.start_period IS DISTINCT FROM NEW.start_period OR OLD.division IS DISTINCT FROM NEW.division OR OLD.kind IS DISTINCT FROM NEW.kind) EXECUTE FUNCTION insight_log('ins_claims', 'start_period');
CREATE TRIGGER insight_employments_i AFTER INSERT ON employments FOR EACH ROW EXECUTE FUNCTION insight_log('employments', 'start_date');
CREATE TRIGGER insight_employments_d AFTER DELETE ON employments FOR EACH ROW EXECUTE FUNCTION insight_log('employments', 'start_date');
CREATE TRIGGER insight_employments_u AFTER UPDATE OF start_date, end_date, employer_id, person_id ON employments FOR EACH ROW WHEN (OLD.start_date IS DISTINCT FROM NEW.start_date OR OLD.end_date IS DISTINCT FROM NEW.end_date OR OLD.employer_id IS DISTINCT FROM NEW.employer_id OR OLD.person_id IS DISTINCT FROM NEW.person_id) EXECUTE FUNCTION insight_log('employments', 'start_date');
CREATE TRIGGER insight_flexible_workers_i AFTER INSERT ON flexible_workers FOR EACH ROW EXECUTE FUNCTION insight_log('flexible_workers', 'start_date');
CREATE TRIGGER insight_flexible_workers_d AFTER DELETE ON flexible_workers FOR EACH ROW EXECUTE FUNCTION insight_log('flexible_workers', 'start_date');
CREATE TRIGGER insight_flexible_workers_u AFTER UPDATE OF start_date, end_date, division, person_id ON flexible_workers FOR EACH ROW WHEN (OLD.start_date IS DISTINCT FROM NEW.start_date OR OLD.end_date IS DISTINCT FROM NEW.end_date OR OLD.division IS DISTINCT FROM NEW.division OR OLD.person_id IS DISTINCT FROM NEW.person_id) EXECUTE FUNCTION insight_log('flexible_workers', 'start_date');
CREATE TRIGGER insight_employers_u AFTER UPDATE OF division ON employers FOR EACH ROW WHEN (OLD.division IS DISTINCT FROM NEW.division) EXECUTE FUNCTION insight_log('employers', '');
CREATE TRIGGER insight_persons_i AFTER INSERT ON persons FOR EACH ROW WHEN (NEW.grad_date IS NOT NULL) EXECUTE FUNCTION insight_log('persons', 'grad_date');
CREATE TRIGGER insight_persons_d AFTER DELETE ON persons FOR EACH ROW WHEN (OLD.grad_date IS NOT NULL) EXECUTE FUNCTION insight_log('persons', 'grad_date');
CREATE TRIGGER insight_persons_u AFTER UPDATE OF grad_date, residence_division ON persons FOR EACH ROW WHEN (OLD.grad_date IS DISTINCT FROM NEW.grad_date OR OLD.residence_division IS DISTINCT FROM NEW.residence_division) EXECUTE FUNCTION insight_log('persons', 'grad_date');
CREATE TRIGGER insight_unemployment_registrations_i AFTER INSERT ON unemployment_registrations FOR EACH ROW EXECUTE FUNCTION insight_log('unemployment_registrations', 'registered');
CREATE TRIGGER insight_unemployment_registrations_d AFTER DELETE ON unemployment_registrations FOR EACH ROW EXECUTE FUNCTION insight_log('unemployment_registrations', 'registered');
CREATE TRIGGER insight_unemployment_registrations_u AFTER UPDATE OF registered, ended_on, division ON unemployment_registrations FOR EACH ROW WHEN (OLD.registered IS DISTINCT FROM NEW.registered OR OLD.ended_on IS DISTINCT FROM NEW.ended_on OR OLD.division IS DISTINCT FROM NEW.division) EXECUTE FUNCTION insight_log('unemployment_registrations', 'registered');
CREATE TRIGGER insight_followup_services_i AFTER INSERT ON followup_services FOR EACH ROW EXECUTE FUNCTION insight_log('followup_services', 'service_date');
CREATE TRIGGER insight_followup_services_d AFTER DELETE ON followup_services FOR EACH ROW EXECUTE FUNCTION insight_log('followup_services', 'service_date');
CREATE TRIGGER insight_followup_services_u AFTER UPDATE OF service_date, kind, person_id ON followup_services FOR EACH ROW WHEN (OLD.service_date IS DISTINCT FROM NEW.service_date OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.person_id IS DISTINCT FROM NEW.person_id) EXECUTE FUNCTION insight_log('followup_services', 'service_date');
CREATE TRIGGER insight_placements_i AFTER INSERT ON placements FOR EACH ROW EXECUTE FUNCTION insight_log('placements', 'start_date');
CREATE TRIGGER insight_placements_d AFTER DELETE ON placements FOR EACH ROW EXECUTE FUNCTION insight_log('placements', 'start_date');
CREATE TRIGGER insight_placements_u AFTER UPDATE OF start_date, source, employer_id ON placements FOR EACH ROW WHEN (OLD.start_date IS DISTINCT FROM NEW.start_date OR OLD.source IS DISTINCT FROM NEW.source OR OLD.employer_id IS DISTINCT FROM NEW.employer_id) EXECUTE FUNCTION insight_log('placements', 'start_date');
CREATE TRIGGER insight_sup_grants_i AFTER INSERT ON sup_grants FOR EACH ROW EXECUTE FUNCTION insight_log('sup_grants', '');
CREATE TRIGGER insight_sup_grants_d AFTER DELETE ON sup_grants FOR EACH ROW EXECUTE FUNCTION insight_log('sup_grants', '');
CREATE TRIGGER insight_sup_grants_u AFTER UPDATE OF status, amount, division, created_at ON sup_grants FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.amount IS DISTINCT FROM NEW.amount OR OLD.division IS DISTINCT FROM NEW.division OR OLD.created_at IS DISTINCT FROM NEW.created_at) EXECUTE FUNCTION insight_log('sup_grants', '');
CREATE TRIGGER insight_sup_payments_i AFTER INSERT ON sup_payments FOR EACH ROW EXECUTE FUNCTION insight_log('sup_payments', '');
CREATE TRIGGER insight_sup_payments_d AFTER DELETE ON sup_payments FOR EACH ROW EXECUTE FUNCTION insight_log('sup_payments', '');
CREATE TRIGGER insight_sup_payments_u AFTER UPDATE OF status, amount, return_id, grant_id ON sup_payments FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.amount IS DISTINCT FROM NEW.amount OR OLD.return_id IS DISTINCT FROM NEW.return_id OR OLD.grant_id IS DISTINCT FROM NEW.grant_id) EXECUTE FUNCTION insight_log('sup_payments', '');
CREATE TRIGGER insight_sup_returns_i AFTER INSERT ON sup_returns FOR EACH ROW EXECUTE FUNCTION insight_log('sup_returns', '');
CREATE TRIGGER insight_sup_returns_d AFTER DELETE ON sup_returns FOR EACH ROW EXECUTE FUNCTION insight_log('sup_returns', '');
CREATE TRIGGER insight_sup_returns_u AFTER UPDATE OF created_at ON sup_returns FOR EACH ROW WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at) EXECUTE FUNCTION insight_log('sup_returns', '');
CREATE TRIGGER insight_sup_loans_i AFTER INSERT ON sup_loans FOR EACH ROW EXECUTE FUNCTION insight_log('sup_loans', '');
CREATE TRIGGER insight_sup_loans_d AFTER DELETE ON sup_loans FOR EACH ROW EXECUTE FUNCTION insight_log('sup_loans', '');
CREATE TRIGGER insight_sup_loans_u AFTER UPDATE OF status, principal, division, decided_at ON sup_loans FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.principal IS DISTINCT FROM NEW.principal OR OLD.division IS DISTINCT FROM NEW.division OR OLD.decided_at IS DISTINCT FROM NEW.decided_at) EXECUTE FUNCTION insight_log('sup_loans', '');
CREATE TRIGGER insight_sup_internships_i AFTER INSERT ON sup_internships FOR EACH ROW EXECUTE FUNCTION insight_log('sup_internships', 'start_date');
CREATE TRIGGER insight_sup_internships_d AFTER DELETE ON sup_internships FOR EACH ROW EXECUTE FUNCTION insight_log('sup_internships', 'start_date');
CREATE TRIGGER insight_sup_internships_u AFTER UPDATE OF start_date, person_id ON sup_internships FOR EACH ROW WHEN (OLD.start_date IS DISTINCT FROM NEW.start_date OR OLD.person_id IS DISTINCT FROM NEW.person_id) EXECUTE FUNCTION insight_log('sup_internships', 'start_date');
