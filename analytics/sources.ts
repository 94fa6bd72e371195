/**
 * The rows each figure is computed from: one SELECT per analytics table, each
 * with `day` (local) and `user_id` (the person the row counts for), so the
 * department join and the privacy floor work the same on all of them. Parameters:
 * {tenant:String}, {from:Date}, {to:Date}. Never a text column. The tables are
 * Summing/AggregatingMergeTree, merged lazily: a source whose figures are sums, minima
 * or distinct counts reads rows as stored (a person-day may be several rows until the
 * parts merge, and every figure over it is the same); one that pairs values of a key
 * (threads, direct-message days, calls) merges its rows first, with FINAL: the
 * engine merges the rows of a key as the table's own merge would (the same functions:
 * any, min, max, groupUniqArrayArray), in the order of the sorting key, which costs
 * about a third less than a GROUP BY of the same keys (docs/analytics.md).
 */
import { dayStarts } from './local-day-starts.js';

export type SourceName = 'person_days' | 'person_types' | 'conversations' | 'threads' | 'dm_replies' | 'calls' | 'apps';

export const SOURCES: Record<SourceName, string> = {
  // Summing rows are read as stored: sums and distinct counts do not need the parts merged first.
  person_days: `
    SELECT day, user_id, events, messages, thread_replies, mentions, after_hours_messages, reactions, calls, app_invocations,
      channel_messages, private_messages, dm_messages, group_dm_messages
    FROM analytics_person_days
    WHERE tenant = {tenant:String} AND day BETWEEN {from:Date} AND {to:Date}`,
  // A person's messages per conversation type (the person_days columns, unpivoted).
  person_types: `
    SELECT day, user_id, conversation_type, n AS messages
    FROM analytics_person_days
    ARRAY JOIN ['channel', 'private', 'dm', 'group_dm'] AS conversation_type, [channel_messages, private_messages, dm_messages, group_dm_messages] AS n
    WHERE tenant = {tenant:String} AND day BETWEEN {from:Date} AND {to:Date} AND n > 0`,
  conversations: `
    SELECT day, conversation_type, conversation_id, user_id, messages, first_time
    FROM analytics_conversation_days
    WHERE tenant = {tenant:String} AND day BETWEEN {from:Date} AND {to:Date}`,
  // One row per thread answered by someone other than its author, for the author.
  threads: `
    SELECT day, conversation_type, conversation_id, thread_id, root_author AS user_id,
      dateDiff('millisecond', root_time, first_reply) AS reply_ms
    FROM analytics_threads FINAL
    WHERE tenant = {tenant:String} AND day BETWEEN {from:Date} AND {to:Date}`,
  // One row per direct-message conversation per day with a message from each side:
  // from the day's first message to the first one of the other person, for the opener.
  dm_replies: `
    SELECT day, conversation_type, conversation_id, argMin(user_id, first_time) AS user_id,
      arraySort(groupArray(first_time)) AS firsts, dateDiff('millisecond', firsts[1], firsts[2]) AS reply_ms
    FROM (
      SELECT day, conversation_type, conversation_id, user_id, first_time
      FROM analytics_conversation_days FINAL
      WHERE tenant = {tenant:String} AND day BETWEEN {from:Date} AND {to:Date} AND conversation_type = 'dm')
    GROUP BY day, conversation_type, conversation_id
    HAVING length(firsts) >= 2`,
  // One row per participant of each ended call.
  calls: `
    SELECT day, call_id, call_kind, duration_s, user_id FROM (
      SELECT day, call_id, call_kind, duration_s, participants AS people
      FROM analytics_calls FINAL
      WHERE tenant = {tenant:String} AND day BETWEEN {from:Date} AND {to:Date})
    ARRAY JOIN people AS user_id`,
  apps: `
    SELECT day, app_id, user_id, invocations
    FROM analytics_app_days
    WHERE tenant = {tenant:String} AND day BETWEEN {from:Date} AND {to:Date}`,
};

/** The UTC instant each local day of the range ends at: the start of the next local date (local-day-starts.ts). */
const DAY_ENDS = `
  SELECT day - 1 AS day, day_start AS day_end
  FROM (${dayStarts('SELECT toDate({from:Date}) + number + 1 AS day FROM numbers(toUInt64(dateDiff(\'day\', {from:Date}, {to:Date}) + 1))')})`;

/**
 * `source` with the department its person had when the local day ended, from the
 * directory's history (analytics_departments): '' when the directory has none.
 */
export function withDepartment(source: string): string {
  return `
  SELECT p.*, dep.department AS department FROM (
    SELECT s.*, e.day_end AS day_end FROM (${source}) AS s INNER JOIN (${DAY_ENDS}) AS e ON e.day = s.day
  ) AS p
  ASOF LEFT JOIN (SELECT user_id, time, department FROM analytics_departments WHERE tenant = {tenant:String}) AS dep
  ON dep.user_id = p.user_id AND p.day_end > dep.time`;
}

/**
 * The rows of `source` a reader scoped to some departments may see: each row with its
 * person's department at the end of the day, kept when that department is in scope.
 * People who never had one of those departments in the directory are left out before
 * the join (most rows, for a manager of a few departments); the join decides the rest.
 */
export function scopedRows(source: string, departments: 'all' | 'in-scope' | 'people'): string {
  if (departments === 'all') return withDepartment(source);
  const candidates = `SELECT * FROM (${source}) WHERE user_id IN (
    SELECT user_id FROM analytics_departments WHERE tenant = {tenant:String} AND department IN {departments:Array(String)})`;
  // Every row of those people is in scope and none other (analytics/scope-people.ts): no join needed.
  if (departments === 'people') return candidates;
  return `SELECT * FROM (${withDepartment(candidates)}) WHERE department IN {departments:Array(String)}`;
}
