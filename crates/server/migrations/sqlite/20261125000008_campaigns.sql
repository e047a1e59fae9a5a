-- API tokens and campaigns (PRODUCT.md §4: systems with bearer tokens).

-- A token is shown once; only its SHA-256 is kept.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_by   INTEGER NOT NULL REFERENCES agents (id),
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);

-- A campaign: one approved template sent to many recipients. The same
-- idempotency key never makes a second campaign. `refused` is a JSON array
-- of {index, phone, reason} for recipients that were not queued.
CREATE TABLE campaigns (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    template_name   TEXT    NOT NULL,
    language        TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL UNIQUE,
    token_id        INTEGER NOT NULL REFERENCES api_tokens (id),
    queued          INTEGER NOT NULL,
    refused         TEXT    NOT NULL DEFAULT '[]',
    created_at      INTEGER NOT NULL
);

-- A campaign's messages go through the outbox like every other message;
-- its funnel is their delivery states.
ALTER TABLE messages ADD COLUMN campaign_id INTEGER REFERENCES campaigns (id);
CREATE INDEX messages_by_campaign ON messages (campaign_id, delivery) WHERE campaign_id IS NOT NULL;

-- The sender takes the people's messages (agents, the bot) before any
-- campaign's, so a large campaign never holds up a live chat.
DROP INDEX messages_to_send;
CREATE INDEX messages_to_send ON messages ((campaign_id IS NOT NULL), id) WHERE delivery = 'pending';
