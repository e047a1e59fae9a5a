-- The reports' rollups are added to by batches of deliveries on several
-- connections at once: each connection sharing the write turn adds to rows
-- of its own (`shard`: its backend's pid; 0 for a writer alone and for
-- the rows housekeeping folds the others into), so no two writers wait on
-- one row, and the figures are read as the rows' sum.
ALTER TABLE report_counts ADD COLUMN shard INT NOT NULL DEFAULT 0;
ALTER TABLE report_counts DROP CONSTRAINT report_counts_pkey;
ALTER TABLE report_counts ADD PRIMARY KEY (bucket, figure, agent_id, reason, shard);

ALTER TABLE report_durations ADD COLUMN shard INT NOT NULL DEFAULT 0;
ALTER TABLE report_durations DROP CONSTRAINT report_durations_pkey;
ALTER TABLE report_durations ADD PRIMARY KEY (day, figure, agent_id, reason, seconds, shard);

ALTER TABLE customer_counts_quarterly ADD COLUMN shard INT NOT NULL DEFAULT 0;
ALTER TABLE customer_counts_quarterly DROP CONSTRAINT customer_counts_quarterly_pkey;
ALTER TABLE customer_counts_quarterly ADD PRIMARY KEY (chain, bucket, gap, shard);

ALTER TABLE customer_counts_daily ADD COLUMN shard INT NOT NULL DEFAULT 0;
ALTER TABLE customer_counts_daily DROP CONSTRAINT customer_counts_daily_pkey;
ALTER TABLE customer_counts_daily ADD PRIMARY KEY (chain, day, prev_day, shard);

ALTER TABLE trait_counts ADD COLUMN shard INT NOT NULL DEFAULT 0;
ALTER TABLE trait_counts DROP CONSTRAINT trait_counts_pkey;
ALTER TABLE trait_counts ADD PRIMARY KEY (trait, day, value, figure, shard);

ALTER TABLE trait_durations ADD COLUMN shard INT NOT NULL DEFAULT 0;
ALTER TABLE trait_durations DROP CONSTRAINT trait_durations_pkey;
ALTER TABLE trait_durations ADD PRIMARY KEY (trait, day, value, figure, seconds, shard);

ALTER TABLE trait_customers_daily ADD COLUMN shard INT NOT NULL DEFAULT 0;
ALTER TABLE trait_customers_daily DROP CONSTRAINT trait_customers_daily_pkey;
ALTER TABLE trait_customers_daily ADD PRIMARY KEY (trait, chain, day, value, prev_day, shard);
