-- The message a message answers, by WhatsApp's id (`context.id` of a
-- customer's reply, `context.message_id` of ours): the thread shows it
-- quoted above the reply, or says it is not stored here.
ALTER TABLE messages ADD COLUMN reply_to_wamid TEXT;

-- A failed message of ours sent again is a new message; the failed one
-- names it.
ALTER TABLE messages ADD COLUMN resent_as BIGINT;
