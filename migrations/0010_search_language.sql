-- The search language (docs/search.md): every version's text folded for case- and
-- accent-insensitive matching, in its own column with its own text index, so
-- `reunion` finds "Réunion" through the index. MATERIALIZED: the store computes it
-- at insert, ingest writes nothing new. Folding: lowercase, NFKD, nonspacing marks
-- dropped, every run of characters that are not letters, digits or marks replaced
-- by one space, and a space at both ends (so a phrase is a substring check of
-- ' w1 w2 '). common/queries/search-query/fold.ts folds query words the same way
-- (TEXT_NORM_SQL there must equal the expression below; a test checks it).
-- The index has no preprocessor: text_norm is already folded.
-- Existing rows get the column and the index here (synchronous mutations: on a
-- large archive this migration rewrites one column and builds one index, minutes
-- at 10M rows; the old `idx_text` stays for exact-token users such as exports).

ALTER TABLE message_versions ADD COLUMN IF NOT EXISTS text_norm String MATERIALIZED concat(' ', replaceRegexpAll(replaceRegexpAll(normalizeUTF8NFKD(lowerUTF8(text)), '\\p{Mn}', ''), '[^\\p{L}\\p{N}\\p{M}]+', ' '), ' ');

ALTER TABLE message_versions ADD INDEX IF NOT EXISTS idx_text_norm text_norm TYPE text(tokenizer = 'splitByNonAlpha');

ALTER TABLE message_versions MATERIALIZE COLUMN text_norm SETTINGS mutations_sync = 2;

ALTER TABLE message_versions MATERIALIZE INDEX idx_text_norm SETTINGS mutations_sync = 2;

-- Phrases: every pair of consecutive folded words as one token ("release·plan"; the
-- middle dot folds to a separator, so it is never inside a word), with its own text
-- index. A two-word phrase is then one exact index lookup, a longer one the lookup
-- of its pairs plus a substring check of the few candidates, instead of reading
-- text_norm wherever both words occur.
ALTER TABLE message_versions ADD COLUMN IF NOT EXISTS text_pairs String MATERIALIZED arrayStringConcat(arrayMap((a, b) -> concat(a, '·', b), arrayPopBack(splitByChar(' ', trimBoth(text_norm))), arrayPopFront(splitByChar(' ', trimBoth(text_norm)))), ' ');

ALTER TABLE message_versions ADD INDEX IF NOT EXISTS idx_text_pairs text_pairs TYPE text(tokenizer = 'splitByNonAlpha');

ALTER TABLE message_versions MATERIALIZE COLUMN text_pairs SETTINGS mutations_sync = 2;

ALTER TABLE message_versions MATERIALIZE INDEX idx_text_pairs SETTINGS mutations_sync = 2;

-- The texts of edits alone (a few percent of the versions), with the same folded
-- columns and indexes: a word search first finds the messages whose EDITS match
-- (words match any version), which on message_versions meant a text-index lookup over
-- every version of the tenant and a read of the candidates' text. Holds message
-- text: registered in common/registry/personal-data.ts; retention and erasure delete
-- its rows with their message_versions rows (same tenant, conversation_id, message_id).
CREATE MATERIALIZED VIEW IF NOT EXISTS message_edit_texts
(
    tenant LowCardinality(String),
    time DateTime64(3, 'UTC'),
    event_id String,
    conversation_id String,
    message_id String,
    text String,
    text_norm String,
    text_pairs String,
    INDEX idx_text_norm text_norm TYPE text(tokenizer = 'splitByNonAlpha'),
    INDEX idx_text_pairs text_pairs TYPE text(tokenizer = 'splitByNonAlpha')
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, time, event_id)
POPULATE
AS SELECT tenant, time, event_id, conversation_id, message_id, text, text_norm, text_pairs
FROM message_versions
WHERE kind = 'edited';
