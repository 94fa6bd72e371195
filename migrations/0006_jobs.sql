-- Batch jobs (exports, retention, access requests, erasure, metrics, topics): one
-- row per state change, the newest `version` of a job is its state now
-- (ReplacingMergeTree collapses older ones; readers take argMax by version, exact
-- before a merge). `checkpoint` is the kind's own JSON, so a restarted process
-- resumes where the job stopped; `lease_until` tells a job that is running from one
-- whose process died.

CREATE TABLE IF NOT EXISTS jobs
(
    tenant LowCardinality(String),
    job_id String,
    kind LowCardinality(String),
    params String,
    state Enum8('queued' = 1, 'running' = 2, 'done' = 3, 'failed' = 4, 'cancelled' = 5),
    progress_done UInt64,
    progress_total UInt64,
    requested_by String,
    approved_by String,
    created_at DateTime64(3, 'UTC'),
    started_at Nullable(DateTime64(3, 'UTC')),
    finished_at Nullable(DateTime64(3, 'UTC')),
    updated_at DateTime64(3, 'UTC'),
    attempt UInt32,
    cancel_requested UInt8,
    lease_owner String,
    lease_until Nullable(DateTime64(3, 'UTC')),
    checkpoint String,
    result String,
    error String,
    files Array(Tuple(name String, bytes UInt64, sha256 String)),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, job_id);
