-- Topic cells (docs/topics.md "Cells"): the per-message analysis of topic_messages
-- summed per UTC day, conversation and author, so the answers read cells instead of
-- messages. Keyed by the author (not their department): the department is joined at
-- read time from the directory's history (as of the end of the cell's day), so a
-- directory change reaches the answers without a rebuild, and distinct authors stay
-- exact (uniqExact over the authors of the cells). Erasing a person deletes their rows
-- (author_id), which removes exactly their contribution.
--
-- `kind`: 'message' (one row per day, conversation and author: messages, questions,
-- rated messages, the sum of their sentiment), 'term' and 'phrase' (one row per term
-- or phrase and the form it was written in: messages holding it), 'question-term'
-- (likewise, questions only: training needs).
-- `time` is the start of the UTC day. The run rebuilds the cells of every
-- (conversation, day) it touched from topic_messages FINAL, so edits, deletions and
-- exclusions replace what they change and an incremental run gives the full run's cells.
CREATE TABLE IF NOT EXISTS topic_cells
(
    tenant LowCardinality(String),
    time DateTime64(3, 'UTC'),
    conversation_id String,
    author_id String,
    kind LowCardinality(String),
    term String,
    form String,
    messages UInt32,
    questions UInt32,
    rated UInt32,
    sentiment_sum Float64
)
ENGINE = MergeTree
ORDER BY (tenant, kind, time, conversation_id, author_id, term, form);
