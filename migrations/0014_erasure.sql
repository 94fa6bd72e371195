-- Erasure (GDPR Art. 17; docs/erasure.md, DESIGN.md "Legal holds, retention, erasure").
-- erased_subjects: the list ingest and the importers consult so that an erased person
-- stays erased (rule 4): one row per identifier the person had (user id, e-mail,
-- display name), kept only as its keyed hash (common/subjects/subject-hash.ts), never
-- in clear. `words` is the number of words of a name (0 for ids and e-mails): ingest
-- hashes only word windows of those lengths when it looks for names in text.
CREATE TABLE IF NOT EXISTS erased_subjects
(
    tenant LowCardinality(String),
    hash String,
    kind LowCardinality(String),
    words UInt8,
    subject_hash String,
    request_id String,
    erased_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, hash);

-- erasure_certificates: the signed certificate of every erasure run that finished
-- (done or waiting on holds): what was removed, counts per table, what was kept and
-- why, the verification. Names the person only by keyed hash and request id.
CREATE TABLE IF NOT EXISTS erasure_certificates
(
    tenant LowCardinality(String),
    request_id String,
    certificate_id String,
    job_id String,
    state LowCardinality(String),
    issued_at DateTime64(3, 'UTC'),
    certificate String,
    key_id String,
    signature String
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, request_id, certificate_id);

-- restricted_records: records of an erased person that an active legal hold kept
-- (rule 1): hidden from every view but the hold's case, excluded from analytics,
-- until the hold is released and the waiting erasure removes them.
CREATE TABLE IF NOT EXISTS restricted_records
(
    tenant LowCardinality(String),
    conversation_id String,
    record_id String,
    family LowCardinality(String),
    hold_id String,
    request_id String,
    restricted_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, conversation_id, record_id, hold_id, request_id);

-- erasure_work: the identifiers (ids, e-mails, the name pattern) of the erasures
-- running now, one partition per request, dropped when the run ends. Mutations find
-- the person through this table instead of carrying the identifiers as literals:
-- ClickHouse keeps every finished mutation's command on disk (mutation_N.txt) long
-- after it ran, and the command must not be where the person's names survive.
CREATE TABLE IF NOT EXISTS erasure_work
(
    tenant LowCardinality(String),
    request_id String,
    kind LowCardinality(String),
    value String
)
ENGINE = MergeTree
PARTITION BY request_id
ORDER BY (tenant, request_id, kind, value);
