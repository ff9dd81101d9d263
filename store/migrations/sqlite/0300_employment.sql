-- Employment services: occupational classification and skill vocabulary,
-- job-seeker and unemployment registrations, "1131" services, vacancies,
-- recommendations and batch runs, job fairs, placements.
-- Dates TEXT 'YYYY-MM-DD'; timestamps TEXT RFC 3339 (UTC); money INTEGER fen;
-- scores INTEGER hundredths of a point; lists comma-separated TEXT.

CREATE TABLE occupations (
    code    TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    source  TEXT NOT NULL
);

CREATE TABLE skills (
    code    TEXT    PRIMARY KEY,
    name_zh TEXT    NOT NULL,
    name_en TEXT    NOT NULL,
    weight  INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 3),
    source  TEXT    NOT NULL,
    ord     INTEGER NOT NULL
);

CREATE TABLE seeker_registrations (
    id                 INTEGER PRIMARY KEY,
    person_id          INTEGER NOT NULL REFERENCES persons (id),
    division           TEXT    NOT NULL,
    registered         TEXT    NOT NULL,
    last_contact       TEXT    NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('active', 'closed')),
    closed_on          TEXT,
    ground             TEXT    NOT NULL DEFAULT '',
    occupations        TEXT    NOT NULL DEFAULT '',
    skills             TEXT    NOT NULL DEFAULT '',
    education          TEXT    NOT NULL,
    experience_years   INTEGER NOT NULL,
    salary_min         INTEGER NOT NULL CHECK (salary_min >= 0),
    accepted_divisions TEXT    NOT NULL DEFAULT '',
    mobility           TEXT    NOT NULL CHECK (mobility IN ('divisions', 'city')),
    opt_out            INTEGER NOT NULL DEFAULT 0,
    graduate           INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);
CREATE UNIQUE INDEX seeker_one_active ON seeker_registrations (person_id) WHERE status = 'active';
CREATE INDEX seeker_person ON seeker_registrations (person_id, id);
CREATE INDEX seeker_division ON seeker_registrations (division, id);
CREATE INDEX seeker_status ON seeker_registrations (status, id);

CREATE TABLE unemployment_registrations (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES persons (id),
    division      TEXT    NOT NULL,
    registered    TEXT    NOT NULL,
    last_contact  TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('active', 'closed')),
    ended_on      TEXT,
    ground        TEXT    NOT NULL DEFAULT '',
    employment_id INTEGER REFERENCES employments (id),
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX unemployment_one_active ON unemployment_registrations (person_id) WHERE status = 'active';
CREATE INDEX unemployment_person ON unemployment_registrations (person_id, id);
CREATE INDEX unemployment_division ON unemployment_registrations (division, id);
CREATE INDEX unemployment_status ON unemployment_registrations (status, id);

CREATE TABLE vacancies (
    id               INTEGER PRIMARY KEY,
    employer_id      INTEGER NOT NULL REFERENCES employers (id),
    title            TEXT    NOT NULL,
    occupation       TEXT    NOT NULL,
    skills           TEXT    NOT NULL DEFAULT '',
    education        TEXT    NOT NULL,
    experience_years INTEGER NOT NULL,
    salary_min       INTEGER NOT NULL CHECK (salary_min > 0),
    salary_max       INTEGER NOT NULL,
    division         TEXT    NOT NULL,
    openings         INTEGER NOT NULL CHECK (openings > 0),
    filled           INTEGER NOT NULL DEFAULT 0 CHECK (filled >= 0),
    valid_from       TEXT    NOT NULL,
    valid_to         TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
    description      TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    CHECK (salary_max >= salary_min),
    CHECK (valid_to >= valid_from)
);
CREATE INDEX vacancies_open ON vacancies (status, valid_to, id);
CREATE INDEX vacancies_employer ON vacancies (employer_id, id);
CREATE INDEX vacancies_division ON vacancies (division, id);
CREATE INDEX vacancies_occupation ON vacancies (occupation, id);

