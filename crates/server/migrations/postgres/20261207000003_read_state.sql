-- The customer's messages nobody handling the chat has read yet: counted
-- as they arrive, back to 0 when the agent holding the chat (or anyone,
-- while nobody does) opens it.
ALTER TABLE users ADD COLUMN unread_messages BIGINT NOT NULL DEFAULT 0;
