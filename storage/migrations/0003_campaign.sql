-- Campaign supervision: campaigns and their quotas, group chats bound to them, bulletin runs,
-- nudge mutes, and running totals so a bulletin never scans every visit.

CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    starts_on   TEXT NOT NULL,                  -- local dates in the campaign's zone
    ends_on     TEXT NOT NULL,
    zone        TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 0,
    daily_at    TEXT NOT NULL DEFAULT '18:00',  -- local HH:MM
    weekly_day  INTEGER NOT NULL DEFAULT 0,     -- 0 = Monday
    weekly_at   TEXT NOT NULL DEFAULT '09:00',
    monthly_at  TEXT NOT NULL DEFAULT '09:00',  -- on the month's first working day
    nudge_at    TEXT NOT NULL DEFAULT '16:00',
    quiet_from  TEXT NOT NULL DEFAULT '21:00',
    quiet_until TEXT NOT NULL DEFAULT '08:00',
    created_at  TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);
-- At most one campaign is active at a time.
CREATE UNIQUE INDEX campaigns_active ON campaigns(active) WHERE active = 1;

CREATE TABLE quotas (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    target      TEXT NOT NULL,
    quota       INTEGER NOT NULL CHECK (quota >= 0),
    PRIMARY KEY (campaign_id, unit_id, target)
);

-- A group chat that gets bulletins: the whole campaign (unit_id NULL) or one unit's subtree.
CREATE TABLE chat_bindings (
    platform    TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    unit_id     INTEGER REFERENCES units(id),
    kinds       TEXT NOT NULL,                  -- comma-separated: daily,weekly,monthly
    daily_at    TEXT,                           -- this group's own times (NULL: the campaign's)
    weekly_at   TEXT,
    monthly_at  TEXT,
    title       TEXT NOT NULL DEFAULT '',
    bound_by    INTEGER REFERENCES people(id),
    bound_at    TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id)
);

-- One row per bulletin occurrence computed: a restart never computes or queues it twice.
CREATE TABLE bulletin_runs (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    kind        TEXT NOT NULL,
    period      TEXT NOT NULL,                  -- local date, and "@HH:MM" for a group's own time
    due_at      TEXT NOT NULL,
    ran_at      TEXT NOT NULL,
    late        INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, kind, period)
);

ALTER TABLE people ADD COLUMN nudges_muted INTEGER NOT NULL DEFAULT 0;

-- Visits summed by unit, local day and target, kept by triggers: a bulletin reads a few
-- thousand of these rows instead of every visit.
CREATE TABLE visit_totals (
    unit_id    INTEGER NOT NULL,
    visit_date TEXT NOT NULL,
    target     TEXT NOT NULL,
    entries    INTEGER NOT NULL,
    visited    INTEGER NOT NULL,                -- households, enterprises, schools … (count)
    people     INTEGER NOT NULL,
    PRIMARY KEY (unit_id, target, visit_date)  -- sums per unit and target come out in order
) WITHOUT ROWID;

-- A day's or a month's rows, read from the index alone.
CREATE INDEX visit_totals_date ON visit_totals(visit_date, unit_id, target, entries, visited, people);

INSERT INTO visit_totals (unit_id, visit_date, target, entries, visited, people)
SELECT unit_id, visit_date, target, count(*), sum(count), sum(people)
FROM visits GROUP BY unit_id, visit_date, target;

-- The active campaign's visits so far by unit and target: the daily bulletin's "since the
-- start" without summing every day. Rebuilt from visit_totals when a campaign is activated.
CREATE TABLE campaign_visit_totals (
    campaign_id INTEGER NOT NULL,
    unit_id     INTEGER NOT NULL,
    target      TEXT NOT NULL,
    entries     INTEGER NOT NULL,
    visited     INTEGER NOT NULL,
    people      INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, unit_id, target)
) WITHOUT ROWID;

CREATE TRIGGER visit_totals_insert AFTER INSERT ON visits BEGIN
    INSERT INTO visit_totals (unit_id, visit_date, target, entries, visited, people)
    VALUES (NEW.unit_id, NEW.visit_date, NEW.target, 1, NEW.count, NEW.people)
    ON CONFLICT (unit_id, visit_date, target) DO UPDATE SET
        entries = entries + 1, visited = visited + excluded.visited,
        people = people + excluded.people;
    INSERT INTO campaign_visit_totals (campaign_id, unit_id, target, entries, visited, people)
    SELECT id, NEW.unit_id, NEW.target, 1, NEW.count, NEW.people FROM campaigns
    WHERE active = 1 AND NEW.visit_date BETWEEN starts_on AND ends_on
    ON CONFLICT (campaign_id, unit_id, target) DO UPDATE SET
        entries = entries + 1, visited = visited + excluded.visited,
        people = people + excluded.people;
