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
-- (here: id <= the highest it saw; SQLite has one writer, so ids are in
-- commit order) and bumps insight_state.gen, which also fails a refresh
-- that another refresh overtook. hrss check recomputes every cell held.
--
-- ins_assessments has no trigger: its rows are written under a run that
-- is not yet current and count only from the moment ins_periods names
-- the run current (whose trigger logs the period).

CREATE TABLE insight_changes (
    id     INTEGER PRIMARY KEY,
    source TEXT    NOT NULL,   -- the table written
    since  INTEGER NOT NULL    -- the earliest month (YYYYMM) the write can change; 0 all
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
    indicator   TEXT    NOT NULL,
    period      INTEGER NOT NULL,
    last        TEXT    NOT NULL,   -- the month's last day the figures are as of
    due_to      INTEGER NOT NULL,   -- the last period whose bills were due by then
    computed_at TEXT    NOT NULL,
    PRIMARY KEY (indicator, period)
);

CREATE TABLE insight_state (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    gen BIGINT  NOT NULL
);
INSERT INTO insight_state (id, gen) VALUES (1, 0);

CREATE TRIGGER insight_ins_periods_i AFTER INSERT ON ins_periods BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_periods', COALESCE(NEW.period, 0)); END;
CREATE TRIGGER insight_ins_periods_d AFTER DELETE ON ins_periods BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_periods', COALESCE(OLD.period, 0)); END;
CREATE TRIGGER insight_ins_periods_u AFTER UPDATE OF current_run ON ins_periods WHEN OLD.current_run IS NOT NEW.current_run BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_periods', COALESCE(min(OLD.period, NEW.period), 0)); END;
CREATE TRIGGER insight_ins_bills_i AFTER INSERT ON ins_bills BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_bills', COALESCE(NEW.period, 0)); END;
CREATE TRIGGER insight_ins_bills_d AFTER DELETE ON ins_bills BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_bills', COALESCE(OLD.period, 0)); END;
CREATE TRIGGER insight_ins_bills_u AFTER UPDATE OF total, division, run_id ON ins_bills WHEN OLD.total IS NOT NEW.total OR OLD.division IS NOT NEW.division OR OLD.run_id IS NOT NEW.run_id BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_bills', COALESCE(min(OLD.period, NEW.period), 0)); END;
CREATE TRIGGER insight_ins_adjustments_i AFTER INSERT ON ins_adjustments BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_adjustments', COALESCE(NEW.period, 0)); END;
CREATE TRIGGER insight_ins_adjustments_d AFTER DELETE ON ins_adjustments BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_adjustments', COALESCE(OLD.period, 0)); END;
CREATE TRIGGER insight_ins_adjustments_u AFTER UPDATE OF division, period ON ins_adjustments WHEN OLD.division IS NOT NEW.division OR OLD.period IS NOT NEW.period BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_adjustments', COALESCE(min(OLD.period, NEW.period), 0)); END;
CREATE TRIGGER insight_ins_payments_i AFTER INSERT ON ins_payments BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_payments', COALESCE(NEW.period, 0)); END;
CREATE TRIGGER insight_ins_payments_d AFTER DELETE ON ins_payments BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_payments', COALESCE(OLD.period, 0)); END;
CREATE TRIGGER insight_ins_payments_u AFTER UPDATE OF applied, status, paid_on, period ON ins_payments WHEN OLD.applied IS NOT NEW.applied OR OLD.status IS NOT NEW.status OR OLD.paid_on IS NOT NEW.paid_on OR OLD.period IS NOT NEW.period BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_payments', COALESCE(min(OLD.period, NEW.period), 0)); END;
CREATE TRIGGER insight_ins_benefit_payments_i AFTER INSERT ON ins_benefit_payments BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_benefit_payments', COALESCE(NEW.period, 0)); END;
CREATE TRIGGER insight_ins_benefit_payments_d AFTER DELETE ON ins_benefit_payments BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_benefit_payments', COALESCE(OLD.period, 0)); END;
CREATE TRIGGER insight_ins_benefit_payments_u AFTER UPDATE OF amount, period, claim_id ON ins_benefit_payments WHEN OLD.amount IS NOT NEW.amount OR OLD.period IS NOT NEW.period OR OLD.claim_id IS NOT NEW.claim_id BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_benefit_payments', COALESCE(min(OLD.period, NEW.period), 0)); END;
CREATE TRIGGER insight_ins_claims_i AFTER INSERT ON ins_claims BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_claims', COALESCE(NEW.start_period, 0)); END;
CREATE TRIGGER insight_ins_claims_d AFTER DELETE ON ins_claims BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_claims', COALESCE(OLD.start_period, 0)); END;
CREATE TRIGGER insight_ins_claims_u AFTER UPDATE OF status, start_period, division, kind ON ins_claims WHEN OLD.status IS NOT NEW.status OR OLD.start_period IS NOT NEW.start_period OR OLD.division IS NOT NEW.division OR OLD.kind IS NOT NEW.kind BEGIN INSERT INTO insight_changes (source, since) VALUES ('ins_claims', COALESCE(min(OLD.start_period, NEW.start_period), 0)); END;
CREATE TRIGGER insight_employments_i AFTER INSERT ON employments BEGIN INSERT INTO insight_changes (source, since) VALUES ('employments', COALESCE(CAST(substr(NEW.start_date, 1, 4) || substr(NEW.start_date, 6, 2) AS INTEGER), 0)); END;
CREATE TRIGGER insight_employments_d AFTER DELETE ON employments BEGIN INSERT INTO insight_changes (source, since) VALUES ('employments', COALESCE(CAST(substr(OLD.start_date, 1, 4) || substr(OLD.start_date, 6, 2) AS INTEGER), 0)); END;
CREATE TRIGGER insight_employments_u AFTER UPDATE OF start_date, end_date, employer_id, person_id ON employments WHEN OLD.start_date IS NOT NEW.start_date OR OLD.end_date IS NOT NEW.end_date OR OLD.employer_id IS NOT NEW.employer_id OR OLD.person_id IS NOT NEW.person_id BEGIN INSERT INTO insight_changes (source, since) VALUES ('employments', COALESCE(min(CAST(substr(OLD.start_date, 1, 4) || substr(OLD.start_date, 6, 2) AS INTEGER), CAST(substr(NEW.start_date, 1, 4) || substr(NEW.start_date, 6, 2) AS INTEGER)), 0)); END;
CREATE TRIGGER insight_flexible_workers_i AFTER INSERT ON flexible_workers BEGIN INSERT INTO insight_changes (source, since) VALUES ('flexible_workers', COALESCE(CAST(substr(NEW.start_date, 1, 4) || substr(NEW.start_date, 6, 2) AS INTEGER), 0)); END;
CREATE TRIGGER insight_flexible_workers_d AFTER DELETE ON flexible_workers BEGIN INSERT INTO insight_changes (source, since) VALUES ('flexible_workers', COALESCE(CAST(substr(OLD.start_date, 1, 4) || substr(OLD.start_date, 6, 2) AS INTEGER), 0)); END;
CREATE TRIGGER insight_flexible_workers_u AFTER UPDATE OF start_date, end_date, division, person_id ON flexible_workers WHEN OLD.start_date IS NOT NEW.start_date OR OLD.end_date IS NOT NEW.end_date OR OLD.division IS NOT NEW.division OR OLD.person_id IS NOT NEW.person_id BEGIN INSERT INTO insight_changes (source, since) VALUES ('flexible_workers', COALESCE(min(CAST(substr(OLD.start_date, 1, 4) || substr(OLD.start_date, 6, 2) AS INTEGER), CAST(substr(NEW.start_date, 1, 4) || substr(NEW.start_date, 6, 2) AS INTEGER)), 0)); END;
CREATE TRIGGER insight_employers_u AFTER UPDATE OF division ON employers WHEN OLD.division IS NOT NEW.division BEGIN INSERT INTO insight_changes (source, since) VALUES ('employers', COALESCE(0, 0)); END;
CREATE TRIGGER insight_persons_i AFTER INSERT ON persons WHEN NEW.grad_date IS NOT NULL BEGIN INSERT INTO insight_changes (source, since) VALUES ('persons', COALESCE(CAST(substr(NEW.grad_date, 1, 4) || substr(NEW.grad_date, 6, 2) AS INTEGER), 0)); END;
CREATE TRIGGER insight_persons_d AFTER DELETE ON persons WHEN OLD.grad_date IS NOT NULL BEGIN INSERT INTO insight_changes (source, since) VALUES ('persons', COALESCE(CAST(substr(OLD.grad_date, 1, 4) || substr(OLD.grad_date, 6, 2) AS INTEGER), 0)); END;
CREATE TRIGGER insight_persons_u AFTER UPDATE OF grad_date, residence_division ON persons WHEN OLD.grad_date IS NOT NEW.grad_date OR OLD.residence_division IS NOT NEW.residence_division BEGIN INSERT INTO insight_changes (source, since) VALUES ('persons', COALESCE(min(CAST(substr(OLD.grad_date, 1, 4) || substr(OLD.grad_date, 6, 2) AS INTEGER), CAST(substr(NEW.grad_date, 1, 4) || substr(NEW.grad_date, 6, 2) AS INTEGER)), 0)); END;
CREATE TRIGGER insight_unemployment_registrations_i AFTER INSERT ON unemployment_registrations BEGIN INSERT INTO insight_changes (source, since) VALUES ('unemployment_registrations', COALESCE(CAST(substr(NEW.registered, 1, 4) || substr(NEW.registered, 6, 2) AS INTEGER), 0)); END;
CREATE TRIGGER insight_unemployment_registrations_d AFTER DELETE ON unemployment_registrations BEGIN INSERT INTO insight_changes (source, since) VALUES ('unemployment_registrations', COALESCE(CAST(substr(OLD.registered, 1, 4) || substr(OLD.registered, 6, 2) AS INTEGER), 0)); END;
CREATE TRIGGER insight_unemployment_registrations_u AFTER UPDATE OF registered, ended_on, division ON unemployment_registrations WHEN OLD.registered IS NOT NEW.registered OR OLD.ended_on IS NOT NEW.ended_on OR OLD.division IS NOT NEW.division BEGIN INSERT INTO insight_changes (source, since) VALUES ('unemployment_registrations', COALESCE(min(CAST(substr(OLD.registered, 1, 4) || substr(OLD.registered, 6, 2) AS INTEGER), CAST(substr(NEW.registered, 1, 4) || substr(NEW.registered, 6, 2) AS INTEGER)), 0)); END;
CREATE TRIGGER insight_followup_services_i AFTER INSERT ON followup_services BEGIN INSERT INTO insight_changes (source, since) VALUES ('followup_services', COALESCE(CAST(substr(NEW.service_date, 1, 4) || substr(NEW.service_date, 6, 2) AS INTEGER), 0)); END;
CREATE TRIGGER insight_followup_services_d AFTER DELETE ON followup_services BEGIN INSERT INTO insight_changes (source, since) VALUES ('followup_services', COALESCE(CAST(substr(OLD.service_date, 1, 4) || substr(OLD.service_date, 6, 2) AS INTEGER), 0)); END;
CREATE TRIGGER insight_followup_services_u AFTER UPDATE OF service_date, kind, person_id ON followup_services WHEN OLD.service_date IS NOT NEW.service_date OR OLD.kind IS NOT NEW.kind OR OLD.person_id IS NOT NEW.person_id BEGIN INSERT INTO insight_changes (source, since) VALUES ('followup_services', COALESCE(min(CAST(substr(OLD.service_date, 1, 4) || substr(OLD.service_date, 6, 2) AS INTEGER), CAST(substr(NEW.service_date, 1, 4) || substr(NEW.service_date, 6, 2) AS INTEGER)), 0)); END;
CREATE TRIGGER insight_placements_i AFTER INSERT ON placements BEGIN INSERT INTO insight_changes (source, since) VALUES ('placements', COALESCE(CAST(substr(NEW.start_date, 1, 4) || substr(NEW.start_date, 6, 2) AS INTEGER), 0)); END;
CREATE TRIGGER insight_placements_d AFTER DELETE ON placements BEGIN INSERT INTO insight_changes (source, since) VALUES ('placements', COALESCE(CAST(substr(OLD.start_date, 1, 4) || substr(OLD.start_date, 6, 2) AS INTEGER), 0)); END;
CREATE TRIGGER insight_placements_u AFTER UPDATE OF start_date, source, employer_id ON placements WHEN OLD.start_date IS NOT NEW.start_date OR OLD.source IS NOT NEW.source OR OLD.employer_id IS NOT NEW.employer_id BEGIN INSERT INTO insight_changes (source, since) VALUES ('placements', COALESCE(min(CAST(substr(OLD.start_date, 1, 4) || substr(OLD.start_date, 6, 2) AS INTEGER), CAST(substr(NEW.start_date, 1, 4) || substr(NEW.start_date, 6, 2) AS INTEGER)), 0)); END;
CREATE TRIGGER insight_sup_grants_i AFTER INSERT ON sup_grants BEGIN INSERT INTO insight_changes (source, since) VALUES ('sup_grants', COALESCE(0, 0)); END;
CREATE TRIGGER insight_sup_grants_d AFTER DELETE ON sup_grants BEGIN INSERT INTO insight_changes (source, since) VALUES ('sup_grants', COALESCE(0, 0)); END;
CREATE TRIGGER insight_sup_grants_u AFTER UPDATE OF status, amount, division, created_at ON sup_grants WHEN OLD.status IS NOT NEW.status OR OLD.amount IS NOT NEW.amount OR OLD.division IS NOT NEW.division OR OLD.created_at IS NOT NEW.created_at BEGIN INSERT INTO insight_changes (source, since) VALUES ('sup_grants', COALESCE(0, 0)); END;
CREATE TRIGGER insight_sup_payments_i AFTER INSERT ON sup_payments BEGIN INSERT INTO insight_changes (source, since) VALUES ('sup_payments', COALESCE(0, 0)); END;
CREATE TRIGGER insight_sup_payments_d AFTER DELETE ON sup_payments BEGIN INSERT INTO insight_changes (source, since) VALUES ('sup_payments', COALESCE(0, 0)); END;
CREATE TRIGGER insight_sup_payments_u AFTER UPDATE OF status, amount, return_id, grant_id ON sup_payments WHEN OLD.status IS NOT NEW.status OR OLD.amount IS NOT NEW.amount OR OLD.return_id IS NOT NEW.return_id OR OLD.grant_id IS NOT NEW.grant_id BEGIN INSERT INTO insight_changes (source, since) VALUES ('sup_payments', COALESCE(0, 0)); END;
CREATE TRIGGER insight_sup_returns_i AFTER INSERT ON sup_returns BEGIN INSERT INTO insight_changes (source, since) VALUES ('sup_returns', COALESCE(0, 0)); END;
CREATE TRIGGER insight_sup_returns_d AFTER DELETE ON sup_returns BEGIN INSERT INTO insight_changes (source, since) VALUES ('sup_returns', COALESCE(0, 0)); END;
CREATE TRIGGER insight_sup_returns_u AFTER UPDATE OF created_at ON sup_returns WHEN OLD.created_at IS NOT NEW.created_at BEGIN INSERT INTO insight_changes (source, since) VALUES ('sup_returns', COALESCE(0, 0)); END;
CREATE TRIGGER insight_sup_loans_i AFTER INSERT ON sup_loans BEGIN INSERT INTO insight_changes (source, since) VALUES ('sup_loans', COALESCE(0, 0)); END;
CREATE TRIGGER insight_sup_loans_d AFTER DELETE ON sup_loans BEGIN INSERT INTO insight_changes (source, since) VALUES ('sup_loans', COALESCE(0, 0)); END;
CREATE TRIGGER insight_sup_loans_u AFTER UPDATE OF status, principal, division, decided_at ON sup_loans WHEN OLD.status IS NOT NEW.status OR OLD.principal IS NOT NEW.principal OR OLD.division IS NOT NEW.division OR OLD.decided_at IS NOT NEW.decided_at BEGIN INSERT INTO insight_changes (source, since) VALUES ('sup_loans', COALESCE(0, 0)); END;
CREATE TRIGGER insight_sup_internships_i AFTER INSERT ON sup_internships BEGIN INSERT INTO insight_changes (source, since) VALUES ('sup_internships', COALESCE(CAST(substr(NEW.start_date, 1, 4) || substr(NEW.start_date, 6, 2) AS INTEGER), 0)); END;
CREATE TRIGGER insight_sup_internships_d AFTER DELETE ON sup_internships BEGIN INSERT INTO insight_changes (source, since) VALUES ('sup_internships', COALESCE(CAST(substr(OLD.start_date, 1, 4) || substr(OLD.start_date, 6, 2) AS INTEGER), 0)); END;
CREATE TRIGGER insight_sup_internships_u AFTER UPDATE OF start_date, person_id ON sup_internships WHEN OLD.start_date IS NOT NEW.start_date OR OLD.person_id IS NOT NEW.person_id BEGIN INSERT INTO insight_changes (source, since) VALUES ('sup_internships', COALESCE(min(CAST(substr(OLD.start_date, 1, 4) || substr(OLD.start_date, 6, 2) AS INTEGER), CAST(substr(NEW.start_date, 1, 4) || substr(NEW.start_date, 6, 2) AS INTEGER)), 0)); END;
