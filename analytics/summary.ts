/**
 * A dashboard's headline numbers for a range, in one query: each analytics table is
 * read once (a single-row aggregate per table, cross-joined), every figure through
 * the privacy floor as a cell of the whole range. The shares of messages per
 * conversation type are cells of one group-by, so the floor's difference rule also
 * keeps a hidden type from being worked out from the others and the total.
 */
import type { Store } from '../common/store/store.js';
import { METRICS, type MetricDef } from './catalogue.js';
import { checkRange, scopeParams } from './engagement.js';
import { periodStarts } from './periods.js';
import { applyPrivacyFloor, fewPeopleSql, type Cell, type SuppressionReason } from './privacy-floor.js';
import type { AnalyticsScope } from './scope.js';
import { SOURCES, scopedRows } from './sources.js';

/** The figures of the summary that are catalogue metrics over the whole range, read from their source in one pass per source. */
const RANGE_METRICS = [
  'active_people', 'messages', 'thread_replies', 'reactions', 'mentions', 'after_hours_share',
  'active_conversations', 'thread_reply_p50', 'thread_reply_p90', 'dm_reply_p50', 'dm_reply_p90',
  'calls', 'call_seconds', 'call_duration_p50', 'call_participants', 'app_invocations', 'app_users',
] as const;

export const SUMMARY_FIGURES = [...RANGE_METRICS, 'dau', 'wau', 'mau', 'stickiness', 'channel_share', 'private_share', 'dm_share', 'group_dm_share'] as const;
export type SummaryFigure = (typeof SUMMARY_FIGURES)[number];

export interface SummaryAnswer {
  from: string;
  to: string;
  k: number;
  figures: Record<SummaryFigure, number | null>;
  suppressed: Array<{ figure: SummaryFigure; reason: SuppressionReason }>;
}

const TYPES = ['channel', 'private', 'dm', 'group_dm'] as const;

/** A figure over the whole range is one cell with nothing beside it: the floor needs only its people count. */
function figureColumns(name: string, m: MetricDef): string {
  return `${m.value} AS ${name}_value, uniqExactIf(user_id, ${m.covers}) AS ${name}_people`;
}

function rowsOf(source: keyof typeof SOURCES, scope: AnalyticsScope): string {
  return scope.kind === 'departments' ? scopedRows(SOURCES[source], scope.byPerson ? 'people' : 'in-scope') : SOURCES[source];
}

/**
 * The person-day and app-day rows summed per person before the range's figures are
 * taken from them. Every figure of these sources is a sum of counts, a ratio of such
 * sums or a number of distinct people, and the people a figure covers are those with a
 * count above 0 (catalogue.ts): each is the same over one row per person as over the
 * person's rows, and the engine then hashes each person once (a row per person-day in
 * the range, ~36,000 at 1M messages over 28 days, to ~2,000 people) instead of once per
 * figure. The activity averages count each person's distinct days, weeks and months.
 */
const PER_PERSON: Partial<Record<keyof typeof SOURCES, string>> = {
  person_days: `SELECT user_id, ${['events', 'messages', 'thread_replies', 'mentions', 'after_hours_messages', 'reactions', 'calls', 'app_invocations',
    'channel_messages', 'private_messages', 'dm_messages', 'group_dm_messages'].map((c) => `sum(${c}) AS ${c}`).join(', ')},
    uniqExact(day) AS active_days, uniqExact(toMonday(day)) AS active_weeks, uniqExact(toStartOfMonth(day)) AS active_months`,
  apps: 'SELECT user_id, sum(invocations) AS invocations',
};

function summaryRows(source: keyof typeof SOURCES, scope: AnalyticsScope): string {
  const perPerson = PER_PERSON[source];
  return perPerson ? `${perPerson} FROM (${rowsOf(source, scope)}) GROUP BY user_id` : rowsOf(source, scope);
}

