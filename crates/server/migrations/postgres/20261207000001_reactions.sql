-- Reactions: an emoji put on a message, one per person per message (a new
-- one replaces, an empty one removes). `by_agent` is 0 for the customer,
-- else the agent's id. A reaction is never a message of its own.
CREATE TABLE reactions (
    message_id BIGINT NOT NULL REFERENCES messages (id),
    by_agent   BIGINT NOT NULL,
    emoji      TEXT   NOT NULL,
    at         BIGINT NOT NULL,
    PRIMARY KEY (message_id, by_agent)
);

-- Reactions stored before as customers' messages become reactions on the
-- messages they named (the newest per message), and leave the threads.
INSERT INTO reactions (message_id, by_agent, emoji, at)
SELECT target_id, 0, emoji, sent_at FROM (
    SELECT target.id AS target_id, old.emoji, old.sent_at,
           ROW_NUMBER() OVER (PARTITION BY target.id ORDER BY old.sent_at DESC, old.id DESC) AS newest
    FROM (
        SELECT id, wa_id, sent_at,
               payload::jsonb -> 'reaction' ->> 'message_id' AS original,
               payload::jsonb -> 'reaction' ->> 'emoji' AS emoji
        FROM (
            SELECT id, wa_id, sent_at, payload FROM messages
            WHERE content_type = 'reaction' AND direction = 'in' AND payload LIKE '{%'
            OFFSET 0
        ) reaction_rows
    ) old
    JOIN messages target ON target.wamid = old.original AND target.wa_id = old.wa_id
) latest
WHERE newest = 1 AND emoji IS NOT NULL AND emoji <> '';

DELETE FROM messages WHERE content_type = 'reaction' AND direction = 'in';
