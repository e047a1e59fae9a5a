-- What customers do to their own messages, and WhatsApp's notices.

-- A customer's message edited (the text is the new one) or deleted (the
-- text is gone).
ALTER TABLE messages ADD COLUMN edited_at INTEGER;
ALTER TABLE messages ADD COLUMN deleted_at INTEGER;

-- WhatsApp's notifications that are not messages (edits, deletions, number
-- changes, …), by their id: Meta retries a delivery, and a notice must be
-- applied once. Kept a week, longer than Meta retries.
CREATE TABLE notices_seen (
    wamid TEXT    PRIMARY KEY NOT NULL,
    at    INTEGER NOT NULL
);
CREATE INDEX notices_seen_by_age ON notices_seen (at);

-- Status callbacks for messages not known yet are kept a while only.
CREATE INDEX early_statuses_by_age ON early_statuses (at);
