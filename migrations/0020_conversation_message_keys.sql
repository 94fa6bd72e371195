-- The context of an access package (others' messages around the person's own in the
-- same conversation, docs/subject-requests.md) is picked by position in the
-- conversation. message_versions is ordered by time, so every granule holds messages
-- of every conversation: at 10M messages, picking the window read all of them, then
-- grouped and sorted the person's conversations (most of the job's time). This view
-- keeps the created messages' keys, times and authors (no text) in conversation
-- order, so the read takes only the person's conversations, already in the window's
-- order. POPULATE fills it from the rows stored before this migration. Retention and
-- erasure reach it with message_versions (common/registry/personal-data.ts).
CREATE MATERIALIZED VIEW IF NOT EXISTS conversation_message_keys
ENGINE = ReplacingMergeTree
ORDER BY (tenant, conversation_id, time, message_id)
POPULATE
AS SELECT tenant, conversation_id, time, message_id, author_id, ingested_at
FROM message_versions
WHERE kind = 'created';
