-- Nothing lost, nothing sent twice: the sender's claims.

-- A message the sender has taken to send: never taken again. Cleared when
-- its outcome is recorded, or when a stop gives the claim back unused.
ALTER TABLE messages ADD COLUMN claimed_at INTEGER;
