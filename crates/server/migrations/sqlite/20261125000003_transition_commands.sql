-- Which command made each change (escalate, intervene, …, window_expired,
-- idle_timeout), so that reports can count missed requests and automatic
-- resolutions without reading the human-readable reason.
ALTER TABLE transitions ADD COLUMN command TEXT NOT NULL DEFAULT '';
CREATE INDEX transitions_by_command ON transitions (command, at);
