-- Customers ("users" in PRODUCT.md). Times are Unix milliseconds, UTC.
CREATE TABLE users (
    wa_id             TEXT    PRIMARY KEY NOT NULL,
    name              TEXT    NOT NULL DEFAULT '',
    status            TEXT    NOT NULL DEFAULT 'active'
                      CHECK (status IN ('active', 'requesting', 'intervened', 'closed')),
    -- Time of the user's last inbound message; NULL if they never wrote.
    last_active_at    INTEGER,
    -- End of the customer-service window; NULL if it never opened.
    window_expires_at INTEGER,
    created_at        INTEGER NOT NULL
);

-- Section counts and lists: one range scan per status over open windows.
CREATE INDEX users_by_section ON users (status, window_expires_at);

-- Running totals kept by triggers, so that no request counts the whole table.
CREATE TABLE user_totals (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    users INTEGER NOT NULL
);
INSERT INTO user_totals (id, users) VALUES (1, 0);

CREATE TRIGGER users_total_after_insert AFTER INSERT ON users
BEGIN
    UPDATE user_totals SET users = users + 1 WHERE id = 1;
END;

CREATE TRIGGER users_total_after_delete AFTER DELETE ON users
BEGIN
    UPDATE user_totals SET users = users - 1 WHERE id = 1;
END;
