-- A citizen's booking of an interview slot with an employer taking part
-- in a job fair, first come, first served, while the fair is open: one
-- booking per fair and person, slot numbers below the employer's slots
-- (the allocation of the fair's other slots leaves the booked ones free).
CREATE TABLE fair_bookings (
    fair_id     BIGINT  NOT NULL REFERENCES job_fairs (id),
    person_id   BIGINT  NOT NULL REFERENCES persons (id),
    employer_id BIGINT  NOT NULL REFERENCES employers (id),
    slot        INTEGER NOT NULL CHECK (slot >= 0),
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (fair_id, person_id),
    UNIQUE (fair_id, employer_id, slot)
);
CREATE INDEX fair_bookings_person ON fair_bookings (person_id, fair_id);
