-- Legal holds and retention (docs/retention.md). Every table here is registered in
-- common/registry/personal-data.ts.

-- legal_holds: one row per change of a hold (created, released); the newest
-- `version` is the hold now (readers take argMax by version, exact before a merge).
-- The scope narrows: custodians AND conversations AND time range AND words, each
-- only when given. People are named by their platform user ids; who created or
-- released the hold by audit pseudonym.
CREATE TABLE IF NOT EXISTS legal_holds
(
    tenant LowCardinality(String),
    hold_id String,
    case_name String,
    reason String,
    custodians Array(String),
    conversations Array(String),
    from_time Nullable(DateTime64(3, 'UTC')),
    to_time Nullable(DateTime64(3, 'UTC')),
    words String,
    created_by String,
    created_at DateTime64(3, 'UTC'),
    released_by String,
    released_at Nullable(DateTime64(3, 'UTC')),
    release_reason String,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, hold_id);

-- retention_policies: every PUT is a new version; the highest version is the policy
-- now, older ones say what a past run applied (receipts name the version).
CREATE TABLE IF NOT EXISTS retention_policies
(
    tenant LowCardinality(String),
    version UInt64,
    policy String,
    set_by String,
    set_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, version);

-- retention_receipts: the signed record of each real retention run (counts, cut-off
-- times, partitions, holds, statement ids; never message text). `receipt` is the
-- canonical JSON that `signature` (Ed25519, base64) signs with the tenant's key.
CREATE TABLE IF NOT EXISTS retention_receipts
(
    tenant LowCardinality(String),
    receipt_id String,
    job_id String,
    policy_version UInt64,
    started_at DateTime64(3, 'UTC'),
    finished_at DateTime64(3, 'UTC'),
    receipt String,
    key_id String,
    signature String
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, receipt_id);

-- audit_chain_starts: when retention removes the expired start of a tenant's audit
-- chain, the last removed entry's seq and hash, signed with the tenant's key, become
-- the chain's new start; `custos audit verify` starts from the newest one.
CREATE TABLE IF NOT EXISTS audit_chain_starts
(
    tenant LowCardinality(String),
    seq UInt64,
    hash String,
    entry_time DateTime64(3, 'UTC'),
    created_at DateTime64(3, 'UTC'),
    key_id String,
    public_key String,
    signature String
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, seq);
