/**
 * Every state change of a job is written to the tenant's audit chain: who asked,
 * the job, the change and its outcome. Auditors see jobs like any other action.
 */
import type { AuditWriter } from '../../common/audit/index.js';
import type { Job, JobState } from '../../common/jobs/job-model.js';

const STATUS: Record<JobState, number> = { queued: 202, running: 200, done: 200, failed: 500, cancelled: 200 };

export type JobAuditor = (job: Job, from: JobState | null, by: { subjectRef: string; kind: string }) => Promise<void>;

export function createJobAuditor(audit: AuditWriter | undefined): JobAuditor {
  return async (job, from, by) => {
    if (!audit) return;
    await audit.append({
      tenant: job.tenant,
      timeMs: Date.parse(job.updatedAt),
      subjectRef: by.subjectRef,
      subjectKind: by.kind,
      roles: [],
      authMethod: by.kind === 'system' ? 'none' : 'job',
      operationId: 'jobStateChanged',
      action: `jobs:${job.state}`,
      httpMethod: 'JOB',
      route: `jobs/${job.kind}`,
      params: { job_id: job.id, kind: job.kind, from, to: job.state, attempt: job.attempt, ...(job.error ? { error: job.error.slice(0, 300) } : {}) },
      resultCount: job.progress.done,
      status: STATUS[job.state],
      ip: '',
      userAgent: '',
      requestId: `${job.id}#${job.version}`,
    });
  };
}
