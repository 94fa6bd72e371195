-- The archive of record: one table per event family, one row per accepted event.
-- Every table is keyed by (tenant, time, event_id): tenant isolation first, time
-- ranges next (search and retention are time-bounded), the event id last so a
-- ReplacingMergeTree collapses any duplicate that slipped past ingest's seen-id
-- check. Monthly partitions make retention a partition-bounded delete.
-- `origin` says where a row came from (kafka topic/partition/offset or import file#line).

CREATE TABLE IF NOT EXISTS message_versions
(
    tenant LowCardinality(String),
    event_id String,
    source LowCardinality(String),
    time DateTime64(3, 'UTC'),
    kind Enum8('created' = 1, 'edited' = 2),
    message_id String,
    conversation_id String,
    conversation_type LowCardinality(String),
    thread_id String,
    author_id String,
    text String,
    mentions Array(String),
    attachments Array(Tuple(name String, mime String, size UInt64, sha256 String)),
    extra String,
    origin String,
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_text text TYPE text(tokenizer = 'splitByNonAlpha', preprocessor = lowerUTF8(text)),
    INDEX idx_message message_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_conversation conversation_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_author author_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_thread thread_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_event event_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (tenant, time, event_id);

CREATE TABLE IF NOT EXISTS message_deletions
(
    tenant LowCardinality(String),
    event_id String,
    source LowCardinality(String),
    time DateTime64(3, 'UTC'),
    message_id String,
    conversation_id String,
    deleted_by String,
    extra String,
    origin String,
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_message message_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (tenant, time, event_id);

CREATE TABLE IF NOT EXISTS reactions
(
    tenant LowCardinality(String),
    event_id String,
    source LowCardinality(String),
    time DateTime64(3, 'UTC'),
    action Enum8('added' = 1, 'removed' = 2),
    message_id String,
    conversation_id String,
    user_id String,
    emoji String,
    extra String,
    origin String,
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_message message_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (tenant, time, event_id);

CREATE TABLE IF NOT EXISTS calls
(
    tenant LowCardinality(String),
    event_id String,
    source LowCardinality(String),
    time DateTime64(3, 'UTC'),
    phase Enum8('started' = 1, 'ended' = 2),
    call_id String,
    conversation_id String,
    initiator_id String,
    call_kind LowCardinality(String),
    participants Array(String),
    duration_s UInt32,
    extra String,
    origin String,
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_call call_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (tenant, time, event_id);

CREATE TABLE IF NOT EXISTS app_invocations
(
    tenant LowCardinality(String),
    event_id String,
    source LowCardinality(String),
    time DateTime64(3, 'UTC'),
    app_id String,
    user_id String,
    conversation_id String,
    command String,
    extra String,
    origin String,
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (tenant, time, event_id);

-- Admin events keep their whole validated `data` as JSON text: the directory views
-- below read it, and a field added to an admin event later needs no new column.
CREATE TABLE IF NOT EXISTS admin_events
(
    tenant LowCardinality(String),
    event_id String,
    source LowCardinality(String),
    time DateTime64(3, 'UTC'),
    type LowCardinality(String),
    user_id String,
    conversation_id String,
    app_id String,
    actor_id String,
    data String,
    extra String,
    origin String,
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_user user_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_conversation conversation_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (tenant, time, event_id);
