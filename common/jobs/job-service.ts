/**
 * What the API needs of the job runner (reports/jobs/job-runner.ts implements it).
 * The API may not import reports/, so the contract between them lives here.
 */
import type { Job, JobState } from './job-model.js';
import type { ListOrder } from '../queries/list-order.js';

export interface JobRequester {
  /** Pseudonym reference of the person or service (audit subject), or `system`. */
  subjectRef: string;
  kind: string;
}

export interface JobService {
  submit(tenant: string, kind: string, params: unknown, by: JobRequester, approvedBy?: string): Promise<Job>;
  get(tenant: string, id: string): Promise<Job>;
  cancel(tenant: string, id: string, by: JobRequester): Promise<Job>;
  list(tenant: string, o: { kind?: string; state?: JobState; limit: number; order?: ListOrder; before?: { createdAt: string; id: string } }): Promise<{ jobs: Job[]; total: number }>;
  /** Absolute path of one of a finished job's files, or undefined when it has no such file. */
  filePath(job: Job, name: string): string | undefined;
}
