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
import { applyPrivacyFloor, type Cell, type SuppressionReason } from './privacy-floor.js';
import type { AnalyticsScope } from './scope.js';
import { SOURCES, scopedRows } from './sources.js';
import { CONVERSATION_TYPES, peopleArraySql, personColumns } from './summary-people.js';

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

const TYPES = CONVERSATION_TYPES;

/** A figure over the whole range is one cell with nothing beside it: the floor needs only its people count. */
function figureColumns(name: string, m: MetricDef): string {
  return `${m.value} AS ${name}_value, uniqExactIf(user_id, ${m.covers}) AS ${name}_people`;
}

function rowsOf(source: keyof typeof SOURCES, scope: AnalyticsScope): string {
  return scope.kind === 'departments' ? scopedRows(SOURCES[source], scope.byPerson ? 'people' : 'in-scope') : SOURCES[source];
}

/**
 * The app-day rows summed per person first: its figures are a sum and a number of
 * distinct people, the same over one row per person, and the engine then hashes each
 * person once. The person-day rows go to the server the same way (summary-people.ts).
 */
function summaryRows(source: keyof typeof SOURCES, scope: AnalyticsScope): string {
  return source === 'apps' ? `SELECT user_id, sum(invocations) AS invocations FROM (${rowsOf(source, scope)}) GROUP BY user_id` : rowsOf(source, scope);
}

/**
 * One query: the person-day rows as one array of per-person counts (the server takes
 * their figures, summary-people.ts), and a single-row aggregate per other table, each
 * table read once but the conversation days (active conversations, and the
 * direct-message reply times), cross-joined.
 */
export function summarySql(scope: AnalyticsScope): string {
  const bySource = new Map<string, string[]>();
  for (const name of RANGE_METRICS) {
    const m = METRICS.get(name)!;
    const source = m.sources.none!;
    if (source === 'person_days') continue;
    bySource.set(source, [...(bySource.get(source) ?? []), figureColumns(name, m)]);
  }
  const parts = [`(${peopleArraySql(rowsOf('person_days', scope))}) AS s0`,
    ...[...bySource].map(([source, cols], i) => `(SELECT ${cols.join(',\n')} FROM (${summaryRows(source as keyof typeof SOURCES, scope)})) AS s${i + 1}`)];
  return `SELECT * FROM ${parts.join('\nCROSS JOIN ')}`;
}

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function readSummary(store: Store, q: { tenant: string; from: string; to: string; k: number; scope: AnalyticsScope }): Promise<SummaryAnswer> {
  checkRange(q.from, q.to);
  const figures = Object.fromEntries(SUMMARY_FIGURES.map((f) => [f, null])) as Record<SummaryFigure, number | null>;
  const suppressed: SummaryAnswer['suppressed'] = [];
  const empty = q.scope.kind === 'departments' && q.scope.departments.length === 0;
  const spans = { days: periodStarts(q.from, q.to, 'day').length, weeks: periodStarts(q.from, q.to, 'week').length, months: periodStarts(q.from, q.to, 'month').length };
  const read: Row = empty ? {} : (await store.query<Row>('analytics: summary', summarySql(q.scope), {
    tenant: q.tenant, from: q.from, to: q.to, ...scopeParams(q.scope),
  }))[0] ?? {};
  const row: Row = { ...read, ...personColumns(read.people, q.k, spans) };
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