export function summarySql(scope: AnalyticsScope): string {
  const bySource = new Map<string, string[]>();
  for (const name of RANGE_METRICS) {
    const m = METRICS.get(name)!;
    const source = m.sources.none!;
    bySource.set(source, [...(bySource.get(source) ?? []), figureColumns(name, m)]);
  }
  // The same pass over the person rows gives the activity averages and each conversation type's cell.
  const activity = `sum(active_days) / {days:UInt32} AS dau_value, sum(active_weeks) / {weeks:UInt32} AS wau_value,
    sum(active_months) / {months:UInt32} AS mau_value,
    ${TYPES.map((t) => `sum(${t}_messages) AS type_${t}_value, uniqExactIf(user_id, ${t}_messages > 0) AS type_${t}_people,
    if(type_${t}_people < {k:UInt32}, ${fewPeopleSql(`${t}_messages > 0`)}, []) AS type_${t}_few`).join(',\n')}`;
  const parts = [...bySource].map(([source, cols], i) => {
    const extra = source === 'person_days' ? `, ${activity}` : '';
    return `(SELECT ${cols.join(',\n')}${extra} FROM (${summaryRows(source as keyof typeof SOURCES, scope)})) AS s${i}`;
  });
  return `SELECT * FROM ${parts.join('\nCROSS JOIN ')}`;
}

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function readSummary(store: Store, q: { tenant: string; from: string; to: string; k: number; scope: AnalyticsScope }): Promise<SummaryAnswer> {
  checkRange(q.from, q.to);
  const figures = Object.fromEntries(SUMMARY_FIGURES.map((f) => [f, null])) as Record<SummaryFigure, number | null>;
  const suppressed: SummaryAnswer['suppressed'] = [];
  const empty = q.scope.kind === 'departments' && q.scope.departments.length === 0;
  const row: Row = empty ? {} : (await store.query<Row>('analytics: summary', summarySql(q.scope), {
    tenant: q.tenant, from: q.from, to: q.to, k: q.k, ...scopeParams(q.scope),
    days: periodStarts(q.from, q.to, 'day').length, weeks: periodStarts(q.from, q.to, 'week').length, months: periodStarts(q.from, q.to, 'month').length,
  }))[0] ?? {};
  const show = (figure: SummaryFigure, value: number | null, people: number) => {
    if (people < q.k) suppressed.push({ figure, reason: 'fewer_than_k_people' });
    else figures[figure] = value;
  };
  for (const name of RANGE_METRICS) {
    const people = num(row[`${name}_people`]) ?? 0;
    const value = num(row[`${name}_value`]);
    show(name, people === 0 ? METRICS.get(name)!.emptyValue : value, people === 0 ? q.k : people);
  }
  const active = num(row.active_people_people) ?? 0;
  for (const f of ['dau', 'wau', 'mau'] as const) show(f, num(row[`${f}_value`]) ?? 0, active === 0 ? q.k : active);
  if (figures.dau !== null && figures.mau) figures.stickiness = figures.dau / figures.mau;
  else if (active > 0) suppressed.push({ figure: 'stickiness', reason: 'fewer_than_k_people' });
  sharesOf(row, q.k, figures, suppressed);
  return { from: q.from, to: q.to, k: q.k, figures, suppressed };
}

/** Share of messages per conversation type, the types being cells of one period under the floor. */
function sharesOf(row: Row, k: number, figures: SummaryAnswer['figures'], suppressed: SummaryAnswer['suppressed']): void {
  // A type nobody posted in is no cell (its share is 0), not a hidden one.
  const cells: Cell[] = TYPES.filter((t) => Number(row[`type_${t}_people`] ?? 0) > 0).map((t) => ({
    period: 'range', group: t, value: Number(row[`type_${t}_value`]), people: Number(row[`type_${t}_people`]), few: row[`type_${t}_few`] as string[],
  }));
  const total = cells.reduce((s, c) => s + (c.value ?? 0), 0);
  const floor = applyPrivacyFloor(cells, k);
  for (const t of TYPES) {
    const figure = `${t}_share` as SummaryFigure;
    const cell = floor.shown.find((c) => c.group === t);
    const hidden = floor.suppressed.find((s) => s.group === t);
    if (hidden) suppressed.push({ figure, reason: hidden.reason });
    else figures[figure] = total === 0 ? null : (cell?.value ?? 0) / total;
  }
}
