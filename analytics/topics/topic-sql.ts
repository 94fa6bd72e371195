/**
 * The rows every topic answer is computed from: each analysed message of the range
 * (newest analysis, deleted and excluded ones left out) with its period, its group
 * (the author's department when the message was written, from the directory's
 * history, '' when unknown; or its conversation), never its text. Periods are UTC
 * days, ISO weeks and months.
 */
import type { AnalyticsScope } from '../scope.js';
import { notRestrictedRow } from '../../common/queries/restricted.js';

export type TopicPeriod = 'week' | 'month';
export type TopicGroupBy = 'none' | 'department' | 'conversation';

export const PERIOD_EXPR: Record<TopicPeriod, string> = { week: 'toMonday(toDate(time))', month: 'toStartOfMonth(toDate(time))' };
const GROUP_EXPR: Record<TopicGroupBy, string> = { none: "''", department: 'department', conversation: 'conversation_id' };

export const NOT_EXCLUDED = `conversation_id NOT IN (
  SELECT conversation_id FROM topic_exclusions FINAL WHERE tenant = {tenant:String} AND excluded = 1)`;

/** Not a restricted message (an erased person's record a legal hold keeps: analytics never process it, GDPR Art. 18). */
export const NOT_RESTRICTED = notRestrictedRow('message_versions');

/** Analysed messages in [{start}, {end}). */
export const TOPIC_MESSAGES = `
  SELECT conversation_id, message_id, author_id, time, terms, forms, phrases, phrase_forms, is_question, sentiment
  FROM topic_messages FINAL
  WHERE tenant = {tenant:String} AND time >= {start:DateTime64(3, 'UTC')} AND time < {end:DateTime64(3, 'UTC')} AND ${NOT_EXCLUDED} AND ${NOT_RESTRICTED}`;

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
 * Cells of [{start}, {end}) (migrations/0017_topic_cells.sql) of one kind, shaped like
 * messages for `groupedRows`: `time` is the last millisecond of the cell's UTC day (figures are `c_`-named, apart from the
 * answers' aliases), so
 * the department joined is the one its author had at the end of that day (a person
 * whose department changed during a day is counted in the new one for that whole day).
 */
export function topicCells(kind: 'message' | 'term' | 'phrase' | 'question-term'): string {
  return `
  SELECT *, day + toIntervalMillisecond(86399999) AS time FROM (
    SELECT conversation_id, author_id, term, form, messages AS c_messages, questions AS c_questions, rated AS c_rated, sentiment_sum AS c_sentiment_sum, time AS day
    FROM topic_cells
    WHERE tenant = {tenant:String} AND kind = '${kind}' AND time >= {start:DateTime64(3, 'UTC')} AND time < {end:DateTime64(3, 'UTC')} AND ${NOT_EXCLUDED})`;
}
