/**
 * The catalogue of engagement metrics: for each, the rows it is computed from
 * (sources.ts), its value and the people it covers per cell (the privacy floor
 * counts those), and how it may be grouped. Adding a metric = one entry here.
 */
import type { SourceName } from './sources.js';

export const GROUP_BYS = ['none', 'department', 'conversation_type', 'conversation', 'call_kind', 'app'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface MetricDef {
  name: string;
  description: string;
  unit: 'people' | 'count' | 'seconds' | 'ratio' | 'conversations' | 'calls';
  /** Additive figures read 0 where nothing happened; quantiles and ratios read null. */
  emptyValue: 0 | null;
  /** Per group-by, the source rows (a group other than none/department needs its column there). */
  sources: Partial<Record<GroupBy, SourceName>>;
  /** SQL aggregate of the cell's rows. */
  value: string;
  /** SQL condition on a row: its person is one the figure is about (the floor's k counts those). */
  covers: string;
}

const ALL_PEOPLE = 'uniqExact(user_id)';
const EVERYONE = '1';
const personDays = (column: string, description: string): MetricDef => ({
  name: column, description, unit: 'count', emptyValue: 0,
  sources: { none: 'person_days', department: 'person_days' },
  value: `sum(${column})`, covers: `${column} > 0`,
});
const quantile = (q: number, expr: string) => `quantileExactInclusive(${q})(${expr}) / 1000`;
const callSet = 'groupUniqArray((call_id, duration_s))';

const LIST: MetricDef[] = [
  {
    name: 'active_people', description: 'People who posted, reacted, took part in a call or used an app (DAU, WAU, MAU with period day, week, month)', unit: 'people', emptyValue: 0,
    sources: { none: 'person_days', department: 'person_days', conversation_type: 'person_types', conversation: 'conversations' },
    value: ALL_PEOPLE, covers: EVERYONE,
  },
  {
    name: 'messages', description: 'Messages sent', unit: 'count', emptyValue: 0,
    sources: { none: 'person_days', department: 'person_days', conversation_type: 'person_types', conversation: 'conversations' },
    value: 'sum(messages)', covers: 'messages > 0',
  },
  personDays('thread_replies', 'Replies in threads'),
  personDays('reactions', 'Reactions added'),
  personDays('mentions', 'Mentions of people in messages sent'),
  {
    name: 'after_hours_share', description: 'Share of messages sent outside working hours or on the weekend (tenant settings)', unit: 'ratio', emptyValue: null,
    sources: { none: 'person_days', department: 'person_days' },
    value: 'if(sum(messages) = 0, NULL, sum(after_hours_messages) / sum(messages))', covers: 'messages > 0',
  },
  {
    name: 'active_conversations', description: 'Conversations with at least one message', unit: 'conversations', emptyValue: 0,
    sources: { none: 'conversations', department: 'conversations', conversation_type: 'conversations' },
    value: 'uniqExact(conversation_id)', covers: EVERYONE,
  },
  {
    name: 'thread_reply_p50', description: 'Median time from a thread\'s first message to the first reply by someone else, by the day the thread started (seconds)', unit: 'seconds', emptyValue: null,
    sources: { none: 'threads', department: 'threads', conversation_type: 'threads', conversation: 'threads' },
    value: quantile(0.5, 'reply_ms'), covers: EVERYONE,
  },
  {
    name: 'thread_reply_p90', description: '90th percentile of the thread reply time (seconds)', unit: 'seconds', emptyValue: null,
    sources: { none: 'threads', department: 'threads', conversation_type: 'threads', conversation: 'threads' },
    value: quantile(0.9, 'reply_ms'), covers: EVERYONE,
  },
  {
    name: 'dm_reply_p50', description: 'Median time from the first direct message of a local day to the first message back from the other person that day (seconds)', unit: 'seconds', emptyValue: null,
    sources: { none: 'dm_replies', department: 'dm_replies' },
    value: quantile(0.5, 'reply_ms'), covers: EVERYONE,
  },
  {
    name: 'dm_reply_p90', description: '90th percentile of the direct-message reply time (seconds)', unit: 'seconds', emptyValue: null,
    sources: { none: 'dm_replies', department: 'dm_replies' },
    value: quantile(0.9, 'reply_ms'), covers: EVERYONE,
  },
  {
    name: 'calls', description: 'Calls that ended, on the local day they started', unit: 'calls', emptyValue: 0,
    sources: { none: 'calls', department: 'calls', call_kind: 'calls' },
    value: 'uniqExact(call_id)', covers: EVERYONE,
  },
  {
    name: 'call_seconds', description: 'Total duration of those calls (seconds)', unit: 'seconds', emptyValue: 0,
    sources: { none: 'calls', department: 'calls', call_kind: 'calls' },
    value: `arraySum(c -> c.2, ${callSet})`, covers: EVERYONE,
  },
  {
    name: 'call_duration_p50', description: 'Median call duration (seconds)', unit: 'seconds', emptyValue: null,
    sources: { none: 'calls', department: 'calls', call_kind: 'calls' },
    value: `arrayReduce('quantileExactInclusive(0.5)', arrayMap(c -> c.2, ${callSet}))`, covers: EVERYONE,
  },
  {
    name: 'call_participants', description: 'Distinct people who took part in calls', unit: 'people', emptyValue: 0,
    sources: { none: 'calls', department: 'calls', call_kind: 'calls' },
    value: ALL_PEOPLE, covers: EVERYONE,
  },
  {
    name: 'app_invocations', description: 'App and integration invocations (bots, Asana, Salesforce, Zapier, GitHub, ...)', unit: 'count', emptyValue: 0,
    sources: { none: 'apps', department: 'apps', app: 'apps' },
    value: 'sum(invocations)', covers: EVERYONE,
  },
  {
    name: 'app_users', description: 'Distinct people who used apps', unit: 'people', emptyValue: 0,
    sources: { none: 'apps', department: 'apps', app: 'apps' },
    value: ALL_PEOPLE, covers: EVERYONE,
  },
];

export const METRICS: ReadonlyMap<string, MetricDef> = new Map(LIST.map((m) => [m.name, m]));
export const METRIC_NAMES = LIST.map((m) => m.name) as [string, ...string[]];

/** The column of a source row a group-by reads ('' for none; the department comes from the join). */
export const GROUP_COLUMN: Record<GroupBy, string> = {
  none: "''",
  department: 'department',
  conversation_type: 'conversation_type',
  conversation: 'conversation_id',
  call_kind: 'call_kind',
  app: 'app_id',
};
