-- Refusals of suitable work (or training) offered by the public
-- employment service to a registered unemployed person, recorded on the
-- registration (社会保险法 Art. 51(5): the benefit stops after
-- unemployment.refusals_to_stop of them).
CREATE TABLE unemployment_refusals (
    id              INTEGER PRIMARY KEY,
    registration_id BIGINT NOT NULL REFERENCES unemployment_registrations (id),
    person_id       BIGINT NOT NULL,
    refused_on      TEXT NOT NULL,
    vacancy_id      BIGINT REFERENCES vacancies (id),
    offer           TEXT   NOT NULL CHECK (offer IN ('work', 'training')),
    note            TEXT   NOT NULL,
    recorded_by     TEXT   NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX unemployment_refusals_registration ON unemployment_refusals (registration_id, refused_on, id);
