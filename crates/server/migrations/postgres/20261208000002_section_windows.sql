-- The section counts (customers of each status whose window is open) are
-- kept as the changes happen, by status and by the quarter hour in which
-- each window ends, in rows of each connection: a writer only ever writes
-- its own rows, so no two writers wait on one. A count is the sum of the
-- quarter hours still to come plus the customers whose window ends within
-- the current one, counted one by one. Housekeeping folds the rows of all
-- connections together and drops quarter hours gone by.
CREATE TABLE section_windows (
    status  TEXT   NOT NULL,
    quarter BIGINT NOT NULL,
    shard   BIGINT NOT NULL,
    n       BIGINT NOT NULL,
    PRIMARY KEY (status, quarter, shard)
);

INSERT INTO section_windows (status, quarter, shard, n)
SELECT status, window_expires_at / 900000, 0, COUNT(*)
FROM users
WHERE window_expires_at IS NOT NULL
GROUP BY status, window_expires_at / 900000;

CREATE FUNCTION count_section_windows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.status IS NOT DISTINCT FROM NEW.status
           AND OLD.window_expires_at / 900000 IS NOT DISTINCT FROM NEW.window_expires_at / 900000 THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.window_expires_at IS NOT NULL THEN
            INSERT INTO section_windows (status, quarter, shard, n)
            VALUES (OLD.status, OLD.window_expires_at / 900000, pg_backend_pid(), -1)
            ON CONFLICT (status, quarter, shard) DO UPDATE SET n = section_windows.n - 1;
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        IF NEW.window_expires_at IS NOT NULL THEN
            INSERT INTO section_windows (status, quarter, shard, n)
            VALUES (NEW.status, NEW.window_expires_at / 900000, pg_backend_pid(), 1)
            ON CONFLICT (status, quarter, shard) DO UPDATE SET n = section_windows.n + 1;
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER users_section_windows
AFTER INSERT OR DELETE OR UPDATE OF status, window_expires_at ON users
FOR EACH ROW EXECUTE FUNCTION count_section_windows();
