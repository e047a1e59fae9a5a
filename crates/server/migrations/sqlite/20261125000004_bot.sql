-- The bot's configuration, versioned: every save is a new row (the newest
-- is in force), with who saved it; a rollback saves an old version again.
CREATE TABLE bot_configs (
    id       INTEGER PRIMARY KEY,
    config   TEXT    NOT NULL,
    saved_by INTEGER REFERENCES agents (id),
    saved_at INTEGER NOT NULL,
    note     TEXT    NOT NULL DEFAULT ''
);

-- Fallback replies in a row, for the "escalate after N fallbacks" rule.
ALTER TABLE users ADD COLUMN bot_fallbacks INTEGER NOT NULL DEFAULT 0;
