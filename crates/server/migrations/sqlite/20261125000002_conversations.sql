-- Agents, sessions, the profile parameters, threads, the audit trail of
-- status changes, and the event log behind live updates.
-- Times are Unix milliseconds, UTC.

CREATE TABLE agents (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('agent', 'manager')),
    password_hash TEXT    NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

-- Only a hash of each session token is stored.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY NOT NULL,
    agent_id   INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_agent ON sessions (agent_id);

-- The seven profile parameters of PRODUCT.md §2 (status, last_active_at
-- and the window were in the first migration).
ALTER TABLE users ADD COLUMN source               TEXT    NOT NULL DEFAULT 'Organic';
ALTER TABLE users ADD COLUMN first_message_tag    TEXT;
ALTER TABLE users ADD COLUMN template_messages    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN session_messages     INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN unresolved_queries   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN assigned_agent_id    INTEGER REFERENCES agents (id);
ALTER TABLE users ADD COLUMN status_changed_at    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_message_preview TEXT;

-- Section lists page by (window_expires_at, wa_id) within a status; the
-- same index answers the counts. History pages over all statuses.
DROP INDEX users_by_section;
CREATE INDEX users_by_section ON users (status, window_expires_at, wa_id);
CREATE INDEX users_by_window ON users (window_expires_at, wa_id);

CREATE TABLE messages (
    id                INTEGER PRIMARY KEY,
    wa_id             TEXT    NOT NULL REFERENCES users (wa_id),
    -- WhatsApp's message id; inbound deliveries are idempotent on it.
    wamid             TEXT    UNIQUE,
    direction         TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    author            TEXT    NOT NULL CHECK (author IN ('user', 'bot', 'agent', 'system')),
    agent_id          INTEGER REFERENCES agents (id),
    kind              TEXT    NOT NULL CHECK (kind IN ('session', 'template', 'system')),
    content_type      TEXT    NOT NULL,
    text              TEXT,
    -- The inbound message object, or the outbound request body, as JSON.
    payload           TEXT,
    template_name     TEXT,
    template_language TEXT,
    template_params   TEXT,
    delivery          TEXT    CHECK (delivery IN ('pending', 'sent', 'delivered', 'read', 'failed')),
    failure_reason    TEXT,
    sent_at           INTEGER NOT NULL,
    created_at        INTEGER NOT NULL
);
CREATE INDEX messages_by_thread ON messages (wa_id, id);
CREATE INDEX messages_to_send ON messages (id) WHERE delivery = 'pending';

-- Status callbacks that arrived before we learned the wamid of our own
-- message (the send's answer can lose the race); applied when it is known.
CREATE TABLE early_statuses (
    wamid  TEXT    NOT NULL,
    status TEXT    NOT NULL,
    error  TEXT,
    at     INTEGER NOT NULL,
    PRIMARY KEY (wamid, status)
);

-- Who moved which chat where, when and why.
CREATE TABLE transitions (
    id          INTEGER PRIMARY KEY,
    wa_id       TEXT    NOT NULL REFERENCES users (wa_id),
    from_status TEXT    NOT NULL,
    to_status   TEXT    NOT NULL,
    actor       TEXT    NOT NULL CHECK (actor IN ('customer', 'bot', 'agent', 'system')),
    agent_id    INTEGER REFERENCES agents (id),
    reason      TEXT    NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX transitions_by_user ON transitions (wa_id, id);

-- Every change the dashboard must see, in commit order. Written in the
-- same transaction as the change; streamed by GET /api/events.
CREATE TABLE events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    payload TEXT    NOT NULL,
    at      INTEGER NOT NULL
);

-- What the sandbox transport "sent" when no Cloud API is configured.
CREATE TABLE sandbox_outbox (
    id      INTEGER PRIMARY KEY,
    wamid   TEXT    NOT NULL,
    payload TEXT    NOT NULL,
    at      INTEGER NOT NULL
);

-- "Never wrote" is window_expires_at = 0 rather than NULL, so that History
-- pages by the same keyset as the sections.
UPDATE users SET window_expires_at = 0 WHERE window_expires_at IS NULL;

-- Message templates (name, language) with their body; `{{n}}` parameters.
CREATE TABLE templates (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    language   TEXT    NOT NULL,
    category   TEXT    NOT NULL CHECK (category IN ('marketing', 'utility', 'authentication')),
    body       TEXT    NOT NULL,
    params     INTEGER NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'approved' CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at INTEGER NOT NULL,
    UNIQUE (name, language)
);
