-- A page of search results (and a thread) shows every version of up to a few hundred
-- messages, spread over the whole archive. message_versions is ordered by time in
-- granules of 8,192 rows, so each message on a page cost the read of a whole granule
-- of text (a phrase's page of 50 hits over a year: 43 granules, a third of a 1M
-- archive's text). This copy holds only what a page shows, ordered by message, in
-- granules of 256 rows: a page reads one small granule per message, with all its
-- versions side by side (no lookup of edit times first).
-- Holds message text and author ids: registered in common/registry/personal-data.ts
-- (erasure deletes and rewrites it with message_versions; retention follows them).
-- POPULATE fills it from the rows stored before this migration (minutes at 10M rows).
CREATE MATERIALIZED VIEW IF NOT EXISTS message_versions_by_message
(
    tenant LowCardinality(String),
    conversation_id String,
    message_id String,
    time DateTime64(3, 'UTC'),
    event_id String,
    kind Enum8('created' = 1, 'edited' = 2),
    conversation_type LowCardinality(String),
    thread_id String,
    author_id String,
    text String,
    mentions Array(String),
    attachments Array(Tuple(name String, mime String, size UInt64, sha256 String))
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, conversation_id, message_id, time, event_id)
SETTINGS index_granularity = 256, min_compress_block_size = 4096, max_compress_block_size = 65536
POPULATE
AS SELECT tenant, conversation_id, message_id, time, event_id, kind, conversation_type, thread_id, author_id, text, mentions, attachments
FROM message_versions;
