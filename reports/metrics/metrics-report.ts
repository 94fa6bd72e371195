/**
 * The report a `metrics` job writes: the summary and every metric of the catalogue
 * for the range, through the same reads and the same privacy floor as the API
 * (all departments: reports are run by operators and admins). A pure function of
 * the parameters and the store, so a re-run writes the same bytes.
 */
import { METRICS } from '../../analytics/catalogue.js';
import { readEngagement, type EngagementAnswer } from '../../analytics/engagement.js';
import { ALL_DEPARTMENTS } from '../../analytics/scope.js';
import { readSummary, type SummaryAnswer } from '../../analytics/summary.js';
import type { Store } from '../../common/store/store.js';
import type { MetricsParams } from './metrics-params.js';

export interface MetricsReport {
  tenant: string;
  from: string;
  to: string;
  period: MetricsParams['period'];
  group_by: MetricsParams['group_by'];
  k: number;
  summary: SummaryAnswer;
  metrics: EngagementAnswer[];
}

export async function buildMetricsReport(store: Store, tenant: string, p: MetricsParams, k: number, onMetric?: (done: number, total: number) => void): Promise<MetricsReport> {
  const summary = await readSummary(store, { tenant, from: p.from, to: p.to, k, scope: ALL_DEPARTMENTS });
  const metrics: EngagementAnswer[] = [];
  const names = [...METRICS.keys()];
  for (const metric of names) {
    metrics.push(await readEngagement(store, { tenant, metric, period: p.period, from: p.from, to: p.to, groupBy: p.group_by, k, scope: ALL_DEPARTMENTS }));
    onMetric?.(metrics.length, names.length);
  }
  return { tenant, from: p.from, to: p.to, period: p.period, group_by: p.group_by, k, summary, metrics };
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
function field(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One line per figure: metric, period start, group, value, why it is empty when hidden. Summary figures have period `summary`. */
export function metricsReportCsv(r: MetricsReport): string {
  const lines = [['metric', 'period', 'group', 'value', 'suppressed'].join(',')];
  const hiddenSummary = new Map(r.summary.suppressed.map((s) => [s.figure, s.reason]));
  for (const [figure, value] of Object.entries(r.summary.figures)) {
    lines.push([figure, 'summary', '', value, hiddenSummary.get(figure as never) ?? ''].map(field).join(','));
  }
  for (const m of r.metrics) {
    const why = new Map(m.suppressed.filter((s) => s.group !== null).map((s) => [`${s.period}\u0000${s.group}`, s.reason]));
    for (const s of m.series) {
      m.periods.forEach((period, i) => {
        lines.push([m.metric, period, s.group ?? '', s.values[i] ?? null, why.get(`${period}\u0000${s.group ?? ''}`) ?? ''].map(field).join(','));
      });
    }
  }
  return lines.join('\r\n') + '\r\n';
}
