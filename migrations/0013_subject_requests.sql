-- Data subject requests (GDPR Art. 15 access, Art. 17 erasure; docs/subject-requests.md).
-- subject_requests: one row per change of a request (opened, identifiers confirmed,
-- extended, approved, job started, waiting on holds, done...). Rows are never replaced,
-- so every version is the request's history; the newest `version` is the request now.
-- `subject_ref` is what the DPO typed (user id or e-mail) and the identifier arrays what
-- Custos resolved; once an erasure completes they are replaced by the keyed hash
-- (`subject_hash`) in every version, so the request stays as proof without naming the
-- person. People acting on the request are named by audit pseudonym.
CREATE TABLE IF NOT EXISTS subject_requests
(
    tenant LowCardinality(String),
    request_id String,
    version UInt64,
    type LowCardinality(String),
    state LowCardinality(String),
    change LowCardinality(String),
    subject_ref String,
    subject_hash String,
    user_ids Array(String),
    emails Array(String),
    display_names Array(String),
    received_at DateTime64(3, 'UTC'),
    due_at DateTime64(3, 'UTC'),
    person_told_at Nullable(DateTime64(3, 'UTC')),
    opened_by String,
    approved_by String,
    approved_at Nullable(DateTime64(3, 'UTC')),
    job_ids Array(String),
    note String,
    changed_by String,
    changed_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (tenant, request_id, version);
