/**
 * Engagement series: one metric, per period (local day, ISO week, month), per group,
 * read in one query from the analytics tables, through the privacy floor, shaped so
 * a chart draws it directly (one array of values per group, aligned on `periods`).
 */
import type { Store } from '../common/store/store.js';
import { GROUP_COLUMN, METRICS, type GroupBy, type MetricDef } from './catalogue.js';
import { applyPrivacyFloor, fewPeopleSql, type Cell, type Suppressed } from './privacy-floor.js';
import { periodStarts, type Period } from './periods.js';
import type { AnalyticsScope } from './scope.js';
import { SOURCES, scopedRows } from './sources.js';

export interface EngagementQuery {
  tenant: string;
  metric: string;
  period: Period;
  /** Local dates, inclusive. */
  from: string;
  to: string;
  groupBy: GroupBy;
  k: number;
  scope: AnalyticsScope;
}

export interface Series {
  /** null: everyone in scope (no grouping); '' under department: people without one in the directory. */
  group: string | null;
  values: (number | null)[];
}

export interface EngagementAnswer {
  metric: string;
  unit: MetricDef['unit'];
  period: Period;
  from: string;
  to: string;
  group_by: GroupBy;
  k: number;
  periods: string[];
  series: Series[];
  suppressed: Suppressed[];
}

export class AnalyticsInputError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

const PERIOD_SQL: Record<Period, string> = { day: 'day', week: 'toMonday(day)', month: 'toStartOfMonth(day)' };

interface CellRow {
  period: string;
  grp: string;
  value: number | string | null;
  people: number | string;
  few: string[];
}

/** The metric's rows for this grouping and scope, with the department joined when it is needed. */
export function metricRows(metric: MetricDef, groupBy: GroupBy, scope: AnalyticsScope): string {
  const source = metric.sources[groupBy];
  if (!source) throw new AnalyticsInputError('group_by', `metric ${metric.name} cannot be grouped by ${groupBy} (it can by ${Object.keys(metric.sources).join(', ')})`);
  // By department, a row needs its department of the day, so the join stays.
  if (scope.kind === 'departments') return scopedRows(SOURCES[source], scope.byPerson && groupBy !== 'department' ? 'people' : 'in-scope');
  return groupBy === 'department' ? scopedRows(SOURCES[source], 'all') : SOURCES[source];
}

export function cellSql(metric: MetricDef, groupBy: GroupBy, period: Period | 'range', scope: AnalyticsScope): string {
  const periodExpr = period === 'range' ? '{from:Date}' : PERIOD_SQL[period];
  return `
    SELECT toString(${periodExpr}) AS period, toString(${GROUP_COLUMN[groupBy]}) AS grp,
      ${metric.value} AS value, uniqExactIf(user_id, ${metric.covers}) AS people,
      if(people < {k:UInt32}, ${fewPeopleSql(metric.covers)}, []) AS few
    FROM (${metricRows(metric, groupBy, scope)})
    GROUP BY period, grp
    ORDER BY period, grp`;
}

export function toCell(r: CellRow): Cell {
  return { period: r.period, group: r.grp, value: r.value === null ? null : Number(r.value), people: Number(r.people), few: r.few };
}

export function scopeParams(scope: AnalyticsScope): Record<string, unknown> {
  return scope.kind === 'departments' ? { departments: scope.departments } : {};
}

/** Conversations that may be named: at least k members in the directory, or k people who posted in the range. */
async function nameableConversations(store: Store, q: EngagementQuery, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await store.query<{ id: string; members: number | string }>('analytics: conversation sizes', `
    SELECT c.conversation_id AS id, greatest(c.posters, ifNull(m.members, 0)) AS members
    FROM (SELECT conversation_id, uniqExact(user_id) AS posters FROM analytics_conversation_days
          WHERE tenant = {tenant:String} AND day BETWEEN {from:Date} AND {to:Date} AND conversation_id IN {ids:Array(String)}
          GROUP BY conversation_id) AS c
    LEFT JOIN (SELECT conversation_id, countIf(is_member) AS members FROM memberships_current
               WHERE tenant = {tenant:String} AND conversation_id IN {ids:Array(String)} GROUP BY conversation_id) AS m
    ON m.conversation_id = c.conversation_id`, { tenant: q.tenant, from: q.from, to: q.to, ids });
  return new Set(rows.filter((r) => Number(r.members) >= q.k).map((r) => r.id));
}

export function checkRange(from: string, to: string, maxDays = 3660): void {
  if (to < from) throw new AnalyticsInputError('to', 'to must not be before from');
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
  if (days >= maxDays) throw new AnalyticsInputError('to', `the range may cover at most ${maxDays} days`);
}

export async function readEngagement(store: Store, q: EngagementQuery): Promise<EngagementAnswer> {
  const metric = METRICS.get(q.metric);
  if (!metric) throw new AnalyticsInputError('metric', `unknown metric ${q.metric}`);
  checkRange(q.from, q.to);
  const sql = cellSql(metric, q.groupBy, q.period, q.scope);
  const rows = q.scope.kind === 'departments' && q.scope.departments.length === 0
    ? []
    : await store.query<CellRow>(`analytics: ${metric.name} by ${q.groupBy}`, sql, { tenant: q.tenant, from: q.from, to: q.to, k: q.k, ...scopeParams(q.scope) });
  const cells = rows.map(toCell);
  const nameable = q.groupBy === 'conversation' ? await nameableConversations(store, q, [...new Set(cells.map((c) => c.group))]) : undefined;
  const floor = applyPrivacyFloor(cells, q.k, nameable ? { unnamed: (g) => !nameable.has(g) } : {});
  return shapeSeries(metric, q, floor.shown, floor.suppressed);
}

/** One series per group that may be named, values aligned on the periods; hidden cells are null. */
export function shapeSeries(metric: MetricDef, q: EngagementQuery, shown: Cell[], suppressed: Suppressed[]): EngagementAnswer {
  const periods = periodStarts(q.from, q.to, q.period);
  const index = new Map(periods.map((p, i) => [p, i]));
  const groups = new Map<string, (number | null)[]>();
  const series = (g: string) => {
    let values = groups.get(g);
    if (!values) groups.set(g, (values = periods.map(() => metric.emptyValue)));
    return values;
  };
  if (q.groupBy === 'none') series('');
  for (const c of shown) series(c.group)[index.get(c.period)!] = c.value;
  for (const s of suppressed) if (s.group !== null) series(s.group)[index.get(s.period)!] = null;
  const ordered = [...groups.keys()].sort();
  return {
    metric: metric.name, unit: metric.unit, period: q.period, from: q.from, to: q.to, group_by: q.groupBy, k: q.k, periods,
    series: ordered.map((g) => ({ group: q.groupBy === 'none' ? null : g, values: groups.get(g)! })),
    suppressed,
  };
}
