-- sessions: browser sessions kept server-side (api/auth/session-store.ts). The
-- cookie holds only `css_<session_id>_<secret>`; only sha256 of the whole value is
-- stored, like api_tokens. The row keeps the principal (roles per tenant, MFA time),
-- the ID token (for the IdP's id_token_hint at logout) and the raw amr/acr, so the
-- number of groups no longer matters to the browser. Revocation (logout, an admin)
-- is a new row with a higher `version`; readers use FINAL. Rows go a day after
-- they expire (TTL): an expired session is of no use to anyone.
CREATE TABLE IF NOT EXISTS sessions
(
    session_id String,
    secret_sha256 String,
    subject String,
    name String,
    tenants Array(String),
    principal String,
    id_token String,
    amr Array(String),
    acr String,
    auth_time Nullable(UInt64),
    no_role_reason LowCardinality(String) DEFAULT '',
    ip String,
    user_agent String,
    created_at DateTime64(3, 'UTC'),
    expires_at DateTime64(3, 'UTC'),
    revoked_at Nullable(DateTime64(3, 'UTC')),
    revoked_by String DEFAULT '',
    revoke_reason LowCardinality(String) DEFAULT '',
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY session_id
TTL toDateTime(expires_at) + INTERVAL 1 DAY;

-- audit_checkpoints: every signed checkpoint of a tenant's audit chain head that
-- common/audit/checkpoint-publisher.ts published (to a directory and/or a Kafka
-- topic: those copies, outside the store, are what `custos audit verify
-- --checkpoints` trusts). Kept here too so GET /v1/tenants/{t}/audit/checkpoints can
-- serve them, and so a restarted publisher knows the last one. Only sequence numbers,
-- hashes, times and signatures: nothing about people.
CREATE TABLE IF NOT EXISTS audit_checkpoints
(
    tenant LowCardinality(String),
    seq UInt64,
    hash String,
    time DateTime64(3, 'UTC'),
    key_id String,
    signature String
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, seq);
