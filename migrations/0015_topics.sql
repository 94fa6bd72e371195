-- Topic analysis for managers (docs/topics.md): what each message is about, as stems
-- and phrases (never its text), written by the `topics` job, read only in aggregate
-- through the privacy floor. Every row names the analyzer and its version.

-- One row per message: the analysis of its latest version. A later run that sees an
-- edit writes the message again with a higher `run_seq`, so the newest analysis wins
-- (read with FINAL); a deleted message gets a row with `deleted = 1`, which FINAL
-- drops. No partitions: versions of one message must meet in a merge wherever
-- their times fall (a created version arriving after its edit). `terms` are stem keys (folded, accents removed, so they match the search's
-- folded text), `forms` the folded word each one came from (for display), both one
-- entry per distinct term; `phrases` two- and three-word runs of content words, as
-- stem keys joined by a space, `phrase_forms` likewise.
CREATE TABLE IF NOT EXISTS topic_messages
(
    tenant LowCardinality(String),
    conversation_id String,
    message_id String,
    conversation_type LowCardinality(String),
    thread_id String,
    author_id String,
    time DateTime64(3, 'UTC'),
    language LowCardinality(String),
    terms Array(String),
    forms Array(String),
    phrases Array(String),
    phrase_forms Array(String),
    is_question UInt8,
    sentiment Nullable(Float32),
    analyzer LowCardinality(String),
    analyzer_version LowCardinality(String),
    run_seq UInt64,
    deleted UInt8
)
ENGINE = ReplacingMergeTree(run_seq, deleted)
ORDER BY (tenant, conversation_id, message_id);

-- One row per finished run: how far it read (the ingest time of the newest version
-- and deletion it took), so the next run starts after it.
CREATE TABLE IF NOT EXISTS topic_runs
(
    tenant LowCardinality(String),
    run_seq UInt64,
    started_at DateTime64(3, 'UTC'),
    finished_at DateTime64(3, 'UTC'),
    watermark DateTime64(3, 'UTC'),
    full UInt8,
    messages UInt64,
    deletions UInt64,
    analyzer LowCardinality(String),
    analyzer_version LowCardinality(String)
)
ENGINE = MergeTree
ORDER BY (tenant, run_seq);

-- Conversations left out of topic analysis (an objection under GDPR Art. 21, or a
-- policy choice): one row per change, the newest wins. Answers leave an excluded
-- conversation out at once; the next run deletes its rows; lifting the exclusion
-- makes the next run analyse the conversation again from its first message.
CREATE TABLE IF NOT EXISTS topic_exclusions
(
    tenant LowCardinality(String),
    conversation_id String,
    excluded UInt8,
    reason LowCardinality(String),
    note String,
    changed_by String,
    changed_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(changed_at)
ORDER BY (tenant, conversation_id);
