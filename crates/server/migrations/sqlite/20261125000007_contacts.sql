-- The managers' users table and CSV imports (issue 6).

-- Extra columns of an imported CSV file, as a JSON object of texts.
ALTER TABLE users ADD COLUMN attributes TEXT;

-- The users table sorts by Last Active ("never wrote" as 0) and pages by
-- the keyset (last active, wa_id); filters by status, source or
-- first-message tag walk their own index in the same order, so no page
-- scans or sorts.
CREATE INDEX users_by_last_active ON users (coalesce(last_active_at, 0), wa_id);
CREATE INDEX users_by_status ON users (status, coalesce(last_active_at, 0), wa_id);
CREATE INDEX users_by_source ON users (source, coalesce(last_active_at, 0), wa_id);
CREATE INDEX users_by_tag ON users (first_message_tag, coalesce(last_active_at, 0), wa_id);

-- One row per CSV import (or dry run): its choices, progress and report.
-- `skipped_rows` is a JSON array of {line, phone, reason}.
CREATE TABLE imports (
    id              INTEGER PRIMARY KEY,
    file_name       TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    country         TEXT    NOT NULL,
    dry_run         INTEGER NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    processed_bytes INTEGER NOT NULL DEFAULT 0,
    total_bytes     INTEGER NOT NULL,
    rows            INTEGER NOT NULL DEFAULT 0,
    created         INTEGER NOT NULL DEFAULT 0,
    updated         INTEGER NOT NULL DEFAULT 0,
    unchanged       INTEGER NOT NULL DEFAULT 0,
    skipped         INTEGER NOT NULL DEFAULT 0,
    skipped_rows    TEXT    NOT NULL DEFAULT '[]',
    failure         TEXT,
    agent_id        INTEGER NOT NULL REFERENCES agents (id),
    created_at      INTEGER NOT NULL,
    finished_at     INTEGER
);
CREATE INDEX imports_by_source ON imports (source);

-- Searching every customer's name for a part of it: a trigram index that
-- answers LIKE '%part%' without reading the users table. Its rowid is the
-- number (a wa_id is digits), so the users table needs no stable rowid.
CREATE VIRTUAL TABLE users_names USING fts5(name, tokenize = 'trigram');
INSERT INTO users_names (rowid, name) SELECT CAST(wa_id AS INTEGER), name FROM users;
CREATE TRIGGER users_names_after_insert AFTER INSERT ON users
BEGIN
    INSERT INTO users_names (rowid, name) VALUES (CAST(new.wa_id AS INTEGER), new.name);
END;
CREATE TRIGGER users_names_after_rename AFTER UPDATE OF name ON users
WHEN old.name IS NOT new.name
BEGIN
    UPDATE users_names SET name = new.name WHERE rowid = CAST(old.wa_id AS INTEGER);
END;
CREATE TRIGGER users_names_after_delete AFTER DELETE ON users
BEGIN
    DELETE FROM users_names WHERE rowid = CAST(old.wa_id AS INTEGER);
END;
