-- The inbox as agents work it: a fair queue, a quiet bot while a customer
-- waits, and one search over names, numbers and what customers wrote.

-- The holding message of the current wait in Requesting was sent; cleared
-- by every status change.
ALTER TABLE users ADD COLUMN bot_holding_sent INTEGER NOT NULL DEFAULT 0;

-- Requesting is served longest-waiting first: its list pages by
-- (status_changed_at, wa_id) within the status, and a customer's place in
-- the queue is a range count over the same index.
CREATE INDEX users_by_queue ON users (status, status_changed_at, wa_id);

-- Any run of three or more digits of a number finds its customer, with or
-- without the country code: a trigram index of the numbers. Its rowid is the
-- number itself, as in users_names.
CREATE VIRTUAL TABLE users_numbers USING fts5(number, tokenize = 'trigram');
INSERT INTO users_numbers (rowid, number) SELECT CAST(wa_id AS INTEGER), wa_id FROM users;
CREATE TRIGGER users_numbers_after_insert AFTER INSERT ON users
BEGIN
    INSERT INTO users_numbers (rowid, number) VALUES (CAST(new.wa_id AS INTEGER), new.wa_id);
END;
CREATE TRIGGER users_numbers_after_delete AFTER DELETE ON users
BEGIN
    DELETE FROM users_numbers WHERE rowid = CAST(old.wa_id AS INTEGER);
END;

-- The words customers wrote (their own messages only: never the bot's,
-- an agent's or a status line), for searching by what was said. The index
-- keeps no copy of the text (it stays in `messages`); its rowid is the
-- message's id, so the newest matches come first in rowid order. Prefixes
-- of two to five letters have their own indexes, so a word being typed
-- ("wilt" of "wilted") is one lookup too, never a merge of every word
-- that starts so.
CREATE VIRTUAL TABLE messages_text USING fts5(
    text,
    content = '',
    contentless_delete = 1,
    prefix = '2 3 4 5',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO messages_text (rowid, text)
    SELECT id, text FROM messages WHERE author = 'user' AND text IS NOT NULL;
CREATE TRIGGER messages_text_after_insert AFTER INSERT ON messages
WHEN new.author = 'user' AND new.text IS NOT NULL
BEGIN
    INSERT INTO messages_text (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER messages_text_after_edit AFTER UPDATE OF text ON messages
WHEN new.author = 'user' AND old.text IS NOT new.text
BEGIN
    DELETE FROM messages_text WHERE rowid = old.id;
    INSERT INTO messages_text (rowid, text) SELECT new.id, new.text WHERE new.text IS NOT NULL;
END;
CREATE TRIGGER messages_text_after_delete AFTER DELETE ON messages
WHEN old.author = 'user'
BEGIN
    DELETE FROM messages_text WHERE rowid = old.id;
END;
