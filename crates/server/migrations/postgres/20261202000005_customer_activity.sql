-- Which customers wrote when, by quarter hour: one row per customer per
-- quarter hour they wrote in (`bucket` = sent_at / 900000), with the
-- customer's previous such quarter hour. Written with each message in its
-- own transaction. A range of whole quarter hours counts the customers who
-- wrote in it without a DISTINCT: each counts once, at their first quarter
-- hour in the range, the one whose previous lies before it.
CREATE TABLE customer_activity (
    wa_id       TEXT COLLATE "C" NOT NULL REFERENCES users (wa_id),
    bucket      BIGINT NOT NULL,
    prev_bucket BIGINT,
    PRIMARY KEY (wa_id, bucket)
);
CREATE INDEX customer_activity_by_time ON customer_activity (bucket, prev_bucket);

INSERT INTO customer_activity (wa_id, bucket, prev_bucket)
SELECT wa_id, bucket, LAG(bucket) OVER (PARTITION BY wa_id ORDER BY bucket)
FROM (SELECT DISTINCT wa_id, sent_at / 900000 AS bucket FROM messages WHERE author = 'user') AS wrote;

-- Moves into Requesting by time, with what the reports read of them
-- (where from, whose), so counting them reads the index alone.
CREATE INDEX transitions_entering ON transitions (to_status, at, from_status, wa_id);
-- The durations measured on lifecycle moves, by command and time, read
-- from the index alone.
CREATE INDEX transitions_durations
    ON transitions (command, at, waited_ms, since_request_ms, first_response_ms, agent_id);
