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
import { retentionJobKind } from './retention/retention-job.js';

export function custosVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export function jobKinds(o: { dataDir: string }): AnyJobKind[] {
  const version = custosVersion();
  return [
    exportJobKind({ formats: FORMAT_WRITERS, packager: createExportPackager({ dataDir: o.dataDir, version }), generator: `custos ${version}` }),
    retentionJobKind({ dataDir: o.dataDir }),
  ];
}
