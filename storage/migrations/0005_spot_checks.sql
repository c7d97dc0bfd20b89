-- The daily spot check (日抽查): entries drawn, their outcomes, and the corrections they led to.

-- One row per campaign day drawn, even when nothing was logged: a second run that day draws nothing.
CREATE TABLE spot_draws (
    drawn_on TEXT PRIMARY KEY,      -- the campaign's local date of the draw
    work_day TEXT NOT NULL,         -- the working day sampled
    at       TEXT NOT NULL
);

CREATE TABLE spot_checks (
    id           INTEGER PRIMARY KEY,
    drawn_on     TEXT NOT NULL REFERENCES spot_draws(drawn_on),
    work_day     TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('visit', 'case')),
    item_id      INTEGER NOT NULL,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    person_id    INTEGER NOT NULL REFERENCES people(id),
    outcome      TEXT CHECK (outcome IN ('verified', 'doubtful', 'returned')),
    reason       TEXT,
    decided_by   INTEGER REFERENCES people(id),
    decided_at   TEXT,
    corrected_at TEXT,
    UNIQUE (kind, item_id)
);
CREATE INDEX spot_checks_drawn ON spot_checks(drawn_on, unit_id);
CREATE INDEX spot_checks_person ON spot_checks(person_id) WHERE outcome = 'returned';

-- Every change made to a logged entry after the fact: who, when, old → new, and why.
CREATE TABLE corrections (
    id            INTEGER PRIMARY KEY,
    spot_check_id INTEGER REFERENCES spot_checks(id),
    kind          TEXT NOT NULL CHECK (kind IN ('visit', 'case')),
    item_id       INTEGER NOT NULL,
    field         TEXT NOT NULL,
    old_value     TEXT,
    new_value     TEXT,
    person_id     INTEGER NOT NULL REFERENCES people(id),
    at            TEXT NOT NULL
);
CREATE INDEX corrections_item ON corrections(kind, item_id);
