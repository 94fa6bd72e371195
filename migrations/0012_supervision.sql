-- Communication supervision (docs/supervision.md).
--
-- supervision_policies: one row per version of a policy; a change is a new version,
-- never an update, so what flagged an item can always be read back. `definition`
-- is the policy's JSON (common/supervision/policy-model.ts), sampling seed included.
CREATE TABLE IF NOT EXISTS supervision_policies
(
    tenant LowCardinality(String),
    policy_id String,
    version UInt32,
    name String,
    enabled UInt8,
    definition String,
    created_by String,
    created_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, policy_id, version);

-- The review queue: one item per policy version and message version that matched
-- (item_id is a hash of both, so a Kafka replay writes the same item). Ingest writes
-- an item with version 0; every review action writes the item again with a higher
-- version, so the newest state wins (read with FINAL) and a replay's copy never
-- undoes a review. `matches` holds the lexicon entries and their offsets in the
-- text, never the matched text itself (it may be a secret).
CREATE TABLE IF NOT EXISTS supervision_items
(
    tenant LowCardinality(String),
    item_id String,
    policy_id String,
    policy_version UInt32,
    policy_name String,
    severity Enum8('low' = 1, 'medium' = 2, 'high' = 3),
    event_id String,
    message_id String,
    conversation_id String,
    conversation_type LowCardinality(String),
    thread_id String,
    author_id String,
    message_time DateTime64(3, 'UTC'),
    version_kind Enum8('created' = 1, 'edited' = 2),
    matches String,
    flagged_at DateTime64(3, 'UTC') DEFAULT now64(3),
    state Enum8('pending' = 1, 'resolved' = 2, 'false_positive' = 3, 'escalated' = 4),
    tag Enum8('' = 0, 'compliant' = 1, 'non_compliant' = 2, 'questionable' = 3),
    comment String,
    escalation_case String,
    updated_by String,
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, item_id);

-- Every action on an item (opened, reviewed, escalated, ...): who (audit pseudonym),
-- what, when. FINRA 3110.07 asks for evidence of review; this is it, beside the
-- audit log's entry for the same request.
CREATE TABLE IF NOT EXISTS supervision_actions
(
    tenant LowCardinality(String),
    item_id String,
    action_id String,
    action LowCardinality(String),
    state String,
    tag String,
    comment String,
    escalation_case String,
    actor String,
    time DateTime64(3, 'UTC'),
    -- the flagged message's keys and time: retention and legal holds reach an item's
    -- review history as they reach the message itself
    conversation_id String,
    message_id String,
    message_time DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, item_id, time, action_id);
