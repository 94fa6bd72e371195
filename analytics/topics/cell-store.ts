/**
 * The topic cells (migrations/0017_topic_cells.sql): topic_messages summed per UTC
 * day, conversation and author. A run rebuilds the cells of every (conversation,
 * day) it wrote a row for (an analysis, an edit's new analysis, a tombstone) from
 * topic_messages FINAL, so the cells are always those a full rebuild would give:
 * incremental = full, edits and deletions replace what they change.
 */
import type { Store } from '../../common/store/store.js';
import { notRestrictedRow } from '../../common/queries/restricted.js';

const DAY = "toDateTime64(toDate(time), 3, 'UTC')";
const COLUMNS = 'tenant, time, conversation_id, author_id, kind, term, form, messages, questions, rated, sentiment_sum';

/** The (conversation, day) pairs a run wrote rows for. */
const TOUCHED = `(conversation_id, ${DAY}) IN (
  SELECT DISTINCT conversation_id, ${DAY} FROM topic_messages WHERE tenant = {tenant:String} AND run_seq = {runSeq:UInt64})`;

function fill(where: string): string[] {
  // Restricted messages (an erasure met a hold) are never counted, whenever they were analysed.
  const from = `FROM topic_messages FINAL WHERE tenant = {tenant:String} AND ${where} AND ${notRestrictedRow('message_versions')}`;
  const terms = (kind: 'term' | 'phrase' | 'question-term', arrays: string, only = '') => `
    INSERT INTO topic_cells (${COLUMNS})
    SELECT tenant, ${DAY} AS day, conversation_id, author_id, '${kind}', term, form, toUInt32(count()), 0, 0, 0
    ${from.replace('WHERE', `ARRAY JOIN ${arrays} WHERE${only}`)}
    GROUP BY tenant, day, conversation_id, author_id, term, form`;
  return [
    `INSERT INTO topic_cells (${COLUMNS})
    SELECT tenant, ${DAY} AS day, conversation_id, author_id, 'message', '', '', toUInt32(count()), toUInt32(countIf(is_question = 1)),
      toUInt32(countIf(sentiment IS NOT NULL)), sumIf(toFloat64(sentiment), sentiment IS NOT NULL)
    ${from} GROUP BY tenant, day, conversation_id, author_id`,
    terms('term', 'terms AS term, forms AS form'),
    terms('phrase', 'phrases AS term, phrase_forms AS form'),
    terms('question-term', 'terms AS term, forms AS form', ' is_question = 1 AND'),
  ];
}

/** After a run's writes: the touched cells again (a full run: all of the tenant's). */
export async function rebuildCells(store: Store, tenant: string, runSeq: number, full: boolean): Promise<void> {
  const where = full ? '1' : TOUCHED;
  const params = { tenant, runSeq };
  await store.command('topics: clear cells', `DELETE FROM topic_cells WHERE tenant = {tenant:String} AND ${where}`, params);
  for (const sql of fill(where)) await store.command('topics: fill cells', sql, params);
}

/** An excluded conversation's cells go with its rows. */
export async function deleteExcludedCells(store: Store, tenant: string, excluded: string[]): Promise<void> {
  await store.command('topics: delete excluded cells', 'DELETE FROM topic_cells WHERE tenant = {tenant:String} AND conversation_id IN {excluded:Array(String)}', { tenant, excluded });
}
