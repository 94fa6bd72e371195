-- Who may call the API, and the trace every call leaves.
--
-- api_tokens: Custos API tokens. Only sha256(secret) is stored: the secret is 256
-- random bits, so a fast hash is enough (there is nothing to brute-force, unlike a
-- password) and lookups stay one indexed equality. Revocation is a new row with a
-- higher `version` (ReplacingMergeTree keeps the latest); readers use FINAL.
CREATE TABLE IF NOT EXISTS api_tokens
(
    token_id String,
    tenant LowCardinality(String),
    role LowCardinality(String),
    name String,
    secret_sha256 String,
    created_at DateTime64(3, 'UTC'),
    created_by String,
    revoked_at Nullable(DateTime64(3, 'UTC')),
    revoked_by String DEFAULT '',
    version UInt64,
    INDEX idx_secret secret_sha256 TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplacingMergeTree(version)
ORDER BY token_id;

-- audit_log: one row per audited request, an append-only hash chain per tenant.
-- hash = sha256(canonical serialization of the row's fields and prev_hash), see
-- common/audit/canonical.ts. Plain MergeTree, not Replacing: a duplicated or
-- altered row must stay visible to `custos audit verify`, never be merged away.
-- The subject is a keyed pseudonym (subject_ref); the name behind it lives in
-- audit_subjects and can be erased without touching the chain.
CREATE TABLE IF NOT EXISTS audit_log
(
    tenant LowCardinality(String),
    seq UInt64,
    time DateTime64(3, 'UTC'),
    subject_ref String,
    subject_kind LowCardinality(String),
    roles Array(String),
    auth_method LowCardinality(String),
    operation_id LowCardinality(String),
    action LowCardinality(String),
    http_method LowCardinality(String),
    route String,
    params String,
    result_count Nullable(UInt64),
    status UInt16,
    outcome LowCardinality(String),
    ip String,
    user_agent String,
    request_id String,
    prev_hash String,
    hash String,
    INDEX idx_subject subject_ref TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = MergeTree
ORDER BY (tenant, seq);

-- audit_subjects: pseudonym -> who. Erasing a person deletes their row here; the
-- chain keeps only the pseudonym, so it still verifies.
CREATE TABLE IF NOT EXISTS audit_subjects
(
    subject_ref String,
    subject String,
    name String,
    kind LowCardinality(String),
    first_seen DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY subject_ref;

-- secret_keys: keys shared by every instance that uses this store (the audit
-- pseudonym key). The first row written for a name wins (readers take the oldest),
-- so two instances racing to create a key agree on one.
CREATE TABLE IF NOT EXISTS secret_keys
(
    name String,
    key_b64 String,
    created_at DateTime64(6, 'UTC') DEFAULT now64(6),
    nonce String
)
ENGINE = MergeTree
ORDER BY (name, created_at, nonce);
