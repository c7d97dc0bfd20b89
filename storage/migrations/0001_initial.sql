-- Units, people and how they join; visits; problems (cases); conversations; delivery.
-- Every time is UTC ISO-8601 text; visit_date is the campaign's local calendar date.

CREATE TABLE units (
    id        INTEGER PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    parent_id INTEGER REFERENCES units(id),
    kind      TEXT NOT NULL DEFAULT 'other'
);

CREATE TABLE people (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    role        TEXT NOT NULL CHECK (role IN ('officer', 'unit_lead', 'coordinator', 'admin')),
    phone       TEXT,
    external_id TEXT UNIQUE,
    language    TEXT CHECK (language IN ('zh', 'en')),
    active      INTEGER NOT NULL DEFAULT 1,
    invite_id   INTEGER REFERENCES invites(id),
    created_at  TEXT NOT NULL
);

CREATE TABLE invites (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    role       TEXT NOT NULL CHECK (role IN ('officer', 'unit_lead', 'coordinator', 'admin')),
    person_id  INTEGER REFERENCES people(id),
    max_uses   INTEGER CHECK (max_uses IS NULL OR max_uses > 0),
    uses       INTEGER NOT NULL DEFAULT 0,
    expires_at TEXT,
    revoked_at TEXT,
    created_by INTEGER REFERENCES people(id),
    created_at TEXT NOT NULL
);

CREATE TABLE identities (
    platform  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    chat_id   TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    joined_at TEXT NOT NULL,
    PRIMARY KEY (platform, user_id)
);
CREATE INDEX identities_person ON identities(person_id);

CREATE TABLE visits (
    id         INTEGER PRIMARY KEY,
    draft_id   TEXT NOT NULL UNIQUE,
    person_id  INTEGER NOT NULL REFERENCES people(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    target     TEXT NOT NULL,
    place      TEXT NOT NULL,
    count      INTEGER NOT NULL CHECK (count BETWEEN 0 AND 10000),
    people     INTEGER NOT NULL CHECK (people BETWEEN 0 AND 100000),
    materials  INTEGER NOT NULL DEFAULT 0 CHECK (materials BETWEEN 0 AND 100000),
    opinions   INTEGER NOT NULL DEFAULT 0 CHECK (opinions BETWEEN 0 AND 10000),
    visit_date TEXT NOT NULL,
    latitude   REAL,
    longitude  REAL,
    note       TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX visits_person_date ON visits(person_id, visit_date);
CREATE INDEX visits_unit_date ON visits(unit_id, visit_date);

CREATE TABLE visit_photos (
    visit_id INTEGER NOT NULL REFERENCES visits(id),
    position INTEGER NOT NULL,
    file_ref TEXT NOT NULL,
    PRIMARY KEY (visit_id, position)
);

CREATE TABLE cases (
    id                INTEGER PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    draft_id          TEXT NOT NULL UNIQUE,
    visit_id          INTEGER REFERENCES visits(id),
    reporter_id       INTEGER NOT NULL REFERENCES people(id),
    reporter_unit_id  INTEGER NOT NULL REFERENCES units(id),
    kind              TEXT NOT NULL,
    category          TEXT NOT NULL,
    description       TEXT NOT NULL,
    place             TEXT NOT NULL,
    resident_name     TEXT,
    resident_phone    TEXT,
    urgency           TEXT NOT NULL,
    status            TEXT NOT NULL,
    suggested_unit_id INTEGER REFERENCES units(id),
    resolution        TEXT,
    created_at        TEXT NOT NULL,
    closed_at         TEXT
);
CREATE INDEX cases_reporter ON cases(reporter_id, created_at);
CREATE INDEX cases_status ON cases(status);

CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    actor_id    INTEGER REFERENCES people(id),
    at          TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    note        TEXT
);
CREATE INDEX case_events_case ON case_events(case_id, id);

CREATE TABLE case_numbers (
    day  TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE conversations (
    platform    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    language    TEXT NOT NULL,
    flow        TEXT NOT NULL,
    step        TEXT NOT NULL,
    draft_id    TEXT NOT NULL,
    data        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    reminded_at TEXT,
    PRIMARY KEY (platform, user_id)
);
CREATE INDEX conversations_updated ON conversations(updated_at);

-- The buttons a person was shown last, so typing a label or its number presses it.
CREATE TABLE shown_choices (
    platform TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    choices  TEXT NOT NULL,
    numbered INTEGER NOT NULL,
    PRIMARY KEY (platform, user_id)
);

CREATE TABLE processed_updates (
    key TEXT PRIMARY KEY,
    at  TEXT NOT NULL
);
CREATE INDEX processed_updates_at ON processed_updates(at);

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    chat_id      TEXT NOT NULL,
    payload      TEXT NOT NULL,
    dedup_key    TEXT UNIQUE,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    due_at       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    sent_at      TEXT,
    last_error   TEXT
);
CREATE INDEX outbox_due ON outbox(status, due_at);