CREATE TABLE followup_services (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES persons (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('policy_briefing', 'career_guidance', 'job_lead', 'training_or_internship')),
    service_date TEXT   NOT NULL,
    vacancy_id  INTEGER REFERENCES vacancies (id),
    note        TEXT    NOT NULL DEFAULT '',
    recorded_by TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    CHECK (kind <> 'job_lead' OR vacancy_id IS NOT NULL)
);
CREATE INDEX followup_person ON followup_services (person_id, id);

CREATE INDEX persons_graduates ON persons (residence_division, grad_date);

CREATE TABLE match_batches (
    id         INTEGER PRIMARY KEY,
    run_date   TEXT    NOT NULL,
    division   TEXT    NOT NULL DEFAULT '',
    coverage   TEXT    NOT NULL,  -- the coverage report, JSON
    created_at TEXT    NOT NULL
);

CREATE TABLE recommendations (
    id          INTEGER PRIMARY KEY,
    seeker_id   INTEGER NOT NULL REFERENCES seeker_registrations (id),
    vacancy_id  INTEGER NOT NULL REFERENCES vacancies (id),
    score       INTEGER NOT NULL,
    rank        INTEGER NOT NULL,
    batch_id    INTEGER REFERENCES match_batches (id),
    rec_date    TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);
CREATE INDEX recommendations_seeker ON recommendations (seeker_id, rec_date);
CREATE INDEX recommendations_batch ON recommendations (batch_id);

CREATE TABLE job_fairs (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL,
    division       TEXT    NOT NULL,
    fair_date      TEXT    NOT NULL,
    venue          TEXT    NOT NULL DEFAULT '',
    start_time     TEXT    NOT NULL,
    slot_minutes   INTEGER NOT NULL,
    max_interviews INTEGER NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
    allocated_at   TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE INDEX job_fairs_division ON job_fairs (division, id);

CREATE TABLE fair_employers (
    fair_id     INTEGER NOT NULL REFERENCES job_fairs (id),
    employer_id INTEGER NOT NULL REFERENCES employers (id),
    slots       INTEGER NOT NULL CHECK (slots > 0),
    vacancy_ids TEXT    NOT NULL,
    PRIMARY KEY (fair_id, employer_id)
);

CREATE TABLE fair_registrations (
    fair_id     INTEGER NOT NULL REFERENCES job_fairs (id),
    seeker_id   INTEGER NOT NULL REFERENCES seeker_registrations (id),
    preferences TEXT    NOT NULL,
    PRIMARY KEY (fair_id, seeker_id)
);

CREATE TABLE fair_interviews (
    fair_id     INTEGER NOT NULL REFERENCES job_fairs (id),
    seeker_id   INTEGER NOT NULL REFERENCES seeker_registrations (id),
    employer_id INTEGER NOT NULL REFERENCES employers (id),
    seeker_rank INTEGER NOT NULL,
    score       INTEGER NOT NULL,
    slot        INTEGER NOT NULL,
    clash       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (fair_id, seeker_id, employer_id)
);
CREATE INDEX fair_interviews_seeker ON fair_interviews (seeker_id);

CREATE TABLE placements (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES persons (id),
    employment_id INTEGER NOT NULL UNIQUE REFERENCES employments (id),
    employer_id   INTEGER NOT NULL REFERENCES employers (id),
    start_date    TEXT    NOT NULL,
    source        TEXT    NOT NULL CHECK (source IN ('fair', 'job_lead', 'recommendation', 'none')),
    source_id     INTEGER NOT NULL DEFAULT 0,
    vacancy_id    INTEGER REFERENCES vacancies (id),
    created_at    TEXT    NOT NULL
);
CREATE INDEX placements_person ON placements (person_id, id);
CREATE INDEX placements_employer ON placements (employer_id, id);
CREATE INDEX placements_start ON placements (start_date);
