-- Search support: key lookups the event tables' (tenant, time, event_id) order cannot
-- answer quickly. Each is a materialized view of message_versions holding ids and
-- times only, no text; POPULATE fills it from the rows stored before this migration.
-- Retention and erasure that delete message_versions rows must delete the matching
-- rows here too (same tenant, conversation_id, message_id).

-- Where the edits of a message are: a page of search results needs the latest text of
-- up to 200 messages, and edits are few but spread over the whole table.
CREATE MATERIALIZED VIEW IF NOT EXISTS message_edit_keys
ENGINE = ReplacingMergeTree
ORDER BY (tenant, message_id, conversation_id, time, event_id)
POPULATE
AS SELECT tenant, message_id, conversation_id, time, event_id
FROM message_versions
WHERE kind = 'edited';

-- Messages by author, newest first: an author's messages are spread over every
-- granule, so the author_id bloom filter cannot skip anything at scale.
CREATE MATERIALIZED VIEW IF NOT EXISTS message_author_keys
ENGINE = ReplacingMergeTree
ORDER BY (tenant, author_id, time, conversation_id, message_id)
POPULATE
AS SELECT tenant, author_id, time, conversation_id, message_id
FROM message_versions
WHERE kind = 'created';
