-- Templates with a photo, a video or a document at the top (a media
-- header). A manager uploads the file first; the template names it. The
-- file is WhatsApp's sample for the review and what each send carries
-- unless the send names another one.
CREATE TABLE template_media (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('image', 'video', 'document')),
    mime_type    TEXT    NOT NULL,
    filename     TEXT,
    content_hash TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
);
ALTER TABLE templates ADD COLUMN header_media_id INTEGER REFERENCES template_media (id);

-- When an outbound file was uploaded to WhatsApp: its id is good for 30
-- days, so the same file sent again within them (a campaign's header) is
-- not uploaded again.
ALTER TABLE media ADD COLUMN uploaded_at INTEGER;
CREATE INDEX media_uploads ON media (content_hash, uploaded_at) WHERE wa_media_id IS NOT NULL AND direction = 'out';
