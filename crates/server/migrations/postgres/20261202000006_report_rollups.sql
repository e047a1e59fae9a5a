-- The reports' figures summed as they happen, in the transaction of the
-- change that makes them, so a report reads a few rows per quarter hour or
-- day instead of every move of the range (`store::rollups`).
--
-- Counts per quarter hour (`bucket` = at / 900000): `figure` names what is
-- counted, `agent_id` whose (0: nobody's), `reason` the escalation cause or
-- closing reason ('' for none).
CREATE TABLE report_counts (
    bucket   BIGINT NOT NULL,
    figure   TEXT    NOT NULL,
    agent_id BIGINT NOT NULL,
    reason   TEXT    NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (bucket, figure, agent_id, reason)
);
-- Durations per day (`day` = at / 86400000, UTC) in whole seconds, with how
-- many took that long; a range's partial days are read from the trail.
CREATE TABLE report_durations (
    day      BIGINT NOT NULL,
    figure   TEXT    NOT NULL,
    agent_id BIGINT NOT NULL,
    reason   TEXT    NOT NULL,
    seconds  BIGINT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (day, figure, agent_id, reason, seconds)
);
-- The quarter hours each customer moved into Requesting in (not by an
-- agent), chained like `customer_activity`.
CREATE TABLE customer_escalations (
    wa_id       TEXT COLLATE "C" NOT NULL REFERENCES users (wa_id),
    bucket      BIGINT NOT NULL,
    prev_bucket BIGINT,
    PRIMARY KEY (wa_id, bucket)
);
CREATE INDEX customer_escalations_by_time ON customer_escalations (bucket, prev_bucket);
CREATE INDEX customer_escalations_by_prev ON customer_escalations (prev_bucket, bucket);
CREATE INDEX customer_activity_by_prev ON customer_activity (prev_bucket, bucket);
-- The rows of those two chains (`chain`: 'wrote' or 'escalated') counted
-- per quarter hour by how many quarter hours back their previous lies
-- (`gap`, 96 for a day or more or none), and per day by the day of their
-- previous (`prev_day`, -1 for none).
CREATE TABLE customer_counts_quarterly (
    chain  TEXT    NOT NULL,
    bucket BIGINT NOT NULL,
    gap    BIGINT NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (chain, bucket, gap)
);
CREATE TABLE customer_counts_daily (
    chain    TEXT    NOT NULL,
    day      BIGINT NOT NULL,
    prev_day BIGINT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (chain, day, prev_day)
);
-- The same figures by customer trait (`trait`: 'tag', 'source' or 'label';
-- `value` '' for none, a customer with labels under each), per day, as the
-- customers have them now: a customer's figures move when theirs change.
CREATE TABLE trait_counts (
    trait  TEXT    NOT NULL,
    value  TEXT    NOT NULL,
    day    BIGINT NOT NULL,
    figure TEXT    NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (trait, day, value, figure)
);
CREATE TABLE trait_durations (
    trait   TEXT    NOT NULL,
    value   TEXT    NOT NULL,
    day     BIGINT NOT NULL,
    figure  TEXT    NOT NULL,
    seconds BIGINT NOT NULL,
    n       BIGINT NOT NULL,
    PRIMARY KEY (trait, day, value, figure, seconds)
);
CREATE TABLE trait_customers_daily (
    trait    TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    chain    TEXT    NOT NULL,
    day      BIGINT NOT NULL,
    prev_day BIGINT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (trait, chain, day, value, prev_day)
);
CREATE INDEX chat_labels_by_user ON chat_labels (wa_id, label);
-- A range's partial days read the moves into Requesting from the index alone.
DROP INDEX transitions_entering;
CREATE INDEX transitions_entering
    ON transitions (to_status, at, from_status, wa_id, actor, cause, request_end, request_ms);
CREATE INDEX csat_surveys_asked ON csat_surveys (asked_at);
-- Filled from the trail by the server when it next starts.
INSERT INTO settings (key, value) VALUES ('report_rollups', 'rebuild')
ON CONFLICT (key) DO UPDATE SET value = 'rebuild';
