-- First-message tag rules (PRODUCT.md §2). `tagged` counts the customers
-- each rule has tagged; it is kept in the transaction that tags them.
CREATE TABLE tag_rules (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('exact', 'prefix', 'regex', 'referral')),
    pattern    TEXT    NOT NULL,
    tag        TEXT    NOT NULL,
    priority   INTEGER NOT NULL,
    tagged     INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX tag_rules_in_order ON tag_rules (priority, id);
