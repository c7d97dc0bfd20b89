-- The case ledger (整改台账): who holds a case, by when, its follow-up, and a full trail.

ALTER TABLE cases ADD COLUMN holder_unit_id INTEGER REFERENCES units(id);
ALTER TABLE cases ADD COLUMN assigned_at TEXT;
ALTER TABLE cases ADD COLUMN deadline TEXT;            -- the campaign's local date
ALTER TABLE cases ADD COLUMN last_progress_at TEXT;
ALTER TABLE cases ADD COLUMN contact_method TEXT;
ALTER TABLE cases ADD COLUMN followup_response TEXT;
ALTER TABLE cases ADD COLUMN satisfaction TEXT;
ALTER TABLE cases ADD COLUMN updated_at TEXT;
-- Bumped by every change: a button carries the version it was drawn for, so a second
-- press on a case someone else just changed is told what happened instead of applied.
ALTER TABLE cases ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

CREATE INDEX cases_holder ON cases(holder_unit_id, status);
CREATE INDEX cases_open_deadline ON cases(deadline) WHERE status NOT IN ('closed', 'solved_on_spot');
CREATE INDEX cases_created ON cases(created_at);
CREATE INDEX cases_category ON cases(category, kind);

ALTER TABLE case_events ADD COLUMN action TEXT;
ALTER TABLE case_events ADD COLUMN unit_id INTEGER REFERENCES units(id);
ALTER TABLE case_events ADD COLUMN detail TEXT;         -- JSON: tag, deadline, satisfaction …

-- Full (unmasked) exports of residents' data are a coordinator's choice, and are logged.
CREATE TABLE export_log (
    id        INTEGER PRIMARY KEY,
    person_id INTEGER REFERENCES people(id),
    via       TEXT NOT NULL,
    what      TEXT NOT NULL,
    full_data INTEGER NOT NULL,
    row_count INTEGER NOT NULL,
    at        TEXT NOT NULL
);
