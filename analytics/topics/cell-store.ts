/**
 * The topic cells (migrations/0017_topic_cells.sql, 0019): topic_messages summed per
 * local day (the tenant's time zone, as the engagement tables), conversation and
 * author. A run rebuilds the cells of every (conversation, local day) it wrote a row
 * for (an analysis, an edit's new analysis, a tombstone) from topic_messages FINAL, so
 * the cells are always those a full rebuild would give: incremental = full, edits and
 * deletions replace what they change. A run that finds the zone changed since the
 * cells were built rebuilds all of the tenant's (`all`).
 */
import type { Store } from '../../common/store/store.js';
import { notRestrictedRow } from '../../common/queries/restricted.js';
import { dayStarts, withLocalDay } from './topic-sql.js';

const COLUMNS = 'tenant, time, day, day_end, conversation_id, author_id, kind, term, form, messages, questions, rated, sentiment_sum';

/** Conversations a run wrote rows for (a prefilter on topic_messages' key). */
const TOUCHED_CONVERSATIONS = 'SELECT DISTINCT conversation_id FROM topic_messages WHERE tenant = {tenant:String} AND run_seq = {runSeq:UInt64}';

/** The (conversation, local day) pairs a run wrote rows for. */
const TOUCHED = `(conversation_id, day) IN (
  SELECT DISTINCT conversation_id, day FROM (${withLocalDay('SELECT conversation_id, time FROM topic_messages WHERE tenant = {tenant:String} AND run_seq = {runSeq:UInt64}')}))`;

/**
 * The cells' `time` (the start of their local day) within two days of the rows the run
 * wrote: lets a delete of the touched cells skip, by the table's key, the parts and
 * granules of other days instead of testing every cell of the tenant.
 */
const TOUCHED_TIMES = `time >= (SELECT min(time) - toIntervalDay(2) FROM topic_messages WHERE tenant = {tenant:String} AND run_seq = {runSeq:UInt64})
  AND time <= (SELECT max(time) + toIntervalDay(2) FROM topic_messages WHERE tenant = {tenant:String} AND run_seq = {runSeq:UInt64})`;

/**
 * A cheap superset of the rows of the touched (conversation, local day) pairs, read
 * before FINAL and before the join to the zone's offsets: the conversation and a UTC
 * date within two days of a date the run wrote in it (a local date is within a day of
 * the UTC date, both for the touched row and for the cell's other rows). Without it an
 * incremental run read every row of every touched conversation (all of them, when new
 * messages fall everywhere) with their term arrays. As a PREWHERE it drops rows before
 * FINAL; every row this run wrote passes, so a message's newest row is never dropped
 * while an older one is kept (its time is its creation time, the same in each).
 */
const NEAR_TOUCHED = `(conversation_id, toDate(time)) IN (
  SELECT DISTINCT conversation_id, arrayJoin([toDate(time) - 2, toDate(time) - 1, toDate(time), toDate(time) + 1, toDate(time) + 2]) AS near
  FROM topic_messages WHERE tenant = {tenant:String} AND run_seq = {runSeq:UInt64})`;

/**
 * The local dates of {days:Array(Date)} (those of the tenant's messages, a day wider
 * each side) with the UTC instants each starts and ends at, joined by date.
 */
const DAY_BOUNDS = `
  SELECT s.day AS day, s.day_start AS day_start, e.day_start AS day_end
  FROM (${dayStarts('SELECT arrayJoin({days:Array(Date)}) AS day')}) AS s
  INNER JOIN (SELECT day - 1 AS prev, day_start FROM (${dayStarts('SELECT arrayJoin({days:Array(Date)}) + 1 AS day')})) AS e ON e.prev = s.day`;

/**
 * Two statements, each one pass over topic_messages FINAL (the costly part): the
 * message cells, and the term, question-term and phrase cells together (one ARRAY
 * JOIN over the three lists, tagged by kind).
 */
