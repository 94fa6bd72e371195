-- Ingest throughput (docs/ingest.md, "After the search and analytics merges"): every
-- insert into message_versions built three text indexes, and every merge rebuilt
-- them. The oldest, idx_text (0001: `text` lowercased, split at ASCII separators), is
-- read only by export sets and legal holds, which now find their candidates with the
-- folded index idx_text_norm (0010) and check the exact tokens on those
-- (common/queries/tokens.ts exactTokensCondition): same answers, one index fewer.
ALTER TABLE message_versions DROP INDEX IF EXISTS idx_text;
