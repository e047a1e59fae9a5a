-- Batches of deliveries from several writers create customers at once:
-- the running total of customers is kept in 64 rows, each connection
-- adding to its own (so no two writers wait on one row), and read as
-- their sum.
ALTER TABLE user_totals DROP CONSTRAINT user_totals_id_check;
ALTER TABLE user_totals ADD CONSTRAINT user_totals_id_check CHECK (id BETWEEN 1 AND 64);
INSERT INTO user_totals (id, users) SELECT shard, 0 FROM generate_series(2, 64) AS shard;

CREATE OR REPLACE FUNCTION count_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE user_totals SET users = users + 1 WHERE id = pg_backend_pid() % 64 + 1;
    ELSE
        UPDATE user_totals SET users = users - 1 WHERE id = pg_backend_pid() % 64 + 1;
    END IF;
    RETURN NULL;
END;
$$;
