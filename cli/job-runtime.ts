/**
 * Builds the job runner for `serve` and the `jobs` commands. The audit writer is
 * passed in: one process must append to a tenant's chain through one writer, or
 * two cached heads would fork it.
 */
import { join } from 'node:path';
import { userInfo } from 'node:os';
import type { Config } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import type { Store } from '../common/store/store.js';
import type { AuditWriter } from '../common/audit/index.js';
import { loadPseudonymizer } from '../common/audit/index.js';
import { createJobAuditor } from '../reports/jobs/job-audit.js';
import { JobRunner, type Requester } from '../reports/jobs/job-runner.js';
import type { Job } from '../common/jobs/job-model.js';
import { jobKinds } from '../reports/job-kinds.js';

export function jobsDir(config: Config): string {
  return join(config.dataDir, 'jobs');
}

export function buildJobRunner(config: Config, store: Store, audit: AuditWriter, log: Logger, onProgress?: (job: Job) => void): JobRunner {
  return new JobRunner({
    store, log: log.child({ part: 'jobs' }), audit: createJobAuditor(audit), jobsDir: jobsDir(config),
    kinds: jobKinds({ dataDir: config.dataDir, minGroupSize: config.analytics.minGroupSize }), ...(onProgress ? { onProgress } : {}),
  });
}

/** The operator on the host, as an audit subject: `cli:<os user>`, pseudonymized like everyone else. */
export async function cliRequester(store: Store, audit: AuditWriter): Promise<Requester> {
  const subject = `cli:${userInfo().username}`;
  const ref = (await loadPseudonymizer(store)).refOf(subject);
  await audit.rememberSubject({ ref, subject, name: subject, kind: 'cli' });
  return { subjectRef: ref, kind: 'cli' };
}
