-- An agent's daily tools: media both ways, private notes, canned replies,
-- labels and closing reasons.

-- A photo, a voice note, a video, a document or a sticker of a message.
-- Inbound media is fetched from WhatsApp after the webhook is answered;
-- outbound media is uploaded to WhatsApp just before its message is sent.
-- The file is stored under the media folder named by its content's
-- SHA-256 (`content_hash`), never by anything a customer chose.
CREATE TABLE media (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL UNIQUE REFERENCES messages (id),
    direction       TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    kind            TEXT    NOT NULL CHECK (kind IN ('image', 'sticker', 'audio', 'video', 'document')),
    -- WhatsApp's id: given by the webhook (in), or by the upload (out).
    wa_media_id     TEXT,
    mime_type       TEXT    NOT NULL DEFAULT '',
    -- The SHA-256 WhatsApp gave for an inbound file, checked on download.
    expected_sha256 TEXT,
    filename        TEXT,
    caption         TEXT,
    size            INTEGER,
    content_hash    TEXT,
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'ready', 'failed')),
    failure         TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
);
CREATE INDEX media_to_fetch ON media (next_attempt_at) WHERE state = 'pending' AND direction = 'in';

-- Private notes need no table: they are messages of kind 'system' (never
-- sent, never counted) with content type 'note' and the agent who wrote them.

-- Labels on a chat: the current set on the customer (`labels`, a JSON
-- array shown in every list), one row per label to filter by, and every
-- change with who made it and when, for reports.
ALTER TABLE users ADD COLUMN labels TEXT;
CREATE TABLE chat_labels (
    wa_id    TEXT    NOT NULL REFERENCES users (wa_id),
    label    TEXT    NOT NULL,
    PRIMARY KEY (label, wa_id)
) WITHOUT ROWID;
CREATE TABLE label_changes (
    id       INTEGER PRIMARY KEY,
    wa_id    TEXT    NOT NULL REFERENCES users (wa_id),
    label    TEXT    NOT NULL,
    added    INTEGER NOT NULL CHECK (added IN (0, 1)),
    agent_id INTEGER REFERENCES agents (id),
    at       INTEGER NOT NULL
);
CREATE INDEX label_changes_by_time ON label_changes (at);

-- Why chats were closed: the managers' list, whether Resolve must give
-- one, and the reason given, on the transition that closed the chat.
CREATE TABLE closing_reasons (
    id       INTEGER PRIMARY KEY,
    reason   TEXT    NOT NULL UNIQUE,
    position INTEGER NOT NULL
);
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
ALTER TABLE transitions ADD COLUMN closing_reason TEXT;

-- The team's canned replies: a shortcut and a text with {{name}},
-- {{agent}} and {{wa_id}} filled in when inserted.
CREATE TABLE canned_replies (
    id         INTEGER PRIMARY KEY,
    shortcut   TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    text       TEXT    NOT NULL,
    updated_by INTEGER REFERENCES agents (id),
    updated_at INTEGER NOT NULL
);