function fill(all: boolean): string[] {
  // Restricted messages (an erasure met a hold) are never counted, whenever they were analysed.
  // Only the columns a pass needs go through the join to the zone's offsets (the term arrays are most of a row).
  const messages = (columns: string) => withLocalDay(`SELECT tenant, conversation_id, author_id, time, ${columns} FROM topic_messages FINAL ${all ? '' : `PREWHERE ${NEAR_TOUCHED}`} WHERE tenant = {tenant:String}
    ${all ? '' : `AND conversation_id IN (${TOUCHED_CONVERSATIONS})`} AND ${notRestrictedRow('message_versions')}`);
  const where = all ? '1' : TOUCHED;
  const insert = (kind: string, cells: string, figures: string) => `
    INSERT INTO topic_cells (${COLUMNS})
    SELECT c.tenant, b.day_start, c.day, b.day_end, c.conversation_id, c.author_id, ${kind}, ${figures}
    FROM (${cells}) AS c INNER JOIN (${DAY_BOUNDS}) AS b ON b.day = c.day`;
  const entries = `arrayConcat(
      arrayMap((t, f) -> ('term', t, f), terms, forms),
      if(is_question = 1, arrayMap((t, f) -> ('question-term', t, f), terms, forms), CAST([], 'Array(Tuple(String, String, String))')),
      arrayMap((t, f) -> ('phrase', t, f), phrases, phrase_forms))`;
  return [
    insert("'message'", `
      SELECT tenant, day, conversation_id, author_id, toUInt32(count()) AS n, toUInt32(countIf(is_question = 1)) AS q,
        toUInt32(countIf(sentiment IS NOT NULL)) AS r, sumIf(toFloat64(sentiment), sentiment IS NOT NULL) AS s
      FROM (${messages('is_question, sentiment')}) WHERE ${where} GROUP BY tenant, day, conversation_id, author_id`, "'', '', c.n, c.q, c.r, c.s"),
    insert('c.kind', `
      SELECT tenant, day, conversation_id, author_id, e.1 AS kind, e.2 AS term, e.3 AS form, toUInt32(count()) AS n
      FROM (${messages('is_question, terms, forms, phrases, phrase_forms')}) ARRAY JOIN ${entries} AS e WHERE ${where}
      GROUP BY tenant, day, conversation_id, author_id, kind, term, form`, 'c.term, c.form, c.n, 0, 0, 0'),
  ];
}

const DAY = 86_400_000;

/** Every date from the day before the tenant's first analysed message to the day after its last (offsets never exceed a day). */
async function tenantDays(store: Store, tenant: string): Promise<string[]> {
  const [r] = await store.query<{ first: string; last: string }>('topics: cell days',
    'SELECT toString(toDate(min(time))) AS first, toString(toDate(max(time))) AS last FROM topic_messages WHERE tenant = {tenant:String}', { tenant });
  if (!r || (r.first === '1970-01-01' && r.last === '1970-01-01')) return [];
  const days: string[] = [];
  for (let ms = Date.parse(`${r.first}T00:00:00Z`) - DAY; ms <= Date.parse(`${r.last}T00:00:00Z`) + DAY; ms += DAY) days.push(new Date(ms).toISOString().slice(0, 10));
  return days;
}

/** After a run's writes: the touched cells again; `all` (a full run, or a new zone): all of the tenant's. */
export async function rebuildCells(store: Store, tenant: string, runSeq: number, all: boolean): Promise<void> {
  const params = { tenant, runSeq, days: await tenantDays(store, tenant) };
  await store.command('topics: clear cells', `DELETE FROM topic_cells WHERE tenant = {tenant:String} AND ${all ? '1' : `${TOUCHED_TIMES} AND ${TOUCHED}`}`, params);
  for (const sql of fill(all)) await store.command('topics: fill cells', sql, params);
}

/** An excluded conversation's cells go with its rows. */
export async function deleteExcludedCells(store: Store, tenant: string, excluded: string[]): Promise<void> {
  await store.command('topics: delete excluded cells', 'DELETE FROM topic_cells WHERE tenant = {tenant:String} AND conversation_id IN {excluded:Array(String)}', { tenant, excluded });
}
