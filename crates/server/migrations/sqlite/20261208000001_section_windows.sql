-- The section counts (customers of each status whose window is open) are
-- kept as the changes happen, by status and by the quarter hour in which
-- each window ends (one writer: one shard). A count is the sum of the
-- quarter hours still to come plus the customers whose window ends within
-- the current one, counted one by one. Housekeeping drops quarter hours
-- gone by.
CREATE TABLE section_windows (
    status  TEXT    NOT NULL,
    quarter INTEGER NOT NULL,
    shard   INTEGER NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (status, quarter, shard)
) WITHOUT ROWID;

INSERT INTO section_windows (status, quarter, shard, n)
SELECT status, window_expires_at / 900000, 0, COUNT(*)
FROM users
WHERE window_expires_at IS NOT NULL
GROUP BY status, window_expires_at / 900000;

CREATE TRIGGER users_section_windows_insert AFTER INSERT ON users
WHEN new.window_expires_at IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO section_windows (status, quarter, shard, n)
    VALUES (new.status, new.window_expires_at / 900000, 0, 0);
    UPDATE section_windows SET n = n + 1
    WHERE status = new.status AND quarter = new.window_expires_at / 900000 AND shard = 0;
END;

CREATE TRIGGER users_section_windows_delete AFTER DELETE ON users
WHEN old.window_expires_at IS NOT NULL
BEGIN
    UPDATE section_windows SET n = n - 1
    WHERE status = old.status AND quarter = old.window_expires_at / 900000 AND shard = 0;
END;

CREATE TRIGGER users_section_windows_update AFTER UPDATE OF status, window_expires_at ON users
WHEN old.status IS NOT new.status
  OR old.window_expires_at / 900000 IS NOT new.window_expires_at / 900000
BEGIN
    UPDATE section_windows SET n = n - 1
    WHERE old.window_expires_at IS NOT NULL
      AND status = old.status AND quarter = old.window_expires_at / 900000 AND shard = 0;
    INSERT OR IGNORE INTO section_windows (status, quarter, shard, n)
    SELECT new.status, new.window_expires_at / 900000, 0, 0
    WHERE new.window_expires_at IS NOT NULL;
    UPDATE section_windows SET n = n + 1
    WHERE new.window_expires_at IS NOT NULL
      AND status = new.status AND quarter = new.window_expires_at / 900000 AND shard = 0;
END;
