-- Each API token has idempotency keys of its own: two integrations that
-- both say "order-42" start two campaigns. The unique column now holds the
-- key qualified by its token ("<token id>:<key>"); `client_key` keeps the
-- key as the integration sent it.
ALTER TABLE campaigns ADD COLUMN client_key TEXT NOT NULL DEFAULT '';
UPDATE campaigns SET client_key = idempotency_key, idempotency_key = token_id || ':' || idempotency_key;
