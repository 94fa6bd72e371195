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
