-- What the reports measure, kept on the audit trail in the transaction of
-- the move that ends it: a chat taken from the queue carries how long it
-- waited, a resolve how long the chat had been asking for a person, an
-- intervene how long its agent took to write; a move into Requesting how
-- its wait ended (the command, and after how long). The customer's row
-- keeps what is still open: when the chat last entered Requesting since it
-- was last closed, that move's id, and the intervene still waiting for its
-- first answer.
ALTER TABLE transitions ADD COLUMN waited_ms INTEGER;
ALTER TABLE transitions ADD COLUMN since_request_ms INTEGER;
ALTER TABLE transitions ADD COLUMN first_response_ms INTEGER;
ALTER TABLE transitions ADD COLUMN request_end TEXT;
ALTER TABLE transitions ADD COLUMN request_ms INTEGER;
ALTER TABLE users ADD COLUMN requested_at INTEGER;
ALTER TABLE users ADD COLUMN request_id INTEGER;
ALTER TABLE users ADD COLUMN answer_due_id INTEGER;

-- The trail so far, measured as the reports measured it before.
UPDATE transitions SET waited_ms = at - (
    SELECT MAX(t.at) FROM transitions t
    WHERE t.wa_id = transitions.wa_id AND t.id < transitions.id
      AND t.to_status = 'requesting' AND t.from_status <> 'requesting')
WHERE command = 'intervene' AND from_status = 'requesting';

UPDATE transitions SET since_request_ms = at - (
    SELECT MAX(t.at) FROM transitions t
    WHERE t.wa_id = transitions.wa_id AND t.id < transitions.id
      AND t.to_status = 'requesting' AND t.from_status <> 'requesting'
      AND t.id > COALESCE((SELECT MAX(c.id) FROM transitions c
                           WHERE c.wa_id = transitions.wa_id AND c.id < transitions.id
                             AND c.to_status = 'closed'), 0))
WHERE command = 'resolve';

UPDATE transitions SET first_response_ms = (
    SELECT MIN(m.sent_at) FROM messages m
    WHERE m.wa_id = transitions.wa_id AND m.author = 'agent' AND m.kind <> 'system'
      AND m.sent_at >= transitions.at
      AND m.sent_at < COALESCE((SELECT MIN(n.at) FROM transitions n
                                WHERE n.wa_id = transitions.wa_id AND n.id > transitions.id),
                               9223372036854775807)) - at
WHERE command = 'intervene' AND agent_id IS NOT NULL;

UPDATE transitions SET
    request_end = (SELECT n.command FROM transitions n
                   WHERE n.id = (SELECT MIN(x.id) FROM transitions x
                                 WHERE x.wa_id = transitions.wa_id AND x.id > transitions.id)),
    request_ms = (SELECT n.at FROM transitions n
                  WHERE n.id = (SELECT MIN(x.id) FROM transitions x
                                WHERE x.wa_id = transitions.wa_id AND x.id > transitions.id)) - at
WHERE to_status = 'requesting' AND from_status <> 'requesting';

UPDATE users SET request_id = (
    SELECT MAX(t.id) FROM transitions t
    WHERE t.wa_id = users.wa_id AND t.to_status = 'requesting' AND t.from_status <> 'requesting')
WHERE status = 'requesting';

UPDATE users SET requested_at = (
    SELECT MAX(t.at) FROM transitions t
    WHERE t.wa_id = users.wa_id AND t.to_status = 'requesting' AND t.from_status <> 'requesting'
      AND t.id > COALESCE((SELECT MAX(c.id) FROM transitions c
                           WHERE c.wa_id = users.wa_id AND c.to_status = 'closed'), 0))
WHERE status IN ('requesting', 'intervened');

UPDATE users SET answer_due_id = (
    SELECT i.id FROM transitions i
    WHERE i.wa_id = users.wa_id AND i.command = 'intervene' AND i.first_response_ms IS NULL
      AND i.id = (SELECT MAX(x.id) FROM transitions x WHERE x.wa_id = users.wa_id))
WHERE status = 'intervened';
