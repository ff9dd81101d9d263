-- Insight: the yearly targets leadership sets per indicator and division
-- (330400 for the city). value is a count, fen, or hundredths of a percent
-- by the indicator's unit; text is the value as entered. Who set it and
-- when is also in the audit trail.

CREATE TABLE insight_targets (
    year      INTEGER NOT NULL,
    indicator TEXT    NOT NULL,
    division  TEXT    NOT NULL,
    value     BIGINT  NOT NULL CHECK (value >= 0),
    text      TEXT    NOT NULL,
    set_by    TEXT    NOT NULL,
    set_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (year, indicator, division)
);
