/**
 * The rows every topic answer is computed from: each analysed message of the range
 * (newest analysis, deleted and excluded ones left out) with its period, its group
 * (the author's department when the message was written, from the directory's
 * history, '' when unknown; or its conversation), never its text. Periods are the
 * ISO weeks and months of local days in the tenant's time zone (analytics_local_time,
 * as the engagement tables use it; UTC for a tenant without settings).
 */
import type { AnalyticsScope } from '../scope.js';
import { notRestrictedRow } from '../../common/queries/restricted.js';

export type TopicPeriod = 'week' | 'month';
export type TopicGroupBy = 'none' | 'department' | 'conversation';

/** Over `day`, the local date every source row carries. */
export const PERIOD_EXPR: Record<TopicPeriod, string> = { week: 'toMonday(day)', month: 'toStartOfMonth(day)' };
const GROUP_EXPR: Record<TopicGroupBy, string> = { none: "''", department: 'department', conversation: 'conversation_id' };

export const NOT_EXCLUDED = `conversation_id NOT IN (
  SELECT conversation_id FROM topic_exclusions FINAL WHERE tenant = {tenant:String} AND excluded = 1)`;

/** Not a restricted message (an erased person's record a legal hold keeps: analytics never process it, GDPR Art. 18). */
export const NOT_RESTRICTED = notRestrictedRow('message_versions');

/** The tenant's zone as its UTC offsets from each transition on (analytics/settings.ts); no rows: UTC. */
const ZONE = 'SELECT tenant, from_time, offset_s FROM analytics_local_time WHERE tenant = {tenant:String}';

/**
 * `source` (rows with `time`) with `day`, the local date of `time` in the tenant's
 * zone: the offset in force at that instant, as the engagement views compute it
 * (migrations/0009). Without settings the join finds nothing and the offset is 0.
 */
export function withLocalDay(source: string): string {
  return `
  SELECT m.*, toDate(m.time + toIntervalSecond(z.offset_s)) AS day
  FROM (SELECT *, {tenant:String} AS zone_tenant FROM (${source})) AS m
  ASOF LEFT JOIN (${ZONE}) AS z ON z.tenant = m.zone_tenant AND m.time >= z.from_time`;
}

export { dayStarts } from '../local-day-starts.js';

/** Analysed messages in [{start}, {end}) (the UTC instants of the range's first local midnight and the one after it), with `day`. */
export const TOPIC_MESSAGES = withLocalDay(`
  SELECT conversation_id, message_id, author_id, time, terms, forms, phrases, phrase_forms, is_question, sentiment
  FROM topic_messages FINAL
  WHERE tenant = {tenant:String} AND time >= {start:DateTime64(3, 'UTC')} AND time < {end:DateTime64(3, 'UTC')} AND ${NOT_EXCLUDED} AND ${NOT_RESTRICTED}`);

/**
 * `source` (rows with author_id and time) with period, grp and user_id; the department
 * is joined when grouping by it or when the reader sees only some departments.
 */
export function groupedRows(source: string, period: TopicPeriod, groupBy: TopicGroupBy, scope: AnalyticsScope): string {
  const needsDepartment = groupBy === 'department' || scope.kind === 'departments';
  const joined = needsDepartment
    ? `SELECT m.*, dep.department AS department FROM (${source}) AS m
       ASOF LEFT JOIN (SELECT user_id, time, department FROM analytics_departments WHERE tenant = {tenant:String}) AS dep
       ON dep.user_id = m.author_id AND m.time >= dep.time`
    : `SELECT m.*, '' AS department FROM (${source}) AS m`;
  const inScope = scope.kind === 'departments' ? 'WHERE department IN {departments:Array(String)}' : '';
  return `SELECT *, author_id AS user_id, toString(${PERIOD_EXPR[period]}) AS period, toString(${GROUP_EXPR[groupBy]}) AS grp FROM (${joined}) ${inScope}`;
}

/**
 * Cells of [{start}, {end}) (migrations/0017_topic_cells.sql, 0019) of one kind, shaped
 * like messages for `groupedRows`: `day` is the cell's local date, `time` the last
 * millisecond of that local day (figures are `c_`-named, apart from the answers'
 * aliases), so the department joined is the one its author had at the end of that day
 * (a person whose department changed during a day is counted in the new one for that
 * whole day). Cells are chosen by their local date in [{firstDay}, {endDay}); `time`
 * (the instant the local day starts, the table's key) narrows the read first, two days
 * wider than the range so cells built in a zone the tenant has since left (until the
 * next run rebuilds them) are still read by their own dates.
 */
export function topicCells(kind: 'message' | 'term' | 'phrase' | 'question-term'): string {
  // An inner SELECT: an alias `time` beside the column would be what WHERE reads.
  return `
  SELECT *, c_day_end - toIntervalMillisecond(1) AS time FROM (
    SELECT conversation_id, author_id, term, form, messages AS c_messages, questions AS c_questions, rated AS c_rated, sentiment_sum AS c_sentiment_sum,
      day, day_end AS c_day_end
    FROM topic_cells
    WHERE tenant = {tenant:String} AND kind = '${kind}'
      AND time >= {start:DateTime64(3, 'UTC')} - toIntervalDay(2) AND time < {end:DateTime64(3, 'UTC')} + toIntervalDay(2)
      AND day >= {firstDay:Date} AND day < {endDay:Date} AND ${NOT_EXCLUDED})`;
}
