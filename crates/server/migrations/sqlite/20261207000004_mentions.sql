-- Mentions kept for the person mentioned, so one made while they were away
-- is there when they sign in; read once they looked.
CREATE TABLE mentions (
    id         INTEGER PRIMARY KEY,
    agent_id   INTEGER NOT NULL REFERENCES agents (id),
    message_id INTEGER NOT NULL REFERENCES messages (id),
    at         INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX mentions_of_agent ON mentions (agent_id, id);
