/**
 * The job kinds, in one small table: the runner, the CLI, the API and the scheduler
 * of `custos serve` serve every kind listed here (reports/README.md, step 4).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';
import type { AnyJobKind } from './jobs/job-kind.js';
import { exportJobKind } from './exports/export-job.js';
import { createExportPackager } from './exports/export-packager.js';
import { FORMAT_WRITERS } from './exports/formats/index.js';
import { backtestJobKind } from './supervision/backtest-job.js';
import { metricsBackfillJobKind, metricsJobKind } from './metrics/metrics-job.js';
import { retentionJobKind } from './retention/retention-job.js';
import { erasureJobKind } from './erasure/erasure-job.js';
import { accessJobKind } from './access/access-job.js';
import { topicsJobKind } from './topics/topics-job.js';

export function custosVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** `minGroupSize`: k of the analytics privacy floor (config CUSTOS_MIN_GROUP_SIZE, 5 when not given). */
export function jobKinds(o: { dataDir: string; minGroupSize?: number }): AnyJobKind[] {
  const version = custosVersion();
  return [
    exportJobKind({ formats: FORMAT_WRITERS, packager: createExportPackager({ dataDir: o.dataDir, version }), generator: `custos ${version}` }),
    backtestJobKind(),
    metricsJobKind({ minGroupSize: o.minGroupSize ?? 5 }),
    metricsBackfillJobKind(),
    retentionJobKind({ dataDir: o.dataDir }),
    erasureJobKind({ dataDir: o.dataDir }),
    accessJobKind({ dataDir: o.dataDir, version }),
    topicsJobKind(),
  ];
}