END;

CREATE TRIGGER visit_totals_delete AFTER DELETE ON visits BEGIN
    UPDATE visit_totals SET entries = entries - 1, visited = visited - OLD.count,
                            people = people - OLD.people
    WHERE unit_id = OLD.unit_id AND visit_date = OLD.visit_date AND target = OLD.target;
    UPDATE campaign_visit_totals SET entries = entries - 1, visited = visited - OLD.count,
                                     people = people - OLD.people
    WHERE unit_id = OLD.unit_id AND target = OLD.target AND campaign_id IN (
        SELECT id FROM campaigns
        WHERE active = 1 AND OLD.visit_date BETWEEN starts_on AND ends_on);
END;

-- A corrected visit (spot check 退回补正) moves its figures from the old bucket to the new.
CREATE TRIGGER visit_totals_update
AFTER UPDATE OF unit_id, visit_date, target, count, people ON visits BEGIN
    UPDATE visit_totals SET entries = entries - 1, visited = visited - OLD.count,
                            people = people - OLD.people
    WHERE unit_id = OLD.unit_id AND visit_date = OLD.visit_date AND target = OLD.target;
    INSERT INTO visit_totals (unit_id, visit_date, target, entries, visited, people)
    VALUES (NEW.unit_id, NEW.visit_date, NEW.target, 1, NEW.count, NEW.people)
    ON CONFLICT (unit_id, visit_date, target) DO UPDATE SET
        entries = entries + 1, visited = visited + excluded.visited,
        people = people + excluded.people;
    UPDATE campaign_visit_totals SET entries = entries - 1, visited = visited - OLD.count,
                                     people = people - OLD.people
    WHERE unit_id = OLD.unit_id AND target = OLD.target AND campaign_id IN (
        SELECT id FROM campaigns
        WHERE active = 1 AND OLD.visit_date BETWEEN starts_on AND ends_on);
    INSERT INTO campaign_visit_totals (campaign_id, unit_id, target, entries, visited, people)
    SELECT id, NEW.unit_id, NEW.target, 1, NEW.count, NEW.people FROM campaigns
    WHERE active = 1 AND NEW.visit_date BETWEEN starts_on AND ends_on
    ON CONFLICT (campaign_id, unit_id, target) DO UPDATE SET
        entries = entries + 1, visited = visited + excluded.visited,
        people = people + excluded.people;
END;

-- Cases by the unit that holds them and their status, kept the same way.
CREATE TABLE case_status_totals (
    unit_id INTEGER NOT NULL,                   -- holder, or the reporter's unit before assignment
    status  TEXT NOT NULL,
    cases   INTEGER NOT NULL,
    PRIMARY KEY (unit_id, status)
) WITHOUT ROWID;

INSERT INTO case_status_totals (unit_id, status, cases)
SELECT coalesce(holder_unit_id, reporter_unit_id), status, count(*)
FROM cases GROUP BY 1, 2;

CREATE TRIGGER case_totals_insert AFTER INSERT ON cases BEGIN
    INSERT INTO case_status_totals (unit_id, status, cases)
    VALUES (coalesce(NEW.holder_unit_id, NEW.reporter_unit_id), NEW.status, 1)
    ON CONFLICT (unit_id, status) DO UPDATE SET cases = cases + 1;
END;

CREATE TRIGGER case_totals_update AFTER UPDATE OF status, holder_unit_id ON cases BEGIN
    UPDATE case_status_totals SET cases = cases - 1
    WHERE unit_id = coalesce(OLD.holder_unit_id, OLD.reporter_unit_id) AND status = OLD.status;
    INSERT INTO case_status_totals (unit_id, status, cases)
    VALUES (coalesce(NEW.holder_unit_id, NEW.reporter_unit_id), NEW.status, 1)
    ON CONFLICT (unit_id, status) DO UPDATE SET cases = cases + 1;
END;

-- Cases closed in a time range (the bulletins' "resolved"), answered from the index alone.
CREATE INDEX cases_closed ON cases(closed_at, status, holder_unit_id, reporter_unit_id)
    WHERE closed_at IS NOT NULL;
-- Problems logged on a range of days (their numbers start with the day), from the index alone.
CREATE INDEX cases_number_unit ON cases(number, reporter_unit_id, status);
-- Open cases by holder and deadline: overdue counts without touching the closed majority.
CREATE INDEX cases_open_holder ON cases(holder_unit_id, deadline)
    WHERE status NOT IN ('closed', 'solved_on_spot');
-- Cases in hand by holder and last sign of life (一周一上报).
CREATE INDEX cases_in_hand
    ON cases(holder_unit_id, coalesce(last_progress_at, assigned_at, created_at))
    WHERE status IN ('assigned', 'in_progress') AND holder_unit_id IS NOT NULL;
