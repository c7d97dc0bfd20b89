-- The outbox claims an item before it calls the platform and settles it after, so a crash
-- in between leaves the item 'sending' (later 'uncertain') instead of sending it again.
-- A reply of several platform sends records how many went ('parts_sent'); files are stored
-- once, by their SHA-256, however many messages carry them.
-- SQLite cannot change a CHECK in place: the table is rebuilt with the same ids.

CREATE TABLE outbox_next (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    payload     TEXT NOT NULL,
    dedup_key   TEXT UNIQUE,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'uncertain')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    parts_sent  INTEGER NOT NULL DEFAULT 0,
    due_at      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    claimed_at  TEXT,
    sent_at     TEXT,
    last_error  TEXT
);

INSERT INTO outbox_next (id, platform, chat_id, payload, dedup_key, status, attempts, due_at,
                         created_at, sent_at, last_error)
SELECT id, platform, chat_id, payload, dedup_key, status, attempts, due_at, created_at, sent_at,
       last_error
FROM outbox;

DROP TABLE outbox;
ALTER TABLE outbox_next RENAME TO outbox;

-- What is due, oldest first; the unsettled items of one chat in order; the claims in flight.
CREATE INDEX outbox_due ON outbox(due_at) WHERE status = 'pending';
CREATE INDEX outbox_open ON outbox(platform, chat_id, id) WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_claimed ON outbox(claimed_at) WHERE status = 'sending';
CREATE INDEX outbox_settled ON outbox(created_at) WHERE status IN ('sent', 'failed', 'uncertain');

CREATE TABLE outbox_blobs (
    sha256  TEXT PRIMARY KEY,
    content BLOB NOT NULL
);

CREATE TABLE outbox_files (
    outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    sha256    TEXT NOT NULL REFERENCES outbox_blobs(sha256),
    PRIMARY KEY (outbox_id, sha256)
);
CREATE INDEX outbox_files_blob ON outbox_files(sha256);
