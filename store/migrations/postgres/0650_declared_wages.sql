-- The yearly base declaration (年度缴费基数申报): the monthly wage an
-- employer declares for one employment relation and contribution year.
-- The assessment of a month reads the declaration of the month's year
-- when one exists, else the relation's declared_wage. A new declaration
-- of the same relation and year replaces the old one (the audit trail
-- keeps who changed it); a changed declaration of closed months is
-- corrected by a reviewed correction (ins_corrections).
CREATE TABLE declared_wages (
    employment_id BIGINT  NOT NULL REFERENCES employments (id),
    year          INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    wage          BIGINT  NOT NULL CHECK (wage > 0),
    actor         TEXT    NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (employment_id, year)
);
