/**
 * The `metrics` job: a CSV or JSON report of the engagement figures for a range
 * (metrics-report.ts), and `metrics-backfill`: rebuilds the tenant's analytics
 * tables from the archive with the views' own SQL (analytics/backfill.ts).
 * Both are idempotent: the report is a function of its parameters, the rebuild
 * clears the tenant's rows before it refills them.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backfillAnalytics } from '../../analytics/backfill.js';
import type { JobKind } from '../jobs/job-kind.js';
import { metricsBackfillParams, metricsParams, type MetricsParams } from './metrics-params.js';
import { buildMetricsReport, metricsReportCsv } from './metrics-report.js';

export function metricsJobKind(o: { minGroupSize: number }): JobKind<MetricsParams, undefined> {
  return {
    kind: 'metrics',
    params: metricsParams,
    async run(ctx) {
      const p = ctx.params;
      const report = await buildMetricsReport(ctx.store, ctx.job.tenant, p, o.minGroupSize, (done, total) => {
        ctx.progress(done, total);
        if (ctx.signal.aborted) throw ctx.signal.reason;
      });
      const body = p.format === 'csv' ? metricsReportCsv(report) : JSON.stringify(report, null, 2) + '\n';
      const name = `metrics-${ctx.job.tenant}-${p.from}-${p.to}.${p.format}`;
      const path = join(ctx.workDir, name);
      writeFileSync(path, body);
      const sha256 = createHash('sha256').update(body).digest('hex');
      const hidden = report.metrics.reduce((n, m) => n + m.suppressed.length, 0) + report.summary.suppressed.length;
      return { summary: { file: path, metrics: report.metrics.length, suppressed: hidden, k: report.k }, files: [{ name, bytes: Buffer.byteLength(body), sha256 }] };
    },
    describe: (outcome) => `metrics report: ${String(outcome.summary.metrics)} metrics, ${String(outcome.summary.suppressed)} figures hidden by the privacy floor (k = ${String(outcome.summary.k)})`,
  };
}

export function metricsBackfillJobKind(): JobKind<Record<string, never>, undefined> {
  return {
    kind: 'metrics-backfill',
    params: metricsBackfillParams,
    async run(ctx) {
      const started = Date.now();
      const r = await backfillAnalytics(ctx.store, ctx.job.tenant, { signal: ctx.signal, progress: (done, total) => ctx.progress(done, total) });
      return { summary: { views: r.views, seconds: Math.round((Date.now() - started) / 100) / 10 }, files: [] };
    },
    describe: (outcome) => `metrics backfill: ${String(outcome.summary.views)} views re-run over the archive in ${String(outcome.summary.seconds)} s`,
  };
}
