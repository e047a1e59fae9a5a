-- Customer satisfaction: one survey per resolve that asked (never two),
-- its answer, and the customer's latest rating kept on their row for the
-- profile. Why the bot escalated, as a stable name for the reports. The
-- managers' audit trail of who changed what.
CREATE TABLE csat_surveys (
    id          INTEGER PRIMARY KEY,
    wa_id       TEXT    NOT NULL REFERENCES users (wa_id),
    agent_id    INTEGER REFERENCES agents (id),
    resolve_id  INTEGER NOT NULL UNIQUE REFERENCES transitions (id),
    scale       TEXT    NOT NULL CHECK (scale IN ('one_to_five', 'thumbs')),
    channel     TEXT    NOT NULL CHECK (channel IN ('interactive', 'template')),
    asked_at    INTEGER NOT NULL,
    score       INTEGER,
    answered_at INTEGER
);
CREATE INDEX csat_answers_by_time ON csat_surveys (answered_at) WHERE answered_at IS NOT NULL;
CREATE INDEX csat_surveys_by_user ON csat_surveys (wa_id, id);

ALTER TABLE users ADD COLUMN csat_score INTEGER;
ALTER TABLE users ADD COLUMN csat_scale TEXT;
ALTER TABLE users ADD COLUMN csat_agent_id INTEGER REFERENCES agents (id);
ALTER TABLE users ADD COLUMN csat_answered_at INTEGER;

ALTER TABLE transitions ADD COLUMN cause TEXT;

CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    agent_id INTEGER REFERENCES agents (id),
    action   TEXT    NOT NULL,
    subject  TEXT    NOT NULL,
    detail   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_time ON audit_log (at, id);
-- What agents did to chats before the trail existed.
INSERT INTO audit_log (at, agent_id, action, subject, detail)
SELECT at, agent_id, command, wa_id, reason FROM transitions
WHERE actor = 'agent' AND command IN ('intervene', 'resolve', 'release', 'transfer')
ORDER BY id;
