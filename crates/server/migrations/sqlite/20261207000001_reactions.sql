-- Reactions: an emoji put on a message, one per person per message (a new
-- one replaces, an empty one removes). `by_agent` is 0 for the customer,
-- else the agent's id. A reaction is never a message of its own.
CREATE TABLE reactions (
    message_id INTEGER NOT NULL REFERENCES messages (id),
    by_agent   INTEGER NOT NULL,
    emoji      TEXT    NOT NULL,
    at         INTEGER NOT NULL,
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
               CASE WHEN json_valid(payload) THEN json_extract(payload, '$.reaction.message_id') END AS original,
               CASE WHEN json_valid(payload) THEN json_extract(payload, '$.reaction.emoji') END AS emoji
        FROM messages WHERE content_type = 'reaction' AND direction = 'in'
    ) old
    JOIN messages target ON target.wamid = old.original AND target.wa_id = old.wa_id
) latest
WHERE newest = 1 AND emoji IS NOT NULL AND emoji <> '';

DELETE FROM messages WHERE content_type = 'reaction' AND direction = 'in';
