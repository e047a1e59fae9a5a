-- Templates as managers write them (PRODUCT.md §3): optional header and
-- footer, buttons (JSON), and why a template was rejected. New templates are
-- inserted as 'pending' and reviewed (in sandbox mode by a manager,
-- otherwise by WhatsApp).
ALTER TABLE templates ADD COLUMN header           TEXT;
ALTER TABLE templates ADD COLUMN footer           TEXT;
ALTER TABLE templates ADD COLUMN buttons          TEXT NOT NULL DEFAULT '[]';
ALTER TABLE templates ADD COLUMN rejection_reason TEXT;
ALTER TABLE templates ADD COLUMN updated_at       INTEGER NOT NULL DEFAULT 0;
