-- The running total of customers in a row per connection (its backend's
-- pid + 1; row 1 holds what housekeeping folds in): with a fixed number of
-- rows, two connections sometimes shared one and each batch creating
-- customers waited for the other's commit.
ALTER TABLE user_totals DROP CONSTRAINT user_totals_id_check;
UPDATE user_totals SET users = (SELECT SUM(users) FROM user_totals) WHERE id = 1;
DELETE FROM user_totals WHERE id <> 1;

CREATE OR REPLACE FUNCTION count_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_totals (id, users)
    VALUES (pg_backend_pid() + 1, CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END)
    ON CONFLICT (id) DO UPDATE SET users = user_totals.users + excluded.users;
    RETURN NULL;
END;
$$;
