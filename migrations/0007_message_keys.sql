-- Lookups by message for exports, holds and access requests: the event tables are
-- ordered by (tenant, time, event_id), so "the reactions (deletions, replies) of
-- these messages" would scan everything after the messages' time. These views keep
-- the same rows ordered by conversation and message, so such a lookup reads only the
-- keys it names. POPULATE fills them from the rows stored before this migration.
-- Retention and erasure reach them with their source tables (common/registry).

CREATE MATERIALIZED VIEW IF NOT EXISTS reactions_by_message
ENGINE = ReplacingMergeTree
ORDER BY (tenant, conversation_id, message_id, time, event_id)
POPULATE
AS SELECT tenant, conversation_id, message_id, time, event_id, action, user_id, emoji, origin, ingested_at
FROM reactions;

CREATE MATERIALIZED VIEW IF NOT EXISTS deletions_by_message
ENGINE = ReplacingMergeTree
ORDER BY (tenant, conversation_id, message_id, time, event_id)
POPULATE
AS SELECT tenant, conversation_id, message_id, time, event_id, deleted_by, origin, ingested_at
FROM message_deletions;

-- Replies by thread root: where a thread's replies are, and how many came before a
-- given time (a reply's position), without scanning the conversation.
CREATE MATERIALIZED VIEW IF NOT EXISTS replies_by_thread
ENGINE = ReplacingMergeTree
ORDER BY (tenant, conversation_id, thread_id, time, message_id)
POPULATE
AS SELECT tenant, conversation_id, thread_id, time, message_id, ingested_at
FROM message_versions
WHERE kind = 'created' AND thread_id != '' AND thread_id != message_id;
