-- Topic cells per local day of the tenant's time zone (docs/topics.md "Cells", "Time
-- zone"), as the engagement tables are: `day` is the local date of the cell's messages
-- (analytics_local_time, UTC for a tenant without settings), `time` becomes the UTC
-- instant that local day starts at (retention cuts on it, the key keeps its order), and
-- `day_end` the instant it ends at (the department joined is the author's then).
-- Cells written before this migration are UTC days: the defaults say so.
ALTER TABLE topic_cells
    ADD COLUMN IF NOT EXISTS day Date DEFAULT toDate(time),
    ADD COLUMN IF NOT EXISTS day_end DateTime64(3, 'UTC') DEFAULT time + toIntervalDay(1);

-- The zone the run built the cells in: a run that finds the tenant's zone changed
-- rebuilds all of the tenant's cells. Runs before this migration built UTC days.
ALTER TABLE topic_runs ADD COLUMN IF NOT EXISTS cells_time_zone String DEFAULT 'UTC';
